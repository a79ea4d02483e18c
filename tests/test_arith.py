"""The tolerance mechanism every sum and rate rule uses: a printed figure stands for the values that
round or truncate to it, sums and quotients carry those intervals (scoring/arith.py)."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jixiao.scoring.arith import Figure, Verdict, check_rate, check_sum, exceeds, printed_half

# True amounts with up to four decimals (元 precision in 万元 is four), and print precisions 1–3.
amounts = st.decimals(min_value=D("0.01"), max_value=D("99999"), places=4, allow_nan=False, allow_infinity=False)
decimals = st.integers(min_value=1, max_value=3)
modes = st.sampled_from([ROUND_HALF_UP, ROUND_DOWN])
FAST = settings(max_examples=300, deadline=None)


def printed(true: D, d: int, mode: str = ROUND_HALF_UP) -> Figure:
    """The figure a writer prints for a true value: rounded or truncated to d decimals, then read back."""
    text = f"{true.quantize(D(1).scaleb(-d), rounding=mode)}万元"
    return Figure.printed(D(text.removesuffix("万元")), text)


@pytest.mark.parametrize(
    ("value", "text", "half"),
    [
        ("4.34", "支出决算为4.34万元", "0.005"),
        ("115.00", "115.00", "0.005"),
        ("3704", "其中基本支出4204.8万元,项目支出3704万元", "0.5"),  # four significant digits: rounded
        ("30", "公务接待费支出预算为30万元", "0"),  # a round amount as set
        ("2000", "2000万元", "0"),
        ("3704", "37040000元", "0.00005"),  # 元 read as 万元: half a 元
        ("1234.5", "1,234.5万元", "0.05"),  # thousands separator
        ("52.61", None, "0.005"),  # no text: the value's own digits
    ],
)
def test_half_unit_from_the_printed_text(value: str, text: str | None, half: str) -> None:
    assert printed_half(D(value), text) == D(half)


@FAST
@given(true=amounts, d=decimals, mode=modes)
def test_a_printed_figure_covers_the_value_it_was_printed_from(true: D, d: int, mode: str) -> None:
    low, high = printed(true, d, mode).interval()
    assert low <= true <= high


@FAST
@given(parts=st.lists(st.tuples(amounts, decimals, modes), min_size=2, max_size=6), d=decimals, mode=modes)
def test_a_total_printed_from_the_true_sum_is_never_a_mismatch(
    parts: list[tuple[D, int, str]], d: int, mode: str
) -> None:
    total = sum((t for t, _, _ in parts), D(0))
    comparison = check_sum(printed(total, d, mode), [printed(t, pd, pm) for t, pd, pm in parts])
    assert comparison.ok


@FAST
@given(parts=st.lists(st.tuples(amounts, decimals), min_size=2, max_size=6), d=decimals, slip=st.integers(2, 50))
def test_a_total_off_by_more_than_the_printed_digits_allow_is_a_mismatch(
    parts: list[tuple[D, int]], d: int, slip: int
) -> None:
    figures = [printed(t, pd) for t, pd in parts]
    spread = sum((f.below + f.above for f in figures), D(0))
    total = sum((f.value for f in figures), D(0)) + spread + D(slip).scaleb(-d)
    assert check_sum(printed(total, d), figures).verdict is Verdict.MISMATCH


@FAST
@given(part=amounts, whole=amounts, d=decimals, rate_d=st.integers(0, 2), mode=modes)
def test_a_rate_printed_from_the_true_quotient_is_never_a_mismatch(
    part: D, whole: D, d: int, rate_d: int, mode: str
) -> None:
    true_rate = part / whole * 100
    stated = true_rate.quantize(D(1).scaleb(-rate_d), rounding=mode)
    printed_whole = printed(whole, d)
    assume(printed_whole.value > 0)  # a budget printed as 0 gives no rate at all
    comparison = check_rate(Figure.printed(stated, f"{stated}%", rate=True), printed(part, d), printed_whole)
    assert comparison is not None and comparison.ok


def test_rates_of_the_seeds_and_the_corpus() -> None:
    def verdict(stated: str, part: str, whole: str) -> Verdict:
        result = check_rate(Figure.printed(D(stated), rate=True), Figure.printed(D(part)), Figure.printed(D(whole)))
        assert result is not None
        return result.verdict

    assert verdict("14.57", "4.34", "30") is Verdict.MISMATCH  # seed 003: 14.47%
    assert verdict("14.47", "4.34", "30") is Verdict.EXACT
    assert verdict("14.48", "4.34", "30") is Verdict.WITHIN  # one unit off: 4.345 / 30 = 14.483%
    assert verdict("100.98", "161.58", "160") is Verdict.TRUNCATED  # 100.9875%
    assert verdict("32.24", "2.48", "7.69") is Verdict.TRUNCATED  # 32.2497%, rounded 32.25
    assert verdict("-13.15", "-761.39", "5790.00") is Verdict.EXACT
    assert verdict("13.15", "-761.39", "5790.00") is Verdict.EXACT  # 下降13.15%: by magnitude


def test_sums_of_the_corpus() -> None:
    # 004: 4204.8 + 3704 = 7908.8 against 7908.83: inside what a rounded 3704 allows
    hengshan = check_sum(Figure.printed(D("7908.83")), [Figure.printed(D("4204.8")), Figure.printed(D("3704"))])
    assert hengshan.verdict is Verdict.WITHIN
    # 006: 30 + 30 + 29.99 = 89.99 against 89.97: round amounts are exact, so 0.02 is too much
    chizhou = check_sum(Figure.printed(D("89.97")), [Figure.printed(D(v)) for v in ("30", "30", "29.99")])
    assert chizhou.verdict is Verdict.MISMATCH
    assert check_sum(Figure.printed(D("90")), [Figure.printed(D("30"))] * 3).verdict is Verdict.EXACT


def test_exceeds_only_beyond_the_printed_digits() -> None:
    assert exceeds(Figure.printed(D("161.58")), Figure.printed(D("160")))
    assert not exceeds(Figure.printed(D("3704.4")), Figure.printed(D("3704")))  # 3704 may be 3704.49
    assert not exceeds(Figure.printed(D("100")), Figure.printed(D("100")))


def test_a_rate_keeps_the_decimals_it_was_printed_with_even_when_stored_whole() -> None:
    """A rate printed "100.00%" and read as 100: 99.7% is not 100.00%; the printed digits decide."""
    stated = Figure.printed(D(100), "100.00%", rate=True)
    assert stated.decimals == 2
    result = check_rate(stated, Figure.printed(D("99.70")), Figure.printed(D("100.00")))
    assert result is not None and result.verdict is Verdict.MISMATCH
    assert Figure.printed(D(100), "100%", rate=True).decimals == 0
    assert Figure.printed(D("3704"), "37040000元").decimals == 4


def test_a_short_whole_change_is_rounded_like_the_whole_amount_it_changes() -> None:
    current, change = Figure.printed(D("3923")), Figure.printed(D("-332"))
    assert change.exact and not current.exact  # 332 alone reads as a round amount
    assert change.rounded_like(current).interval() == (D("-333.0"), D("-331.5"))
    assert Figure.printed(D("-0.6")).rounded_like(current) == Figure.printed(D("-0.6"))  # printed finer: as is
    assert change.rounded_like(Figure.printed(D("30"))) == change  # beside an exact amount: exact
