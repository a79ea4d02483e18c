"""The forms' non-numeric fields: contact, 填表人, the free-text cells and the 评价人员 with their roles.

A label cell followed by its value cell (联系人 | 何丽萍 | 联络电话 | 3739838; 评价结论（限200字）| …),
a full-width heading over its text (五、评价报告综述（文字部分）), a footer line (填表人：王敏 …).
Only what is written is kept: an empty cell leaves its field empty.
"""

from __future__ import annotations

import re

from jixiao.extract.values import compact
from jixiao.model.document import Cell, Document, Provenance, Table
from jixiao.model.report import Evaluator, Report

# field → label patterns (matched on the cell's text without spaces and without a "（限200字）" note)
_TEXT_LABELS: dict[str, re.Pattern[str]] = {
    "duties": re.compile(r"^(部门|单位)?职能职责(概述)?$"),
    "annual_work": re.compile(r"^年度主要工作(内容|任务)?$"),
    "performance_overview": re.compile(r"^年度.{0,8}总体运行情况(及取得的成绩)?$"),
    "conclusion": re.compile(r"^(自评|评价)结论$"),
    "problems": re.compile(r"^存在(的)?问题$"),
    "improvements": re.compile(r"^改进(意见|措施)$"),
}
_UNIT_LABELS: dict[str, re.Pattern[str]] = {
    "contact_person": re.compile(r"^联系人$"),
    "contact_phone": re.compile(r"^(联络|联系)电话$"),
    "form_filler": re.compile(r"^填表人$"),
}
_SUMMARY_HEADING = re.compile(r"评价报告综述")
_NOTE = re.compile(r"[（(](限|不超过)?\d+字(以内)?[)）]$|[（(]文字部分[)）]$|[（(]盖章[)）]$")
# a footer line: 填表人：王敏   填报日期：…   联系电话：0731-1234567
_FOOTER = {
    "form_filler": re.compile(r"填表人[:：][ \t\u3000]*([^\s:：]+)(?=\s|$)"),
    "contact_phone": re.compile(r"联系电话[:：][ \t\u3000]*([0-9０-９][0-9０-９\-－ ]{4,}[0-9０-９])"),
}


def _label(text: str) -> str:
    return _NOTE.sub("", compact(text))


def _is_label(text: str) -> bool:
    label = _label(text)
    return any(p.match(label) for p in (*_TEXT_LABELS.values(), *_UNIT_LABELS.values()))


def read_form_fields(document: Document, report: Report) -> None:
    """Fill `report.unit`'s contact fields, `report.texts` and `report.evaluator_details`."""
    file = document.source.path
    for table in document.tables():
        _read_label_cells(table, file, report)
    for paragraph in document.paragraphs():
        _read_footer(report, paragraph.text, paragraph.provenance(file))
    for table in document.tables():  # a sheet's footer is a row of the sheet
        for cell in table.cells:
            if "填表人" in cell.text:
                _read_footer(report, cell.text, table.cell_provenance(cell, file))
    report.evaluator_details = _evaluator_details(document)
    if not report.texts.review_summary:
        _summary_from_sections(report)


def _summary_from_sections(report: Report) -> None:
    """A 综述 written as prose after its heading (Template A as text): the heading's section and all after it."""
    for index, section in enumerate(report.sections):
        if _SUMMARY_HEADING.search(section.heading):
            parts = [section.text.strip()] + [f"{s.heading}\n{s.text.strip()}" for s in report.sections[index + 1 :]]
            report.texts.review_summary = "\n".join(p for p in parts if p)
            report.texts.provenance["review_summary"] = section.provenance
            return


def _read_footer(report: Report, text: str, where: Provenance) -> None:
    for name, pattern in _FOOTER.items():
        match = pattern.search(text)
        if match and not getattr(report.unit, name):
            setattr(report.unit, name, match.group(1).strip())
            report.unit.provenance[name] = where.with_text(match.group(0))


def _read_label_cells(table: Table, file: str, report: Report) -> None:
    rows = table.anchor_rows()
    for index, row in enumerate(rows):
        for position, cell in enumerate(row):
            label = _label(cell.text)
            if not label or len(label) > 30:
                continue
            if _SUMMARY_HEADING.search(label) and len(row) == 1:
                below = rows[index + 1] if index + 1 < len(rows) else []
                if len(below) == 1 and not _is_label(below[0].text):
                    _keep_text(report, "review_summary", below[0], table, file)
                continue
            value = row[position + 1] if position + 1 < len(row) else None
            if value is None or _is_label(value.text):
                continue
            for name, pattern in _TEXT_LABELS.items():
                if pattern.match(label):
                    _keep_text(report, name, value, table, file)
            for name, pattern in _UNIT_LABELS.items():
                if pattern.match(label) and value.text.strip() and not getattr(report.unit, name):
                    setattr(report.unit, name, value.text.strip())
                    report.unit.provenance[name] = table.cell_provenance(value, file).with_text(value.text)


# a form's printed guidance in an empty answer cell ("…分析存在的问题及原因。(200字以内)") is not an answer
_GUIDANCE = re.compile(r"[（(]\s*\d+\s*字以内\s*[)）]")


def _keep_text(report: Report, name: str, cell: Cell, table: Table, file: str) -> None:
    text = cell.text.strip()
    if text and not _GUIDANCE.search(text) and not getattr(report.texts, name):
        setattr(report.texts, name, text)
        report.texts.provenance[name] = table.cell_provenance(cell, file).with_text(text)


def _column(labels: list[str], *prefixes: str) -> int | None:
    return next((i for i, lbl in enumerate(labels) if lbl.startswith(prefixes)), None)


def _evaluator_details(document: Document) -> list[Evaluator]:
    """The rows of a 评价人员 table (姓名 | 职务/职称 | 单位 …), each with its role and unit as written."""
    for table in document.tables():
        rows = table.anchor_rows()
        for index, row in enumerate(rows):
            labels = [compact(c.text) for c in row]
            if "姓名" not in labels:
                continue
            title_at, unit_at = _column(labels, "职务", "职称"), _column(labels, "单位", "工作单位")
            if title_at is None and unit_at is None:
                continue
            cols = {"name": row[labels.index("姓名")].col}
            if title_at is not None:
                cols["title"] = row[title_at].col
            if unit_at is not None:
                cols["affiliation"] = row[unit_at].col
            return _evaluator_rows(table, rows[index + 1 :], cols, document.source.path)
    return []


def _evaluator_rows(table: Table, rows: list[list[Cell]], cols: dict[str, int], file: str) -> list[Evaluator]:
    out: list[Evaluator] = []
    for row in rows:
        by_col = {c.col: c for c in row}
        name_cell = by_col.get(cols["name"])
        if name_cell is None or not re.fullmatch(r"[\u4e00-\u9fff·]{2,5}", compact(name_cell.text)):
            break
        values = {key: compact(by_col[col].text) if col in by_col else "" for key, col in cols.items()}
        prov: Provenance = table.cell_provenance(name_cell, file)
        out.append(
            Evaluator(
                name=values["name"],
                title=values.get("title", ""),
                affiliation=values.get("affiliation", ""),
                provenance=prov.with_text(name_cell.text),
            )
        )
    return out
