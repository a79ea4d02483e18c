"""Small exact-arithmetic helpers shared by the scoring engine and the rules: Decimal coercion,
rounding, the stated-percentage test and sum tolerances."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
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


def rate_matches(stated: Decimal, computed: Decimal) -> bool:
    """A stated rate is right if it equals the computed one rounded or truncated to its own decimals.

    100.98% for 161.58/160 = 100.9875% is right (truncated); 14.57% for 4.34/30 = 14.4667% is wrong.
    """
    d = decimals_of(stated)
    return stated in (quantize(computed, d), quantize(computed, d, ROUND_DOWN))


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


_HALF_UNITS = tuple(Decimal(5).scaleb(-d - 1) for d in range(12))


def half_unit(value: Decimal) -> Decimal:
    """Half a unit of the last decimal a number was written with: its own rounding error."""
    d = decimals_of(value)
    return _HALF_UNITS[d] if d < len(_HALF_UNITS) else Decimal(5).scaleb(-d - 1)


def sum_tolerance(values: Iterable[Decimal], floor: Decimal) -> Decimal:
    """How far a stated total may be from the sum of its stated parts: their rounding, at least `floor`."""
    return max(floor, sum((half_unit(v) for v in values), Decimal(0)))


_PARENTHESES = re.compile(r"[（(][^）)]*[）)]")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=16384)
def stem(name: str) -> str:
    """A heading's stem for matching: "产出指标(50分)" → "产出", "社会效益指标" → "社会效益"."""
    text = _SPACE.sub("", _PARENTHESES.sub("", name))
    for suffix in ("指标", "目标"):
        text = text.removesuffix(suffix)
    return text
