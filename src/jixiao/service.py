"""The use cases, shared by the CLI, the web app and the task queue: the one facade over the core."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jixiao import extract, ingest
from jixiao.model.document import Document
from jixiao.model.report import Report


def parse_document(path: str | Path) -> Document:
    """Read one file into the document layer."""
    return ingest.read(path)


def parse_json(path: str | Path) -> dict[str, Any]:
    return parse_document(path).to_dict()


def extract_report(path: str | Path) -> Report:
    """Read one file and extract its typed self-evaluation report."""
    return extract.extract(ingest.read(path))


def extract_json(path: str | Path) -> dict[str, Any]:
    """`jixiao extract --format json`: the contract's shape plus the full typed report."""
    return extract.report_json(extract_report(path))
