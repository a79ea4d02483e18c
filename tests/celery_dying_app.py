"""A Celery app for tests: the real task, except that a file named *poison* kills its worker process.

Run as `celery -A celery_dying_app worker` (tests on the path) by tests/test_celery_workers.py.
"""

from __future__ import annotations

import os
from typing import Any

from jixiao import pipeline, workers


def _check_or_die(name: str, data: bytes, settings: dict[str, Any]) -> dict[str, Any]:
    if "poison" in name:
        os._exit(9)  # the pool process dies holding the file, as a crash in a C library would
    return pipeline.check_bytes(name, data, settings)


app = workers.make_app(os.environ["JIXIAO_BROKER_URL"], _check_or_die, os.environ["JIXIAO_QUEUE"])
