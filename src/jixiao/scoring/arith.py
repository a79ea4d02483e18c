"""Small exact-arithmetic helpers shared by the scoring engine and the rules: Decimal coercion,
rounding, and the one tolerance mechanism every sum and rate rule uses (`Figure`, `check_sum`,
`check_rate`).

Tolerance comes from the printed text, as XBRL calculation checks infer it from decimals: a figure
printed with d decimals ("4.34", "115.00") stands for any value that rounds *or truncates* to it, so
for 4.34 the interval [4.335, 4.35]; a sum of n figures carries the sum of their intervals, and a rate
computed from figures carries the interval propagated through the division. A whole amount of four or
more significant digits (3704) is exact to its last printed digit (±0.5); a shorter one (30, 160,
2000) is a round amount as set — a budget of 30万元 — and counts as exact. Counts are always exact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import Enum
from functools import lru_cache

from jixiao.model.report import FactValue, Report

HUNDRED = Decimal(100)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def dec(value: FactValue | float | None) -> Decimal | None:
    """A stated value as Decimal ("52.61%" → 52.61); None when it holds no number."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    match = _NUMBER.search(value.replace(",", ""))
    if match is None:
        return None
    try:
        return Decimal(match.group())
    except InvalidOperation:
        return None


def num(report: Report, key: str) -> Decimal | None:
    """A fact's value as Decimal, None when the report does not state it."""
    fact = report.fact(key)
    return None if fact is None else dec(fact.value)


def decimals_of(value: Decimal) -> int:
    """How many decimals a stated number was written with."""
    text = str(value)  # faster than as_tuple(), which builds the digit tuple
    if "E" not in text:
        dot = text.find(".")
        return 0 if dot < 0 else len(text) - dot - 1
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def quantize(value: Decimal, decimals: int, rounding: str = ROUND_HALF_UP) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=rounding)


def round2(value: Decimal) -> Decimal:
    return quantize(value, 2)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole in percent, None when whole is 0."""
    if whole == 0:
        return None
    return part / whole * HUNDRED


def plain(value: Decimal) -> Decimal:
    """The same number without trailing zeros and without an exponent (220, not 2.2E+2)."""
    text = f"{value.normalize():f}"
    return Decimal(text)


def shown(computed: Decimal, like: Decimal | None = None) -> Decimal:
    """A computed number as a finding shows it: the stated number's decimals, at least two."""
    d = 2 if like is None else max(2, decimals_of(like))
    return plain(quantize(computed, d))


def number_in_unit(text: str, unit: str) -> Decimal | None:
    """The first number in `text` written directly before `unit` ("化解1005起，化解率96.17%", "起" → 1005)."""
    match = re.search(r"(\d+(?:\.\d+)?)\s*" + re.escape(unit), text.replace(",", ""))
    return Decimal(match.group(1)) if match else None


# --- tolerance from the printed text ----------------------------------------------------------------

ZERO = Decimal(0)
HALF = Decimal("0.5")
_PRINTED = re.compile(r"\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")
_POWERS_OF_TEN = {Decimal(10) ** k: Decimal(10) ** k for k in range(-8, 9)}
# Whole amounts with this many significant digits or more are taken as rounded to their last digit.
ROUNDED_WHOLE_DIGITS = 4


def _half_of_printed(digits: str, round_amounts: bool) -> Decimal:
    """Half a unit of the last digit of a number as printed ("4.34" → 0.005, "3704" → 0.5, "30" → 0)."""
    dot = digits.find(".")
    if dot >= 0:
        return HALF.scaleb(-(len(digits) - dot - 1))
    significant = digits.lstrip("0").rstrip("0")
    return HALF if not round_amounts or len(significant) >= ROUNDED_WHOLE_DIGITS else ZERO


@lru_cache(maxsize=65536)
def printed_half(value: Decimal, text: str | None, round_amounts: bool = True) -> Decimal:
    """Half a unit of the last digit `value` was printed with, in the value's own unit.

    The number is looked up in its source text: "4.34万元" → 0.005; "37040000元" for 3704 万元 → 0.5 元
    = 0.00005 万元 (a power-of-ten unit change); a figure not found in the text falls back on the
    value's own digits. With `round_amounts`, a short whole number (30) is a round amount, exact;
    without it (a rate: "134%"), every figure is rounded to its last digit.
    """
    magnitude = abs(value)
    written = f"{magnitude:f}"
    if text:
        at = text.find(written)
        end = at + len(written)
        # Fast path: the value's own digits stand in the text as a whole number ("4.34万元").
        if at >= 0 and not _continues(text, at - 1) and not _continues(text, end):
            return _half_of_printed(written, round_amounts)
        numbers = _PRINTED.findall(_THOUSANDS.sub("", text))
        for digits in numbers:
            if Decimal(digits) == magnitude:
                return _half_of_printed(digits, round_amounts)
        for digits in numbers:
            printed = Decimal(digits)
            if printed and magnitude:
                scale = _POWERS_OF_TEN.get(magnitude / printed)
                if scale is not None:
                    return _half_of_printed(digits, round_amounts) * scale
    return _half_of_printed(written, round_amounts)


def _continues(text: str, i: int) -> bool:
    """Whether position i of text carries on a number (a digit, a decimal point or a thousands comma)."""
    return 0 <= i < len(text) and (text[i].isdigit() or text[i] in ".,")


@dataclass(frozen=True, slots=True)
class Figure:
    """A printed number and the interval of values it may stand for: value − below … value + above.

    A figure printed with a half-unit h may be rounded (±h) or truncated toward zero (up to 2h
    further from zero), so a positive one spans [v − h, v + 2h]; sums and differences carry the spans.
    """

    value: Decimal
    below: Decimal = ZERO
    above: Decimal = ZERO

    @classmethod
    def printed(cls, value: Decimal, text: str | None = None, *, rate: bool = False) -> Figure:
        """A figure as printed; a `rate` is rounded to its last digit even when whole ("134%")."""
        h = printed_half(value, text, not rate)
        return cls(value, h, 2 * h) if value >= 0 else cls(value, 2 * h, h)

    def plus(self, other: Figure) -> Figure:
        return Figure(self.value + other.value, self.below + other.below, self.above + other.above)

    def minus(self, other: Figure) -> Figure:
        return Figure(self.value - other.value, self.below + other.above, self.above + other.below)

    def rounded_like(self, other: Figure) -> Figure:
        """This figure, when printed exact (a short whole number: 332), rounded as `other` is when that
        one is rounded at the same decimals (3923 → ±0.5): a change of a rounded amount is the difference
        of two rounded amounts, so its last digit is no surer than theirs."""
        if not self.exact or other.exact or decimals_of(self.value) > other.decimals:
            return self
        h = min(other.below, other.above)
        return Figure(self.value, h, 2 * h) if self.value >= 0 else Figure(self.value, 2 * h, h)

    def negated(self) -> Figure:
        return Figure(-self.value, self.above, self.below)

    @property
    def exact(self) -> bool:
        return not self.below and not self.above

    @property
    def decimals(self) -> int:
        """The decimals it was printed with ("100.00%" → 2 even when stored as 100)."""
        half = min(self.below, self.above)
        return decimals_of((2 * half).normalize()) if half else decimals_of(self.value)

    def interval(self) -> tuple[Decimal, Decimal]:
        return self.value - self.below, self.value + self.above


def total_of(figures: Iterable[Figure]) -> Figure:
    """The sum of figures, carrying the sum of their intervals."""
    out = Figure(ZERO)
    for f in figures:
        out = out.plus(f)
    return out


class Verdict(Enum):
    """How a stated figure compares with the one computed from other figures."""

    EXACT = "exact"  # equal (a rate: the quotient rounds to it)
    TRUNCATED = "truncated"  # a rate: the quotient truncates to it, but rounds to another number
    WITHIN = "within"  # different, but inside the tolerance the printed digits allow
    MISMATCH = "mismatch"  # outside it: the document contradicts itself


@dataclass(frozen=True, slots=True)
class Comparison:
    """A stated figure against a computed one: the verdict and both intervals, for the message."""

    verdict: Verdict
    stated: tuple[Decimal, Decimal]
    computed: tuple[Decimal, Decimal]

    @property
    def ok(self) -> bool:
        return self.verdict is not Verdict.MISMATCH


def _overlap(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def check_sum(total: Figure, parts: Iterable[Figure], floor: Decimal = ZERO) -> Comparison:
    """A stated total against the sum of stated parts; `floor` is a tolerance beyond the printed digits."""
    summed = total_of(parts)
    stated, computed = total.interval(), summed.interval()
    diff = abs(summed.value - total.value)
    if diff == 0:
        verdict = Verdict.EXACT
    elif diff <= floor or _overlap(stated, computed):
        verdict = Verdict.WITHIN
    else:
        verdict = Verdict.MISMATCH
    return Comparison(verdict, stated, computed)


def exceeds(more: Figure, less: Figure, floor: Decimal = ZERO) -> bool:
    """Whether `more` is greater than `less` beyond what their printed digits and `floor` allow."""
    return more.value - less.value > floor and more.interval()[0] > less.interval()[1]


def quotient_interval(part: Figure, whole: Figure) -> tuple[Decimal, Decimal] | None:
    """part / whole in percent over both intervals; None when the whole's interval reaches 0."""
    pl, ph = part.interval()
    wl, wh = whole.interval()
    if wl <= 0 <= wh:
        return None
    corners = [p / w * HUNDRED for p in (pl, ph) for w in (wl, wh)]
    return min(corners), max(corners)


def check_rate(stated: Figure, part: Figure, whole: Figure) -> Comparison | None:
    """A stated percentage against part / whole; None when the whole is 0.

    Exact when the quotient rounds to the stated rate at its printed decimals, truncated when it only
    truncates to it, within when the interval propagated from the figures' printed digits reaches the
    stated rate's own interval, a mismatch otherwise. A rate stated without its sign (下降13.15% for a
    change of −13.15%) is compared by magnitude.
    """
    computed = percent(part.value, whole.value)
    if computed is None:
        return None
    if computed < 0 <= stated.value:
        stated = stated.negated()
    d = stated.decimals
    around = quotient_interval(part, whole) or (computed, computed)
    own = stated.interval()
    if quantize(computed, d) == stated.value:
        verdict = Verdict.EXACT
    elif quantize(computed, d, ROUND_DOWN) == stated.value:
        verdict = Verdict.TRUNCATED
    elif _overlap(own, around):
        verdict = Verdict.WITHIN
    else:
        verdict = Verdict.MISMATCH
    return Comparison(verdict, own, around)
