"""Checks several rules share: a total against its parts, a stated rate against its numbers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from jixiao.model.document import Provenance
from jixiao.model.findings import Issue, Severity
from jixiao.rules.registry import Context
from jixiao.scoring.arith import percent, rate_matches, shown, sum_tolerance


def fmt(value: Decimal | int) -> str:
    """A number as a person writes it: no exponent, no trailing zeros."""
    if isinstance(value, int):
        return str(value)
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def parts_issue(
    ctx: Context,
    total_key: str,
    total_label: str,
    parts: Sequence[tuple[str, str]],
    *,
    require_all: bool = True,
) -> Iterator[Issue]:
    """A stated total against the sum of its stated parts.

    With every part stated, any difference beyond rounding is reported; with parts missing, only a sum
    that already exceeds the total is (the missing parts cannot make it smaller).
    """
    total = ctx.num(total_key)
    stated = [(key, label, ctx.num(key)) for key, label in parts]
    values = [(key, label, v) for key, label, v in stated if v is not None]
    if total is None or len(values) < 2:
        return
    complete = len(values) == len(parts)
    s = sum((v for _, _, v in values), Decimal(0))
    if s == total:
        return
    tol = sum_tolerance([total, *(v for _, _, v in values)], ctx.profile.tolerances.amount)
    if abs(s - total) <= tol:
        return
    if not complete and (require_all or s < total):
        return
    listing = " + ".join(f"{label} {fmt(v)}" for _, label, v in values)
    diff = s - total
    message = f"{listing} = {fmt(s)}，与{total_label} {fmt(total)} 不符（差 {fmt(diff)}）"
    if not complete:
        message = f"已列明的分项之和已超过合计：{message}"
    numbers = (*(v for _, _, v in values), total, s)
    yield Issue(message, numbers, ctx.ev(total_key, *(k for k, _, _ in values)))


def rate_issue(  # noqa: PLR0917 — reads like the sentence: label = part ÷ whole
    ctx: Context,
    rate_key: str,
    label: str,
    part: Decimal | None,
    whole: Decimal | None,
    part_label: str,
    whole_label: str,
    evidence: tuple[Provenance, ...],
    severity: Severity | None = None,
) -> Iterator[Issue]:
    """A stated percentage against part / whole, right when it equals the quotient rounded or truncated."""
    stated = ctx.num(rate_key)
    if stated is None or part is None or whole is None:
        return
    computed = percent(part, whole)
    if computed is None:
        return
    if rate_matches(stated, computed) or rate_matches(-stated, computed):
        return
    c = shown(computed, stated)
    message = f"{label}应为 {part_label} {fmt(part)} ÷ {whole_label} {fmt(whole)} = {fmt(c)}%，报告写作 {fmt(stated)}%"
    yield Issue(message, (part, whole, stated, c), (*ctx.ev(rate_key), *evidence), severity)


def _sign_word(change: Decimal) -> str:
    return "+" if change < 0 else "−"


def prior_label(current: Decimal, change: Decimal) -> str:
    """上年数 written as its derivation: 本年数 − 增减额 ("上年数（5028.61 + 761.39）")."""
    return f"上年数（{fmt(current)} {_sign_word(change)} {fmt(abs(change))}）"
