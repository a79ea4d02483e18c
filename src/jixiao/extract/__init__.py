"""Document → Report: templates recognised by their header words, facts read from prose.

Public API: `extract(document) -> Report` (raises NotASelfEvaluation for documents that are not
self-evaluation reports) and `report_json(report) -> dict` (the contract's `jixiao extract` shape,
plus the full typed report under "report" so that it loads back losslessly).

Tables are read before prose, so a number stated in a table is the one kept when the prose states
the same fact again; a different value is kept as a conflict, never overwritten.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from jixiao.errors import NotASelfEvaluation
from jixiao.extract.flat import rebuild_tables
from jixiao.extract.form_fields import read_form_fields
from jixiao.extract.indicators import read_indicator_table, read_qualitative_targets
from jixiao.extract.labelled import read_labelled_table
from jixiao.extract.meta import (
    find_budget_code,
    find_department,
    find_document_kind,
    find_fiscal_year,
    find_implementing_unit,
    find_project,
    find_region,
    find_report_date,
    find_report_kind,
    find_title,
    find_title_region,
)
from jixiao.extract.narrative import TextUnit, item_budget_lines, read_narrative
from jixiao.extract.values import compact, normalize
from jixiao.model.document import Document, Paragraph, Provenance, Table
from jixiao.model.report import Fact, Layout, NarrativeSection, Project, Report, json_number

__all__ = ["extract", "report_json"]

# A self-evaluation names 绩效 and one of these; a contract or a novel that talks of money does not.
_REPORT_WORDS = ("自评", "评价", "指标", "目标")
_BUDGET_WORDS = ("预算", "决算", "三公", "财政拨款", "执行率", "经费")


def extract(document: Document) -> Report:
    """Read a Document into a typed Report."""
    file = document.source.path
    document = rebuild_tables(document)
    report = Report(source_path=file, source_sha256=document.source.sha256, source_format=document.source.format)
    report.warnings.extend(document.warnings)
    lines, pairs = _lines_and_pairs(document)
    table_facts, indicator_tables = _read_tables(document, report)
    units = _prose_units(document, indicator_tables)
    narrative = read_narrative(units, find_fiscal_year(lines), _is_budget_document(lines))
    for stated in narrative.facts:
        report.set_fact(stated.key, Fact(value=stated.value, unit=stated.unit, provenance=stated.provenance))
    for stated in narrative.comparison_years:
        report.comparison_years.append(Fact(value=stated.value, unit=stated.unit, provenance=stated.provenance))
    report.projects.extend(_merge_projects(narrative.projects, units))
    report.evaluators = _evaluators(document)
    report.sections = _sections(document)
    read_form_fields(document, report)
    _identity(report, lines, pairs, bool(report.projects))
    report.unit.layout = _layout(document, table_facts > 0 or bool(report.indicators))
    if not _has_budget_content(lines, report):
        raise NotASelfEvaluation(file, "未识别为绩效自评报告", "not recognised as a performance self-evaluation report")
    if not (report.facts() or report.indicators or report.projects):
        report.warnings.append("未读出任何金额、得分或绩效指标：表格为空，或版式未能识别")
    return report


# Figures of one project form; a page with several forms keeps each form's own as a project.
_FORM_KEYS = frozenset({"budget_initial", "budget_adjusted", "budget_executed", "execution_rate"})
_FORM_ONLY_KEYS = _FORM_KEYS | {"execution_weight", "execution_score", "self_score", "grade", "weight_total"}


def _read_tables(document: Document, report: Report) -> tuple[int, set[int]]:
    """Indicator tables, qualitative targets and labelled facts of every table.

    A page may hold several project forms one after another (a funds block after an indicator table
    starts the next): the first form's figures are the report's, every form is listed in `projects` with
    its own budget figures, so that two forms never read as one report stating its budget twice.
    Returns the number of facts read from tables and the indices of the indicator tables.
    """
    file = document.source.path
    count = 0
    indicator_tables: set[int] = set()
    first_table: Provenance | None = None
    title = ""
    forms: list[Project] = []  # the forms after the first, once a second one begins
    rows_in_form = False
    name_in_form: str | None = None
    first_name: str | None = None  # the first form's 项目名称
    for block in document.blocks:
        if isinstance(block, Paragraph):
            title = block.text
            continue
        labelled = read_labelled_table(block, file, title)
        name = _project_name(block) or name_in_form
        starts_form = any(f.key in _FORM_KEYS for f in labelled.found)
        # a funds block after an indicator table begins the next form, once a form has stated its own
        # (a page that opens with the tail of a form cut off above has no figures to keep apart)
        if starts_form and rows_in_form and any(report.fact(k) is not None for k in _FORM_KEYS):
            if not forms:  # the first form becomes a project too, with the report's figures
                forms.append(_form_project(first_name or "", report))
            forms.append(Project(name=name or "", provenance=block.provenance(file)))
            rows_in_form, name_in_form = False, None
        else:
            name_in_form = name
        current = forms[-1] if forms else None
        indicators = read_indicator_table(block, file)
        if indicators is not None:
            report.indicators.extend(indicators.rows)
            report.declared_weights.extend(indicators.declared)
            report.warnings.extend(indicators.warnings)
            totals = [
                ("weight_total", indicators.total_weight),
                ("grade", indicators.total_grade),
                ("self_score", indicators.total_score),
            ]
            for key, stated in totals:
                if stated is None:
                    continue
                if current is not None:
                    if key in ("self_score", "grade") and getattr(current, key) is None:
                        setattr(current, key, stated[0])
                    continue
                unit = "分" if key != "grade" else None
                report.set_fact(key, Fact(value=stated[0], unit=unit, provenance=stated[1]))
            indicator_tables.add(block.index)
            if indicators.rows:
                count += 1
                rows_in_form = True
                first_name = first_name if forms or first_name else name_in_form
                first_table = first_table or block.provenance(file)
        report.targets.extend(read_qualitative_targets(block, file))
        for found in labelled.found:
            if current is not None and found.key in _FORM_ONLY_KEYS:
                if found.key in _FORM_KEYS and getattr(current, found.key) is None:
                    setattr(current, found.key, found.value)
                continue
            report.set_fact(found.key, Fact(value=found.value, unit=found.unit, provenance=found.provenance))
            count += 1
        report.funds_sources.extend(labelled.funds_sources)
        report.projects.extend(labelled.projects)
    report.projects.extend(forms)
    if first_table is not None:  # the rows of every indicator table (a form may run over several)
        report.set_fact("indicator_count", Fact(value=len(report.indicators), unit="个", provenance=first_table))
    return count, indicator_tables


def _project_name(table: Table) -> str | None:
    """The 项目名称 a form's table states (项目名称 | 公务用车运行维护项目)."""
    for row in table.anchor_rows():
        texts = [c.text for c in row if c.text.strip()]
        for label, value in itertools.pairwise(texts):
            if compact(label) in ("项目名称", "专项名称"):
                return value.strip()
    return None


def _form_project(name: str, report: Report) -> Project:
    """The first form of a page of several, as a project with the figures the report took from it."""
    values = {key: _decimal(report.value(key)) for key in (*_FORM_KEYS, "self_score")}
    grade = report.value("grade")
    return Project(
        name=name,
        **{k: v for k, v in values.items() if v is not None},
        grade=grade if isinstance(grade, str) else None,
    )


def _decimal(value: object) -> Decimal | None:
    return Decimal(str(value)) if isinstance(value, int | Decimal) and not isinstance(value, bool) else None


def _prose_units(document: Document, indicator_tables: set[int]) -> list[TextUnit]:
    """Paragraphs, and table cells long enough to be prose (reports often put narrative in a cell)."""
    file = document.source.path
    units: list[TextUnit] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            units.append(TextUnit(block.text, block.provenance(file)))
            continue
        if block.index in indicator_tables:
            continue
        for cell in block.cells:
            if len(cell.text) >= 40 and re.search(r"\d", cell.text):
                for part in cell.text.split("\n"):
                    units.append(TextUnit(part, block.cell_provenance(cell, file)))
    return units


def _merge_projects(projects: list[Project], units: list[TextUnit]) -> list[Project]:
    """Numbered and listed projects, completed by the 其中 lines that name them."""
    by_name = {compact(p.name): p for p in projects}
    extra: dict[str, dict[str, Any]] = {}
    for name, key, amount, prov in item_budget_lines(units):
        project = by_name.get(compact(name))
        if project is not None:
            if getattr(project, key) is None:
                setattr(project, key, amount)
            continue
        entry = extra.setdefault(compact(name), {"name": name, "provenance": prov})
        entry.setdefault(key, amount)
    merged = list(projects)
    for entry in extra.values():
        if "budget_initial" in entry and "budget_adjusted" in entry:
            merged.append(Project(**entry))
    return merged


_SECTION_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十]+[章部分节])"
)


def _sections(document: Document) -> list[NarrativeSection]:
    """The prose under each numbered heading (一、… / （一）…), as the report is structured."""
    file = document.source.path
    sections: list[NarrativeSection] = []
    heading: Paragraph | None = None
    body: list[str] = []

    def close() -> None:
        if heading is not None:
            sections.append(
                NarrativeSection(heading=heading.text, text="\n".join(body), provenance=heading.provenance(file))
            )

    for paragraph in _prose_paragraphs(document):
        text = paragraph.text.strip()
        if _SECTION_HEADING.match(text) and len(text) <= 40 and "。" not in text:
            close()
            heading, body = paragraph, []
        elif heading is not None:
            body.append(text)
    close()
    return sections


def _prose_paragraphs(document: Document) -> Iterator[Paragraph]:
    """Paragraphs in reading order, and the paragraphs of a cell that holds a report's narrative (a form
    whose 评价报告综述 is one cell, as Word's text export gives Template A)."""
    for block in document.blocks:
        if isinstance(block, Paragraph):
            yield block
            continue
        for cell in block.cells:
            lines = [line for line in cell.text.split("\n") if line.strip()]
            if len(lines) >= 3 and sum(1 for line in lines if _SECTION_HEADING.match(line)) >= 2:
                for line in lines:
                    yield Paragraph(text=line, index=block.index, line=cell.line, page=cell.page or block.page)


def _lines_and_pairs(document: Document) -> tuple[list[str], dict[str, str]]:
    """Text lines in reading order (paragraphs and one-cell rows) and label → value pairs for identity."""
    lines: list[str] = []
    pairs: dict[str, str] = {}
    for block in document.blocks:
        if isinstance(block, Paragraph):
            if block.style == "sheet":
                continue  # a workbook's sheet name ("Sheet1") is not the document's text
            lines.extend(line for line in block.text.split("\n") if line.strip())
            _inline_label_pairs(block.text, pairs)
            continue
        for row in block.anchor_rows():
            texts = [c.text for c in row if c.text]
            if len(texts) == 1:
                lines.append(texts[0])
                _inline_label_pairs(texts[0], pairs)
            for label, value in itertools.pairwise(texts):
                pairs.setdefault(compact(label), value)
    return lines, pairs


_LABEL_PAIR = re.compile(r"([\u4e00-\u9fff()（）]{2,12})\s*[:：]\s*([^:：]{1,40}?)\s*(?=$|\s{2,})")


def _inline_label_pairs(text: str, pairs: dict[str, str]) -> None:
    """'填表人：李明华　　填报日期：2024年3月15日' → {填表人: 李明华, 填报日期: 2024年3月15日}."""
    for m in _LABEL_PAIR.finditer(text):
        pairs.setdefault(compact(m.group(1)), m.group(2).strip())


def _identity(report: Report, lines: list[str], pairs: dict[str, str], has_projects: bool) -> None:
    unit = report.unit
    unit.department = find_department(lines, pairs)
    unit.implementing_unit = find_implementing_unit(lines, pairs)
    unit.code = find_budget_code(lines, pairs)
    unit.project_name, unit.project_code = find_project(lines, pairs)
    text = normalize("".join(lines))
    unit.region, unit.division_code = find_region(unit.department, text)
    if unit.region is None:  # a bare 主管部门 or none: the implementing unit or the title may name the place
        unit.region, unit.division_code = find_region(unit.implementing_unit, text)
    if unit.region is None:
        unit.region, unit.division_code = find_title_region(lines)
    unit.fiscal_year = find_fiscal_year(lines)
    unit.report_date = find_report_date(lines, pairs)
    unit.report_kind = find_report_kind(lines, has_projects)
    unit.document_kind = find_document_kind(lines)


def _is_budget_document(lines: list[str]) -> bool:
    """A 预算 disclosure (2022年“三公”经费预算情况说明): it states budgets, no spending."""
    title = find_title(lines)
    return "预算" in title and not re.search(r"决算|执行|自评|评价|绩效|支出情况", title)


def _layout(document: Document, read_tables: bool) -> Layout:
    """table: a form; narrative: prose only; mixed: a report in prose that also states tables."""
    if not read_tables:
        return "narrative"
    sentences = sum(b.text.count("。") for b in document.paragraphs())
    headings = sum(1 for b in document.paragraphs() if len(b.text) <= 30 and _NUMBERED_HEADING.match(b.text))
    return "mixed" if sentences >= 5 or headings >= 3 else "table"


_NUMBERED_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+(?:\.\d+)*[.、．]?)\s*[\u4e00-\u9fff]"
)


def _evaluators(document: Document) -> list[str]:
    """Names under a 姓名 column of a table whose header also names 职务 or 单位 (评价人员)."""
    names: list[str] = []
    for table in document.tables():
        rows = table.anchor_rows()
        for index, row in enumerate(rows):
            labels = [compact(c.text) for c in row]
            if "姓名" in labels and any(lbl.startswith(("职务", "职称", "单位")) for lbl in labels):
                col = row[labels.index("姓名")].col
                for below in rows[index + 1 :]:
                    cell = next((c for c in below if c.col == col), None)
                    if cell is None or not cell.text.strip():
                        break
                    name = compact(cell.text)
                    if re.fullmatch(r"[\u4e00-\u9fff·]{2,5}", name):
                        names.append(name)
                return names
    return names


def _has_budget_content(lines: list[str], report: Report) -> bool:
    """Whether the document is about a budget at all: a self-evaluation, a document of its family, or
    budget wording. Only a document with none of these (a contract, a novel) is refused."""
    if not report.is_self_evaluation():
        return True
    text = normalize("".join(lines[:200]))
    if "绩效" in text and any(word in text for word in _REPORT_WORDS):
        return True
    return sum(word in text for word in _BUDGET_WORDS) >= 2


def report_json(report: Report) -> dict[str, Any]:
    """The contract's JSON shape for `jixiao extract`, plus the whole typed report under "report"."""
    facts = report.facts()
    unit = report.unit
    return {
        "source": {"path": report.source_path, "sha256": report.source_sha256, "format": report.source_format},
        "document": {
            "department": unit.department,
            "implementing_unit": unit.implementing_unit,
            "region": unit.region,
            "fiscal_year": unit.fiscal_year,
            "report_date": unit.report_date,
            "report_kind": unit.report_kind,
            "document_kind": unit.document_kind,
            "layout": unit.layout,
        },
        "facts": {key: json_number(fact.value) for key, fact in facts.items()},
        "provenance": {key: fact.provenance.to_dict() for key, fact in facts.items()},
        "indicators": [
            {
                "level1": row.level1,
                "level2": row.level2,
                "level3": row.level3,
                "target": row.target.text if row.target else "",
                "actual": row.actual.text if row.actual else "",
                "weight": json_number(row.weight),
                "score": json_number(row.score),
                "deviation_reason": row.deviation_reason,
                "provenance": row.provenance.to_dict(),
            }
            for row in report.indicators
        ],
        "projects": [
            {
                "name": p.name,
                "budget_initial": json_number(p.budget_initial),
                "budget_adjusted": json_number(p.budget_adjusted),
                "budget_executed": json_number(p.budget_executed),
                "execution_rate": json_number(p.execution_rate),
                "supplement": json_number(p.supplement),
                "amount": json_number(p.amount),
                "self_score": json_number(p.self_score),
                "grade": p.grade,
                "provenance": p.provenance.to_dict(),
            }
            for p in report.projects
        ],
        "evaluators": list(report.evaluators),
        "conflicts": [
            {
                "key": c.key,
                "kept": json_number(c.kept.value),
                "other": json_number(c.other.value),
                "kept_provenance": c.kept.provenance.to_dict(),
                "other_provenance": c.other.provenance.to_dict(),
            }
            for c in report.conflicts
        ],
        "warnings": list(report.warnings),
        "report": report.model_dump(mode="json"),
    }
