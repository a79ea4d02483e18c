"""Indicator tables (绩效指标): any table whose header row names indicator columns.

Recognised by header words, not by position: the national 项目支出绩效自评表, the Hunan department
forms (Template A's 定量目标 block, Template B), the Sichuan form (指标性质 / 度量单位 columns) and
unknown tables with indicator-like headers. Level-1 and level-2 columns are found by their contents
(产出指标, 数量指标 ...), and merged level cells are filled down.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.extract.grid import Slot, distinct, provenance, right_align, table_rows
from jixiao.extract.lexicon import LEVEL2_NAMES, indicator_column_role, level1_name, level2_name
from jixiao.extract.values import compact, normalize, parse_grade, parse_plain_number, parse_target
from jixiao.model.document import Provenance, Table
from jixiao.model.report import DeclaredWeight, IndicatorRow, QualitativeTarget

STOP_LABELS = (
    "总分",
    "合计",
    "总计",
    "综合得分",
    "绩效自评综合得分",
    "评价结果",
    "评价等次",
    "自评等级",
    "评价结论",
    "填表人",
)
_POINTS = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
_LEVEL3_PREFIX = re.compile(r"^(?:指标\s*\d*\s*[:：]|\d+\s*[.、．]\s*|[（(]\d+[)）]\s*)")


@dataclass
class IndicatorTable:
    """What one indicator table states."""

    rows: list[IndicatorRow] = field(default_factory=list)
    declared: list[DeclaredWeight] = field(default_factory=list)
    total_weight: tuple[Decimal, Provenance] | None = None
    total_score: tuple[Decimal, Provenance] | None = None
    total_grade: tuple[str, Provenance] | None = None  # a grade written on the total row (总分 100 96 优)
    warnings: list[str] = field(default_factory=list)


def find_header(rows: list[list[Slot]]) -> tuple[int, dict[str, int]] | None:
    """The first row naming at least three indicator columns, one of them a target or an actual."""
    for index, row in enumerate(rows):
        roles: dict[str, int] = {}
        for col, slot in enumerate(row):
            role = indicator_column_role(slot.text) if slot.text else None
            if role is not None and role not in roles:
                roles[role] = col
        if (
            len(roles) >= 3
            and ("target" in roles or "actual" in roles)
            and (roles.keys() & {"level1", "level2", "level3", "levels", "weight", "score"})
        ):
            return index, roles
        if roles.keys() == {"level1", "weight", "score"}:  # the score summary by level-1 (投入 15 11.54)
            return index, roles
    return None


def read_indicator_table(table: Table, file: str) -> IndicatorTable | None:
    """Read the indicator rows of a table, or None when it has no indicator header."""
    rows = table_rows(table)
    found = find_header(rows)
    if found is None:
        return None
    header_index, header_roles = found
    header_width = len(rows[header_index])
    body = rows[header_index + 1 :]
    width = max([header_width, *(len(r) for r in body)])
    offset = width - header_width
    roles = {role: col + offset for role, col in header_roles.items()}
    first_value_col = min(roles.get(r, width) for r in ("target", "actual", "weight", "score", "direction"))
    body = [right_align(r, width) for r in body]
    level1_col, level2_col = _level_columns(body, first_value_col, roles)
    level3_col = roles.get("level3")
    if level3_col is None and level2_col is not None and level2_col + 1 < first_value_col:
        level3_col = level2_col + 1

    result = IndicatorTable()
    level1 = level2 = ""
    for row in body:
        first = compact(next((s.text for s in row if s.text), ""))
        if any(first.startswith(stop) for stop in STOP_LABELS):
            _read_total_row(table, row, file, result)
            break
        texts = {role: row[col].text if col < width else "" for role, col in roles.items()}
        if level1_col is not None and row[level1_col].text:
            summary = roles.keys() == {"level1", "weight", "score"}  # 投入 · 过程 · 产出 · 效果 as printed
            new_level1 = None if summary else level1_name(row[level1_col].text)
            if new_level1 is None and level1_col == roles.get("level1"):
                new_level1 = _named_level(row[level1_col].text)
            if new_level1 and new_level1 != level1:
                level1, level2 = new_level1, ""
                _declare(result, 1, level1, slot=row[level1_col], table=table, file=file)
        if level2_col is not None and row[level2_col].text:
            name = level2_name(row[level2_col].text) or compact(row[level2_col].text)
            if name != level2:
                level2 = name
                _declare(result, 2, level2, slot=row[level2_col], table=table, file=file)
        level3_text = row[level3_col].text if level3_col is not None else ""
        target_text = _compose_target(texts)
        actual_text = texts.get("actual", "")
        weight_text, score_text = texts.get("weight", ""), texts.get("score", "")
        if not any(t.strip() for t in (level3_text, target_text, actual_text, weight_text, score_text)):
            continue
        if not level1 and not level3_text and not target_text:
            continue  # a stray row before the first indicator
        level3 = _level3_name(level3_text or target_text)
        cells = {
            role: provenance(table, row[col], file) for role, col in roles.items() if col < width and row[col].text
        }
        anchor = next((s for s in (row[level3_col] if level3_col is not None else None, *row) if s and s.text), row[0])
        result.rows.append(
            IndicatorRow(
                level1=level1,
                level2=level2,
                level3=level3,
                target=parse_target(target_text) if target_text.strip() else None,
                actual=parse_target(actual_text) if actual_text.strip() else None,
                weight=_number(weight_text, result, "分值", table=table, row=row, col=roles.get("weight"), file=file),
                score=_number(score_text, result, "得分", table=table, row=row, col=roles.get("score"), file=file),
                deviation_reason=_join(texts.get("reason", "")),
                unit_stated=texts.get("unit", "").strip(),
                provenance=provenance(table, anchor, file),
                cells=cells,
                columns=sorted(roles),
            )
        )
    return result


def _level_columns(body: list[list[Slot]], limit: int, roles: dict[str, int]) -> tuple[int | None, int | None]:
    """Level-1 and level-2 columns: by the names found in them, else by the header."""
    votes1: dict[int, int] = {}
    votes2: dict[int, int] = {}
    for row in body:
        for col in range(min(limit, len(row))):
            text = row[col].text
            if not text:
                continue
            if level1_name(text) and level2_name(text) not in LEVEL2_NAMES:  # 成本指标 is either: no vote
                votes1[col] = votes1.get(col, 0) + 1
            elif level2_name(text):
                votes2[col] = votes2.get(col, 0) + 1
    level1 = max(votes1, key=lambda c: (votes1[c], -c)) if votes1 else roles.get("level1")
    # the 三级指标 column holds names, some of them shaped like level-2 names (受益对象满意度)
    candidates = {c: v for c, v in votes2.items() if (level1 is None or c > level1) and c != roles.get("level3")}
    level2 = max(candidates, key=lambda c: (candidates[c], -c)) if candidates else roles.get("level2")
    return level1, level2


def _named_level(text: str) -> str | None:
    """A cell under the 一级指标 header that is no known name (项目完成指标, 投入, 项目决策): its name."""
    name = _POINTS.sub("", compact(text))
    if not name or len(name) > 10 or re.search(r"\d", name) or level2_name(name) in LEVEL2_NAMES:
        return None
    return name


def _declare(result: IndicatorTable, level: int, name: str, *, slot: Slot, table: Table, file: str) -> None:
    m = _POINTS.search(normalize(slot.text))
    if m:
        points = Decimal(m.group(1))
        prov = provenance(table, slot, file)
        result.declared.append(DeclaredWeight(level=1 if level == 1 else 2, name=name, points=points, provenance=prov))


def _compose_target(texts: dict[str, str]) -> str:
    """Sichuan writes the direction and the unit in columns of their own: join them to one target."""
    target = texts.get("target", "").strip()
    direction = texts.get("direction", "").strip()
    unit = texts.get("unit", "").strip()
    if direction in ("定性", "定量"):  # the indicator's nature, not a comparison
        direction = ""
    if direction and target and not target.startswith(direction):
        target = f"{direction}{target}"
    if unit and target and parse_target(target).unit is None:
        target = f"{target}{unit}"  # a bare number takes the column's unit; a unit of its own is kept
    return target


def _level3_name(text: str) -> str:
    name = _join(text)
    name = _LEVEL3_PREFIX.sub("", name).strip()
    return name.rstrip("。；;，, ")


def _join(text: str) -> str:
    """Cell paragraphs of one phrase joined as Chinese is written: without spaces."""
    return "".join(part.strip(" \u3000\t") for part in text.split("\n")).strip()


def _number(
    text: str, result: IndicatorTable, what: str, *, table: Table, row: list[Slot], col: int | None, file: str
) -> Decimal | None:
    if not text.strip():
        return None
    value = parse_plain_number(text)
    if value is None:
        where = provenance(table, row[col], file) if col is not None and col < len(row) else table.provenance(file)
        result.warnings.append(f"无法读取{what}“{text.strip()}”（表格 {where.table}，行 {where.row}，列 {where.col}）")
    return value


def _read_total_row(table: Table, row: list[Slot], file: str, result: IndicatorTable) -> None:
    numbers = []
    for slot in distinct(row):
        value = parse_plain_number(slot.text) if slot.text else None
        if value is not None:
            numbers.append((value, provenance(table, slot, file)))
        elif numbers and slot.text and (grade := parse_grade(slot.text)) is not None:
            result.total_grade = (grade, provenance(table, slot, file).with_text(slot.text))
    if len(numbers) >= 2:
        result.total_weight, result.total_score = numbers[0], numbers[1]
    elif len(numbers) == 1 and numbers[0][0] == 100:
        result.total_weight = numbers[0]  # 合计 | 100 with the 得分 left blank: the points, not a score
    elif len(numbers) == 1:
        result.total_score = numbers[0]


def read_qualitative_targets(table: Table, file: str) -> list[QualitativeTarget]:
    """年度总体目标 / 定性目标 blocks: a header of 预期目标 and 实际完成(情况), then the texts."""
    rows = table_rows(table)
    targets: list[QualitativeTarget] = []
    for index, row in enumerate(rows[:-1]):
        labels = [compact(s.text) for s in distinct(row)]
        if not any(lbl.startswith("预期目标") for lbl in labels):
            continue
        if not any(lbl.startswith("实际完成") for lbl in labels):
            continue
        if any(indicator_column_role(s.text) in ("level1", "level2", "level3", "weight") for s in row):
            continue
        expected_col = next(i for i, s in enumerate(row) if compact(s.text).startswith("预期目标"))
        achieved_col = next(i for i, s in enumerate(row) if compact(s.text).startswith("实际完成"))
        for nxt in _target_rows(rows, index, len(row)):
            if max(expected_col, achieved_col) >= len(nxt):
                break
            expected, achieved = nxt[expected_col].text, nxt[achieved_col].text
            if expected or achieved:
                targets.append(
                    QualitativeTarget(
                        expected=expected, achieved=achieved, provenance=provenance(table, nxt[expected_col], file)
                    )
                )
    return targets


def _target_rows(rows: list[list[Slot]], header: int, width: int) -> Iterator[list[Slot]]:
    """The rows under a 预期目标 header: the next one, and those after it that the header's label cell
    still spans (one target per row); never a header of indicator columns."""
    first = rows[header][0] if rows[header] else None
    # a label cell to the left of the header (年度总体目标) spans its target rows; a row under another label
    # (整体支出绩效定量目标…) is the next block
    label = first.cell if first is not None and not compact(first.text).startswith("预期目标") else None
    for index in range(header + 1, len(rows)):
        row = rows[index]
        if not row or any(indicator_column_role(s.text) in ("level1", "level2", "level3", "weight") for s in row):
            return
        under_label = label is not None and row[0].cell is label
        if label is not None and not under_label and (row[0].text.strip() or index > header + 1):
            return
        if label is None and index > header + 1:
            return
        yield right_align(row, width)
