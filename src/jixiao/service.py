"""The use cases, shared by the CLI, the web app and the task queue: the one facade over the core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jixiao import ingest
from jixiao.model.document import Document


def parse_document(path: str | Path) -> Document:
    """Read one file into the document layer."""
    return ingest.read(path)


def parse_json(path: str | Path) -> dict[str, Any]:
    return parse_document(path).to_dict()
