"""Benchmark section for `make bench`: the hostile-file figures of `make fuzz` (scripts/fuzz.py).

A 10,000-case run takes minutes, so `make bench` keeps the section the last `make fuzz` wrote into
docs/benchmarks.md; only when there is none does it run a short set (JIXIAO_FUZZ_CASES, default 1000).

Standalone: .venv/bin/python scripts/bench_fuzz.py
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
sys.path.insert(0, str(SCRIPTS))

import fuzz  # noqa: E402 — a sibling script: the fuzz harness

PAGE = SCRIPTS.parent / "docs" / "benchmarks.md"


def last_section(page: Path = PAGE) -> str | None:
    """The fuzzing section of the page as the last `make fuzz` wrote it, if any."""
    if not page.is_file():
        return None
    match = re.search(re.escape(fuzz.SECTION) + r"\n.*?(?=\n## |\Z)", page.read_text(encoding="utf-8"), re.DOTALL)
    return match.group(0).rstrip("\n") + "\n" if match else None


def run() -> str:
    kept = last_section()
    if kept is not None:
        return kept
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-fuzz-"))
    try:
        seeds = fuzz.seed_files(workdir)
        cases = fuzz.plan(int(os.environ.get("JIXIAO_FUZZ_CASES", "1000")), [f for f in fuzz.SHARE if f in seeds])
        started = time.monotonic()
        results = fuzz.run_all(cases, seeds, workdir, 2, 30)
        return fuzz.section(results, 30, 2, time.monotonic() - started)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    print(run())
