"""Tables without a grid: forms flattened into text, rebuilt from their own header words.

A form copied from a web page or a PDF reaches jixiao as lines of text: a whole table on one line with
cells separated by spaces, one cell per line, cells ending in " |", tab-separated. Row breaks are not
to be trusted (a browser copy breaks rows anywhere), so the cells are read as one stream of tokens and
the form's own structure puts them back in rows:

- the **funds block** starts at its header (年初预算数 · 全年预算数 · 全年执行数 · 分值 · 执行率 · 得分); each
  row is a known label (年度资金总额, 其中：财政拨款, 上年结转资金 …) followed by its values, which are
  aligned to the columns by their types (a percentage is the rate; amounts, 分值 and 得分 are numbers);
  when two alignments fit and give different facts, the rate settles it (执行数 ÷ 全年预算数), else the
  row yields nothing and a warning;
- the **indicator table** starts at its header (一级/二级/三级指标, 指标值, 完成值, 分值, 得分 …); a row is
  optional level-1 and level-2 names (产出指标, 数量指标 …: a merged cell appears once, on its group's
  first row) and then the cells from 三级指标 on, the typed ones (分值 and 得分 numbers, 指标性质 a sign,
  度量单位 a unit) deciding where a row ends; the table ends at 总分/合计 (read as the total) or at the
  first tokens that do not form a row.

Each rebuilt table is an ordinary grid (header row, then rows of full width) placed where its text
was, so the readers that serve Word, Excel, PDF and web pages read it unchanged. Every cell keeps its
line and character span; the text around a rebuilt table stays a paragraph.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from jixiao.extract.lexicon import (
    LEVEL2_NAMES,
    funds_column_role,
    indicator_column_role,
    level1_name,
    table_label_key,
)
from jixiao.extract.values import compact, normalize, parse_percent, parse_plain_number
from jixiao.model.document import Block, Cell, Document, Paragraph, Table, number_blocks


@dataclass(frozen=True, slots=True)
class Token:
    """One cell's text in a flattened table, with where it stands."""

    text: str
    para: int  # position of its paragraph in the run
    line: int | None
    start: int  # character span in the paragraph's text
    end: int
    piped: bool = False  # its line separates cells with " |": a line without one is not in that table


_PIPE = re.compile(r"\|")
_SPACES = re.compile(r"[ \t\u3000\xa0]+")


def tokenize(paragraphs: Sequence[Paragraph]) -> list[Token]:
    """Cells of a run of paragraphs: split at " |" where the text uses it, else at tabs, else at spaces.

    With pipes every cell ends in one ("a | b |"; a line "|" is one empty cell), and an empty cell is kept
    (as "") since it holds a column's place.
    """
    tokens: list[Token] = []
    for index, para in enumerate(paragraphs):
        text = para.text
        if "|" in text:
            pieces = _split(text, _PIPE)
            if not pieces[-1][0].strip():
                pieces = pieces[:-1]  # "a |": each cell ends in a pipe; nothing after the last one
            keep_empty = True
        else:
            pieces = _split(text, re.compile("\t") if "\t" in text else _SPACES)
            keep_empty = False
        for piece, start in pieces:
            cell = piece.strip(" \t\u3000\xa0")
            if cell or keep_empty:
                offset = start + (len(piece) - len(piece.lstrip(" \t\u3000\xa0")))
                tokens.append(Token(cell, index, para.line, offset, offset + len(cell), keep_empty))
    return _join_broken_level_names(_join_broken_headers(tokens))


def _header_role(text: str) -> str | None:
    return funds_column_role(text) or indicator_column_role(text)


# the note a header cell wraps onto a line of its own: "(A)", "(B/A)", "(%)", "(20 分*执行率)"
_HEADER_NOTE = re.compile(r"[(（][^()（）]{1,12}[)）]")
_WORD_PART = re.compile(r"[\u4e00-\u9fff]{1,4}")
_NAME_PART = re.compile(r"[\u4e00-\u9fff]{1,8}")


def _join_broken_headers(tokens: list[Token]) -> list[Token]:
    """A header word broken over two cells (年初 / 预算数, 一级 / 指标) is one cell: a narrow column's
    header wraps, and a copy of the page gives each line as a cell."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if i + 1 < len(tokens) and _WORD_PART.fullmatch(compact(token.text)) and _header_role(token.text) is None:
            joined = token.text + tokens[i + 1].text
            if _header_role(joined) is not None:
                out.append(replace(token, text=joined))
                i += 2
                continue
        out.append(token)
        i += 1
    return out


def _is_level_name(text: str) -> bool:
    return compact(text) in LEVEL2_NAMES or level1_name(text) is not None


def _join_broken_level_names(tokens: list[Token]) -> list[Token]:
    """A level name wrapped in its narrow cell (经济效益 / 指标, 可持续影 / 响指标, 服务对象 / 满意度指标,
    满意度指标 / (10分)) is one cell: each line of a wrapped cell comes as a token of its own line."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if after is not None and after.para != token.para and _NAME_PART.fullmatch(compact(token.text)):
            tail = compact(after.text)
            joined = token.text + after.text
            wrapped_name = _is_level_name(joined) and (tail == "指标" or not _is_level_name(token.text))
            wrapped_points = _is_level_name(token.text) and bool(_POINTS_ONLY.match(tail))
            if wrapped_name or wrapped_points:
                out.append(replace(token, text=joined, end=token.end))
                i += 2
                continue
        out.append(token)
        i += 1
    return out


def _split(text: str, separator: re.Pattern[str]) -> list[tuple[str, int]]:
    out = []
    position = 0
    for m in separator.finditer(text):
        out.append((text[position : m.start()], position))
        position = m.end()
    out.append((text[position:], position))
    return out


# --- cell types ------------------------------------------------------------------------------------

_BLANK_MARKS = frozenset({"-", "—", "--", "——", "/", "\\", "无", "×"})
_SIGNS = frozenset({"≥", "≤", "=", "＝", "﹦", "≧", "≦", "═", ">", "<", "＞", "＜", "≈", "定性", "定量"})
_UNIT = re.compile(
    r"^(?:%|‰|[\u4e00-\u9fff]{1,3}|[a-zA-Z²㎡]{1,4}|万[\u4e00-\u9fff]{1,2}|[\u4e00-\u9fff]/[\u4e00-\u9fff])$"
)
_POINTS_ONLY = re.compile(r"^[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")
_PLACEHOLDER = re.compile(r"^指标\d+[:：]?[/／]?$")
_GAP = frozenset({"……", "…", "...", "[...]"})
# Words that belong to the form around a table, never to one of its rows: a row that would hold one
# has run past the table's end.
_FORM_WORDS = (
    "项目名称",
    "主管部门",
    "实施单位",
    "预算单位",
    "项目资金",
    "年度资金总额",
    "年初预算",
    "年度总体目标",
    "评价结论",
    "存在问题",
    "改进措施",
    "项目负责人",
    "财务负责人",
    "填表人",
    "其他需要说明",
    "联系电话",
)
_TOTAL_WORDS = ("总分", "合计", "总计", "综合得分", "自评得分")
_TABLE_END = ("总分", "合计", "总计", "综合得分", "自评得分", "其他需要说明", "评价结论", "评价等次", "自评等级")


def is_number(text: str) -> bool:
    return bool(text) and parse_plain_number(text) is not None


def is_value(text: str) -> bool:
    """A funds-block cell: an amount, a rate, or a mark for nothing (—, /)."""
    return text in _BLANK_MARKS or is_number(text) or parse_percent(text) is not None or text == ""


def _is_form_word(text: str) -> bool:
    label = compact(text)
    return label.startswith(_FORM_WORDS) or "自评表" in label or "完成情况表" in label


def _is_level1(text: str) -> bool:
    return bool(text) and (level1_name(text) is not None or bool(_POINTS_ONLY.match(compact(text))))


def _is_level1_over(text: str, below: str) -> bool:
    """A level-1 cell: a level-1 name, or any level name standing over a known level-2 name
    (项目完成指标 | 数量指标); a name of both levels (成本指标) is level 1 only there, or with its points
    (满意度指标(10分))."""
    if not text or not below or not _is_level2(below):
        return False
    return _is_level1(text) or _is_level2(text)


def _declares_points(text: str) -> bool:
    return bool(re.search(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]", text))


_LEVEL2 = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:指标|效益|满意度)(?:等)?$")


def _is_level2(text: str) -> bool:
    label = re.sub(r"[(（].*$", "", compact(text))
    return label in LEVEL2_NAMES or (bool(_LEVEL2.match(label)) and level1_name(text) is None)


# --- the indicator table ---------------------------------------------------------------------------

_CANONICAL = ("level1", "level2", "level3", "direction", "target", "unit", "actual", "weight", "score", "reason")
_HEADER_GROUP_WORDS = ("绩效指标", "年度绩效指标", "绩效指标完成情况", "年度绩效指标完成情况", "指标")


def _indicator_header(tokens: list[Token], start: int) -> tuple[int, dict[str, str]] | None:
    """The header run at `start`: its end and each column role's header text, in the rows' order.

    A header of two flattened rows (the merged 年度指标值 over 指标性质 · 指标值 · 度量单位) comes out of
    order and is put in the form's order.
    """
    roles: dict[str, str] = {}
    i = start
    while i < len(tokens):
        text = tokens[i].text
        role = indicator_column_role(text) if text and not _NOT_HEADER.search(text) else None
        if role is None:
            grouping = i > start and compact(re.sub(r"[(（].*", "", text)) in _HEADER_GROUP_WORDS
            if not text or grouping or _HEADER_NOTE.fullmatch(text):
                i += 1
                continue
            break
        roles.setdefault(role, text)
        i += 1
    if len(roles) >= 3 and ("target" in roles or "actual" in roles) and ("level3" in roles or "level2" in roles):
        order = list(roles)
        levels = [r for r in order if r in ("level1", "level2", "level3")]
        if order[: len(levels)] != levels:
            order = [r for r in _CANONICAL if r in roles]
        return i, {role: roles[role] for role in order}
    return None


# a numbered heading or a sentence ("(三)绩效目标。") is not a column header
_NOT_HEADER = re.compile(r"^\s*[(（]?[一二三四五六七八九十\d]+[)）、.]|[。；]$")

Matcher = Callable[[str], bool]


def _row_columns(roles: dict[str, str]) -> list[tuple[str, Matcher, bool]]:
    """The cells of a row from 三级指标 on, in the header's order: role, what may stand there, whether it
    may be left out (指标性质 and 度量单位 are blank on qualitative rows)."""
    spec: list[tuple[str, Matcher, bool]] = [("level3", _is_name, False)]
    for role in roles:
        if role == "direction":
            spec.append((role, lambda t: t in _SIGNS or t == "", True))
        elif role == "unit":
            spec.append((role, lambda t: t == "" or (t not in _SIGNS and bool(_UNIT.match(normalize(t)))), True))
        elif role in ("weight", "score"):
            spec.append((role, lambda t: t == "" or is_number(t), role == "score"))
        elif role in ("target", "actual"):
            spec.append((role, lambda t: t not in _SIGNS, False))
    return spec


_HEADING = re.compile(r"^\s*[(（][一二三四五六七八九十]+[)）]|^[一二三四五六七八九十]+、")


def _is_prose(text: str) -> bool:
    return bool(_HEADING.match(text)) or "。" in text


def _is_name(text: str) -> bool:
    """A level-3 name: words, not a number, a sign or a heading of the text around the table."""
    return (
        bool(text)
        and not is_number(text)
        and text not in _SIGNS
        and parse_percent(text) is None
        and not _HEADING.match(text)
    )


def _match_core(
    tokens: list[Token], i: int, spec: list[tuple[str, Matcher, bool]]
) -> list[tuple[int, dict[str, Token]]]:
    """Every way the row's cells from 三级指标 on can stand at `i`: (end, cells by role)."""
    results: list[tuple[int, dict[str, Token]]] = []

    def walk(k: int, j: int, cells: dict[str, Token]) -> None:
        if k == len(spec):
            results.append((j, dict(cells)))
            return
        role, accepts, optional = spec[k]
        if (
            j < len(tokens)
            and accepts(tokens[j].text)
            and not _is_form_word(tokens[j].text)
            and not tokens[j].text.startswith(_TABLE_END)
            and not (role == "level3" and _PLACEHOLDER.match(compact(tokens[j].text)))
        ):
            cells[role] = tokens[j]
            walk(k + 1, j + 1, cells)
            del cells[role]
        if optional:
            walk(k + 1, j, cells)

    walk(0, i, {})
    return results


@dataclass
class _Row:
    cells: dict[str, Token]


def _skip_blank(tokens: list[Token], i: int) -> int:
    while i < len(tokens) and (tokens[i].text == "" or tokens[i].text in _GAP):
        i += 1
    return i


def _read_indicator_rows(tokens: list[Token], i: int, roles: dict[str, str]) -> tuple[list[_Row], int, _Row | None]:
    """Rows from token `i` on: the rows, where they end, and the total row (总分 …) when there is one."""
    spec = _row_columns(roles)
    typed = "weight" in roles or "score" in roles
    levels = "level1" in roles or "level2" in roles
    if i > 0 and tokens[i - 1].piped:  # a table copied with " |" ends at a line of prose without one
        end = next((k for k in range(i, len(tokens)) if not tokens[k].piped and _is_prose(tokens[k].text)), len(tokens))
        tokens = tokens[:end]
    rows: list[_Row] = []
    while True:
        i = _skip_blank(tokens, i)
        if i >= len(tokens):
            return rows, i, None
        if compact(tokens[i].text).startswith(_TABLE_END):
            # 其他需要说明事项 | 无 | 总分 | 100 | 96: the total row may follow a note
            total_at = next(
                (k for k in range(i, min(i + 4, len(tokens))) if compact(tokens[k].text).startswith(_TOTAL_WORDS)),
                i,
            )
            return rows, i, _total_row(tokens, total_at)
        found = _match_row(tokens, i, spec, typed, levels)
        if found is None and _PLACEHOLDER.match(compact(tokens[i].text)):
            i += 1  # an unfilled row of the template ("指标2" and nothing else, "指标1:/ / /")
            while i < len(tokens) and tokens[i].text in _BLANK_MARKS:
                i += 1
            continue
        if found is None:
            return rows, i, None
        row, i = found
        if "reason" in roles:
            i = _take_reason(tokens, i, row, spec, typed)
        rows.append(row)


def _match_row(
    tokens: list[Token], i: int, spec: list[tuple[str, Matcher, bool]], typed: bool, with_levels: bool = True
) -> tuple[_Row, int] | None:
    j = i
    # level names, where a merged level cell first appears; "(50分)" alone is a level-1 cell without a name
    options: list[tuple[dict[str, Token], int]] = []
    k = _skip_blank(tokens, j + 1)
    if not with_levels:
        k = len(tokens)  # no level columns: no token is taken for a level name
    below = tokens[k].text if k < len(tokens) else ""
    if k >= len(tokens):
        pass
    elif _is_level1(tokens[j].text) and _declares_points(tokens[j].text):  # 满意度指标(10分): a level-1 cell
        if _is_level2(below) and not (_is_level1(below) and _declares_points(below)):
            options.append(({"level1": tokens[j], "level2": tokens[k]}, _skip_blank(tokens, k + 1)))
        options.append(({"level1": tokens[j]}, k))
    elif _is_level1_over(tokens[j].text, below) and not (_is_level1(below) and _declares_points(below)):
        options.append(({"level1": tokens[j], "level2": tokens[k]}, _skip_blank(tokens, k + 1)))
    elif _is_level1(tokens[j].text) and not _is_level2(tokens[j].text):
        options.append(({"level1": tokens[j]}, k))
    elif _is_level2(tokens[j].text):
        options.append(({"level2": tokens[j]}, k))
    options.append(({}, j))
    for levels, start in options:
        if start < len(tokens) and levels and _is_empty_group(tokens[start].text):
            return _Row(cells=dict(levels)), start  # a level group with no rows (生态效益指标 left empty)
        for end, core in _match_core(tokens, start, spec):
            if not typed or _core_complete(core) or _ends_line(tokens, end, core):
                return _Row(cells={**levels, **core}), end
        if levels and (blanked := _match_blank_values(tokens, start, spec)) is not None:
            core, end = blanked
            return _Row(cells={**levels, **core}), end
    return None


def _is_empty_group(after: str) -> bool:
    """What follows a level name that has no rows: the next level name, or the template's unfilled row."""
    return _is_level1(after) or _is_level2(after) or bool(_PLACEHOLDER.match(compact(after)))


def _match_blank_values(
    tokens: list[Token], i: int, spec: list[tuple[str, Matcher, bool]]
) -> tuple[dict[str, Token], int] | None:
    """A row whose 指标值 and 完成值 were left blank, flattened with spaces: the blanks leave no token, so
    "质量指标 指标1:工程质量合格 10 10" is a name and its 分值 and 得分. Read so only when the form has both
    score columns, both hold a number and the row ends there (a row, a level name, a placeholder or the
    table's end follows); otherwise the row is not read."""
    roles = [role for role, _, _ in spec]
    if "weight" not in roles or "score" not in roles:
        return None
    relaxed = [(role, accepts, optional or role in ("target", "actual")) for role, accepts, optional in spec]
    for end, core in _match_core(tokens, i, relaxed):
        if "target" in core or "actual" in core or not core.get("weight") or not core.get("score"):
            continue
        if not (is_number(core["weight"].text) and is_number(core["score"].text)):
            continue
        if _row_boundary(tokens, end, spec):
            return core, end
    return None


def _row_boundary(tokens: list[Token], i: int, spec: list[tuple[str, Matcher, bool]]) -> bool:
    i = _skip_blank(tokens, i)
    if i >= len(tokens):
        return True
    text = compact(tokens[i].text)
    if _PLACEHOLDER.match(text) or text.startswith(_TABLE_END) or _is_level1(text) or _is_level2(text):
        return True
    return _starts_row(tokens, i, spec, True)


def _ends_line(tokens: list[Token], end: int, core: dict[str, Token]) -> bool:
    """A piped row whose cells fill its line: the rest of the line is empty cells."""
    last = max(core.values(), key=lambda t: (t.para, t.start))
    if not last.piped or not last.text:
        return False
    k = end
    while k < len(tokens) and tokens[k].para == last.para:
        if tokens[k].text:
            return False
        k += 1
    return True


def _core_complete(core: dict[str, Token]) -> bool:
    """A typed row holds its 分值 (or its 得分): the number that says a row ends here."""
    return any(role in core and core[role].text for role in ("weight", "score"))


def _take_reason(tokens: list[Token], i: int, row: _Row, spec: list[tuple[str, Matcher, bool]], typed: bool) -> int:
    """The 偏差原因 cell after a row: taken when what follows it starts a row (or ends the table) and
    what follows the row itself does not."""
    j = _skip_blank(tokens, i) if i < len(tokens) and tokens[i].text == "" else i
    if j >= len(tokens) or not tokens[j].text or _is_level1(tokens[j].text) or _is_level2(tokens[j].text):
        return i
    if compact(tokens[j].text).startswith(_TABLE_END) or _is_form_word(tokens[j].text):
        return i
    if _starts_row(tokens, j, spec, typed):
        return i
    after = _skip_blank(tokens, j + 1)
    while after < len(tokens) and _PLACEHOLDER.match(compact(tokens[after].text)):
        after = _skip_blank(tokens, after + 1)
    if (
        after >= len(tokens)
        or _starts_row(tokens, after, spec, typed)
        or compact(tokens[after].text).startswith(_TABLE_END)
    ):
        row.cells["reason"] = tokens[j]
        return j + 1
    return i


def _starts_row(tokens: list[Token], i: int, spec: list[tuple[str, Matcher, bool]], typed: bool) -> bool:
    found = _match_row(tokens, i, spec, typed)
    return found is not None and any(r in found[0].cells for r in ("level3", "level1", "level2"))


def _total_row(tokens: list[Token], i: int) -> _Row:
    """总分 | 100 | 96 | 优: the label and the numbers after it (weight, score), with a grade word."""
    cells = {"level1": tokens[i]}
    numbers: list[Token] = []
    j = i + 1
    while j < len(tokens) and len(numbers) < 2 and j <= i + 4:
        if is_number(tokens[j].text):
            numbers.append(tokens[j])
        elif tokens[j].text and tokens[j].text not in _BLANK_MARKS:
            break
        j += 1
    for role, token in zip(("weight", "score"), numbers, strict=False):
        cells[role] = token
    if len(numbers) == 1:
        cells = {"level1": tokens[i], "score": numbers[0]}
    if numbers and j < len(tokens) and _is_grade(tokens[j].text):
        cells["reason"] = tokens[j]  # the grade written after the total (its cell lies under 偏差原因)
    return _Row(cells=cells)


# --- the score summary by level-1 (投入 15 11.54 / 项目决策 10 9 …) --------------------------------

_SUMMARY_FIRST = ("评价准则", "评价指标", "一级指标", "评价维度", "评价内容", "指标", "项目")
_SUMMARY_GRADE = ("绩效评价等级", "绩效评级", "评价等级", "等级", "评价等次")
_SUMMARY_TOTAL = ("总分", "评价结果", "合计", "总计", "综合得分")


def _summary_header(tokens: list[Token], start: int) -> int | None:
    """评价准则 · 分值 · 实际得分 [· 绩效评价等级]: the end of the header, or None."""
    if compact(tokens[start].text) not in _SUMMARY_FIRST:
        return None
    i = _skip_blank(tokens, start + 1)
    if i >= len(tokens) or indicator_column_role(tokens[i].text) != "weight":
        return None
    i = _skip_blank(tokens, i + 1)
    if i >= len(tokens) or indicator_column_role(re.sub("^实际", "", compact(tokens[i].text))) != "score":
        return None
    i = _skip_blank(tokens, i + 1)
    if i < len(tokens) and compact(tokens[i].text) in _SUMMARY_GRADE:
        i += 1
    return i


def _read_summary_rows(tokens: list[Token], i: int) -> tuple[list[_Row], int, _Row | None]:
    rows: list[_Row] = []
    while True:
        i = _skip_blank(tokens, i)
        if i + 2 >= len(tokens):
            return rows, i, None
        name, weight, score = tokens[i], tokens[_skip_blank(tokens, i + 1)], None
        j = _skip_blank(tokens, i + 1)
        k = _skip_blank(tokens, j + 1)
        if k < len(tokens):
            score = tokens[k]
        if not (_is_name(name.text) and is_number(weight.text) and score is not None and is_number(score.text)):
            return rows, i, None
        row = _Row(cells={"level1": name, "weight": weight, "score": score})
        if compact(name.text).startswith(_SUMMARY_TOTAL):
            return rows, k + 1, row
        rows.append(row)
        i = k + 1
        # a cell of text after the scores (the grading legend in a merged column) belongs to no row
        after = _skip_blank(tokens, i)
        nxt = _skip_blank(tokens, after + 1)
        if (
            after < len(tokens)
            and not is_number(tokens[after].text)
            and nxt < len(tokens)
            and not is_number(tokens[nxt].text)
        ):
            i = after + 1


def _summary_grid(rows: list[_Row], total: _Row | None, line: int | None) -> Table:
    header = {"level1": "一级指标", "weight": "分值", "score": "得分"}
    return _role_grid(header, [*rows, *([total] if total else [])], line)


# --- the funds block -------------------------------------------------------------------------------

_AMOUNT_ROLES = ("budget_initial", "budget_adjusted", "budget_executed")


def _funds_header(tokens: list[Token], start: int) -> tuple[int, list[tuple[str, Token]]] | None:
    if funds_column_role(tokens[start].text) not in ("budget_initial", "budget_adjusted"):
        return None
    columns: list[tuple[str, Token]] = []
    i = start
    while i < len(tokens):
        role = funds_column_role(tokens[i].text)
        if role is None and compact(tokens[i].text) == "自评得分" and "execution_weight" in (r for r, _ in columns):
            role = "execution_score"  # 分值 · 执行率 · 自评得分 (湖南): after its 分值, the block's own score
        if role is None:
            if tokens[i].text == "" or _HEADER_NOTE.fullmatch(tokens[i].text):
                i += 1
                continue
            break
        if role not in (r for r, _ in columns):
            columns.append((role, tokens[i]))
        i += 1
    roles = {r for r, _ in columns}
    if len(roles & set(_AMOUNT_ROLES)) >= 2:
        return i, columns
    return None


def _is_funds_label(text: str) -> bool:
    label = compact(text).removeprefix("其中:").removeprefix("其中")
    if not label or is_value(text):
        return False
    return (
        label.endswith(("资金总额", "总额", "合计"))
        or "财政" in label
        or "资金" in label
        or table_label_key(label) in ("carryover", "income_other")
    )


def _align_funds(
    values: list[Token], roles: list[str], *, source_row: bool, bare_rate: bool
) -> dict[str, Token] | None:
    """Values of one row placed on the numeric columns; None when no alignment, or two that disagree.

    A source row (其中：财政拨款 …) has no 分值 or 得分 of its own: its values go to the other columns.
    """
    numeric = [r for r in roles if r != "reason"]
    if source_row and len(values) < len(numeric):
        own = [r for r in numeric if r not in ("execution_weight", "execution_score")]
        if len(values) <= len(own) and (cells := _align_on(values, own, bare_rate)) is not None:
            return cells
    return _align_on(values, numeric, bare_rate)


def _align_on(values: list[Token], numeric: list[str], bare_rate: bool) -> dict[str, Token] | None:
    if len(values) > len(numeric):
        return None
    if len(values) == len(numeric):
        return dict(zip(numeric, values, strict=True))
    candidates = []
    for placement in itertools.combinations(range(len(numeric)), len(values)):
        cells = {numeric[p]: v for p, v in zip(placement, values, strict=True)}
        if all(_fits(role, token.text, bare_rate) for role, token in cells.items()):
            candidates.append(cells)
    if not candidates:
        return None
    consistent = [c for c in candidates if _rate_agrees(c)]
    pool = consistent or candidates
    facts = {tuple(sorted((r, t.text) for r, t in c.items() if t.text not in _BLANK_MARKS)) for c in pool}
    return pool[0] if len(facts) == 1 else None


def _fits(role: str, text: str, bare_rate: bool) -> bool:
    if text in _BLANK_MARKS or text == "":
        return True
    if role == "execution_rate":
        return parse_percent(text) is not None or (bare_rate and is_number(text))
    if parse_percent(text) is not None:
        return False
    if role in ("execution_weight", "execution_score"):
        value = parse_plain_number(text)
        return value is not None and Decimal(0) <= value <= Decimal(100)
    return is_number(text)


def _rate_agrees(cells: dict[str, Token]) -> bool:
    rate, adjusted, executed = cells.get("execution_rate"), cells.get("budget_adjusted"), cells.get("budget_executed")
    if rate is None or adjusted is None or executed is None:
        return False
    stated = parse_percent(rate.text)
    if stated is None:
        stated = parse_plain_number(rate.text)
    a, e = parse_plain_number(adjusted.text), parse_plain_number(executed.text)
    if stated is None or not a or e is None:
        return False
    return abs(e / a * 100 - stated) <= Decimal("0.6")


def _read_funds_rows(
    tokens: list[Token], i: int, columns: list[tuple[str, Token]], warnings: list[str]
) -> tuple[list[tuple[Token, dict[str, Token]]], int]:
    roles = [r for r, _ in columns]
    rows: list[tuple[Token, dict[str, Token]]] = []
    while True:
        i = _skip_blank(tokens, i)
        if i >= len(tokens) or not _is_funds_label(tokens[i].text):
            return rows, i
        label = tokens[i]
        j = i + 1
        values: list[Token] = []
        while j < len(tokens) and is_value(tokens[j].text):
            values.append(tokens[j])
            j += 1
        while values and values[-1].text == "" and len(values) > len([r for r in roles if r != "reason"]):
            values.pop()
        source_row = not compact(label.text).endswith(("总额", "合计"))
        bare_rate = any(r == "execution_rate" and "%" in normalize(t.text) for r, t in columns)
        cells = _align_funds(values, roles, source_row=source_row, bare_rate=bare_rate)
        if cells is None and values:
            present = [v for v in values if v.text != ""]
            cells = _align_funds(present, roles, source_row=source_row, bare_rate=bare_rate)
        if cells is None:
            shown = " ".join(v.text for v in values)
            warnings.append(f"第 {label.line} 行“{label.text} {shown}”：数字与栏目对不上，未读取")
            cells = {}
        if "reason" in roles and j < len(tokens) and tokens[j].text and not _is_funds_label(tokens[j].text):
            cells["reason"] = tokens[j]
            j += 1
        rows.append((label, cells))
        i = j


def _unit_before(tokens: list[Token], start: int) -> str:
    """元 when the words just before the header say so (项目资金(元)); else 万元."""
    for token in tokens[max(0, start - 4) : start]:
        label = normalize(token.text)
        if re.search(r"[(（]\s*元\s*[)）]", label):
            return "元"
    return "万元"


# --- row-label money tables: 项目 | 预算数 | 决算数 (| 增减率) with one row per item ---------------------

_MONEY_COLUMN = re.compile(
    r"^(?:\d{4}年度?)?(?:预算|决算|执行|实际|上年|本年|增减|变动|增长|支出)[\u4e00-\u9fff()%（）]{0,6}$"
)
_COLUMN_YEAR = re.compile(r"^((?:19|20)\d{2})年度?")
_ROW_TABLE_FIRST = ("项目", "科目", "名称", "项目名称", "支出项目")


def _money_header(tokens: list[Token], start: int) -> tuple[int, list[Token]] | None:
    """A run of two or more money column words (预算数 · 决算数 · 增减率) at `start`."""
    i = start
    if compact(tokens[i].text) in _ROW_TABLE_FIRST:
        i += 1
    columns: list[Token] = []
    while i < len(tokens) and _MONEY_COLUMN.match(compact(tokens[i].text)) and table_label_key(tokens[i].text) is None:
        columns.append(tokens[i])
        i += 1
    return (i, columns) if len(columns) >= 2 else None


def _read_money_rows(tokens: list[Token], i: int, width: int) -> tuple[list[tuple[Token, list[Token]]], int]:
    rows: list[tuple[Token, list[Token]]] = []
    while i < len(tokens):
        label = tokens[i]
        if not label.text or not (table_label_key(label.text) is not None or compact(label.text) in ("合计", "总计")):
            break
        j = i + 1
        values: list[Token] = []
        while j < len(tokens) and len(values) < width and is_value(tokens[j].text):
            values.append(tokens[j])
            j += 1
        # without pipes an empty cell leaves no mark: a short row cannot be placed
        if not values or (len(values) < width and not label.piped):
            break
        rows.append((label, values))
        i = j
    return rows, i


def _money_grid(title: str, columns: list[Token], rows: list[tuple[Token, list[Token]]]) -> Table:
    years = [int(m.group(1)) if (m := _COLUMN_YEAR.match(compact(t.text))) else None for t in columns]
    latest = max((y for y in years if y is not None), default=None)
    heads: list[Cell] = []
    for token, year in zip(columns, years, strict=True):
        # 2017年决算数 beside 2018年预算数 · 2018年决算数: last year's column, read as 上年 (not this year's)
        earlier = year is not None and latest is not None and year < latest
        text = "上年" + _COLUMN_YEAR.sub("", compact(token.text)) if earlier else None
        heads.append(_cell(0, len(heads) + 1, token, text))
    grid = [[_cell(0, 0, None, title), *heads]]
    for label, values in rows:
        r = len(grid)
        line = [_cell(r, 0, label)]
        cells = [values[c] if c < len(values) and values[c].text else None for c in range(len(columns))]
        line += [_cell(r, c + 1, token) for c, token in enumerate(cells)]
        grid.append(line)
    return _grid(grid, columns[0].line)


def _title_before(run: list[Paragraph], tokens: list[Token], start: int) -> str:
    """The table's subject from the lines just above it (“三公”经费支出决算表), for 合计 and 其他."""
    first = tokens[start].para
    for index in range(first, max(-1, first - 4), -1):
        text = run[index].text
        if re.search(r"三公|收入|支出|固定资产", text) and len(text) <= 80:
            return text
    return "项目"


# --- 年度总体目标: 预期目标 | 实际完成情况, then the two texts ------------------------------------------


def _targets_block(tokens: list[Token], i: int) -> tuple[int, list[Token]] | None:
    """预期目标 · 实际完成情况 followed by the two texts: the end and the four cells, or None."""
    if compact(tokens[i].text) != "预期目标":
        return None
    j = _skip_blank(tokens, i + 1)
    if j >= len(tokens) or not re.fullmatch(r"(?:目标)?实际完成(?:情况|目标)?", compact(tokens[j].text)):
        return None
    texts: list[Token] = []
    k = _skip_blank(tokens, j + 1)
    while k < len(tokens) and len(texts) < 2:
        text = tokens[k].text
        if not text or _header_role(text) or _is_form_word(text) or len(compact(text)) < 2:
            return None
        texts.append(tokens[k])
        k = _skip_blank(tokens, k + 1)
    return (k, [tokens[i], tokens[j], *texts]) if len(texts) == 2 else None


# --- label and value, one cell per line (人员编制 / 21 / 实有人数 / 21) ------------------------------


def _lone(tokens: list[Token], i: int) -> bool:
    """The token is its line's only cell."""
    before = i == 0 or tokens[i - 1].para != tokens[i].para
    after = i + 1 >= len(tokens) or tokens[i + 1].para != tokens[i].para
    return before and after


def _read_pairs(tokens: list[Token], i: int) -> tuple[list[tuple[Token, Token]], int]:
    pairs: list[tuple[Token, Token]] = []
    while i + 1 < len(tokens):
        label, value = tokens[i], tokens[i + 1]
        if not (_lone(tokens, i) and _lone(tokens, i + 1) and _is_pair_label(label.text)):
            break
        if not (is_number(value.text) or parse_percent(value.text) is not None or _is_grade(value.text)):
            break
        if all(k < len(tokens) and _lone(tokens, k) and is_number(tokens[k].text) for k in (i + 2, i + 3)):
            # 项目支出: / 874.20 / 308.17 / 1025.20: a row of three columns (2022决算 · 2023预算 · 2023决算)
            # whose header is elsewhere: which number is the fact is not known, so none is taken
            break
        pairs.append((label, value))
        i += 2
    return pairs, i


def _is_pair_label(text: str) -> bool:
    """A label whose value follows it: a fact's label (人员编制), or a funds figure's with its colon (预算数:)."""
    if table_label_key(text) is not None:
        return True
    return normalize(text).rstrip().endswith(":") and funds_column_role(text.rstrip(":： ")) in _AMOUNT_ROLES


def _is_grade(text: str) -> bool:
    return compact(text) in ("优", "良", "中", "差", "优秀", "良好", "合格", "不合格", "较好", "一般")


def _pairs_grid(pairs: list[tuple[Token, Token]]) -> Table:
    grid = [[_cell(r, 0, label), _cell(r, 1, value)] for r, (label, value) in enumerate(pairs)]
    return _grid(grid, pairs[0][0].line)


# --- building grids --------------------------------------------------------------------------------


def _cell(row: int, col: int, token: Token | None, text: str | None = None) -> Cell:
    if token is None:
        return Cell(row=row, col=col, text=text or "")
    return Cell(
        row=row, col=col, text=token.text if text is None else text, line=token.line, span=(token.start, token.end)
    )


def _grid(rows: list[list[Cell]], line: int | None) -> Table:
    width = max(len(r) for r in rows)
    return Table(n_rows=len(rows), n_cols=width, cells=[c for r in rows for c in r], line=line)


def _indicator_grid(roles: dict[str, str], header: list[Token], rows: list[_Row], total: _Row | None) -> Table:
    texts = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标"} | roles
    columns = ["level1", "level2", "level3", *(r for r in roles if r not in ("level1", "level2", "level3"))]
    return _role_grid({role: texts[role] for role in columns}, [*rows, *([total] if total else [])], header[0].line)


def _role_grid(header: dict[str, str], rows: list[_Row], line: int | None) -> Table:
    """A header row of these texts (role → text, in column order), then each row's cell under its role."""
    columns = list(header)
    grid = [[_cell(0, c, None, header[role]) for c, role in enumerate(columns)]]
    for row in rows:
        r = len(grid)
        grid.append([_cell(r, c, row.cells.get(role)) for c, role in enumerate(columns)])
    return _grid(grid, line)


def _funds_grid(columns: list[tuple[str, Token]], rows: list[tuple[Token, dict[str, Token]]], unit: str) -> Table:
    head = [_cell(0, 0, None, f"项目资金({unit})")]
    head += [_cell(0, c + 1, token) for c, (_, token) in enumerate(columns)]
    grid = [head]
    for label, cells in rows:
        r = len(grid)
        line = [_cell(r, 0, label)]
        for c, (role, _) in enumerate(columns):
            token = cells.get(role)
            text = None
            if token is not None and unit == "元" and role in _AMOUNT_ROLES and is_number(token.text):
                text = f"{token.text}元"  # the amount keeps its span; the unit comes from the header
            line.append(_cell(r, c + 1, token, text))
        grid.append(line)
    return _grid(grid, columns[0][1].line)


# --- the pass over a document ----------------------------------------------------------------------


def rebuild_tables(document: Document) -> Document:
    """The document with every flattened funds block and indicator table rebuilt as a grid."""
    blocks: list[Block] = []
    run: list[Paragraph] = []
    warnings: list[str] = []
    changed = False
    for block in document.blocks:
        if isinstance(block, Paragraph):
            run.append(block)
            continue
        rebuilt = _rebuild_run(run, warnings)
        changed |= rebuilt is not None
        blocks.extend(run if rebuilt is None else rebuilt)
        run = []
        blocks.append(block)
    rebuilt = _rebuild_run(run, warnings)
    changed |= rebuilt is not None
    blocks.extend(run if rebuilt is None else rebuilt)
    if not changed:
        if warnings:
            return Document(source=document.source, blocks=document.blocks, warnings=[*document.warnings, *warnings])
        return document
    return Document(source=document.source, blocks=number_blocks(blocks), warnings=[*document.warnings, *warnings])


def _rebuild_run(run: list[Paragraph], warnings: list[str]) -> list[Block] | None:
    if not run:
        return None
    if not any(_may_hold_form(p.text) for p in run):
        _warn_glued(run, [], [], warnings)  # no cell to read; a form run together is still worth a word
        return None
    tokens = tokenize(run)
    tables: list[tuple[int, int, Table]] = []  # token span and the grid
    i = 0
    while i < len(tokens):
        if not tokens[i].text:
            i += 1  # a table starts at a cell that says something
            continue
        found_funds = _funds_header(tokens, i)
        if found_funds is not None:
            end, columns = found_funds
            rows, stop = _read_funds_rows(tokens, end, columns, warnings)
            if rows:
                tables.append((i, stop, _funds_grid(columns, rows, _unit_before(tokens, i))))
                i = stop
                continue
        money = _money_header(tokens, i)
        if money is not None:
            end, money_columns = money
            money_rows, stop = _read_money_rows(tokens, end, len(money_columns))
            if money_rows:
                tables.append((i, stop, _money_grid(_title_before(run, tokens, i), money_columns, money_rows)))
                i = stop
                continue
        targets = _targets_block(tokens, i)
        if targets is not None:
            stop, cells = targets
            grid = [[_cell(0, 0, cells[0]), _cell(0, 1, cells[1])], [_cell(1, 0, cells[2]), _cell(1, 1, cells[3])]]
            tables.append((i, stop, _grid(grid, cells[0].line)))
            i = stop
            continue
        pairs, stop = _read_pairs(tokens, i)
        if pairs:
            tables.append((i, stop, _pairs_grid(pairs)))
            i = stop
            continue
        summary_end = _summary_header(tokens, i)
        if summary_end is not None:
            rows_read, stop, total = _read_summary_rows(tokens, summary_end)
            if len(rows_read) >= 2:
                tables.append((i, stop, _summary_grid(rows_read, total, tokens[i].line)))
                i = stop
                continue
        found = _indicator_header(tokens, i)
        if found is not None:
            end, roles = found
            rows_read, stop, total = _read_indicator_rows(tokens, end, roles)
            if rows_read:
                if total is not None:
                    stop = _after_total(tokens, stop, total)
                tables.append((i, stop, _indicator_grid(roles, tokens[i:end], rows_read, total)))
                i = stop
                continue
        i += 1
    _warn_glued(run, tokens, tables, warnings)
    tables = sorted([*tables, *_line_grids(tokens, tables)], key=lambda t: t[0])
    if not tables:
        return None
    return _splice(run, tokens, tables)


_TITLE_CELL = re.compile(r"(?:自评|评价|绩效|目标).{0,12}(?:表|报告)(?:[(（][^)）]*[)）])?$")


def _line_grids(tokens: list[Token], tables: list[tuple[int, int, Table]]) -> list[tuple[int, int, Table]]:
    """Lines copied with " |" that no form reader took: a line is a row, its cells as written.

    A browser's copy keeps each row of a table on its line, so what is left over (预算数: | 312 | 执行数: |
    312, 项目名称 | …) is a grid in its own right, read by the readers that read any grid.
    """
    taken = {k for start, stop, _ in tables for k in range(start, stop)}
    grids: list[tuple[int, int, Table]] = []
    rows: list[list[Token]] = []
    first = 0

    def close(end: int) -> None:
        if len(rows) >= 1 and any(sum(1 for t in r if t.text) >= 2 for r in rows):
            grid = [[_cell(r, c, t) for c, t in enumerate(row)] for r, row in enumerate(rows)]
            grids.append((first, end, _grid(grid, rows[0][0].line)))
        rows.clear()

    i = 0
    while i < len(tokens):
        para = tokens[i].para
        j = i
        while j < len(tokens) and tokens[j].para == para:
            j += 1
        line = tokens[i:j]
        title = bool(_TITLE_CELL.search(compact(line[0].text)))  # a form's title stays a line of text
        if line[0].piped and not title and not any(k in taken for k in range(i, j)):
            while line and not line[-1].text:
                line = line[:-1]  # the empty cells a copy writes after a short row
            if line:
                if not rows:
                    first = i
                rows.append(line)
        elif rows:
            close(i)
        i = j
    if rows:
        close(len(tokens))
    return grids


# Header words run together with nothing between them: the text layer lost the cell boundaries.
_GLUED_HEADER = re.compile(
    r"(?:年初预算数?|预算数\(?A?\)?)(?:全年|调整后?)?(?:预算数|执行数)|一级指标二级指标|二级指标三级指标"
)


def _warn_glued(
    run: list[Paragraph], tokens: list[Token], tables: list[tuple[int, int, Table]], warnings: list[str]
) -> None:
    """A form whose cells ran together cannot be read by column: say so, with its line, and read nothing."""
    used = {tokens[k].para for start, stop, _ in tables for k in range(start, stop)}
    for index, para in enumerate(run):
        if index in used or not any(word in para.text for word in ("预算", "預算", "指标", "指標")):
            continue
        if _GLUED_HEADER.search(compact(para.text)):
            where = f"第 {para.line} 行" if para.line is not None else f"段落 {para.index}"
            warnings.append(f"{where}：表格的单元格文字连在一起，栏目无法分开，未从中读取数字")


def _after_total(tokens: list[Token], stop: int, total: _Row) -> int:
    used = list(total.cells.values())
    last = max(tokens.index(t, stop) for t in used) if used else stop
    return last + 1


_FORM_HINT = re.compile(r"年初预算|一级指标|三级指标|二级指标|指标值|指标名称|分值|预算数|决算数")


def _may_hold_form(text: str) -> bool:
    """A line that may be a flattened form's: it names a header or a label, and it is a cell (short) or
    holds cells (separators); a paragraph of prose that mentions 指标值 holds no table."""
    celled = len(text) <= 30 or "|" in text or "\t" in text or text.count(" ") >= 3
    if not celled:
        return False
    bare = text.replace("|", "").strip()
    return bool(_FORM_HINT.search(normalize(text).replace(" ", ""))) or (
        len(bare) <= 12 and table_label_key(bare) is not None
    )


def _splice(run: list[Paragraph], tokens: list[Token], tables: list[tuple[int, int, Table]]) -> list[Block]:
    """The run's paragraphs with each table's tokens replaced by its grid; text around it stays."""
    out: list[Block] = []
    position = (0, 0)  # (paragraph, character) where the text not yet placed starts
    for start, stop, table in tables:
        first, last = tokens[start], tokens[stop - 1]
        out.extend(_text_between(run, position, (first.para, first.start)))
        out.append(table)
        position = (last.para, last.end)
    out.extend(_text_between(run, position, (len(run) - 1, len(run[-1].text))))
    return out


def _text_between(run: list[Paragraph], begin: tuple[int, int], end: tuple[int, int]) -> list[Paragraph]:
    out = []
    for index in range(begin[0], end[0] + 1):
        para = run[index]
        lo = begin[1] if index == begin[0] else 0
        hi = end[1] if index == end[0] else len(para.text)
        text = para.text[lo:hi].strip(" \t|\u3000")
        if text:
            out.append(replace(para, text=text) if (lo, hi) != (0, len(para.text)) else para)
    return out
