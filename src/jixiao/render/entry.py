"""The Excel entry template for units, and its import back into a typed Report.

`write_template(out, report=None)` writes a workbook with an instructions sheet, one sheet per part
of the report (unit, facts by vocabulary key, overall targets, declared weights, indicators,
projects, evaluators, narrative), data validation (level names from templates/entry/levels.toml,
directions, units, numbers), protected label cells and formulas showing totals as the unit types.
`import_template(path)` reads it back; every problem is listed by sheet, row and column in Chinese
and any problem means nothing is imported (`ImportProblems`).

Round trip: `import_template(write_template(report))` equals `report` in everything the template
holds (`entry_content(report)`: all but provenance and source bookkeeping).
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from jixiao.errors import CorruptFile, ImportProblems, JixiaoError, TooLarge, UnreadableFile
from jixiao.model.document import Provenance
from jixiao.model.report import (
    FACT_LABELS,
    FACT_SECTIONS,
    DeclaredWeight,
    Evaluator,
    Fact,
    FundsSource,
    IndicatorRow,
    NarrativeSection,
    ParsedValue,
    Project,
    QualitativeTarget,
    Report,
    Unit,
    fact_kind,
)
from jixiao.render.atomic import atomic_write
from jixiao.render.context import DIRECTION_SYMBOLS
from jixiao.render.forms import get_form, set_text_safe

LEVELS_FILE = Path(__file__).parent / "templates" / "entry" / "levels.toml"
MAX_ROWS = 500  # input rows offered on each list sheet
PRINTED_ROWS = 15  # empty input rows printed on a list sheet (not all 500)
FONT = "宋体"

SECTION_LABELS = {
    "staff": "人员",
    "funds": "预算与执行",
    "income": "收入",
    "expenditure": "支出与结余",
    "three_public": "“三公”经费",
    "fixed_assets": "固定资产",
    "summary": "得分与等次",
}
KIND_UNITS = {"money": "万元", "rate": "%", "score": "分", "count": "个/人", "year": "年", "text": "文字"}

# Formulas on the facts sheet: a computed value beside the stated one, updated as the unit types.
# key → (expression over other keys, as {key} placeholders)
FACT_FORMULAS: dict[str, str] = {
    "execution_rate": 'IF(N({budget_adjusted})>0,ROUND({budget_executed}/{budget_adjusted}*100,2),"")',
    "income_total": "{carryover}+{income_general_budget}+{income_fund_budget}+{income_special_account}+{income_other}",
    "expenditure_total": "{basic_expenditure}+{project_expenditure}",
    "basic_expenditure": "{personnel_expenditure}+{public_expenditure}",
    "three_public_total": "{reception}+{vehicle_operation}+{vehicle_purchase}+{overseas_travel}",
    "three_public_execution_rate": (
        'IF(N({three_public_budget})>0,ROUND({three_public_total}/{three_public_budget}*100,2),"")'
    ),
    "fixed_assets_total": "{fixed_assets_in_use}+{fixed_assets_leased}+{fixed_assets_other}",
    "self_score": "{execution_score}+指标分值!$H$2",
    "weight_total": "{execution_weight}+指标分值!$G$2",
}

KIND_NAMES = {"department_overall": "部门整体", "project": "项目", "mixed": "混合"}
LAYOUT_NAMES = {"table": "表格", "narrative": "叙述", "mixed": "混合"}
SYMBOL_DIRECTIONS = {symbol: key for key, symbol in DIRECTION_SYMBOLS.items()}


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = "text"  # text | number | int | level1 | level2 | direction | unit | level
    width: float = 14


@dataclass(frozen=True)
class ListSheet:
    """A sheet of rows starting at row 2 under a fixed header, one item per row."""

    title: str
    columns: tuple[Column, ...]


UNIT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("department", "部门（单位）名称", "text"),
    ("region", "地区", "text"),
    ("code", "预算编码 / 单位代码", "text"),
    ("fiscal_year", "年度", "int"),
    ("report_date", "报告日期（YYYY-MM-DD）", "text"),
    ("report_kind", "报告类型", "kind"),
    ("layout", "版式", "layout"),
    ("project_name", "项目名称（项目表）", "text"),
    ("implementing_unit", "实施单位（项目表）", "text"),
    ("contact_person", "联系人", "text"),
    ("contact_phone", "联系电话", "text"),
    ("form_filler", "填表人", "text"),
)
REQUIRED_UNIT_FIELDS = frozenset({"department", "fiscal_year"})
# The forms' free-text cells (report.texts), one row each on their own sheet.
TEXT_FIELDS: tuple[tuple[str, str], ...] = (
    ("duties", "职能职责概述"),
    ("annual_work", "年度主要工作内容"),
    ("performance_overview", "年度总体运行情况及取得的成绩"),
    ("review_summary", "评价报告综述（文字部分）"),
    ("conclusion", "评价结论"),
    ("problems", "存在问题"),
    ("improvements", "改进措施"),
)
TEXTS_SHEET = "文字说明"

TARGETS = ListSheet(
    "年度总体目标", (Column("预期目标", "expected", width=60), Column("实际完成情况", "achieved", width=60))
)
WEIGHTS = ListSheet(
    "指标分值",
    (
        Column("层级（1=一级 2=二级）", "level", "level", 12),
        Column("指标名称", "name", "text", 24),
        Column("声明分值", "points", "number", 12),
    ),
)
INDICATORS = ListSheet(
    "绩效指标",
    (
        Column("一级指标", "level1", "level1", 14),
        Column("二级指标", "level2", "level2", 18),
        Column("三级指标", "level3", "text", 30),
        Column("年度指标值", "target", "text", 18),
        Column("指标性质", "direction", "direction", 8),
        Column("度量单位", "unit", "unit", 8),
        Column("实际完成值", "actual", "text", 18),
        Column("分值", "weight", "points", 8),
        Column("得分", "score", "points", 8),
        Column("偏差原因分析及改进措施", "deviation_reason", "text", 30),
    ),
)
PROJECTS = ListSheet(
    "项目",
    (
        Column("项目名称", "name", "text", 30),
        Column("年初预算数", "budget_initial", "number"),
        Column("全年预算数", "budget_adjusted", "number"),
        Column("全年执行数", "budget_executed", "number"),
        Column("执行率（%）", "execution_rate", "number"),
        Column("追加预算", "supplement", "number"),
        Column("金额", "amount", "number"),
        Column("自评得分", "self_score", "number"),
        Column("评价等次", "grade", "text", 10),
    ),
)
FUNDS_SOURCES = ListSheet(
    "资金来源",
    (
        Column("资金来源（如 财政拨款、上年结转资金、其他资金）", "name", "text", 30),
        Column("年初预算数", "budget_initial", "number"),
        Column("全年预算数", "budget_adjusted", "number"),
        Column("全年执行数", "budget_executed", "number"),
    ),
)
EVALUATORS = ListSheet(
    "评价人员",
    (
        Column("姓名", "name", "text", 14),
        Column("职务/职称", "title", "text", 20),
        Column("单位", "affiliation", "text", 30),
    ),
)
SECTIONS = ListSheet("报告综述", (Column("标题", "heading", "text", 30), Column("内容", "text", "text", 90)))
LIST_SHEETS = (TARGETS, WEIGHTS, INDICATORS, PROJECTS, FUNDS_SOURCES, EVALUATORS, SECTIONS)
UNIT_SHEET = "单位信息"
FACTS_SHEET = "基本数据"
README_SHEET = "填报说明"
LISTS_SHEET = "_lists"
SHAPE_MARK = "jixiao-entry:"  # workbook category: the form the template feeds, read back by import


@dataclass(frozen=True)
class Shape:
    """The parts of the entry workbook a form asks for: the generic template has them all."""

    form_id: str
    name: str
    kind: str  # the form's report kind; "" for the generic template (the unit chooses it)
    unit_fields: tuple[tuple[str, str, str], ...]
    text_fields: tuple[tuple[str, str], ...]
    fact_keys: tuple[str, ...]
    list_sheets: tuple[ListSheet, ...]

    def has(self, sheet: ListSheet) -> bool:
        return any(s.title == sheet.title for s in self.list_sheets)


GENERIC = Shape("", "", "", UNIT_FIELDS, TEXT_FIELDS, tuple(FACT_SECTIONS), LIST_SHEETS)
# A form's placeholders that ask for a text field or a list sheet.
_TEXT_PLACEHOLDERS = {
    "duties": ("sec.duties", "texts.duties"),
    "annual_work": ("sec.work",),
    "performance_overview": ("sec.results",),
    "review_summary": ("sec.overview",),
    "conclusion": ("texts.conclusion",),
    "problems": ("texts.problems",),
    "improvements": ("texts.improvements",),
}
_SHEET_PLACEHOLDERS = {
    TARGETS.title: "r.expected",
    WEIGHTS.title: "r.level1_cell",
    INDICATORS.title: "r.level",
    FUNDS_SOURCES.title: "fs.",
    EVALUATORS.title: "r.name",
}


@cache
def shape_for(form_id: str = "") -> Shape:
    """The entry workbook shaped like a form: only the fields it prints (its template's placeholders)."""
    if not form_id:
        return GENERIC
    form = get_form(form_id)
    names = form.placeholders()
    unit = tuple(f for f in UNIT_FIELDS if f[0] in REQUIRED_UNIT_FIELDS or f"unit.{f[0]}" in names)
    texts = tuple(t for t in TEXT_FIELDS if any(n in names for n in _TEXT_PLACEHOLDERS[t[0]]))
    facts = tuple(k for k in FACT_SECTIONS if k in form.fact_keys())
    sheets = tuple(
        _indicator_columns(s, names) if s is INDICATORS else s
        for s in LIST_SHEETS
        if s.title in _SHEET_PLACEHOLDERS and any(n.startswith(_SHEET_PLACEHOLDERS[s.title]) for n in names)
    )
    return Shape(form.id, form.name, form.kind, unit, texts, facts, sheets)


# the indicator columns a form may not print (Template A has no 分值, 得分 or 偏差原因); they are the last
# columns of the sheet, so the others keep their letters
_OPTIONAL_INDICATOR_COLUMNS = {"weight": "r.weight", "score": "r.score", "deviation_reason": "r.deviation_reason"}


def _indicator_columns(sheet: ListSheet, names: frozenset[str]) -> ListSheet:
    columns = tuple(
        c
        for c in sheet.columns
        if c.field not in _OPTIONAL_INDICATOR_COLUMNS or _OPTIONAL_INDICATOR_COLUMNS[c.field] in names
    )
    return ListSheet(sheet.title, columns)


@cache
def allowed_levels() -> dict[str, tuple[str, ...]]:
    """Level-1 name → allowed level-2 names (data: templates/entry/levels.toml)."""
    data = tomllib.loads(LEVELS_FILE.read_text(encoding="utf-8"))
    return {k: tuple(v) for k, v in data["level2"].items()}


@cache
def unit_names() -> tuple[str, ...]:
    data = tomllib.loads(LEVELS_FILE.read_text(encoding="utf-8"))
    return tuple(data["units"]["names"])


def parse_value_text(text: str) -> ParsedValue:
    """A target or actual text → ParsedValue, with the extraction layer's parser when present."""
    try:
        from jixiao.extract.values import parse_target
    except ImportError:  # extraction not installed in this tree yet: keep the text
        return ParsedValue(text=text.strip())
    return parse_target(text)


# --- writing -----------------------------------------------------------------------------------


def write_template(out: str | Path, report: Report | None = None, rows: int = MAX_ROWS, form_id: str = "") -> Path:
    """Write the entry workbook (empty, or pre-filled from `report`) atomically to `out`; shaped like the
    form `form_id` when one is named, with every part of a report otherwise."""
    wb = build_workbook(report, rows, shape_for(form_id))
    return atomic_write(out, wb.save)


def build_workbook(report: Report | None = None, rows: int = MAX_ROWS, shape: Shape = GENERIC) -> Any:
    """The entry workbook; `rows` input rows are offered on each list sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    wb.properties.category = SHAPE_MARK + shape.form_id
    wb.properties.title = f"绩效自评填报模板 {shape.name}".strip()
    _readme(wb, shape)
    _lists(wb)
    _unit_sheet(wb, report, shape)
    if shape.text_fields:
        _texts_sheet(wb, report, shape)
    if shape.fact_keys:
        _facts_sheet(wb, report, shape)
    for sheet in shape.list_sheets:
        _list_sheet(wb, sheet, _items(sheet, report) if report is not None else [], rows)
    if shape.has(WEIGHTS) and shape.has(INDICATORS):
        _totals(wb, rows)
    wb.active = 0
    return wb


@cache
def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    thin = Side(style="thin", color="999999")
    return {
        "head_font": Font(name=FONT, bold=True, size=11),
        "font": Font(name=FONT, size=11),
        "fill_head": PatternFill("solid", fgColor="DDEBF7"),
        "fill_input": PatternFill("solid", fgColor="FFFFF0"),
        "fill_formula": PatternFill("solid", fgColor="EEEEEE"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "unlocked": Protection(locked=False),
        "wrap": Alignment(wrap_text=True, vertical="top"),
    }


def _readme(wb: Any, shape: Shape) -> None:
    ws = wb.create_sheet(README_SHEET)
    lines = [
        f"绩效自评填报模板（jixiao）{('：' + shape.name) if shape.name else ''}",
        "",
        "1. 只在浅黄色单元格中填写；标签、表头和公式单元格已保护，请勿增删工作表或改动表头。",
        "2. 金额一律以“万元”填写，比率以百分数的数值填写（52.61% 填 52.61），人数、个数填整数。",
        "3. 「基本数据」按行填写，每行一个数据项；不适用的项目留空（留空表示报告未说明，不是 0）。",
        "4. 「绩效指标」从第 2 行起连续逐行填写，中间不要留空行；一级、二级指标从下拉列表选择。",
        "5. 「指标分值」填写一级（及二级）指标的声明分值，如 产出指标 50；右侧公式显示各指标分值合计。",
        "6. 灰色单元格是自动计算的核对值（如 执行率 = 全年执行数 / 全年预算数），与填报值不一致时请核对。",
        "7. 填好后运行：jixiao import 本文件.xlsx ；有问题时会按“工作表、行、列”逐条列出，且不会部分导入。",
    ]
    styles = _styles()
    for i, line in enumerate(lines, start=1):
        cell = ws.cell(row=i, column=1, value=line or None)
        cell.font = styles["head_font"] if i == 1 else styles["font"]
    ws.column_dimensions["A"].width = 110
    ws.protection.sheet = True


def _lists(wb: Any) -> None:
    """Hidden sheet holding the validation lists (inline lists are limited to 255 characters)."""
    ws = wb.create_sheet(LISTS_SHEET)
    levels = allowed_levels()
    level2 = sorted({name for names in levels.values() for name in names})
    columns = [
        list(levels),
        level2,
        list(SYMBOL_DIRECTIONS),
        list(unit_names()),
        list(KIND_NAMES.values()),
        list(LAYOUT_NAMES.values()),
    ]
    for c, values in enumerate(columns, start=1):
        for r, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _list_ref(kind: str) -> str | None:
    levels = allowed_levels()
    n_level2 = len({name for names in levels.values() for name in names})
    refs = {
        "level1": f"{LISTS_SHEET}!$A$1:$A${len(levels)}",
        "level2": f"{LISTS_SHEET}!$B$1:$B${n_level2}",
        "direction": f"{LISTS_SHEET}!$C$1:$C${len(SYMBOL_DIRECTIONS)}",
        "unit": f"{LISTS_SHEET}!$D$1:$D${len(unit_names())}",
        "kind": f"{LISTS_SHEET}!$E$1:$E${len(KIND_NAMES)}",
        "layout": f"{LISTS_SHEET}!$F$1:$F${len(LAYOUT_NAMES)}",
    }
    return refs.get(kind)


def _validation(kind: str) -> Any | None:
    """The cell's data validation, its error alert shown (Excel and WPS refuse "10分" in a number cell)."""
    dv = _bare_validation(kind)
    if dv is not None:
        dv.showErrorMessage = True
        dv.errorTitle = "填写有误"
    return dv


def _bare_validation(kind: str) -> Any | None:
    from openpyxl.worksheet.datavalidation import DataValidation

    ref = _list_ref(kind)
    if ref is not None:
        dv = DataValidation(type="list", formula1=f"={ref}", allow_blank=True)
        dv.error = "请从下拉列表中选择"
        dv.errorStyle = "warning" if kind == "unit" else "stop"
        return dv
    if kind == "number":
        dv = DataValidation(type="decimal", operator="between", formula1="-1E12", formula2="1E12", allow_blank=True)
        dv.error = "请填写数字（不带单位，如 52.61）"
        return dv
    if kind == "points":
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="1000", allow_blank=True)
        dv.error = "分值、得分应为不小于 0 的数字（不带“分”字）"
        return dv
    if kind in ("int", "count", "year"):
        dv = DataValidation(type="whole", operator="between", formula1="-1E9", formula2="1E9", allow_blank=True)
        dv.error = "请填写整数"
        return dv
    if kind == "level":
        dv = DataValidation(type="list", formula1='"1,2"', allow_blank=True)
        dv.error = "层级只能是 1 或 2"
        return dv
    return None


def _header(ws: Any, headers: list[str], widths: list[float]) -> None:
    from openpyxl.utils import get_column_letter

    styles = _styles()
    for c, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        cell = ws.cell(row=1, column=c, value=text)
        cell.font = styles["head_font"]
        cell.fill = styles["fill_head"]
        cell.border = styles["border"]
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = "A2"


def _input(ws: Any, row: int, col: int, value: Any) -> None:
    """An unlocked, shaded input cell. The style is built once per workbook and copied: setting
    five style attributes on each of thousands of cells is what makes openpyxl slow."""
    from copy import copy

    cell = ws.cell(row=row, column=col)
    set_text_safe(cell, _excel_value(value))
    proto = getattr(ws.parent, "_jixiao_input_style", None)
    if proto is not None:
        cell._style = copy(proto)
        return
    styles = _styles()
    cell.protection = styles["unlocked"]
    cell.fill = styles["fill_input"]
    cell.border = styles["border"]
    cell.font = styles["font"]
    cell.alignment = styles["wrap"]
    ws.parent._jixiao_input_style = copy(cell._style)


def _excel_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _unit_sheet(wb: Any, report: Report | None, shape: Shape) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(UNIT_SHEET)
    _header(ws, ["项目", "键", "填写"], [28, 16, 50])
    unit = report.unit if report is not None else Unit()
    for r, (field, label, kind) in enumerate(shape.unit_fields, start=2):
        ws.cell(row=r, column=1, value=label)
        ws.cell(row=r, column=2, value=field)
        value: Any = getattr(unit, field)
        if kind == "kind":
            value = KIND_NAMES.get(value, value) if report is not None else None
        elif kind == "layout":
            value = LAYOUT_NAMES.get(value, value) if report is not None else None
        _input(ws, r, 3, value)
        dv = _validation(kind)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{get_column_letter(3)}{r}")
    ws.column_dimensions["B"].hidden = True  # the keys let import find each row; users need not see them
    _printable(ws)
    ws.protection.sheet = True


def _texts_sheet(wb: Any, report: Report | None, shape: Shape) -> None:
    ws = wb.create_sheet(TEXTS_SHEET)
    _header(ws, ["项目", "键", "填写"], [28, 16, 100])
    for r, (field, label) in enumerate(shape.text_fields, start=2):
        ws.cell(row=r, column=1, value=label)
        ws.cell(row=r, column=2, value=field)
        _input(ws, r, 3, getattr(report.texts, field) or None if report is not None else None)
        ws.row_dimensions[r].height = 60
    ws.column_dimensions["B"].hidden = True
    _printable(ws)
    ws.protection.sheet = True


def _printable(ws: Any, last_row: int | None = None) -> None:
    """A4 landscape, one page wide, the header row on every page, page numbers; only filled rows printed."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"
    ws.oddFooter.center.text = "&A 第 &P 页，共 &N 页"
    last = last_row or ws.max_row
    ws.print_area = f"A1:{get_column_letter(ws.max_column)}{last}"


def _facts_sheet(wb: Any, report: Report | None, shape: Shape) -> None:
    ws = wb.create_sheet(FACTS_SHEET)
    styles = _styles()
    _header(ws, ["分组", "项目", "键", "数值", "原文单位", "计量", "计算核对值"], [12, 30, 30, 16, 10, 8, 16])
    row_of = {key: r for r, key in enumerate(shape.fact_keys, start=2)}
    validations: dict[str, Any] = {}
    for key, r in row_of.items():
        kind = fact_kind(key)
        ws.cell(row=r, column=1, value=SECTION_LABELS[FACT_SECTIONS[key]])
        ws.cell(row=r, column=2, value=FACT_LABELS.get(key, key))
        ws.cell(row=r, column=3, value=key)
        ws.cell(row=r, column=6, value=KIND_UNITS[kind])
        fact = report.fact(key) if report is not None else None
        _input(ws, r, 4, None if fact is None else fact.value)
        _input(ws, r, 5, None if fact is None else fact.unit)
        vkind = {"money": "number", "rate": "number", "score": "number", "count": "int", "year": "int"}.get(kind)
        if vkind is not None:
            if vkind not in validations:
                validations[vkind] = _validation(vkind)
                ws.add_data_validation(validations[vkind])
            validations[vkind].add(f"D{r}")
        formula = FACT_FORMULAS.get(key)
        if formula is not None and _formula_fits(formula, row_of, shape):
            expr = formula.format(**{k: f"D{row_of[k]}" for k in row_of})
            cell = ws.cell(row=r, column=7, value=f"={expr}")
            cell.fill = styles["fill_formula"]
    ws.column_dimensions["C"].hidden = True
    _printable(ws)
    ws.protection.sheet = True


def _formula_fits(formula: str, row_of: dict[str, int], shape: Shape) -> bool:
    """A check formula goes on the sheet only when every value it adds up is asked for too."""
    import string

    keys = {name for _, name, _, _ in string.Formatter().parse(formula) if name}
    return keys <= set(row_of) and ("指标分值!" not in formula or shape.has(WEIGHTS))


def _items(sheet: ListSheet, report: Report) -> list[dict[str, Any]]:
    if sheet is TARGETS:
        return [t.model_dump() for t in report.targets]
    if sheet is WEIGHTS:
        return [w.model_dump() for w in report.declared_weights]
    if sheet.title == INDICATORS.title:
        items = []
        for row in report.indicators:
            target = row.target
            items.append(
                {
                    "level1": row.level1,
                    "level2": row.level2,
                    "level3": row.level3,
                    "target": target.text if target else None,
                    "direction": DIRECTION_SYMBOLS.get(target.direction or "") if target else None,
                    "unit": target.unit if target else None,
                    "actual": row.actual.text if row.actual else None,
                    "weight": row.weight,
                    "score": row.score,
                    "deviation_reason": row.deviation_reason,
                }
            )
        return items
    if sheet is PROJECTS:
        return [p.model_dump() for p in report.projects]
    if sheet is FUNDS_SOURCES:
        return [f.model_dump() for f in report.funds_sources]
    if sheet is EVALUATORS:
        details = {e.name: e for e in report.evaluator_details}
        return [
            {"name": n, "title": details[n].title, "affiliation": details[n].affiliation}
            if n in details
            else {"name": n}
            for n in report.evaluators
        ]
    return [s.model_dump() for s in report.sections]


def _list_sheet(wb: Any, sheet: ListSheet, items: list[dict[str, Any]], rows: int) -> None:
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(sheet.title)
    _header(ws, [c.header for c in sheet.columns], [c.width for c in sheet.columns])
    last = max(rows, len(items)) + 1
    for c, column in enumerate(sheet.columns, start=1):
        for r in range(2, last + 1):
            item = items[r - 2] if r - 2 < len(items) else {}
            value = item.get(column.field)
            _input(ws, r, c, value if value != "" else None)
        dv = _validation(column.kind)
        if dv is not None:
            ws.add_data_validation(dv)
            letter = get_column_letter(c)
            dv.add(f"{letter}2:{letter}{last}")
    _printable(ws, max(len(items), PRINTED_ROWS) + 1)
    ws.protection.sheet = True


def _totals(wb: Any, rows: int) -> None:
    """Formulas that show totals as the unit types: points per declared indicator, overall sums."""
    styles = _styles()
    ws = wb[WEIGHTS.title]
    n = len(WEIGHTS.columns)
    labels = ["下属指标分值合计", "下属指标得分合计"]
    for i, label in enumerate(labels):
        cell = ws.cell(row=1, column=n + 1 + i, value=label)
        cell.font = styles["head_font"]
        cell.fill = styles["fill_formula"]
    ind = f"'{INDICATORS.title}'"
    for r in range(2, rows + 2):
        # a name may be both a level-1 and a level-2 name (满意度指标 under 满意度指标): count a row once
        for i, col in enumerate(("H", "I")):
            sums = (
                f"SUMIF({ind}!$A:$A,B{r},{ind}!${col}:${col})"
                f'+SUMIFS({ind}!${col}:${col},{ind}!$B:$B,B{r},{ind}!$A:$A,"<>"&B{r})'
            )
            ws.cell(row=r, column=n + 1 + i, value=f'=IF(B{r}="","",{sums})').fill = styles["fill_formula"]
    # overall sums, referred to from the facts sheet (self_score, weight_total checks)
    ws.column_dimensions["D"].width = 16
    ws.column_dimensions["E"].width = 16
    ws.cell(row=1, column=7, value="全部指标分值合计").font = styles["head_font"]
    ws.cell(row=1, column=8, value="全部指标得分合计").font = styles["head_font"]
    ws.cell(row=2, column=7, value=f"=SUM({ind}!$H:$H)")
    ws.cell(row=2, column=8, value=f"=SUM({ind}!$I:$I)")
    # a declared 分值 that its rows do not add up to shows red as the unit types
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    red = PatternFill("solid", fgColor="FFC7CE")
    rule = FormulaRule(formula=['AND($C2<>"",$D2<>"",ROUND($C2-$D2,4)<>0)'], fill=red, stopIfTrue=False)  # type: ignore[no-untyped-call]
    ws.conditional_formatting.add(f"C2:D{rows + 1}", rule)


# --- reading -----------------------------------------------------------------------------------


class _Problems:
    """Collects problems as '工作表「X」第N行 C列（表头）：…' lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, sheet: str, row: int | None, col: int | None, header: str | None, message: str) -> None:
        from openpyxl.utils import get_column_letter

        where = f"工作表「{sheet}」"
        if row is not None:
            where += f"第{row}行"
        if col is not None:
            where += f" {get_column_letter(col)}列"
            if header:
                where += f"（{header}）"
        self.lines.append(f"{where}：{message}")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: Any) -> Decimal | None:
    """A cell as Decimal; None for blank; raises ValueError for text that is not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value).strip().replace(",", "").rstrip("%"))
    except InvalidOperation as exc:
        raise ValueError(str(value)) from exc


def _is_number(value: Decimal) -> bool:
    return value.is_finite()


def import_template(path: str | Path) -> Report:
    """Read a filled entry template; raise ImportProblems listing every problem (nothing imported).

    A file that cannot be opened at all raises the document layer's UnreadableFile errors instead."""
    from openpyxl import load_workbook

    path = Path(path)
    _guard(path)
    try:
        wb = load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise CorruptFile(path, f"无法作为 xlsx 打开（{type(exc).__name__}）", "not a readable xlsx workbook") from None
    problems = _Problems()
    report = Report(source_path=str(path), source_format="xlsx")
    shape = _shape_of(wb, problems)
    expected = [
        UNIT_SHEET,
        *([TEXTS_SHEET] if shape.text_fields else []),
        *([FACTS_SHEET] if shape.fact_keys else []),
        *[s.title for s in shape.list_sheets],
    ]
    missing = [name for name in expected if name not in wb.sheetnames]
    for name in missing:
        problems.add(name, None, None, None, "缺少该工作表（请使用 jixiao template 生成的模板，不要删除或改名工作表）")
    if UNIT_SHEET not in missing:
        _read_unit(wb[UNIT_SHEET], report, problems, str(path), shape)
    if shape.text_fields and TEXTS_SHEET not in missing:
        _read_texts(wb[TEXTS_SHEET], report, problems, str(path), shape)
    if shape.fact_keys and FACTS_SHEET not in missing:
        _read_facts(wb[FACTS_SHEET], report, problems, str(path), shape)
    readers: dict[str, Callable[[dict[str, Any], int, Provenance], None]] = {
        TARGETS.title: lambda item, r, prov: report.targets.append(
            QualitativeTarget(expected=item["expected"], achieved=item["achieved"], provenance=prov)
        ),
        FUNDS_SOURCES.title: lambda item, r, prov: report.funds_sources.append(
            FundsSource(**{k: v for k, v in item.items() if k != "_bad"}, provenance=prov)
        ),
        EVALUATORS.title: lambda item, r, prov: _add_evaluator(report, item, prov),
        SECTIONS.title: lambda item, r, prov: report.sections.append(
            NarrativeSection(heading=item["heading"], text=item["text"], provenance=prov)
        ),
    }
    for sheet in shape.list_sheets:
        if sheet.title in missing:
            continue
        for r, item, prov in _read_list(wb[sheet.title], sheet, problems, str(path)):
            if sheet is WEIGHTS:
                _add_weight(report, item, r, prov, problems)
            elif sheet.title == INDICATORS.title:
                _add_indicator(report, item, r, prov, problems)
            elif sheet is PROJECTS:
                _add_project(report, item, r, prov, problems)
            else:
                readers[sheet.title](item, r, prov)
    if problems.lines:
        raise ImportProblems(path, problems.lines)
    if shape.has(WEIGHTS):
        report.warnings.extend(_sums_that_disagree(report, wb))
    return report


def _shape_of(wb: Any, problems: _Problems) -> Shape:
    """The form the workbook was made for, as `write_template` recorded it (the generic one if none)."""
    mark = str(wb.properties.category or "")
    form_id = mark.removeprefix(SHAPE_MARK) if mark.startswith(SHAPE_MARK) else ""
    try:
        return shape_for(form_id)
    except JixiaoError:
        problems.add(README_SHEET, None, None, None, f"模板所属表单「{form_id}」未知，请重新用 jixiao template 生成")
        return GENERIC


def _add_evaluator(report: Report, item: dict[str, Any], prov: Provenance) -> None:
    report.evaluators.append(item["name"])
    if item.get("title") or item.get("affiliation"):
        report.evaluator_details.append(
            Evaluator(name=item["name"], title=item["title"], affiliation=item["affiliation"], provenance=prov)
        )


def _sums_that_disagree(report: Report, wb: Any) -> list[str]:
    """Declared 分值 that their rows do not add up to, and scores above their 分值: imported, but named
    (第N行 C列) so that the unit can look again; `jixiao check` judges them."""
    notes = _Problems()
    ws = wb[WEIGHTS.title]
    for r in range(2, ws.max_row + 1):
        name, points = _text(ws.cell(row=r, column=2).value), ws.cell(row=r, column=3).value
        if not name or points is None:
            continue
        rows = [i for i in report.indicators if name in (i.level1, i.level2)]
        weights = [i.weight for i in rows if i.weight is not None]
        declared = _number(points)
        if declared is None or not weights:
            continue
        total = sum(weights, Decimal(0))
        if total != declared:
            notes.add(
                WEIGHTS.title,
                r,
                3,
                "声明分值",
                f"「{name}」声明 {_plain(declared)} 分，其下指标分值合计 {_plain(total)} 分",
            )
    for index, row in enumerate(report.indicators, start=2):
        if row.weight is not None and row.score is not None and row.score > row.weight:
            notes.add(INDICATORS.title, index, 9, "得分", f"得分 {_plain(row.score)} 高于分值 {_plain(row.weight)}")
    return notes.lines


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))


def _guard(path: Path) -> None:
    """The document layer's limits before openpyxl sees the file: size, zip structure, zip bombs."""
    from jixiao.ingest.limits import Limits
    from jixiao.ingest.zipguard import check_archive, open_zip

    limits = Limits()
    if path.is_dir():
        raise UnreadableFile(path, "这是一个文件夹，不是文件", "is a directory, not a file")
    if not path.is_file():
        raise UnreadableFile(path, "文件不存在", "no such file")
    if path.stat().st_size > limits.max_file_bytes:
        raise TooLarge(path, "文件超过大小上限", f"file larger than {limits.max_file_bytes} bytes")
    with open_zip(path) as archive:
        check_archive(path, archive, limits)


def _check_header(ws: Any, headers: list[str], problems: _Problems) -> bool:
    ok = True
    for c, header in enumerate(headers, start=1):
        if _text(ws.cell(row=1, column=c).value) != header:
            problems.add(ws.title, 1, c, header, f"表头应为「{header}」，请勿改动表头")
            ok = False
    return ok


def _read_unit(ws: Any, report: Report, problems: _Problems, file: str, shape: Shape) -> None:
    if not _check_header(ws, ["项目", "键", "填写"], problems):
        return
    values: dict[str, Any] = {}
    if shape.kind:  # a form's template does not ask what kind of report it is: the form is of one kind
        values["report_kind"] = shape.kind
    for r, (field, label, kind) in enumerate(shape.unit_fields, start=2):
        if _text(ws.cell(row=r, column=2).value) != field:
            problems.add(ws.title, r, 2, "键", f"此行应为「{label}」（{field}），行被移动或改动")
            continue
        raw = ws.cell(row=r, column=3).value
        text = _text(raw)
        if not text:
            if field in REQUIRED_UNIT_FIELDS:
                problems.add(ws.title, r, 3, label, "必填项为空")
            continue
        if kind == "int":
            try:
                number = _number(raw)
            except ValueError:
                number = None
            if number is None or number != number.to_integral_value():
                problems.add(ws.title, r, 3, label, f"「{text}」不是整数年度")
                continue
            values[field] = int(number)
        elif kind == "kind":
            reverse = {v: k for k, v in KIND_NAMES.items()}
            if text not in reverse:
                problems.add(ws.title, r, 3, label, f"「{text}」不是允许的报告类型（{'、'.join(reverse)}）")
                continue
            values[field] = reverse[text]
        elif kind == "layout":
            reverse = {v: k for k, v in LAYOUT_NAMES.items()}
            if text not in reverse:
                problems.add(ws.title, r, 3, label, f"「{text}」不是允许的版式（{'、'.join(reverse)}）")
                continue
            values[field] = reverse[text]
        elif field == "report_date":
            date = _iso_date(raw)
            if date is None:
                problems.add(ws.title, r, 3, label, f"「{text}」不是 YYYY-MM-DD 格式的日期（如 2024-03-05）")
                continue
            values[field] = date
        else:
            values[field] = text
    report.unit = Unit(**values)
    _check_stray(ws, len(shape.unit_fields) + 1, 3, problems, limit_cols=3)


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _iso_date(raw: Any) -> str | None:
    """A date cell (Excel's own date) or text in YYYY-MM-DD as an ISO date; None for anything else."""
    if hasattr(raw, "date"):
        return str(raw.date().isoformat())
    match = _ISO_DATE.fullmatch(_text(raw))
    if match is None:
        return None
    try:
        return datetime.date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:  # 2024-02-30
        return None


def _read_texts(ws: Any, report: Report, problems: _Problems, file: str, shape: Shape) -> None:
    if not _check_header(ws, ["项目", "键", "填写"], problems):
        return
    for r, (field, label) in enumerate(shape.text_fields, start=2):
        if _text(ws.cell(row=r, column=2).value) != field:
            problems.add(ws.title, r, 2, "键", f"此行应为「{label}」（{field}），行被移动或改动")
            continue
        text = _text(ws.cell(row=r, column=3).value)
        if text:
            setattr(report.texts, field, text)
            report.texts.provenance[field] = Provenance(file=file, sheet=ws.title, row=r - 1, col=2, text=text)
    _check_stray(ws, len(shape.text_fields) + 1, 3, problems, limit_cols=3)


def _read_facts(ws: Any, report: Report, problems: _Problems, file: str, shape: Shape) -> None:
    headers = ["分组", "项目", "键", "数值", "原文单位", "计量", "计算核对值"]
    if not _check_header(ws, headers, problems):
        return
    keys = shape.fact_keys
    for r, key in enumerate(keys, start=2):
        if _text(ws.cell(row=r, column=3).value) != key:
            problems.add(
                ws.title, r, 3, "键", f"此行应为「{FACT_LABELS.get(key, key)}」（{key}），行被移动、插入或删除"
            )
            continue
        raw = ws.cell(row=r, column=4).value
        unit = _text(ws.cell(row=r, column=5).value) or None
        if raw is None or _text(raw) == "":
            if unit:
                problems.add(ws.title, r, 5, "原文单位", "填写了单位却没有数值")
            continue
        label = FACT_LABELS.get(key, key)
        kind = fact_kind(key)
        prov = Provenance(file=file, sheet=ws.title, row=r - 1, col=3, text=_text(raw))
        value: Decimal | int | str
        if kind == "text":
            value = _text(raw)
        else:
            try:
                number = _number(raw)
            except ValueError:
                problems.add(ws.title, r, 4, label, f"「{_text(raw)}」不是数字")
                continue
            assert number is not None
            if kind == "rate" and "%" in (ws.cell(row=r, column=4).number_format or ""):
                shown = _plain(number * 100)
                problems.add(
                    ws.title, r, 4, label, f"填成了百分比格式（显示 {shown}%，存为 {_plain(number)}），请填数值 {shown}"
                )
                continue
            if kind == "score" and number < 0:
                problems.add(ws.title, r, 4, label, f"「{_text(raw)}」小于 0")
                continue
            if kind in ("count", "year"):
                if number != number.to_integral_value():
                    problems.add(ws.title, r, 4, label, f"「{_text(raw)}」应为整数")
                    continue
                value = int(number)
            else:
                value = number
        report.set_fact(key, Fact(value=value, unit=unit, provenance=prov))
    _check_stray(ws, len(keys) + 1, 6, problems, limit_cols=7)


def _check_stray(ws: Any, last_row: int, last_input_col: int, problems: _Problems, limit_cols: int) -> None:
    """Values typed outside the template's rows or columns: rows added in the wrong place."""
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=max(ws.max_column, limit_cols)):
        for cell in row:
            if cell.value is None or _text(cell.value) == "":
                continue
            if cell.row > last_row or cell.column > limit_cols:
                problems.add(
                    ws.title,
                    cell.row,
                    cell.column,
                    None,
                    f"「{_text(cell.value)}」在模板的数据区域之外（行或列的位置不对）",
                )


def _read_list(
    ws: Any, sheet: ListSheet, problems: _Problems, file: str
) -> Iterator[tuple[int, dict[str, Any], Provenance]]:
    headers = [c.header for c in sheet.columns]
    if not _check_header(ws, headers, problems):
        return
    n = len(sheet.columns)
    formula_cols = 2 if sheet is WEIGHTS else 0
    rows: list[tuple[int, list[Any]]] = []
    blank_seen: int | None = None
    for r in range(2, ws.max_row + 1):
        values = [ws.cell(row=r, column=c).value for c in range(1, n + 1)]
        if all(_text(v) == "" for v in values):
            if blank_seen is None:
                blank_seen = r
            continue
        if blank_seen is not None:
            problems.add(
                ws.title, r, None, None, f"数据出现在第{blank_seen}行的空行之后（请从第2行起连续填写，不要隔行）"
            )
            continue
        rows.append((r, values))
    # anything right of the data columns (beyond the formula columns) is in the wrong place
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, min_col=n + formula_cols + 1):
        for cell in row:
            if sheet is WEIGHTS and cell.column in (7, 8) and cell.row <= 2:
                continue
            if cell.value is not None and _text(cell.value) != "":
                problems.add(ws.title, cell.row, cell.column, None, f"「{_text(cell.value)}」在模板的数据列之外")
    for r, values in rows:
        item: dict[str, Any] = {}
        bad = False
        for c, (column, raw) in enumerate(zip(sheet.columns, values, strict=True), start=1):
            if column.kind in ("number", "points"):
                try:
                    item[column.field] = _number(raw)
                except ValueError:
                    problems.add(ws.title, r, c, column.header, f"「{_text(raw)}」不是数字")
                    bad = True
                    continue
                value = item[column.field]
                if column.kind == "points" and value is not None and value < 0:
                    problems.add(ws.title, r, c, column.header, f"「{_text(raw)}」小于 0")
                    bad = True
            elif column.kind == "level":
                text = _text(raw)
                if text not in ("1", "2"):
                    problems.add(ws.title, r, c, column.header, f"「{text}」不是 1 或 2")
                    item[column.field] = 1
                    bad = True
                else:
                    item[column.field] = int(text)
            else:
                item[column.field] = _text(raw) if not isinstance(raw, str) else raw.strip()
        # a row with a bad cell is still checked further (level names ...): every problem is listed;
        # the import as a whole fails on any problem, so nothing partial is kept
        if bad:
            item = {c.field: item.get(c.field) for c in sheet.columns} | {"_bad": True}
        yield r, item, Provenance(file=file, sheet=ws.title, row=r - 1, col=0)


def _add_weight(report: Report, item: dict[str, Any], r: int, prov: Provenance, problems: _Problems) -> None:
    if not item["name"]:
        problems.add(WEIGHTS.title, r, 2, "指标名称", "指标名称为空")
        return
    if item["points"] is None:
        if not item.get("_bad"):
            problems.add(WEIGHTS.title, r, 3, "声明分值", "声明分值为空")
        return
    report.declared_weights.append(
        DeclaredWeight(level=item["level"], name=item["name"], points=item["points"], provenance=prov)
    )


_BARE_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _add_indicator(report: Report, item: dict[str, Any], r: int, prov: Provenance, problems: _Problems) -> None:
    levels = allowed_levels()
    title = INDICATORS.title
    level1, level2 = item["level1"], item["level2"]
    ok = True
    if not level1:
        problems.add(title, r, 1, "一级指标", "一级指标为空")
        ok = False
    elif level1 not in levels:
        problems.add(title, r, 1, "一级指标", f"「{level1}」不是允许的一级指标（{'、'.join(levels)}）")
        ok = False
    elif level2 and level2 not in levels[level1]:
        problems.add(
            title, r, 2, "二级指标", f"「{level2}」不是「{level1}」下允许的二级指标（{'、'.join(levels[level1])}）"
        )
        ok = False
    if not item["level3"]:
        problems.add(title, r, 3, "三级指标", "指标名称为空")
        ok = False
    direction = item["direction"]
    if direction and direction not in SYMBOL_DIRECTIONS:
        problems.add(title, r, 5, "指标性质", f"「{direction}」不是允许的指标性质（{'、'.join(SYMBOL_DIRECTIONS)}）")
        ok = False
    if not ok:
        return
    target = None
    if item["target"] or direction or item["unit"]:
        text = item["target"] or ""
        if _BARE_NUMBER.fullmatch(text) and direction:  # 12000 with ≥ and 平方米: the target is ≥12000平方米
            text = f"{direction}{text}{item['unit'] or ''}"
        target = parse_value_text(text)
        if direction:
            target.direction = SYMBOL_DIRECTIONS[direction]  # type: ignore[assignment]
        if item["unit"]:
            target.unit = item["unit"]
    actual = parse_value_text(item["actual"]) if item["actual"] else None
    cells = {
        c.field: Provenance(file=prov.file, sheet=title, row=r - 1, col=i) for i, c in enumerate(INDICATORS.columns)
    }
    report.indicators.append(
        IndicatorRow(
            level1=level1,
            level2=level2,
            level3=item["level3"],
            target=target,
            actual=actual,
            weight=item.get("weight"),
            score=item.get("score"),
            deviation_reason=item.get("deviation_reason", ""),
            provenance=prov,
            cells=cells,
        )
    )


def _add_project(report: Report, item: dict[str, Any], r: int, prov: Provenance, problems: _Problems) -> None:
    if not item["name"]:
        problems.add(PROJECTS.title, r, 1, "项目名称", "项目名称为空")
        return
    fields = {k: v for k, v in item.items() if k not in ("grade", "_bad")}
    report.projects.append(Project(**fields, grade=item["grade"] or None, provenance=prov))


def entry_content(report: Report) -> dict[str, Any]:
    """What the entry template holds of a report: everything but provenance and source bookkeeping."""
    data = report.model_dump(
        exclude={"source_path", "source_sha256", "source_format", "conflicts", "comparison_years", "warnings"}
    )
    data["unit"].pop("provenance", None)

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in ("provenance", "cells")}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    stripped: dict[str, Any] = strip(data)
    return stripped
