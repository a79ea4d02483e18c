"""Extraction measured against hand-verified labels (the seeds' labels/ format): precision and recall.

A label file names a document and states its facts, indicator rows, projects and identity fields.
A fact counts as right when the extracted value equals the labelled one (rates given as "52.61%" are
compared as 52.61); an extracted fact whose key the labels do not state is not judged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jixiao.extract import extract
from jixiao.extract.values import compact
from jixiao.ingest import read
from jixiao.model.report import Report

DOCUMENT_FIELDS = ("department", "region", "fiscal_year", "report_date", "report_kind")
INDICATOR_FIELDS = ("level1", "level2", "level3", "target", "actual", "weight", "score")
PROJECT_FIELDS = ("budget_initial", "budget_adjusted", "budget_executed", "execution_rate", "amount", "supplement")


@dataclass
class Tally:
    """Counts for one key (or one file): labelled, extracted and right."""

    labelled: int = 0
    extracted: int = 0
    right: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.labelled if self.labelled else 1.0


@dataclass
class Evaluation:
    per_file: dict[str, Tally] = field(default_factory=dict)
    per_key: dict[str, Tally] = field(default_factory=dict)
    mistakes: list[str] = field(default_factory=list)

    def total(self) -> Tally:
        out = Tally()
        for t in self.per_file.values():
            out.labelled += t.labelled
            out.extracted += t.extracted
            out.right += t.right
        return out


def as_number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = str(value).strip().rstrip("%")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def same(labelled: Any, extracted: Any) -> bool:
    a, b = as_number(labelled), as_number(extracted)
    if a is not None and b is not None:
        return a == b
    return compact(str(labelled)) == compact(str(extracted))


def evaluate(label_files: list[Path], documents_dir: Path) -> Evaluation:
    """Extract every labelled document and compare."""
    result = Evaluation()
    for label_file in label_files:
        labels = json.loads(label_file.read_text(encoding="utf-8"))
        name = labels["document"]
        report = extract(read(documents_dir / name))
        _compare(name, labels, report, result)
    return result


def _count(result: Evaluation, file: str, key: str, *, labelled: bool, extracted: bool, right: bool) -> None:
    for tally in (result.per_file.setdefault(file, Tally()), result.per_key.setdefault(key, Tally())):
        tally.labelled += labelled
        tally.extracted += extracted
        tally.right += right


def _check(result: Evaluation, file: str, key: str, expected: Any, got: Any) -> None:
    present = got is not None and got != ""
    right = present and same(expected, got)
    _count(result, file, key, labelled=True, extracted=present, right=right)
    if not right:
        result.mistakes.append(f"{file}: {key}: expected {expected!r}, got {got!r}")


def _compare(file: str, labels: dict[str, Any], report: Report, result: Evaluation) -> None:
    unit = report.unit
    for key in DOCUMENT_FIELDS:
        if key in labels:
            _check(result, file, f"document.{key}", labels[key], getattr(unit, key))
    if "format" in labels:
        _check(result, file, "document.layout", labels["format"], unit.layout)
    facts = report.facts()
    for key, expected in labels.get("facts", {}).items():
        fact = facts.get(key)
        _check(result, file, f"facts.{key}", expected, None if fact is None else fact.value)
    for index, row in enumerate(labels.get("indicators", []) or labels.get("indicator_rows", [])):
        got = report.indicators[index] if index < len(report.indicators) else None
        for key in INDICATOR_FIELDS:
            if key not in row:
                continue
            value: Any = None
            if got is not None:
                value = getattr(got, key)
                if key in ("target", "actual"):
                    value = value.text if value is not None else None
            _check(result, file, f"indicator.{key}", row[key], value)
    by_name = {compact(p.name): p for p in report.projects}
    for project in labels.get("projects", []):
        got_project = by_name.get(compact(project["name"]))
        _check(result, file, "project.name", project["name"], got_project.name if got_project else None)
        for key in PROJECT_FIELDS:
            if key in project:
                _check(result, file, f"project.{key}", project[key], getattr(got_project, key) if got_project else None)
    if "evaluators" in labels:
        _check(result, file, "evaluators", "、".join(labels["evaluators"]), "、".join(report.evaluators))


def format_evaluation(evaluation: Evaluation) -> str:
    lines = ["file                                      labelled extracted right precision recall"]
    for name, t in sorted(evaluation.per_file.items()):
        lines.append(f"{name:<42}{t.labelled:>8}{t.extracted:>10}{t.right:>6}{t.precision:>10.1%}{t.recall:>7.1%}")
    total = evaluation.total()
    lines.append(
        f"{'TOTAL':<42}{total.labelled:>8}{total.extracted:>10}{total.right:>6}"
        f"{total.precision:>10.1%}{total.recall:>7.1%}"
    )
    lines.append("")
    lines.append("key                                       labelled extracted right precision recall")
    for key, t in sorted(evaluation.per_key.items()):
        lines.append(f"{key:<42}{t.labelled:>8}{t.extracted:>10}{t.right:>6}{t.precision:>10.1%}{t.recall:>7.1%}")
    if evaluation.mistakes:
        lines.append("")
        lines.append("mistakes:")
        lines.extend(f"  {m}" for m in evaluation.mistakes)
    return "\n".join(lines)
