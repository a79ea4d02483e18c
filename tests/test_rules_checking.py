"""Rules for what reviewers find on real reports (issue 13), on typed reports built from the reports'
own wording: each rule with a case that must be found and one that must not."""

from __future__ import annotations

from decimal import Decimal as D

from jixiao.model.document import Provenance
from jixiao.model.findings import Finding, Severity
from jixiao.model.report import Fact, FactConflict, IndicatorRow, ParsedValue, Report, Unit
from jixiao.profiles import get_profile
from jixiao.rules import check
from jixiao.scoring import score


def run(report: Report, select: list[str], profile_id: str = "national-2020") -> list[Finding]:
    profile = get_profile(profile_id)
    return check(report, score(report, profile), profile, select=select)


def fact(value: str | int, text: str | None = None, line: int = 1) -> Fact:
    v = value if isinstance(value, int) or not value[:1].isdigit() else D(value)
    return Fact(value=v, provenance=Provenance(line=line, text=text if text is not None else str(value)))


def with_facts(**facts: str | int) -> Report:
    report = Report(unit=Unit(fiscal_year=2022, region="某省"))
    for i, (key, value) in enumerate(facts.items()):
        report.set_fact(key, fact(value, line=i + 1))
    return report


def value(text: str, number: str | None = None, unit: str | None = None, direction: str | None = None) -> ParsedValue:
    return ParsedValue(
        text=text,
        number=None if number is None else D(number),
        unit=unit,
        direction=direction,  # type: ignore[arg-type]
    )


def row(
    level3: str,
    target: ParsedValue | None,
    actual: ParsedValue | None,
    weight: str | None,
    score_: str | None,
    *,
    level1: str = "产出指标",
    level2: str = "数量指标",
    reason: str = "",
) -> IndicatorRow:
    return IndicatorRow(
        level1=level1,
        level2=level2,
        level3=level3,
        target=target,
        actual=actual,
        weight=None if weight is None else D(weight),
        score=None if score_ is None else D(score_),
        deviation_reason=reason,
    )


# --- messages name things in Chinese, never by key ---------------------------------------------------


def test_a_fact_stated_twice_is_named_in_chinese_and_reported_once() -> None:
    report = Report()
    clash = FactConflict(key="indicator_count", kept=fact(6, "共设置绩效指标6个"), other=fact(2, "指标2个"))
    report.conflicts = [clash, clash.model_copy()]  # the table and its text export: one defect
    (finding,) = run(report, ["JX607"])
    assert "绩效指标个数" in finding.message and "indicator_count" not in finding.message
    assert finding.numbers == (6, 2)


def test_an_amount_ten_thousand_times_another_is_a_unit_slip_not_two_values() -> None:
    report = Report()
    report.conflicts = [
        FactConflict(key="reception", kept=fact("43400", "公务接待费 43400"), other=fact("4.34", "公务接待费4.34万元"))
    ]
    (finding,) = run(report, ["JX607", "JX610"])
    assert finding.code == "JX610" and "元与万元" in finding.message and "公务接待费" in finding.message
    assert finding.numbers == (D(43400), D("4.34"))
    # a count ten thousand times another is no unit slip, and other clashes stay JX607's
    report.conflicts = [FactConflict(key="reception", kept=fact("4.34"), other=fact("4.43"))]
    assert [f.code for f in run(report, ["JX607", "JX610"])] == ["JX607"]


def test_a_percent_written_as_a_word_is_a_unit() -> None:
    """池州 form: "≥100百分比" is quantified; "严格执行相关制度规定" is not."""
    report = Report()
    report.indicators = [
        row("验收合格率", value("≥100百分比", "100", None, ">="), value("100百分比", "100"), "10", "10"),
        row("制度执行", value("严格执行相关制度规定"), value("严格执行"), "10", "10", level2="质量指标"),
    ]
    (finding,) = run(report, ["JX601"])
    assert finding.numbers == (1, 2) and "严格执行相关制度规定" in finding.message
    assert "百分比" not in finding.message


# --- forms left half done ------------------------------------------------------------------------------


def test_blank_actuals_and_scores_are_one_finding() -> None:
    """青神 Sichuan form: two indicators "=100%" with 完成值 and 得分 blank, 预算执行 得分 blank."""
    report = with_facts(execution_weight=10, weight_total=100)
    report.indicators = [
        row("发放(缴纳)覆盖率", value("=100%", "100", "%", "="), None, "60", None),
        row("足额保障率(参保率)", value("=100%", "100", "%", "="), None, "30", None, level2="质量指标"),
    ]
    (finding,) = run(report, ["JX602"])
    assert finding.severity is Severity.WARNING
    assert "完成值未填" in finding.message and "得分未填" in finding.message and "预算执行得分未填" in finding.message
    assert finding.numbers == (D(10), D(60), D(30))
    for r in report.indicators:
        r.actual, r.score = value("100%", "100", "%"), r.weight
    report.set_fact("execution_score", fact(10))
    assert run(report, ["JX602"]) == []
