"""The rule registry and individual rules on reports built by hand, with the numbers of the seeds'
defects (domain.md §4) written out."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal as D

import pytest

from jixiao.errors import JixiaoError
from jixiao.model.document import Provenance
from jixiao.model.findings import Finding, Issue, Severity
from jixiao.model.report import DeclaredWeight, Fact, IndicatorRow, ParsedValue, Report, Unit
from jixiao.profiles import get_profile, profile_from_dict
from jixiao.rules import SECTIONS, all_rules, check, get_rule, select_rules
from jixiao.rules.registry import REGISTRY, Context, rule, run_rules
from jixiao.scoring import score

NATIONAL = get_profile("national-2020")


def report_with(fiscal_year: int | None = 2021, **facts: str | int) -> Report:
    report = Report(unit=Unit(fiscal_year=fiscal_year, region="某省"))
    for i, (key, value) in enumerate(facts.items()):
        v = value if isinstance(value, str) and not value[:1].isdigit() and value[:1] != "-" else D(str(value))
        report.set_fact(key, Fact(value=v, provenance=Provenance(line=i + 1, text=f"{key}={value}")))
    return report


def run(report: Report, select: list[str] | None = None, profile_id: str = "national-2020") -> list[Finding]:
    profile = get_profile(profile_id)
    return check(report, score(report, profile), profile, select=select)


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


# --- registry -----------------------------------------------------------------------------------


def test_every_rule_is_documented_coded_and_grouped() -> None:
    rules = all_rules()
    assert len(rules) >= 45
    for r in rules:
        assert r.code.startswith("JX") and len(r.code) == 5
        assert r.summary and all(r.sections.get(s) for s in SECTIONS), r.code
        assert r.since == "0.1"
    assert len({r.name for r in rules}) == len(rules)
    themes = {r.code[:3] for r in rules}
    assert themes == {"JX0", "JX1", "JX2", "JX3", "JX4", "JX5", "JX6", "JX7"}


def test_selection_takes_all_a_prefix_a_code_or_a_name() -> None:
    everything = select_rules(["ALL"])
    assert {r.code for r in select_rules(["JX3"])} == {r.code for r in everything if r.code.startswith("JX3")}
    assert [r.code for r in select_rules(["JX301"])] == ["JX301"]
    assert [r.code for r in select_rules(["sangong-over-budget"])] == ["JX301"]
    without = select_rules(["ALL"], ["JX3", "JX101"])
    assert not any(r.code.startswith("JX3") or r.code == "JX101" for r in without)
    assert len(without) == len(everything) - len(select_rules(["JX3"])) - 1
    with pytest.raises(JixiaoError, match="JX999"):
        select_rules(["JX999"])


def test_profile_selection_and_cli_selection_combine() -> None:
    data = NATIONAL.model_dump(mode="json", exclude={"path"})
    data["rules"] = {"select": ["ALL"], "ignore": ["JX3"]}
    data["id"] = "quiet"
    profile = profile_from_dict(data)
    report = report_with(three_public_total="161.58", three_public_budget="160")
    assert "JX301" in codes(check(report, score(report, NATIONAL), NATIONAL))
    assert "JX301" not in codes(check(report, score(report, profile), profile))
    # --select replaces the profile's selection; the profile's ignore list still applies
    assert codes(check(report, score(report, profile), profile, select=["JX301", "JX506"])) == {"JX506"}


def test_a_rule_that_raises_becomes_jx000_and_the_others_still_run() -> None:
    def broken(ctx: Context) -> Iterator[Issue]:
        """坏规则。

        检查什么：
            无。
        为什么重要：
            无。
        示例：
            无。
        如何修改：
            无。
        """
        raise ZeroDivisionError("division by zero")

    rule(code="JX099", name="test-broken", severity=Severity.ERROR, since="0.1")(broken)
    try:
        report = report_with(three_public_total="161.58", three_public_budget="160")
        ctx = Context(report, score(report, NATIONAL), NATIONAL)
        findings = run_rules(ctx, [REGISTRY["JX099"], get_rule("JX301")])
        assert [f.code for f in findings] == ["JX000", "JX301"]
        assert "JX099" in findings[0].message and "division by zero" in findings[0].message
    finally:
        del REGISTRY["JX099"]


def test_a_rule_without_its_doc_sections_does_not_register() -> None:
    def undocumented(ctx: Context) -> Iterator[Issue]:
        """只有一句话。"""
        return iter(())

    with pytest.raises(ValueError, match="如何修改"):
        rule(code="JX098", name="test-undocumented", severity=Severity.INFO, since="0.1")(undocumented)


def test_rule_doc_has_every_section() -> None:
    doc = get_rule("JX304").doc()
    for section in SECTIONS:
        assert f"{section}：" in doc
    assert "14.57" in doc


# --- funds, income, 三公 --------------------------------------------------------------------------


def test_reception_rate_as_in_seed_003() -> None:
    report = report_with(reception="4.34", reception_budget="30", reception_execution_rate="14.57")
    (finding,) = run(report, ["JX304"])
    assert finding.severity is Severity.ERROR
    assert finding.numbers == (D("4.34"), D("30"), D("14.57"), D("14.47"))
    assert "14.47%" in finding.message and "14.57%" in finding.message
    assert finding.evidence[0].text == "reception_execution_rate=14.57"


def test_sangong_rate_truncated_is_a_note_and_overspending_warned() -> None:
    report = report_with(three_public_total="161.58", three_public_budget="160", three_public_execution_rate="100.98")
    found = {f.code: f for f in run(report, ["JX3"])}
    assert set(found) == {"JX301", "JX304"}
    over, truncated = found["JX301"], found["JX304"]
    assert over.severity is Severity.WARNING and over.numbers[:2] == (D("161.58"), D("160"))
    assert "100.99%" in over.message
    # 161.58 / 160 = 100.9875%: 100.98 truncates it; a reviewer notes that, it is no contradiction
    assert truncated.severity is Severity.INFO and "截尾" in truncated.message and D("100.99") in truncated.numbers


def test_vehicle_over_budget_and_parts_sum() -> None:
    report = report_with(
        reception="4.34",
        vehicle_total="157.24",
        overseas_travel="0",
        three_public_total="161.58",
        reception_budget="30",
        vehicle_budget="130",
        overseas_travel_budget="0",
        three_public_budget="160",
    )
    findings = run(report, ["JX302", "JX303"])
    assert [(f.code, f.numbers[:2]) for f in findings] == [("JX302", (D("157.24"), D("130")))]
    report.three_public.three_public_total = Fact(value=D("170"))
    assert "JX303" in codes(run(report, ["JX303"]))


def test_sangong_budget_derived_from_saving_as_in_seed_001() -> None:
    report = report_with(
        three_public_total="327.74",
        three_public_saving="363.86",
        three_public_saving_rate="52.61",
        three_public_execution_rate="47.39",
    )
    assert run(report, ["JX3"]) == []
    report.three_public.three_public_saving_rate = Fact(value=D("53.61"))
    (finding,) = run(report, ["JX3"])
    assert finding.code == "JX304" and D("52.61") in finding.numbers
    assert finding.severity is Severity.WARNING  # the budget was derived from the saving, not stated


def test_income_parts_and_change_rate() -> None:
    report = report_with(
        income_total="13066.59",
        carryover="697.37",
        income_general_budget="11736.32",
        income_fund_budget="632.9",
    )
    assert run(report, ["JX201"]) == []
    report.income.income_general_budget = Fact(value=D("11836.32"))
    (finding,) = run(report, ["JX201"])
    assert finding.numbers[-2:] == (D("13066.59"), D("13166.59"))
    # 761.39 / (5028.61 + 761.39) = 13.15%
    ok = report_with(income_total="5028.61", income_change="-761.39", income_change_rate="-13.15")
    assert run(ok, ["JX206"]) == []
    wrong = report_with(income_total="5028.61", income_change="-761.39", income_change_rate="-15.14")
    (finding,) = run(wrong, ["JX206"])
    assert D("-13.15") in finding.numbers and "5790" in finding.message


def test_expenditure_parts_shares_and_balance() -> None:
    report = report_with(
        expenditure_total="4738.24",
        basic_expenditure="4696.24",
        project_expenditure="42",
        basic_expenditure_share="99.11",
        project_expenditure_share="0.89",
    )
    assert run(report, ["JX2"]) == []
    report.expenditure.project_expenditure_share = Fact(value=D("0.98"))
    assert [f.code for f in run(report, ["JX2"])] == ["JX205"]
    balance = report_with(income_total="100", expenditure_total="90", balance_current_year="5")
    (finding,) = run(balance, ["JX204"])
    assert finding.numbers == (D(100), D(90), D(5), D(10))


def test_execution_rate_and_budget_change_as_in_seed_002() -> None:
    report = report_with(
        budget_initial="57954.3",
        budget_adjusted="45854.66",
        budget_executed="45854.66",
        execution_rate="100",
        execution_weight="10",
        execution_score="10",
    )
    findings = run(report, ["JX1"])
    assert [(f.code, f.severity) for f in findings] == [("JX103", Severity.INFO)]
    assert findings[0].numbers[:2] == (D("57954.3"), D("45854.66"))
    report.funds.execution_rate = Fact(value=D("98"))
    assert "JX101" in codes(run(report, ["JX1"]))


def test_low_execution_needs_an_explanation_and_score_follows_rate() -> None:
    report = report_with(budget_adjusted="200", budget_executed="170", execution_score="10")
    found = {f.code: f for f in run(report, ["JX1"])}
    assert set(found) == {"JX102", "JX105"}
    # stated and computed score, then what the computed one comes from: points, rate, amounts
    assert found["JX102"].numbers == (D(10), D("8.50"), D(10), D(85), D(170), D(200))


# --- indicators, scores, grades --------------------------------------------------------------------


def ind(
    level1: str,
    weight: str,
    score_: str,
    target: ParsedValue | None = None,
    actual: ParsedValue | None = None,
    *,
    level2: str = "数量指标",
    reason: str = "",
) -> IndicatorRow:
    return IndicatorRow(
        level1=level1,
        level2=level2,
        level3=f"{level1}{weight}",
        weight=D(weight),
        score=D(score_),
        target=target or ParsedValue(text="≥1个", direction=">=", number=D(1), unit="个"),
        actual=actual or ParsedValue(text="1个", number=D(1), unit="个"),
        deviation_reason=reason,
    )


def seed_002_like() -> Report:
    report = report_with(
        budget_adjusted="100",
        budget_executed="100",
        execution_weight="10",
        execution_score="10",
        self_score="100",
        weight_total="100",
    )
    report.indicators = [
        ind("产出指标", "50", "50"),
        *[ind("效益指标", w, w, level2="社会效益指标") for w in ("5", "5", "4", "4", "5", "4", "5")],
        ind("满意度指标", "10", "10", level2="服务对象满意度指标"),
    ]
    report.declared_weights = [
        DeclaredWeight(level=1, name=n, points=D(p))
        for n, p in (("产出指标(50分)", 50), ("效益指标(30分)", 30), ("满意度指标(10分)", 10))
    ]
    return report


def test_weights_declared_30_adding_to_32_and_total_102() -> None:
    findings = run(seed_002_like())
    by_code = {f.code: f for f in findings}
    assert by_code["JX401"].numbers == (D(30), D(32))
    assert "32" in by_code["JX401"].message and "效益指标" in by_code["JX401"].message
    assert by_code["JX403"].numbers == (D(100), D(102))
    assert by_code["JX501"].numbers == (D(100), D(102))
    assert by_code["JX505"].severity is Severity.INFO and "优" in by_code["JX505"].message
    assert {f.code for f in findings if f.severity is Severity.ERROR} == {"JX401", "JX403", "JX501"}


def test_row_score_over_points_recomputed_and_deviation() -> None:
    report = report_with(self_score="0")
    report.indicators = [
        ind("产出指标", "4", "5"),
        ind(
            "产出指标",
            "5",
            "5",
            ParsedValue(text="≥100件", direction=">=", number=D(100), unit="件"),
            ParsedValue(text="80件", number=D(80), unit="件"),
        ),
        ind(
            "产出指标",
            "5",
            "4",
            ParsedValue(text="≥100件", direction=">=", number=D(100), unit="件"),
            ParsedValue(text="80件", number=D(80), unit="件"),
        ),
    ]
    found = run(report, ["JX405", "JX502", "JX606"])
    assert [(f.code, f.numbers) for f in found] == [
        ("JX405", (D(5), D(4))),
        ("JX502", (D(5), D("4.00"))),
        ("JX606", (D(4), D(5))),
    ]


def test_qualitative_tier_and_score_disagree() -> None:
    report = Report()
    partial = ParsedValue(text="部分达成年度指标", qualitative="部分达成年度指标", qualitative_tier=2)
    report.indicators = [
        ind(
            "效益指标",
            "10",
            "10",
            ParsedValue(text="效果明显", direction="qualitative"),
            partial,
            level2="社会效益指标",
            reason="受疫情影响",
        )
    ]
    (finding,) = run(report, ["JX503"])
    assert finding.severity is Severity.ERROR and "6–8" in finding.message


@pytest.mark.parametrize(
    ("total", "grade", "expected"),
    [("92.3", "优秀", set()), ("85", "优", {"JX504"}), ("85", "良好", set()), ("55", "合格", {"JX504"})],
)
def test_grade_against_band(total: str, grade: str, expected: set[str]) -> None:
    assert codes(run(report_with(self_score=total, grade=grade), ["JX504"])) == expected


def test_missing_and_unrecomputable_scores() -> None:
    assert codes(run(report_with(), ["JX5"])) == {"JX506"}
    (finding,) = run(report_with(self_score="98.6", grade="优"), ["JX5"])
    assert finding.code == "JX507" and finding.numbers == (D("98.6"),)


def test_inflation_with_and_without_the_vendor_red_warning() -> None:
    report = report_with(budget_adjusted="100", budget_executed="70")
    report.indicators = [ind("产出指标", "90", "90")]
    (plain,) = run(report, ["JX508"])
    assert plain.numbers == (D(90), D(90), D(70))
    data = NATIONAL.model_dump(mode="json", exclude={"path"})
    data["vendor"]["red_warning"] = True
    data["id"] = "red"
    red = profile_from_dict(data)
    # (90/90 − 7/10) / (90/90) = 30% > 5%
    (finding,) = check(report, score(report, red), red, select=["JX508"])
    assert "红色预警" in finding.message and D(30) in finding.numbers
    report.funds.budget_executed = Fact(value=D(97))  # (1 − 0.97) / 1 = 3%: no warning
    assert check(report, score(report, red), red, select=["JX508"]) == []


def test_cap_rule_only_when_enabled() -> None:
    report = report_with(budget_adjusted="100", budget_executed="65", self_score="92")
    assert run(report, ["JX509"]) == []
    data = NATIONAL.model_dump(mode="json", exclude={"path"})
    data["vendor"]["execution_caps"] = True
    data["id"] = "caps"
    caps = profile_from_dict(data)
    (finding,) = check(report, score(report, caps), caps, select=["JX509"])
    assert finding.numbers == (D(65), D(79), D(92))


# --- targets and years ------------------------------------------------------------------------------


def test_unquantified_targets_copied_actuals_and_unit_mismatch() -> None:
    report = Report()
    vague = ParsedValue(text="控制在预算内", direction="qualitative", vague=True)
    report.indicators = [
        ind("产出目标", "0", "0", vague, ParsedValue(text="控制在预算内"), level2="成本指标"),
        ind("产出目标", "0", "0", ParsedValue(text="指标1：扫黑除恶推进有力", direction="=", number=D(1))),
        ind(
            "产出指标",
            "0",
            "0",
            ParsedValue(text="≥95%", direction=">=", number=D(95), unit="%"),
            ParsedValue(text="30人", number=D(30), unit="人"),
        ),
    ]
    found = {f.code: f for f in run(report, ["JX6"])}
    assert set(found) == {"JX601", "JX603", "JX604"}
    assert found["JX601"].numbers == (2, 3) and "数量指标 1 项" in found["JX601"].message
    assert found["JX604"].evidence


def test_no_indicator_table() -> None:
    assert codes(run(report_with(), ["JX6"])) == {"JX605"}


def test_comparison_year_as_in_seed_003() -> None:
    report = report_with(fiscal_year=2021)
    report.comparison_years = [
        Fact(value=2019, unit="income", provenance=Provenance(line=7, text="与2019年相比")),
        Fact(value=2020, unit="expenditure"),
    ]
    (finding,) = run(report, ["JX7"])
    assert finding.numbers == (2019, 2021) and "2020" in finding.message and finding.evidence[0].line == 7


def test_report_date_and_missing_year() -> None:
    report = report_with(fiscal_year=2022)
    report.unit.report_date = "2022-04-12"
    assert codes(run(report, ["JX7"])) == {"JX702"}
    report.unit.report_date = "2023-04-12"
    assert run(report, ["JX7"]) == []
    assert codes(run(report_with(fiscal_year=None), ["JX7"])) == {"JX703"}


def test_budget_of_zero_with_spending() -> None:
    # 池州: 年度资金总额 0/0/0 while the rows below it are not
    report = report_with(budget_initial="90", budget_adjusted="0", budget_executed="89.974")
    found = {f.code: f for f in run(report, ["JX107"])}
    assert found["JX107"].numbers == (D(0), D("89.974"), D(90))


def test_missing_satisfaction_block() -> None:
    report = Report()
    report.indicators = [ind("产出指标", "60", "60"), ind("效益指标", "30", "30", level2="社会效益指标")]
    (finding,) = run(report, ["JX407"])
    assert "满意度指标" in finding.message
    report.indicators.append(ind("满意度指标", "10", "10", level2="服务对象满意度指标"))
    assert run(report, ["JX407"]) == []
    # Hunan Template A puts 社会公众或服务对象满意度 under 效益目标: that counts
    template_a = Report()
    template_a.indicators = [ind("效益目标", "0", "0", level2="社会公众或服务对象满意度")]
    assert run(template_a, ["JX407"]) == []


def test_weights_total_without_an_execution_block() -> None:
    def table(*weights: str) -> Report:
        report = Report()
        report.indicators = [ind("产出指标", w, w) for w in weights]
        return report

    assert run(table("50", "40"), ["JX403"]) == []  # 90 = 100 − 10 execution points
    assert run(table("60", "40"), ["JX403"]) == []  # all 100 points on indicators
    (finding,) = run(table("60", "35"), ["JX403"])
    assert finding.numbers == (D(90), D(95))


def test_score_above_the_total_and_unreadable_values() -> None:
    (finding,) = run(report_with(self_score="102", grade="优"), ["JX510"])
    assert finding.severity is Severity.ERROR and finding.numbers == (D(102), D(100))
    assert run(report_with(self_score="100"), ["JX510"]) == []
    report = Report()
    report.indicators = [ind("效益指标", "5", "5", actual=ParsedValue(text="详见附件3", flagged=True))]
    (unreadable,) = run(report, ["JX608"])
    assert unreadable.severity is Severity.INFO and "详见附件3" in unreadable.message
