"""The scoring engine with worked numbers: every formula of domain.md §1.1–§1.2 and checklist B."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from jixiao.model.report import DeclaredWeight, Fact, IndicatorRow, ParsedValue, Report
from jixiao.profiles import Profile, get_profile, profile_from_dict
from jixiao.scoring import indicator_item, score
from jixiao.scoring.arith import Figure, check_rate

NATIONAL = get_profile("national-2020")


def variant(**changes: object) -> Profile:
    """national-2020 with some sections changed (as a user's profile file would)."""
    data = NATIONAL.model_dump(mode="json", exclude={"path"})
    for dotted, value in changes.items():
        section, key = dotted.split("__")
        data[section][key] = value
    data["id"] = "variant"
    return profile_from_dict(data)


def row(
    target: ParsedValue | None, actual: ParsedValue | None, weight: str = "10", stated: str | None = None
) -> IndicatorRow:
    return IndicatorRow(
        level1="产出指标",
        level2="数量指标",
        level3="测试指标",
        target=target,
        actual=actual,
        weight=D(weight),
        score=None if stated is None else D(stated),
    )


def q(
    text: str, number: str, direction: str | None = ">=", unit: str | None = "个", change: str | None = None
) -> ParsedValue:
    return ParsedValue(text=text, number=D(number), direction=direction, unit=unit, change=change)  # type: ignore[arg-type]


def result(r: IndicatorRow, profile: Profile = NATIONAL) -> D | None:
    return indicator_item(0, r, profile).result


# --- positive ------------------------------------------------------------------------------------


def test_positive_indicator_scores_in_proportion_and_caps_at_its_points() -> None:
    assert result(row(q("≥100个", "100"), q("80个", "80"))) == D("8.00")  # 10 × 80/100
    assert result(row(q("≥100个", "100"), q("150个", "150"))) == D("10.00")  # over-achievement: no bonus
    assert result(row(q("≥3起", "3"), q("2起", "2"), weight="4")) == D("2.67")  # 4 × 2/3, rounded to 2 decimals


def test_positive_target_zero_gets_full_points_for_any_non_negative_actual() -> None:
    assert result(row(q("≥0起", "0"), q("0起", "0"))) == D("10.00")


def test_negative_actual_scores_zero() -> None:
    assert result(row(q("≥5%", "5", unit="%"), q("-2%", "-2", unit="%"))) == D("0.00")


def test_decrease_targets_compare_the_size_of_the_decrease() -> None:
    target = q("下降2%以上", "2", unit="%", change="decrease")
    assert result(row(target, q("下降2.2%", "2.2", direction=None, unit="%", change="decrease"))) == D("10.00")
    assert result(row(target, q("下降1%", "1", direction=None, unit="%", change="decrease"))) == D("5.00")
    # the count went up instead of down: the target is missed entirely
    assert result(row(target, q("上升1%", "1", direction=None, unit="%", change="increase"))) == D("0.00")


def test_money_units_are_converted_before_comparing() -> None:
    assert result(row(q("≥10万元", "10", unit="万元"), q("80000元", "80000", unit="元"))) == D("8.00")


def test_actual_text_with_several_values_uses_the_one_in_the_target_unit() -> None:
    actual = q("全年化解纠纷1005起，化解率达96.17%", "96.17", direction=None, unit="%")
    item = indicator_item(0, row(q("全年化解纠纷500起", "500", unit="起"), actual), NATIONAL)
    assert item.result == D("10.00") and item.recomputed


def test_units_that_cannot_be_compared_keep_the_stated_score() -> None:
    item = indicator_item(0, row(q("≥95%", "95", unit="%"), q("30人", "30", unit="人"), stated="9"), NATIONAL)
    assert item.result == D("9") and not item.recomputed and "单位" in item.formula


# --- reverse, both formulas ------------------------------------------------------------------------


def test_reverse_pmkpi_linear_declines_to_zero_at_twice_the_target() -> None:
    target = q("≤100万元", "100", direction="<=", unit="万元")
    assert result(row(target, q("90万元", "90", unit="万元"))) == D("10.00")
    assert result(row(target, q("120万元", "120", unit="万元"))) == D("8.00")  # 10 × (1 − 20/100)
    assert result(row(target, q("150万元", "150", unit="万元"))) == D("5.00")
    assert result(row(target, q("200万元", "200", unit="万元"))) == D("0.00")
    assert result(row(target, q("260万元", "260", unit="万元"))) == D("0.00")


def test_reverse_target_over_actual() -> None:
    profile = variant(scoring__reverse_formula="target_over_actual")
    target = q("≤100万元", "100", direction="<=", unit="万元")
    assert result(row(target, q("120万元", "120", unit="万元")), profile) == D("8.33")  # 10 × 100/120
    assert result(row(target, q("200万元", "200", unit="万元")), profile) == D("5.00")
    assert result(row(target, q("80万元", "80", unit="万元")), profile) == D("10.00")
    assert get_profile("hebei").scoring.reverse_formula == "target_over_actual"


def test_reverse_target_zero() -> None:
    target = q("≤0起", "0", direction="<=", unit="起")
    assert result(row(target, q("0起", "0", unit="起"))) == D("10.00")
    assert result(row(target, q("1起", "1", unit="起"))) == D("0.00")


# --- "=" -------------------------------------------------------------------------------------------


def test_equal_as_positive_and_target_zero() -> None:
    assert result(row(q("=100%", "100", direction="=", unit="%"), q("95%", "95", unit="%"))) == D("9.50")
    assert result(row(q("=0起", "0", direction="=", unit="起"), q("0起", "0", unit="起"))) == D("10.00")
    assert result(row(q("=0起", "0", direction="=", unit="起"), q("2起", "2", unit="起"))) == D("0.00")


def test_equal_exact_penalises_overshoot_too() -> None:
    profile = variant(scoring__equal_formula="exact")
    target = q("=100%", "100", direction="=", unit="%")
    assert result(row(target, q("100%", "100", unit="%")), profile) == D("10.00")
    assert result(row(target, q("110%", "110", unit="%")), profile) == D("9.00")  # 10 × (1 − 10/100)


# --- qualitative ----------------------------------------------------------------------------------


def qual(tier: int, text: str) -> ParsedValue:
    return ParsedValue(text=text, qualitative=text, qualitative_tier=tier)


def test_qualitative_score_inside_its_tier_is_kept() -> None:
    target = ParsedValue(text="效果明显", direction="qualitative")
    item = indicator_item(0, row(target, qual(1, "达成年度指标"), stated="9"), NATIONAL)
    assert item.result == D("9") and item.tier == 1


@pytest.mark.parametrize(
    ("tier", "text", "expected"),
    [(1, "达成年度指标", "10.00"), (2, "部分达成年度指标", "7.00"), (3, "未达成年度指标", "3.00")],
)
def test_qualitative_score_outside_its_tier_gets_the_tier_default(tier: int, text: str, expected: str) -> None:
    target = ParsedValue(text="效果明显", direction="qualitative")
    item = indicator_item(0, row(target, qual(tier, text), stated="6.5" if tier == 1 else "10"), NATIONAL)
    assert item.result == D(expected)


def test_qualitative_tier_from_profile_words_when_the_parser_gave_none() -> None:
    target = ParsedValue(text="效果明显", direction="qualitative")
    actual = ParsedValue(text="部分达成", qualitative="部分达成")  # "部分达成" must not match tier 1's "达成"
    assert indicator_item(0, row(target, actual, stated="10"), NATIONAL).tier == 2


def test_row_without_numbers_carries_the_stated_score() -> None:
    item = indicator_item(0, row(ParsedValue(text="社会治安秩序稳定"), ParsedValue(text="良好"), stated="4"), NATIONAL)
    assert item.result == D("4") and not item.recomputed


# --- execution, totals, grades, caps, −2 ----------------------------------------------------------


def report_with(**facts: str) -> Report:
    report = Report()
    for key, value in facts.items():
        report.set_fact(key, Fact(value=D(value)))
    return report


def test_execution_score_is_weight_times_rate_capped_at_100_percent() -> None:
    card = score(report_with(budget_adjusted="200", budget_executed="170"), NATIONAL)
    assert card.execution is not None
    assert card.execution_rate == D(85) and card.execution.result == D("8.50")
    over = score(report_with(budget_adjusted="200", budget_executed="210"), NATIONAL)
    assert over.execution is not None and over.execution.result == D("10.00")


def test_execution_rate_uses_the_adjusted_budget_not_the_initial_one() -> None:
    card = score(report_with(budget_initial="100", budget_adjusted="200", budget_executed="200"), NATIONAL)
    assert card.execution_rate == D(100)


def test_budget_of_zero_gives_no_rate() -> None:
    card = score(report_with(budget_adjusted="0", budget_executed="10"), NATIONAL)
    assert card.execution is not None and card.execution.result is None and card.execution_rate is None


def test_total_level_sums_and_grade() -> None:
    report = report_with(budget_adjusted="100", budget_executed="95", self_score="92.5")
    report.indicators = [
        row(q("≥100个", "100"), q("100个", "100"), weight="50", stated="50"),
        row(q("≥10件", "10", unit="件"), q("8件", "8", unit="件"), weight="40", stated="40"),
    ]
    report.declared_weights = [DeclaredWeight(level=1, name="产出指标(90分)", points=D(90))]
    card = score(report, NATIONAL)
    # 9.5 (execution) + 50 + 32 (40 × 8/10)
    assert card.computed_total == D("91.50")
    assert card.grade_computed == "优"
    assert card.recomputable
    assert card.weight_sum == D(100)
    assert card.stated_score_sum == D("99.50")
    (level1,) = card.level1
    assert level1.declared == D(90) and level1.weight == D(90) and level1.score_computed == D("82.00")


@pytest.mark.parametrize(
    ("total", "label"), [("90", "优"), ("89.99", "良"), ("80", "良"), ("79.5", "中"), ("60", "中"), ("59.9", "差")]
)
def test_grade_bands(total: str, label: str) -> None:
    assert NATIONAL.grades.grade(D(total))[1] == label


def test_grade_labels_of_other_sets_map_to_the_same_band() -> None:
    assert NATIONAL.grades.band_of("优秀") == 0 and NATIONAL.grades.band_of("较好") == 1
    assert get_profile("hunan-dept").grades.grade(D("92.3"))[1] == "优秀"


def test_execution_caps_when_enabled() -> None:
    profile = variant(vendor__execution_caps=True)
    report = report_with(budget_adjusted="100", budget_executed="65")
    report.indicators = [row(q("≥1个", "1"), q("1个", "1"), weight="90", stated="90")]
    card = score(report, profile)
    assert card.computed_total == D(79)  # 6.5 + 90 = 96.5, capped at 79 for a 65% rate
    assert any(i.kind == "cap" for i in card.items)
    assert score(report, NATIONAL).computed_total == D("96.50")  # off by default


def test_deviation_deduction_at_130_percent_when_enabled() -> None:
    profile = variant(vendor__deviation_deduction=True)
    r = row(q("≥100个", "100"), q("130个", "130"))
    assert result(r, profile) == D("8.00")  # full 10 − 2
    assert result(row(q("≥100个", "100"), q("129个", "129")), profile) == D("10.00")
    assert result(r) == D("10.00")


@pytest.mark.parametrize(
    ("stated", "part", "whole", "ok"),
    [
        ("100.98", "161.58", "160", True),  # 100.9875 truncated
        ("100.99", "161.58", "160", True),  # rounded
        ("14.57", "4.34", "30", False),  # 14.4667
        ("14.47", "4.34", "30", True),
        ("47.39", "327.74", "691.60", True),
        ("100", "45854.66", "45854.66", True),
    ],
)
def test_stated_rate_right_when_rounded_or_truncated(stated: str, part: str, whole: str, ok: bool) -> None:
    comparison = check_rate(Figure.printed(D(stated), rate=True), Figure.printed(D(part)), Figure.printed(D(whole)))
    assert comparison is not None and comparison.ok is ok
