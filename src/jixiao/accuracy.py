"""Extraction and checking measured against hand-verified labels (`labels/<document>.json`).

A labelled folder holds documents and a `labels/` directory in the shape of `../shared/seeds/labels/`.
Each document goes through the whole pipeline (read → extract → score → check) and is compared with
its label:

- **facts and identity**: right when the extracted value equals the labelled one (rates given as
  "52.61%" compare as 52.61); an extracted fact the label does not state is counted apart
  (`unlabelled`), so that it can be audited, not judged;
- **indicator rows**: labelled rows are aligned in order with the extracted ones by their level-3
  name (a missing or extra row does not shift the rest); a row is *intact* when every field the label
  gives for it is right;
- **findings**: an expected finding is found when one finding names all its key numbers; an
  error-level finding that matches no expected finding is a *false error*.

A document jixiao refuses counts every labelled value as missed. A trailing " (…)" after a labelled
text is the labeller's note (corpus README), not the document's, and is not compared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from jixiao.errors import JixiaoError
from jixiao.extract.values import compact
from jixiao.model.findings import Finding, Severity
from jixiao.model.report import IndicatorRow, Report
from jixiao.pipeline import analyse

DOCUMENT_FIELDS = ("department", "region", "fiscal_year", "report_date", "report_kind")
INDICATOR_FIELDS = ("level1", "level2", "level3", "target", "actual", "weight", "score")
PROJECT_FIELDS = ("budget_initial", "budget_adjusted", "budget_executed", "execution_rate", "amount", "supplement")
_LABELLER_NOTE = re.compile(r"\s+[(（][^()（）]*[)）]\s*$")
_SUPERVISOR_NOTE = re.compile(r"[(（]主管部门[:：]\s*([^()（）]+?)\s*[)）]")


@dataclass
class Tally:
    """Counts for one key, file, format or folder: labelled, extracted and right."""

    labelled: int = 0
    extracted: int = 0
    right: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.labelled if self.labelled else 1.0

    def add(self, other: Tally) -> None:
        self.labelled += other.labelled
        self.extracted += other.extracted
        self.right += other.right


@dataclass
class FileResult:
    """One labelled document compared with what jixiao made of it."""

    name: str
    format: str
    values: Tally = field(default_factory=Tally)
    rows_labelled: int = 0
    rows_intact: int = 0
    findings_expected: int = 0
    findings_found: int = 0
    false_errors: int = 0
    unlabelled_facts: int = 0
    refused: str = ""
    mistakes: list[str] = field(default_factory=list)


@dataclass
class Evaluation:
    files: list[FileResult] = field(default_factory=list)
    per_key: dict[str, Tally] = field(default_factory=dict)

    @property
    def mistakes(self) -> list[str]:
        return [f"{r.name}: {m}" for r in self.files for m in r.mistakes]

    def total(self) -> Tally:
        out = Tally()
        for r in self.files:
            out.add(r.values)
        return out

    def rows(self) -> tuple[int, int]:
        """(intact, labelled) indicator rows."""
        return sum(r.rows_intact for r in self.files), sum(r.rows_labelled for r in self.files)

    def findings(self) -> tuple[int, int, int]:
        """(found, expected, false errors)."""
        return (
            sum(r.findings_found for r in self.files),
            sum(r.findings_expected for r in self.files),
            sum(r.false_errors for r in self.files),
        )


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


def printed(labelled: Any) -> Any:
    """The labelled value without the labeller's trailing note in parentheses."""
    return _LABELLER_NOTE.sub("", labelled) if isinstance(labelled, str) else labelled


# The template's own numbering before a level-3 name ("指标1:") is not part of the name.
_ROW_NUMBERING = re.compile(r"^指标\s*\d+\s*[:：]")


def same(labelled: Any, extracted: Any) -> bool:
    a, b = as_number(labelled), as_number(extracted)
    if a is not None and b is not None:
        return a == b
    return _text_key(str(printed(labelled))) == _text_key(str(extracted))


def _text_key(text: str) -> str:
    return compact(_ROW_NUMBERING.sub("", compact(text)))


def label_files(folder: Path) -> list[Path]:
    return sorted((folder / "labels").glob("*.json"))


def load_corrections(path: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """The project's corrections of shared labels, by folder name ("corpus/real") and document."""
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {folder: docs for folder, docs in data.items() if not folder.startswith("_")}


def evaluate(
    labels: Iterable[Path], documents_dir: Path, corrections: dict[str, dict[str, Any]] | None = None
) -> Evaluation:
    """Run every labelled document through the pipeline and compare.

    `corrections` (document → field → value) replaces a label's field the project knows to be wrong; a
    value of None drops it (the document does not state it).
    """
    result = Evaluation()
    for label_file in labels:
        label = json.loads(label_file.read_text(encoding="utf-8"))
        name = label["document"]
        for key, value in (corrections or {}).get(name, {}).items():
            if key == "why":
                continue
            if value is None:
                label.pop(key, None)
            else:
                label[key] = value
        file = FileResult(name=name, format=Path(name).suffix.lstrip(".").lower())
        try:
            analysis = analyse(documents_dir / name)
        except JixiaoError as exc:
            file.refused = exc.one_line()
            file.mistakes.append(f"refused: {file.refused}")
            _compare(file, label, None, [], result.per_key)
        else:
            _compare(file, label, analysis.report, analysis.findings, result.per_key)
        result.files.append(file)
    return result


def _check(file: FileResult, per_key: dict[str, Tally], key: str, expected: Any, got: Any) -> bool:
    present = got is not None and got != ""
    # a label of "" or null says the cell is blank: right when nothing was read
    right = not present if expected in ("", None) else present and same(expected, got)
    blank = expected in ("", None)
    for tally in (file.values, per_key.setdefault(key, Tally())):
        tally.labelled += 1
        tally.extracted += present or blank  # reading a blank cell as blank is a reading too
        tally.right += right
    if not right:
        file.mistakes.append(f"{key}: expected {expected!r}, got {got!r}")
    return right


def _compare(
    file: FileResult, label: dict[str, Any], report: Report | None, findings: list[Finding], per_key: dict[str, Tally]
) -> None:
    for key in DOCUMENT_FIELDS:
        if key in label:
            expected = label[key]
            if key == "department" and isinstance(expected, str) and (m := _SUPERVISOR_NOTE.search(expected)):
                expected = m.group(1)  # "永德县明朗中学 (主管部门: 永德县教育体育局)": the department is the 主管部门
            _check(file, per_key, f"document.{key}", expected, getattr(report.unit, key) if report else None)
    if "format" in label:
        _check(file, per_key, "document.layout", label["format"], report.unit.layout if report else None)
    facts = report.facts() if report else {}
    labelled_facts: dict[str, Any] = label.get("facts", {})
    for key, expected in labelled_facts.items():
        fact = facts.get(key)
        _check(file, per_key, f"facts.{key}", expected, None if fact is None else fact.value)
    file.unlabelled_facts = len(set(facts) - set(labelled_facts)) if labelled_facts else 0
    _compare_rows(file, label.get("indicators", []) or label.get("indicator_rows", []), report, per_key)
    by_name = {compact(p.name): p for p in report.projects} if report else {}
    for project in label.get("projects", []):
        got = by_name.get(compact(project["name"]))
        _check(file, per_key, "project.name", project["name"], got.name if got else None)
        for key in PROJECT_FIELDS:
            if key in project:
                _check(file, per_key, f"project.{key}", project[key], getattr(got, key) if got else None)
    if "evaluators" in label:
        names = "、".join(report.evaluators) if report else None
        _check(file, per_key, "evaluators", "、".join(label["evaluators"]), names)
    _compare_findings(file, label.get("expected_findings", []), findings)


def _row_value(row: IndicatorRow | None, key: str) -> Any:
    if row is None:
        return None
    value = getattr(row, key)
    if key in ("target", "actual"):
        return value.text if value is not None else None
    return value


def align_rows(labelled: list[dict[str, Any]], extracted: list[IndicatorRow]) -> list[IndicatorRow | None]:
    """For each labelled row, the extracted row it stands for: same level-3 name, in order; a labelled
    row without a level-3 name takes the next extracted row."""
    out: list[IndicatorRow | None] = []
    start = 0
    for row in labelled:
        name = _text_key(str(printed(row.get("level3", ""))))
        match = None
        for i in range(start, len(extracted)):
            if not name or _text_key(extracted[i].level3) == name:
                match = i
                break
        if match is None:
            out.append(None)
            continue
        out.append(extracted[match])
        start = match + 1
    return out


def _compare_rows(
    file: FileResult, labelled: list[dict[str, Any]], report: Report | None, per_key: dict[str, Tally]
) -> None:
    aligned = align_rows(labelled, report.indicators if report else [])
    for row, got in zip(labelled, aligned, strict=True):
        file.rows_labelled += 1
        intact = True
        for key in INDICATOR_FIELDS:
            if key in row:
                intact &= _check(file, per_key, f"indicator.{key}", row[key], _row_value(got, key))
        file.rows_intact += intact


def _numbers(finding: Finding) -> set[Decimal]:
    """The finding's numbers, unsigned: labels name a decrease of 0.71 as 0.71."""
    out = set()
    for n in finding.numbers:
        value = as_number(n)
        if value is not None:
            out.add(abs(value).normalize())
    return out


# A labelled finding with no key numbers is matched by what it says: these words name the rule.
WORDS_TO_CODE = {
    "no grade": "JX505",
    "no overall self-evaluation score": "JX506",
    "no indicator table": "JX605",
    "no numeric target": "JX601",
    "template's instruction text": "JX611",
}


def finding_matches(expected: dict[str, Any], finding: Finding) -> bool:
    keys = {abs(k).normalize() for k in (as_number(n) for n in expected.get("key_numbers", [])) if k is not None}
    if keys:
        return keys <= _numbers(finding)
    if finding.severity.value != expected.get("severity"):
        return False
    return any(words in expected.get("what", "") and code == finding.code for words, code in WORDS_TO_CODE.items())


def _compare_findings(file: FileResult, expected: list[dict[str, Any]], findings: list[Finding]) -> None:
    matched: set[int] = set()
    for item in expected:
        file.findings_expected += 1
        hits = [i for i, f in enumerate(findings) if finding_matches(item, f)]
        if hits:
            file.findings_found += 1
            matched.update(hits)
        else:
            file.mistakes.append(f"finding not found: {item['what'][:90]}")
    for i, finding in enumerate(findings):
        if finding.severity is Severity.ERROR and i not in matched:
            file.false_errors += 1
            file.mistakes.append(f"unlabelled error {finding.code}: {finding.message[:90]}")


def _line(name: str, t: Tally, rows: tuple[int, int], found: tuple[int, int, int], refused: int) -> str:
    intact, labelled_rows = rows
    hit, expected, false_errors = found
    row_share = f"{intact / labelled_rows:.1%}" if labelled_rows else "-"
    find_share = f"{hit / expected:.1%}" if expected else "-"
    return (
        f"{name:<44}{t.labelled:>6}{t.extracted:>6}{t.right:>6}{t.precision:>8.1%}{t.recall:>8.1%}"
        f"{intact:>6}/{labelled_rows:<4}{row_share:>7}{hit:>5}/{expected:<4}{find_share:>7}{false_errors:>5}{refused:>5}"
    )


HEADER = (
    f"{'':<44}{'label':>6}{'read':>6}{'right':>6}{'prec':>8}{'recall':>8}{'rows intact':>18}"
    f"{'findings':>16}{'false':>5}{'refd':>5}"
)


def summary_line(name: str, files: list[FileResult]) -> str:
    part = Evaluation(files=files)
    return _line(name, part.total(), part.rows(), part.findings(), sum(bool(f.refused) for f in files))


def format_evaluation(evaluation: Evaluation, title: str = "", details: bool = True) -> str:
    lines = [f"== {title}" if title else "", HEADER]
    by_format: dict[str, list[FileResult]] = {}
    for f in evaluation.files:
        by_format.setdefault(f.format, []).append(f)
        if details:
            lines.append(summary_line(f"  {f.name[:42]}", [f]))
    for fmt, files in sorted(by_format.items()):
        lines.append(summary_line(f"format {fmt}", files))
    lines.append(summary_line("TOTAL", evaluation.files))
    if details:
        lines.append("")
        lines.append(f"{'key':<44}{'label':>6}{'read':>6}{'right':>6}{'prec':>8}{'recall':>8}")
        for key, t in sorted(evaluation.per_key.items()):
            lines.append(f"{key:<44}{t.labelled:>6}{t.extracted:>6}{t.right:>6}{t.precision:>8.1%}{t.recall:>8.1%}")
        if evaluation.mistakes:
            lines.append("")
            lines.append("mistakes:")
            lines.extend(f"  {m}" for m in evaluation.mistakes)
    return "\n".join(line for line in lines if line or details)
