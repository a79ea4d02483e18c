"""Findings: what a consistency rule reports — a code, a severity, a Chinese message, the numbers it
compared and the places in the document they came from.

Plain frozen dataclasses: thousands are made per batch, and they carry `Provenance` unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from jixiao.model.document import Provenance
from jixiao.model.report import json_number

Number = Decimal | int


class Severity(StrEnum):
    """error: the document contradicts itself or a rule; warning: likely wrong or missing; info: look at it."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in one report."""

    code: str
    severity: Severity
    message: str
    numbers: tuple[Number, ...] = ()
    evidence: tuple[Provenance, ...] = ()
    name: str = ""  # the rule's name, e.g. sangong-over-budget

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON shape (`jixiao check --format json`)."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "numbers": [json_number(n) for n in self.numbers],
            "evidence": [_evidence_dict(p) for p in self.evidence],
        }


def _evidence_dict(prov: Provenance) -> dict[str, Any]:
    out = prov.to_dict()
    out.pop("file", None)  # the report's source path is given once per report
    return out


@dataclass(frozen=True, slots=True)
class Issue:
    """What a rule function yields: the rule's code and severity are added by the registry."""

    message: str
    numbers: tuple[Number, ...] = ()
    evidence: tuple[Provenance, ...] = field(default=())
    severity: Severity | None = None  # overrides the rule's default severity for this one issue
