"""A number never spans the space between two numbers; a run of numbers is no single value.

Flattened tables put a row's cells on one line ("年度资金总额 100 100 100 10 100% 10"): reading that
as one number (10010010010100) states a fact the document never did, which is worse than none.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.extract import extract
from jixiao.extract.values import (
    normalize,
    parse_amount,
    parse_count,
    parse_percent,
    parse_plain_number,
    parse_target,
    quantities,
)
from jixiao.ingest import read

# A row of the national form as the corpus prints it flattened (real/001).
_FLAT_FUNDS_ROW = "年度资金总额: 100 100 100 10 100% 10"


def test_a_flattened_funds_row_yields_no_rate_and_no_amount() -> None:
    cells = _FLAT_FUNDS_ROW.split(":", 1)[1]
    assert quantities(normalize(_FLAT_FUNDS_ROW)) == []
    assert parse_percent(cells) is None
    assert parse_amount(cells) is None
    assert parse_plain_number(cells) is None
    assert parse_count(cells) is None
    target = parse_target(cells)
    assert target.number is None and target.flagged


@pytest.mark.parametrize(
    "text", ["100 100%", "3, 704.00", "1,2345", "64.8 64.8", "387664.62 387664.62", "100万元 200万元"]
)
def test_numbers_side_by_side_are_not_one_value(text: str) -> None:
    assert parse_amount(text) is None
    assert parse_percent(text) is None
    assert parse_plain_number(text) is None
    assert parse_target(text).number is None


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("预算执行率 100%", [Decimal(100)]),
        ("查处各类交通违法行为 7万起", [Decimal(7)]),  # 万 then 起: one number, 万 is its unit
        ("2021年12月31日", [Decimal(2021), Decimal(12), Decimal(31)]),  # a date is not a run
        ("90%-100%", [Decimal(90), Decimal(-100)]),
        ("年初预算数 64.8 全年预算数 64.86", [Decimal("64.8"), Decimal("64.86")]),  # labels say which is which
        ("1,234.5万元", [Decimal("1234.5")]),
    ],
)
def test_numbers_the_text_tells_apart_are_kept(text: str, numbers: list[Decimal]) -> None:
    assert [q.number for q in quantities(normalize(text))] == numbers


def test_unicode_minus_keeps_its_sign() -> None:
    assert parse_percent("−5%") == Decimal(-5)
    assert parse_amount("－12.5万元") == (Decimal("-12.5"), "万元")


# --- properties ---------------------------------------------------------------------------------

_decimals = st.decimals(min_value=Decimal("-99999999"), max_value=Decimal("99999999"), places=2, allow_nan=False)


def _written(value: Decimal, thousands: bool) -> str:
    return f"{value:,.2f}" if thousands else f"{value:.2f}"


@st.composite
def _cell(draw: st.DrawFn) -> str:
    value = draw(_decimals)
    unit = draw(st.sampled_from(["", "%", "万元", "元", "分", "个"]))
    return _written(value, draw(st.booleans())) + unit


@given(st.lists(_cell(), min_size=2, max_size=6), st.sampled_from([" ", "  ", "\u3000", "\xa0", " , "]))
def test_a_run_of_values_never_reads_as_one(cells: list[str], separator: str) -> None:
    text = separator.join(cells)
    assert parse_amount(text) is None
    assert parse_percent(text) is None
    assert parse_plain_number(text) is None
    assert parse_count(text) is None
    assert parse_target(text).number is None
    assert quantities(normalize(text)) == []


@given(_decimals, st.booleans())
def test_one_amount_keeps_its_value_and_sign(value: Decimal, thousands: bool) -> None:
    text = _written(value, thousands)
    assert parse_amount(text) == (value, "万元")
    assert parse_amount(f"{text}万元") == (value, "万元")
    assert parse_percent(f"{text}%") == value
    assert parse_target(f"≥{text}%").number == value


@given(_decimals, st.booleans())
def test_yuan_becomes_wan_once(value: Decimal, thousands: bool) -> None:
    parsed = parse_amount(f"{_written(value, thousands)}元")
    assert parsed is not None
    assert parsed[0] == value / 10000
    assert parsed[1] == "元"


@given(st.integers(min_value=0, max_value=99999))
def test_chinese_numerals_still_read(number: int) -> None:
    written = cn2an.an2cn(number)
    assert parse_count(written) == number
    assert parse_plain_number(written) == Decimal(number)


@given(st.lists(_cell(), min_size=2, max_size=4), st.sampled_from(["、", "，", "/", "；", " - "]))
def test_listed_values_are_never_one_value(cells: list[str], separator: str) -> None:
    text = separator.join(cells)
    assert parse_amount(text) is None
    assert parse_percent(text) is None
    assert parse_plain_number(text) is None
    assert parse_count(text) is None


@pytest.mark.parametrize(
    "row", ["预算执行率 100 100%", "年度资金总额: 100 100 100 10 100% 10", "执行率 64.8 64.86 100%"]
)
def test_a_flattened_row_in_a_report_states_no_rate(tmp_path: Path, row: str) -> None:
    path = tmp_path / "r.txt"
    path.write_text(f"宣城市公安局禁毒项目绩效支出自评表\n项目支出绩效自评表\n(2021年度)\n{row}\n", encoding="utf-8")
    report = extract(read(path))
    assert report.value("execution_rate") is None
    assert report.value("budget_initial") is None
