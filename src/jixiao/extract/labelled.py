"""Label–value tables: money tables under header bands, the funds block, and label/value pairs.

Three shapes, all read through the label lexicon:
- a header band (rows of labels) over data rows of numbers: Template A's 收入 / 支出和结余 / 三公 /
  固定资产 tables and the funds block (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分);
- a label cell followed by its value cell (人员编制 | 298 | 实有人数 | 285; 评价等次 | 优秀);
- "label：value" inside one cell (其中：一般公共预算：57954.3).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.extract.grid import Slot, distinct, provenance, table_rows
from jixiao.extract.indicators import STOP_LABELS
from jixiao.extract.lexicon import GENERIC_HEADERS, funds_column_role, indicator_column_role, table_label_key
from jixiao.extract.values import (
    compact,
    normalize,
    parse_amount,
    parse_count,
    parse_grade,
    parse_percent,
    parse_plain_number,
)
from jixiao.model.document import Provenance, Table
from jixiao.model.report import FACT_SECTIONS, FactValue, FundsSource, Project, fact_kind


@dataclass(frozen=True, slots=True)
class Found:
    """A fact read from a table, before it is stored in the report."""

    key: str
    value: FactValue
    unit: str | None
    provenance: Provenance


_FUNDS_ROW_LABELS = ("年度资金总额", "资金总额", "总额", "合计", "年度预算资金总额")
_FUNDS_KEYS = frozenset({"budget_initial", "budget_adjusted", "budget_executed", "execution_rate"})


def read_value(key: str, text: str, default_unit: str | None = "万元") -> tuple[FactValue, str | None] | None:
    """Parse a cell's text as the kind of value a fact key holds."""
    kind = fact_kind(key)
    if not text.strip():
        return None
    if kind == "count":
        count = parse_count(text)
        return None if count is None else (count, None)
    if kind == "rate":
        rate = parse_percent(text)
        if rate is None:
            plain = parse_plain_number(text)
            return None if plain is None else (plain, "%")
        return rate, "%"
    if kind == "score":
        score = parse_plain_number(text)
        return None if score is None else (score, "分")
    if kind == "text":
        grade = parse_grade(text)
        return None if grade is None else (grade, None)
    amount = parse_amount(text, default_unit)
    return None if amount is None else amount


@dataclass
class Labelled:
    """What a table states through labels: facts, the source rows of its funds block, and the rows of
    a projects list (项目名称 | 年初预算数 | 全年预算数 | 全年执行数 | 执行率)."""

    found: list[Found]
    funds_sources: list[FundsSource]
    projects: list[Project] = field(default_factory=list)


def read_labelled_table(table: Table, file: str, title: str = "") -> Labelled:
    """Every fact a table states through labels (header bands, label/value pairs, inline pairs)."""
    rows = table_rows(table)
    found: list[Found] = []
    sources: list[FundsSource] = []
    context = title
    band: list[list[Slot]] = []
    band_used = False  # a data row has been read under the band: the next label row starts a new one
    funds_columns: dict[int, str] | None = None
    funds_width = 0
    lists_projects = False  # the funds columns head a list of projects, one per row
    projects: list[Project] = []
    in_indicators = False
    for row in rows:
        cells = [s for s in distinct(row) if s.text]
        if not cells:
            continue
        if in_indicators:  # the indicator reader owns these rows; resume at its total row
            if not compact(cells[0].text).startswith(STOP_LABELS):
                continue
            in_indicators = False
        if len(cells) == 1 and band_used and table_label_key(cells[0].text, context) is not None:
            continue  # a data row left blank (因公出国（境）费 | | ): the band above still heads the rows below
        if len(cells) == 1 and not _is_value(cells[0].text):
            context = cells[0].text  # a title row, e.g. 年度收入情况（万元）
            band = []
            found.extend(_inline_pairs(table, cells[0], file))
            continue
        if _is_indicator_header(row):
            band, funds_columns, in_indicators = [], None, True
            continue
        if all(not _is_value(s.text) for s in cells):
            pairs = list(_pairs(table, row, file))
            if pairs:
                found.extend(pairs)
                band = []
                continue
            if band_used:
                band, band_used = [], False
            band.append(row)
            if (columns := _funds_columns(row)) is not None:
                funds_columns, funds_width = columns, len(row)
                lists_projects = compact(cells[0].text) in _PROJECT_NAME_LABELS
            for slot in cells:
                found.extend(_inline_pairs(table, slot, file))
            continue
        # a row with values
        offset = _funds_offset(row, funds_columns, funds_width) if funds_columns is not None else 0
        if funds_columns is not None and lists_projects and _values_in(row, funds_columns, offset):
            projects.append(_project(table, row, funds_columns, offset, file))
            continue
        if funds_columns is not None and _is_funds_total(row):
            found.extend(_funds_row(table, row, funds_columns, offset, file))
            band = []
        elif funds_columns is not None and _values_in(row, funds_columns, offset) >= 2:
            # a source row of the funds block (财政拨款, 上年结转资金 ...): its own record, not a report fact
            sources.append(_funds_source(table, row, funds_columns, offset, file))
            continue
        elif band and (under_band := list(_band_row(table, band, row, context, file))):
            found.extend(under_band)
            band_used = True
        else:
            found.extend(_pairs(table, row, file))
        for slot in cells:
            found.extend(_inline_pairs(table, slot, file))
    return Labelled(found, sources, projects)


def _funds_offset(row: list[Slot], columns: dict[int, str], header_width: int) -> int:
    """How far a funds row's cells stand from its header's: a row wider than its header has leading
    cells the header lacks (text exports); a row whose first value stands left of the first amount
    column lacks one of the header's label columns (资金来源 merged away in a web copy), and its values
    start at that column."""
    offset = max(0, len(row) - header_width)
    first_value = next((i for i, s in enumerate(row) if _is_value(s.text)), None)
    first_column = min(columns)
    labelled = first_value is not None and any(s.text for s in row[:first_value])
    if labelled and first_value is not None and first_value < first_column + offset:
        return first_value - first_column
    return offset


def _values_in(row: list[Slot], columns: dict[int, str], offset: int) -> int:
    return sum(1 for col in columns if 0 <= col + offset < len(row) and _is_value(row[col + offset].text))


def _is_value(text: str) -> bool:
    norm = normalize(text).strip()
    return bool(norm) and (
        parse_plain_number(norm) is not None or parse_percent(norm) is not None or parse_amount(norm) is not None
    )


def _is_indicator_header(row: list[Slot]) -> bool:
    roles = {indicator_column_role(s.text) for s in row if s.text}
    return len(roles & {"level1", "level2", "level3", "target", "actual"}) >= 2


def _pairs(table: Table, row: list[Slot], file: str) -> Iterator[Found]:
    """Label cell followed by its value cell: 人员编制 | 298 | 实有人数 | 285."""
    cells = [s for s in distinct(row) if s.text]
    for label, value in itertools.pairwise(cells):
        key = table_label_key(label.text)
        if normalize(label.text).strip().endswith(":") and (key is None or key in _FUNDS_KEYS):
            # "预算数: | 312 | 执行数: | 312": a label that says it is one names a funds figure too
            role = funds_column_role(label.text.strip().rstrip(":："))
            key = role if role in ("budget_initial", "budget_adjusted", "budget_executed") else None
            if key is not None:
                parsed = read_value(key, value.text)
                if parsed is not None:
                    yield Found(key, parsed[0], parsed[1], provenance(table, value, file).with_text(value.text))
                continue
        if key is None or key in _FUNDS_KEYS:
            continue
        parsed = read_value(key, value.text)
        if parsed is not None:
            prov = provenance(table, value, file).with_text(value.text)
            yield Found(key, parsed[0], parsed[1], prov)


_INLINE = re.compile(r"([\u4e00-\u9fff“”\"()（）]{2,30})[:：]\s*(-?\d[\d,]*(?:\.\d+)?)\s*(万元|亿元|元|%)?")


def _inline_pairs(table: Table, slot: Slot, file: str) -> Iterator[Found]:
    """'其中：一般公共预算：57954.3' inside one cell."""
    text = normalize(slot.text)
    for m in _INLINE.finditer(text):
        label = m.group(1).split("其中")[-1]
        key = table_label_key(label)
        if key is None or key in _FUNDS_KEYS or fact_kind(key) != "money":
            continue
        parsed = read_value(key, m.group(2) + (m.group(3) or ""))
        if parsed is not None:
            yield Found(key, parsed[0], parsed[1], provenance(table, slot, file).with_text(slot.text))


def _funds_columns(row: list[Slot]) -> dict[int, str] | None:
    """Columns of the funds block header, when the row is one (a 三公 table's 预算数 · 执行数 is not)."""
    if any(re.search(r"三公|接待|公务用车|出国", s.text) for s in row):
        return None
    columns: dict[int, str] = {}
    for col, slot in enumerate(row):
        role = funds_column_role(slot.text) if slot.text else None
        if role is None and compact(slot.text) == "自评得分" and "execution_weight" in columns.values():
            role = "execution_score"  # 分值 · 执行率 · 自评得分 (湖南): after its 分值, the block's own score
        if role is not None and role != "reason" and role not in columns.values():
            columns[col] = role
    keys = set(columns.values())
    return columns if len(keys & {"budget_initial", "budget_adjusted", "budget_executed"}) >= 2 else None


def _funds_source(table: Table, row: list[Slot], columns: dict[int, str], offset: int, file: str) -> FundsSource:
    label = None  # the row's own label: the last text before its first value (a merged cell may precede it)
    for slot in row:
        if _is_value(slot.text):
            break
        if slot.text:
            label = slot
    name = compact(label.text).removeprefix("其中:").removeprefix("其中") if label else ""
    source = FundsSource(name=name, provenance=provenance(table, label or row[0], file))
    for found in _funds_row(table, row, columns, offset, file):
        if found.key in ("budget_initial", "budget_adjusted", "budget_executed") and isinstance(found.value, Decimal):
            setattr(source, found.key, found.value)
            source.cells[found.key] = found.provenance
    return source


_PROJECT_NAME_LABELS = frozenset({"项目名称", "专项名称"})


def _project(table: Table, row: list[Slot], columns: dict[int, str], offset: int, file: str) -> Project:
    """One row of a projects list: its name, budgets, execution and rate."""
    source = _funds_source(table, row, columns, offset, file)
    rate = next((f.value for f in _funds_row(table, row, columns, offset, file) if f.key == "execution_rate"), None)
    return Project(
        name=source.name,
        budget_initial=source.budget_initial,
        budget_adjusted=source.budget_adjusted,
        budget_executed=source.budget_executed,
        execution_rate=rate if isinstance(rate, Decimal) else None,
        provenance=source.provenance,
    )


def _is_funds_total(row: list[Slot]) -> bool:
    labels = [compact(s.text) for s in row if s.text and not _is_value(s.text)]
    return not labels or any(label in _FUNDS_ROW_LABELS or label.endswith("资金总额") for label in labels)


def _funds_row(table: Table, row: list[Slot], columns: dict[int, str], offset: int, file: str) -> Iterator[Found]:
    """The 资金总额 row, its cells `offset` away from their header's (`_funds_offset`)."""
    for col, key in columns.items():
        position = col + offset
        if not 0 <= position < len(row):
            continue
        slot = row[position]
        parsed = read_value(key, slot.text)
        if parsed is not None:
            yield Found(key, parsed[0], parsed[1], provenance(table, slot, file).with_text(slot.text))


def _band_row(table: Table, band: list[list[Slot]], row: list[Slot], context: str, file: str) -> Iterator[Found]:
    """Values of a data row under a header band.

    Either each column names a fact (收入合计 | 上年结转 | ...: the row is one unit's figures), or the
    row's label names the fact and the columns name its role (公务接待费 | 预算数 30 | 决算数 4.34).
    """
    width = len(row)
    labels = column_labels([[s.text for s in r] for r in band], width)
    band_text = context + "".join(s.text for r in band for s in r)
    row_key = _row_label_key(row, band_text)
    for col, slot in enumerate(row):
        if not slot.text or col >= len(labels) or not _is_value(slot.text):
            continue
        key = None
        if row_key is not None:
            key = next((k for k in (_role_key(row_key, label) for label in labels[col]) if k), None)
        if key is None and row_key is None:
            key = next((k for k in (table_label_key(label, band_text) for label in labels[col]) if k), None)
        if key is None:
            continue
        parsed = read_value(key, slot.text)
        if parsed is not None:
            yield Found(key, parsed[0], parsed[1], provenance(table, slot, file).with_text(slot.text))


def _row_label_key(row: list[Slot], context: str) -> str | None:
    label = next((s.text for s in row if s.text and not _is_value(s.text)), None)
    if label is None:
        return None
    key = table_label_key(label, context)
    return key if key is not None and fact_kind(key) == "money" else None


# Column words of row-label tables, and the role they give the row's fact.
_ROLE_WORDS: tuple[tuple[str, str], ...] = (
    ("上年", "skip"),
    ("增减率", "change_rate"),
    ("增减幅度", "change_rate"),
    ("增长率", "change_rate"),
    ("变动率", "change_rate"),
    ("增减", "change"),
    ("执行率", "execution_rate"),
    ("控制率", "execution_rate"),
    ("完成率", "execution_rate"),
    ("决算", "amount"),
    ("实际", "amount"),
    ("执行数", "amount"),
    ("支出数", "amount"),
    ("本年", "amount"),
    ("金额", "amount"),
    ("预算", "budget"),
)


def _role_key(row_key: str, column_label: str) -> str | None:
    """The fact a column states about the row's subject: reception + 预算数 → reception_budget."""
    label = compact(column_label)
    role = next((r for word, r in _ROLE_WORDS if word in label), None)
    if role is None or role == "skip":
        return None
    if role == "amount":
        return row_key
    prefix = row_key.removesuffix("_total")
    key = f"{prefix}_{role}"
    return key if key in FACT_SECTIONS else None


def column_labels(band: list[list[str]], width: int) -> list[list[str]]:
    """For each column, its header labels from the lowest row up.

    Rows of full width sit where they are. A shorter row (a header merged across columns, in a format
    without spans) is placed against the row below it: its cells left of the columns that have labels
    below sit one to a column, the cell above a run of labelled columns spans them, and the rest align
    to the right.
    """
    placed: list[list[str]] = [[""] * width for _ in band]
    labelled = [False] * width
    for index in range(len(band) - 1, -1, -1):
        row = band[index]
        if len(row) >= width:
            placed[index] = row[:width]
        else:
            placed[index] = _place_short_row(row, width, labelled)
        for col, text in enumerate(placed[index]):
            if text and compact(text) not in GENERIC_HEADERS:
                labelled[col] = True
    return [[placed[i][col] for i in range(len(band) - 1, -1, -1) if placed[i][col]] for col in range(width)]


def _place_short_row(row: list[str], width: int, labelled: list[bool]) -> list[str]:
    out = [""] * width
    excess = width - len(row)
    col = 0
    for position, text in enumerate(row):
        remaining_cells = len(row) - position - 1
        span = 1
        if labelled[col] and excess > 0:
            run = 0
            while col + run < width and labelled[col + run]:
                run += 1
            span = max(1, min(run, excess + 1))
        span = min(span, width - col - remaining_cells)
        for c in range(col, col + max(1, span)):
            out[c] = text
        excess -= max(0, span - 1)
        col += max(1, span)
        if col >= width:
            break
    return out
