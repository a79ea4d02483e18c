"""Checks several rules share: a total against its parts, a stated rate against its numbers, both
within the tolerance of their printed digits (`jixiao.scoring.arith`)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from functools import lru_cache

from jixiao.model.document import Provenance
from jixiao.model.findings import Issue, Severity
from jixiao.model.report import Report, stem
from jixiao.rules.registry import Context
from jixiao.scoring.arith import HUNDRED, Figure, Verdict, check_rate, check_sum, decimals_of, plain, quantize, shown

# A form's own instructions: "(200字以内)", "对照年度目标,说明…", "…的需说明原因", "应单独说明理由".
_INSTRUCTION = re.compile(
    r"[（(]\s*\d+\s*字(?:以内|以下)?\s*[）)]|^\s*(?:请)?(?:对照|结合|针对)[^。；;]{0,30}?(?:说明|分析|提出)|"
    r"[须需应]\s*(?:单独)?\s*说明(?:原因|理由)"
)


# A sentence about one year begins by naming it: "2021年度“三公”经费合计支出…", "2022年，…".
# Only a year that opens the sentence (after its numbering) names the sentence's year: "与2020年相比…" compares.
_LEAD_YEAR = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,2}[)）.、]\s*)?((?:19|20)\d{2})\s*年")
_CLAUSE = re.compile(r"[；;]")


def read_apart(ctx: Context, first: str, second: str) -> bool:
    """Whether two facts read from prose cannot be a pair: they stand in different clauses of one
    sentence ("公车运行及维护4612万元,较上年下降21%；公务接待费430万元,与上年持平" — the 21% is not the
    接待费's), or in sentences that begin by naming different years ("2021年度…决算…" against "2022年度…
    预算较…"). Facts from tables, or placed where this cannot tell, are taken as a pair."""
    a, b = ctx.fact(first), ctx.fact(second)
    if a is None or b is None or a.provenance.table is not None or b.provenance.table is not None:
        return False
    ta, tb = a.provenance.text, b.provenance.text
    if not ta or not tb:
        return False
    if ta != tb:
        ya, yb = _LEAD_YEAR.match(ta), _LEAD_YEAR.match(tb)
        return ya is not None and yb is not None and ya.group(1) != yb.group(1)
    clauses = _CLAUSE.split(ta)
    where = [_clauses_holding(clauses, ctx.num(key)) for key in (first, second)]
    return all(len(w) == 1 for w in where) and where[0] != where[1]


def _clauses_holding(clauses: list[str], value: Decimal | None) -> set[int]:
    """The clauses in which `value` stands printed as a whole number (not part of a longer one)."""
    if value is None:
        return set()
    digits = printed_number(fmt(abs(value)))
    return {i for i, clause in enumerate(clauses) if digits.search(clause)}


@lru_cache(maxsize=4096)
def printed_number(digits: str) -> re.Pattern[str]:
    """A number as printed in a text, not part of a longer one ("430" not in "4300" or "1.430")."""
    return re.compile(r"(?<![\d.])" + re.escape(digits) + r"(?![\d.]*\d)")


# The 部门整体/部门评价 frameworks (财预〔2013〕53号 投入/过程/产出/效果, 10号 附件2 决策/过程/产出/效益) score
# criteria, not targets: their level-1 classes are not the 自评表's 产出/效益/满意度.
_FRAMEWORK_PAIRS = (("投入", "过程"), ("决策", "过程"))


def _is_framework(report: Report) -> bool:
    names = {stem(r.level1) for r in report.indicators}
    return any(a in names and b in names for a, b in _FRAMEWORK_PAIRS)


def evaluation_framework(ctx: Context) -> bool:
    """Whether the indicator table is an evaluation framework's scoring table (投入/过程/产出/效果)."""
    return bool(ctx.report.indicators) and bool(ctx.memo("framework", _is_framework))


def is_instruction(text: str) -> bool:
    """Whether a cell holds the template's instruction text instead of the unit's own words."""
    return bool(_INSTRUCTION.search(text))


def short_text(text: str, limit: int = 40) -> str:
    """A text on one line, cut to `limit` characters for a message."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def fmt(value: Decimal | int) -> str:
    """A number as a person writes it: no exponent, no trailing zeros."""
    if isinstance(value, int):
        return str(value)
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def span(interval: tuple[Decimal, Decimal], like: Decimal | None = None) -> str:
    """An interval as a person reads it, both ends to the same decimals: 14.45–14.50."""
    d = 2 if like is None else max(2, decimals_of(like))
    low, high = (quantize(v, d) for v in interval)
    return f"{low}" if low == high else f"{low}–{high}"


def parts_issue(
    ctx: Context,
    total_key: str,
    total_label: str,
    parts: Sequence[tuple[str, str]],
    *,
    require_all: bool = True,
) -> Iterator[Issue]:
    """A stated total against the sum of its stated parts, within what their printed digits allow.

    With every part stated, a difference beyond that is reported (inside it, an info when the profile
    asks for rounding notes); with parts missing, only a sum that already exceeds the total is (the
    missing parts cannot make it smaller).
    """
    total = ctx.figure(total_key)
    stated = [(key, label, ctx.figure(key)) for key, label in parts]
    values = [(key, label, f) for key, label, f in stated if f is not None]
    if total is None or len(values) < 2:
        return
    complete = len(values) == len(parts)
    comparison = check_sum(total, (f for _, _, f in values), ctx.profile.tolerances.amount)
    s = sum((f.value for _, _, f in values), Decimal(0))
    listing = " + ".join(f"{label} {fmt(f.value)}" for _, label, f in values)
    numbers = (*(f.value for _, _, f in values), total.value, s)
    evidence = ctx.ev(total_key, *(k for k, _, _ in values))
    if comparison.verdict is Verdict.EXACT or (comparison.ok and not complete):
        return
    if comparison.ok:
        if ctx.profile.tolerances.rounding_info:
            message = (
                f"{listing} = {fmt(s)}，与{total_label} {fmt(total.value)} 差 {fmt(s - total.value)}，"
                f"在各数印刷精度允许的舍入范围内（分项之和可为 {span(comparison.computed)}）"
            )
            yield Issue(message, numbers, evidence, Severity.INFO)
        return
    if not complete and (require_all or s < total.value):
        return
    message = f"{listing} = {fmt(s)}，与{total_label} {fmt(total.value)} 不符（差 {fmt(s - total.value)}）"
    if not complete:
        message = f"已列明的分项之和已超过合计：{message}"
    yield Issue(message, numbers, evidence)


def rate_issue(  # noqa: PLR0917 — reads like the sentence: label = part ÷ whole
    ctx: Context,
    rate_key: str,
    label: str,
    part: Figure | None,
    whole: Figure | None,
    part_label: str,
    whole_label: str,
    evidence: tuple[Provenance, ...],
    severity: Severity | None = None,
    *,
    also: tuple[Decimal, ...] = (),
) -> Iterator[Issue]:
    """A stated percentage against part / whole, within the interval the figures' printed digits allow.

    `also` names the stated figures the whole was derived from (本年数 for a 上年数), so that the finding
    lists every number it compares.

    The quotient rounded to the stated decimals is right; truncated, an info; a stated rate inside the
    propagated interval is no finding (an info when the profile asks); outside it, the rule's finding.
    """
    stated = ctx.figure(rate_key)
    if stated is None or part is None or whole is None:
        return
    comparison = check_rate(stated, part, whole)
    if comparison is None or comparison.verdict is Verdict.EXACT:
        return
    computed = part.value / whole.value * HUNDRED
    c = shown(computed, stated.value)
    s = stated.value
    quotient = f"{part_label} {fmt(part.value)} ÷ {whole_label} {fmt(whole.value)} = {fmt(c)}%"
    evidence = (*ctx.ev(rate_key), *evidence)
    numbers = (part.value, whole.value, s, c, *also)
    if comparison.verdict is Verdict.TRUNCATED:
        d = stated.decimals
        rounded = quantize(computed, d)
        longer = fmt(plain(quantize(computed, d + 2)))
        message = (
            f"{label} {fmt(s)}% 是 {part_label} {fmt(part.value)} ÷ {whole_label} {fmt(whole.value)} = {longer}% "
            f"截尾所得，四舍五入应为 {fmt(rounded)}%"
        )
        yield Issue(message, (*numbers[:3], rounded, plain(quantize(computed, d + 2)), *also), evidence, Severity.INFO)
        return
    if comparison.verdict is Verdict.WITHIN:
        if ctx.profile.tolerances.rounding_info:
            message = (
                f"{label}写作 {fmt(s)}%，{quotient}，差异在所列数字印刷精度允许的范围内"
                f"（{span(comparison.computed, s)}%）"
            )
            yield Issue(message, numbers, evidence, Severity.INFO)
        return
    message = f"{label}应为 {quotient}，报告写作 {fmt(s)}%"
    around = span(comparison.computed, s)
    if "–" in around:  # the printed digits leave room: say how much
        message += f"（按所列数字的印刷精度可在 {around}% 之间）"
    yield Issue(message, numbers, evidence, severity)


def _sign_word(change: Decimal) -> str:
    return "+" if change < 0 else "−"


def prior_label(current: Figure, change: Figure) -> str:
    """上年数 written as its derivation: 本年数 − 增减额 ("上年数（5028.61 + 761.39）")."""
    return f"上年数（{fmt(current.value)} {_sign_word(change.value)} {fmt(abs(change.value))}）"
