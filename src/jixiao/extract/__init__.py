"""Document → Report: templates recognised by their header words, facts read from prose.

Public API: `extract(document) -> Report` (raises NotASelfEvaluation for documents that are not
self-evaluation reports) and `report_json(report) -> dict` (the contract's `jixiao extract` shape,
plus the full typed report under "report" so that it loads back losslessly).
"""

from __future__ import annotations

from typing import Any

from jixiao.model.document import Document
from jixiao.model.report import Report


def extract(document: Document) -> Report:
    """Read a Document into a typed Report. (Being written in this session.)"""
    raise NotImplementedError("extraction is being written")


def report_json(report: Report) -> dict[str, Any]:
    """The contract's JSON shape for `jixiao extract`."""
    raise NotImplementedError("extraction is being written")
