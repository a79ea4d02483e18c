"""Value parsing: amounts and units, percentages, counts, Chinese numerals, targets, dates, grades."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jixiao.extract.values import (
    normalize,
    parse_amount,
    parse_count,
    parse_date,
    parse_grade,
    parse_percent,
    parse_plain_number,
    parse_target,
)


@pytest.mark.parametrize(
    ("text", "wan", "unit"),
    [
        ("57954.3", Decimal("57954.3"), "万元"),
        ("1,200元", Decimal("0.12"), "元"),
        ("458,546,600元", Decimal("45854.66"), "元"),
        ("3.5亿元", Decimal("35000"), "亿元"),
        ("　3", Decimal("3"), "万元"),
        ("２０万元", Decimal("20"), "万元"),
        ("100万", Decimal("100"), "万"),
    ],
)
def test_amounts_in_wan(text: str, wan: Decimal, unit: str) -> None:
    assert parse_amount(text) == (wan, unit)


@pytest.mark.parametrize("text", ["≤22000万元", "约100万元", "12起", "abc", "", "1200元和300元"])
def test_not_a_single_amount(text: str) -> None:
    assert parse_amount(text) is None


def test_percent_and_numbers() -> None:
    assert parse_percent("52.61%") == Decimal("52.61")
    assert parse_percent("100％") == Decimal("100")
    assert parse_percent("47.39 %") == Decimal("47.39")
    assert parse_percent("52.61") is None
    assert parse_plain_number("　5") == Decimal("5")
    assert parse_plain_number("4分") == Decimal("4")
    assert parse_plain_number("四") == Decimal("4")


@pytest.mark.parametrize(
    ("text", "count"),
    [("285", 285), ("2247人", 2247), ("十五个", 15), ("一百二十三", 123), ("28台", 28), ("3.5", None)],
)
def test_counts_with_chinese_numerals(text: str, count: int | None) -> None:
    assert parse_count(text) == count


@pytest.mark.parametrize(
    ("text", "direction", "number", "unit", "change"),
    [
        ("≥95%", ">=", Decimal("95"), "%", None),
        ("≤22000万元", "<=", Decimal("22000"), "万元", None),
        ("下降2%以上", ">=", Decimal("2"), "%", "decrease"),
        ("较上年增长10%", "=", Decimal("10"), "%", "increase"),
        ("通过率达到85%及以上", ">=", Decimal("85"), "%", None),
        ("不低于90分", ">=", Decimal("90"), "分", None),
        ("不超过120万元", "<=", Decimal("120"), "万元", None),
        ("控制在300万元以内", "<=", Decimal("300"), "万元", None),
        ("12月底前", "<=", Decimal("12"), "月", None),
        ("破获案件1200起", "=", Decimal("1200"), "起", None),
        ("=15所", "=", Decimal("15"), "所", None),
        ("同比2021年下降5%以上", ">=", Decimal("5"), "%", "decrease"),
    ],
)
def test_targets(text: str, direction: str, number: Decimal, unit: str, change: str | None) -> None:
    value = parse_target(text)
    assert (value.direction, value.number, value.unit, value.change) == (direction, number, unit, change)
    assert value.text == text


@pytest.mark.parametrize(
    ("text", "tier", "vague"),
    [
        ("达成预期指标", 1, False),
        ("部分达成年度指标并具有一定效果", 2, False),
        ("未达成年度指标且效果较差", 3, False),
        ("控制在预算内", None, True),
        ("社会治安秩序稳定", None, True),
        ("基本完成", None, True),
    ],
)
def test_qualitative_values(text: str, tier: int | None, vague: bool) -> None:
    value = parse_target(text)
    assert value.direction == "qualitative"
    assert value.number is None
    assert value.qualitative_tier == tier
    assert value.vague is vague


def test_empty_target_is_flagged_not_guessed() -> None:
    value = parse_target("  ")
    assert value.flagged and value.number is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2022年4月12日", "2022-04-12"),
        ("2022.4.12", "2022-04-12"),
        ("2022-04-12", "2022-04-12"),
        ("2024年 3月 29日", "2024-03-29"),
        ("2022年13月1日", None),
        ("无日期", None),
    ],
)
def test_dates(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_grades_and_normalization() -> None:
    assert parse_grade("优秀") == "优秀"
    assert parse_grade(" 优 ") == "优"
    assert parse_grade("良好等") == "良好"
    assert parse_grade("很好") is None
    # spaces that PDF export puts between CJK and digits go; variant forms become simplified
    assert normalize("预算安排金额合计 4675.926 万元") == "预算安排金额合计4675.926万元"
    assert normalize("扫黒专项经费") == "扫黑专项经费"


def test_a_value_kept_elsewhere_is_flagged_not_read_as_its_appendix_number() -> None:
    for text in ("详见附件3", "见附表2", "具体见说明"):
        value = parse_target(text)
        assert value.flagged and value.number is None, text
