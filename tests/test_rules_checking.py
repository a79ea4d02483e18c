"""Rules for what reviewers find on real reports (issue 13), on typed reports built from the reports'
own wording: each rule with a case that must be found and one that must not."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jixiao.model.document import Provenance
from jixiao.model.findings import Finding, Severity
from jixiao.model.report import (
    Fact,
    FactConflict,
    GradeBand,
    IndicatorRow,
    NarrativeSection,
    ParsedValue,
    QualitativeTarget,
    Report,
    Unit,
)
from jixiao.profiles import get_profile, profile_from_dict
from jixiao.rules import check
from jixiao.scoring import score


def run(report: Report, select: list[str], profile_id: str = "national-2020") -> list[Finding]:
    profile = get_profile(profile_id)
    return check(report, score(report, profile), profile, select=select)


def fact(value: str | int, text: str | None = None, line: int = 1) -> Fact:
    v = value if isinstance(value, int) or not value.replace(".", "", 1).isdigit() else D(value)
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


# --- scores against results ------------------------------------------------------------------------------


def test_a_met_target_marked_down_without_a_reason_is_one_finding() -> None:
    """永德 form: 资金到位及时率 ≧100%, 完成 100%, 分值 10, 得分 7, 偏差原因 blank."""
    report = Report()
    report.indicators = [
        row(
            "资金到位及时率", value("≧100%", "100", "%", ">="), value("100%", "100", "%"), "10", "7", level2="时效指标"
        ),
        # 银川: 公用经费完成时间 2021年12月完成, met exactly, 4 of 5
        row(
            "公用经费完成时间", value("2021年12月完成", "12", "月", "="), value("2021年12月完成", "12", "月"), "5", "4"
        ),
    ]
    found = run(report, ["JX502", "JX512", "JX606"])
    # target and result, then points and score: every number the finding compares
    assert [(f.code, f.numbers) for f in found] == [
        ("JX512", (D(100), D(100), D(10), D(7))),
        ("JX512", (D(12), D(12), D(5), D(4))),
    ]
    assert "≧100%" in found[0].message and "未写偏差原因" in found[0].message
    # a reason given: the score may be right; full marks: nothing to say
    report.indicators[0].deviation_reason = "资金分两批拨付，第二批滞后"
    report.indicators[1].score = D(5)
    assert run(report, ["JX512"]) == []


def test_a_missed_target_with_full_marks_is_recomputed() -> None:
    """重庆: 政府采购执行率 target 100%, actual 72.74%, full marks 2 of 2."""
    report = Report()
    report.indicators = [row("政府采购执行率", value("100%", "100", "%", "="), value("72.74%", "72.74", "%"), "2", "2")]
    (finding,) = run(report, ["JX502", "JX512"])
    assert finding.code == "JX502" and finding.numbers == (D(2), D("1.45"))


def test_a_total_above_what_the_scored_rows_allow() -> None:
    """银川: 10 + 24 + 29 + 13 + 8 = 84 scored, 满意度 (10 points) unscored: at most 94, stated 98."""
    report = with_facts(self_score="98")
    scored = [("项目决策", "10", "10"), ("项目管理", "25", "24"), ("项目产出", "30", "29"), ("社会效益", "15", "13")]
    report.indicators = [row(n, None, None, w, s) for n, w, s in scored]
    report.indicators += [row("可持续影响", None, None, "10", "8"), row("服务对象满意度", None, None, "10", None)]
    (finding,) = run(report, ["JX511"])
    assert finding.severity is Severity.ERROR
    assert finding.numbers == (D(98), D(10), D(24), D(29), D(13), D(8), D(10), D(94))
    report.summary.self_score = fact("93")
    assert run(report, ["JX511"]) == []


def test_an_execution_score_above_its_points() -> None:
    (finding,) = run(with_facts(execution_weight="10", execution_score="12"), ["JX111"])
    assert finding.severity is Severity.ERROR and finding.numbers == (D(12), D(10))
    assert run(with_facts(execution_weight="10", execution_score="10"), ["JX111"]) == []


# --- changes without a reason ------------------------------------------------------------------------------


SICHUAN_NOTE = (
    "1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内);"
    "2.年中发生预算调整的(追加或调减),应单独说明理由;3.其他资金包括:社会投入资金、银行贷款."
)


def test_an_adjustment_whose_reason_cell_holds_only_the_form_note() -> None:
    """青神 (Sichuan: any adjustment needs a reason): 238.93 → 251.89, the 原因 cell holds the form's rules."""
    report = with_facts(budget_initial="238.93", budget_adjusted="251.89", budget_executed="251.89")
    report.funds.adjustment_reason = fact(SICHUAN_NOTE)
    (finding,) = run(report, ["JX103"], "sichuan-510000_0013zp")
    assert finding.severity is Severity.INFO and finding.numbers[:2] == (D("238.93"), D("251.89"))
    assert "填写说明" in finding.message
    report.funds.adjustment_reason = fact("年中追加人员经费12.96万元")
    assert run(report, ["JX103"], "sichuan-510000_0013zp") == []


def test_a_new_allocation_from_zero_and_a_cut_that_makes_full_execution_little() -> None:
    """大英: 安可替代补助 年初 0.00 → 3.36; 石狮: 115.00 cut to 32.00, executed 100%."""
    new = with_facts(budget_initial="0.00", budget_adjusted="3.36", budget_executed="3.36")
    (finding,) = run(new, ["JX103"])
    assert "年初预算为 0" in finding.message and finding.numbers == (D(0), D("3.36"))
    cut = with_facts(budget_initial="115.00", budget_adjusted="32.00", budget_executed="32.00")
    (finding,) = run(cut, ["JX103"])
    assert finding.severity is Severity.INFO
    assert {D("115.00"), D("32.00"), D(100), D("27.83")} <= set(finding.numbers)
    assert "27.83%" in finding.message


def test_low_execution_explained_in_the_reason_cell_needs_no_finding() -> None:
    report = with_facts(budget_adjusted="200", budget_executed="170")
    assert {f.code for f in run(report, ["JX105"])} == {"JX105"}
    report.funds.adjustment_reason = fact(SICHUAN_NOTE)
    assert {f.code for f in run(report, ["JX105"])} == {"JX105"}  # the form's note is no reason
    report.funds.adjustment_reason = fact("政府采购项目跨年度实施，尾款30万元次年支付")
    assert run(report, ["JX105"]) == []


# --- forms left with the template's words ------------------------------------------------------------------


def test_instruction_text_left_in_the_form_is_one_finding() -> None:
    """青神: 年度目标完成情况 and 评价结论 still hold the template's instructions."""
    report = Report()
    report.targets = [
        QualitativeTarget(
            expected="确保工资按时足额发放", achieved="对照年度目标,说明相关任务目标的完成情况(100字以内)"
        )
    ]
    report.sections = [
        NarrativeSection(
            heading="评价结论", text="结合自评情况,说明项目自评总分,说明项目实施取得的成效或成果。(200字以内)"
        ),
        NarrativeSection(heading="存在问题", text="个别月份社保缴费基数调整滞后，已于次月补缴。"),
    ]
    (finding,) = run(report, ["JX611"])
    assert finding.numbers == (2,) and "100字以内" in finding.message
    report.targets[0].achieved = "全年工资按月足额发放，社保按时缴纳"
    report.sections.pop(0)
    assert run(report, ["JX611"]) == []


def test_a_numeric_target_answered_with_a_word() -> None:
    """大英: 成本控制数 ≤30 万元, 完成值 完成."""
    report = Report()
    report.indicators = [
        row("成本控制数", value("≤30万元", "30", "万元", "<="), value("完成"), "10", "10", level2="成本指标"),
        row("验收合格率", value("≥95%", "95", "%", ">="), value("96%", "96", "%"), "10", "10", level2="质量指标"),
        row("群众满意", value("效果明显", direction="qualitative"), value("达成"), "10", "10", level2="社会效益指标"),
    ]
    (finding,) = run(report, ["JX612"])
    assert finding.severity is Severity.INFO and finding.numbers == (D(30),) and "“完成”" in finding.message


# --- grades ---------------------------------------------------------------------------------------------------


def test_a_grade_outside_the_national_bands_is_a_warning_not_a_contradiction() -> None:
    """巫山: 84.47 rated 优; under 10号 84.47 is 良, and the report states no bands of its own."""
    (finding,) = run(with_facts(self_score="84.47", grade="优"), ["JX504"])
    assert finding.severity is Severity.WARNING and finding.numbers == (D("84.47"),) and "良" in finding.message
    assert run(with_facts(self_score="92.3", grade="优秀"), ["JX504"]) == []


def test_the_documents_own_legend_comes_first() -> None:
    """儋州: total 80.06, 绩效评级 blank, the table states 80分≤总分<90 → 良 (and 三亚: 良(80-89分))."""
    report = with_facts(self_score="80.06")
    legend = Provenance(line=30, text="90分≤总分≤100,优;80分≤总分<90,良;60分≤总分<80,中;总分<60,差")
    report.grade_bands = [
        GradeBand(label="优", min=D(90), provenance=legend),
        GradeBand(label="良", min=D(80), max=D(90), provenance=legend),
        GradeBand(label="中", min=D(60), max=D(80), provenance=legend),
        GradeBand(label="差", min=D(0), max=D(60), provenance=legend),
    ]
    (finding,) = run(report, ["JX504", "JX505"])
    assert finding.code == "JX505" and finding.severity is Severity.INFO
    assert "“良”" in finding.message and "80分≤总分<90" in finding.message and legend in finding.evidence
    # a stated grade against the document's own legend is a contradiction: an error
    report.set_fact("grade", fact("优"))
    (finding,) = run(report, ["JX504", "JX505"])
    assert finding.code == "JX504" and finding.severity is Severity.ERROR
    # a legend that differs from the national bands decides: 85 is 优 where the form says 85分≤总分 is 优
    report.grade_bands[0] = GradeBand(label="优", min=D(85), provenance=legend)
    report.summary.self_score = fact("86")
    assert run(report, ["JX504"]) == []
    assert score(report, get_profile("national-2020")).grade_computed == "优"


def test_a_score_without_a_grade_is_derived_from_the_profile_as_a_note() -> None:
    """南县: 97 with no grade word → 优, an info, not a mismatch."""
    (finding,) = run(with_facts(self_score="97"), ["JX504", "JX505"])
    assert finding.code == "JX505" and finding.severity is Severity.INFO and "“优”" in finding.message


# --- parts and wholes in prose ------------------------------------------------------------------------------


def narrative(*texts: str) -> Report:
    report = Report()
    report.sections = [
        NarrativeSection(heading=f"{i}", text=t, provenance=Provenance(line=i)) for i, t in enumerate(texts)
    ]
    return report


XUELIANG = (
    "共建设和安装软硬件设备共16954套(台、块、项),其中:总平台安装软硬件设备558套(台、块、项);综治分平台安装软硬件"
    "设备1488套(台、块、项),公安分平台安装软硬件设备34套(台、块、项);前端视频监控补点建设安装设备14666台(套);"
    "综治精品社区软硬件设备242套(台、块、项)。"
)


def test_parts_in_prose_adding_up_to_more_than_their_whole() -> None:
    """天津 雪亮工程: 558 + 1488 + 34 + 14666 + 242 = 16988 套 against 共16954套 (台(套) counted with 套)."""
    (finding,) = run(narrative(XUELIANG), ["JX613"])
    assert finding.numbers == (D(16954), D(558), D(1488), D(34), D(14666), D(242), D(16988))
    assert "16988" in finding.message and "差 34" in finding.message


def test_money_parts_in_the_next_sentence_and_their_printed_digits() -> None:
    """池州: 共完成预算资金89.97万元。其中:30 + 30 + 29.99 = 89.99 — 0.02 more than the digits allow."""
    text = (
        "本项目共完成预算资金89.97万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
        "29.99万元用于基建工程项目设计、规划、测绘。"
    )
    (finding,) = run(narrative(text), ["JX613"])
    assert finding.numbers == (D("89.97"), D(30), D(30), D("29.99"), D("89.99"))
    # parts within the printed digits, parts that are a subset, parts about something else: nothing
    quiet = [
        "我单位2019年总支出7908.83万元,其中基本支出4204.8万元,项目支出3704万元。",  # 3704 may be 3704.03
        "衡山县公安局内设机构28个,其中派出所11个,拘押收教场所2个。",  # 其中 names only some
        "派出机构7个:珠晖、雁峰、石鼓、蒸湘、八角塘分局、高新开发区分局、南岳机场分局。其中副处机构10个,正科级机构22个。",
        "支出799.12万元。其中:人员经费支出434.89万元,公用经费支出77.4万元,项目支出286.83万元。",
        "三公经费决算支出数为1165.08万元,按同口径同比减少63.96万元。其中:公务用车购置费支出204.78万元,同比减少54.2万元。",
    ]
    assert run(narrative(*quiet), ["JX613", "JX614"]) == []


def test_parts_short_of_their_whole_when_the_sentence_says_how_many_kinds_there_are() -> None:
    """绵阳 2021: 二类支出, 总预算2455.5万元, 其中 87.5 + 2350 = 2437.5: both kinds listed, 18 short."""
    text = (
        "某局主要有部门预算项目支出、专项预算支出二类支出,项目资金总预算为2455.5万元,"
        "其中部门预算项目支出87.5万元,专项预算支出2350万元。"
    )
    (finding,) = run(narrative(text), ["JX613"])
    assert finding.numbers == (D("2455.5"), D("87.5"), D(2350), D("2437.5"))
    assert "2 类" in finding.message and "差 18" in finding.message
    assert run(narrative(text.replace("2350万元", "2368万元")), ["JX613"]) == []  # the two kinds add up
    # without the count of kinds, a 其中 that lists less than the whole may list only some parts
    assert run(narrative(text.replace("二类支出", "等支出")), ["JX613"]) == []


def test_parts_in_the_form_s_overall_target_cells() -> None:
    """池州 自评表: 年度总体目标 预期目标 90 = 30 + 30 + 30, 实际完成情况 89.97 against 30 + 30 + 29.99."""
    report = Report()
    report.targets = [
        QualitativeTarget(
            expected="本项目共申请预算资金90万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
            "30万元用于基建工程项目设计、规划、测绘。",
            achieved="本项目共完成预算资金89.97万元。其中:30万元用于基建工程项目预算编制;30万元用于基建工程项目审计;"
            "29.99万元用于基建工程项目设计、规划、测绘。",
            provenance=Provenance(table=0, row=8, col=1),
        )
    ]
    (finding,) = run(report, ["JX613"])
    assert finding.numbers == (D("89.97"), D(30), D(30), D("29.99"), D("89.99"))
    report.targets[0].achieved = report.targets[0].achieved.replace("29.99", "29.97")
    assert run(report, ["JX613"]) == []


def test_projects_at_the_start_of_the_year_and_added_against_the_total() -> None:
    """红河: 实施项目共15个, 年初批复预算8个项目, 年中增加8个项目: 8 + 8 = 16."""
    text = (
        "2024年,州数据发展中心实施项目共15个(含2023年转列暂付性款项项目5个),年初批复预算8个项目985万元"
        "(含1个年初结转结余项目50万元),调整预算后项目预算861.46万元,年中增加8个项目(含2023年转列暂付性款项项目5个),"
        "实际到位资金334.67万元。"
    )
    (finding,) = run(narrative(text), ["JX613"])
    assert finding.numbers == (D(15), D(8), D(8), D(16)) and "年中增加" in finding.message
    assert run(narrative(text.replace("共15个", "共16个")), ["JX613"]) == []


def test_a_count_and_the_names_listed_after_it() -> None:
    """南县: 直属事业单位10个, nine named; 3个, 分别为 A、B和C is right; a list ending in 等 is not checked."""
    text = (
        "直属事业单位10个,即县国库集中支付中心、县财政信息中心、县工资统发中心、县财政投资评审中心、县政府债务研究评估"
        "中心、县财政预算编审中心、县国有资产服务中心、县会计服务中心、县经济开发区财政所。"
        "纳入部门预算编制范围的单位有3个,分别为南县财政局机关本级、南县财政事务中心和南县国库集中支付中心。"
        "下设办公室、预算股、人事教育股等16个股室。"
    )
    (finding,) = run(narrative(text), ["JX614"])
    assert finding.numbers == (10, 9) and "县经济开发区财政所" in finding.message


def test_a_level2_cell_repeating_its_level1_name_is_not_misplaced() -> None:
    """池州: 满意度指标 / 满意度指标 / 公众满意度 — the merged level-1 cell read into the level-2 column."""
    report = Report()
    report.indicators = [
        row(
            "公众满意度",
            value("≥90%", "90", "%", ">="),
            value("95%", "95", "%"),
            "10",
            "10",
            level1="满意度指标",
            level2="满意度指标",
        )
    ]
    assert run(report, ["JX406"]) == []
    report.indicators[0].level2 = "数量指标"
    assert [f.code for f in run(report, ["JX406"])] == ["JX406"]


# --- statements that contradict the numbers beside them ------------------------------------------------------


def test_changes_against_the_budget_that_the_budget_and_spending_contradict() -> None:
    """杜集: 公务接待费 budget 14.9, spent 5.21, "减少0.1万元,下降0.006%"; 公务用车 15 vs 2.48 "无变化"."""
    report = with_facts(
        reception_budget="14.9",
        reception="5.21",
        reception_budget_variance="-0.1",
        reception_budget_variance_rate="-0.006",
        vehicle_budget="15",
        vehicle_total="2.48",
        vehicle_budget_variance="0",
        overseas_travel_budget="20",
        overseas_travel="0",
        overseas_travel_budget_variance="0",
    )
    found = run(report, ["JX307"])
    assert [f.severity for f in found] == [Severity.ERROR] * 3
    reception, vehicle, overseas = found
    assert reception.numbers == (D("14.9"), D("5.21"), D("-0.1"), D("-0.006"), D("-9.69"), D("-65.03"))
    assert "减少 9.69，下降 65.03%" in reception.message and "减少 0.1，下降 0.006%" in reception.message
    assert "无变化" in vehicle.message and D("-12.52") in vehicle.numbers
    assert D(-20) in overseas.numbers
    right = with_facts(
        reception_budget="14.9",
        reception="5.21",
        reception_budget_variance="-9.69",
        reception_budget_variance_rate="-65.03",
    )
    assert run(right, ["JX307"]) == []
    # a share truncated, not rounded: 2.48 / 7.69 = 32.2497% written 32.24% — a note
    share = with_facts(
        three_public_total="7.69", vehicle_total="2.48", vehicle_execution_rate="32.24", vehicle_budget="7.69"
    )
    (note,) = run(share, ["JX304"])
    assert note.severity is Severity.INFO and D("32.25") in note.numbers


# --- rounding: a difference the printed digits allow is no finding, or a note where the profile asks ---------


def test_a_sum_off_by_what_a_rounded_figure_allows_is_not_an_error() -> None:
    """衡山: 总支出7908.83万元,其中基本支出4204.8万元,项目支出3704万元 — 7908.8, 0.03 short."""
    sentence = "我单位2019年总支出7908.83万元,其中基本支出4204.8万元,项目支出3704万元。"
    report = Report()
    for i, (key, number) in enumerate(
        (("expenditure_total", "7908.83"), ("basic_expenditure", "4204.8"), ("project_expenditure", "3704"))
    ):
        report.set_fact(key, Fact(value=D(number), provenance=Provenance(line=20 + i, text=sentence)))
    assert run(report, ["JX202"]) == []
    national = get_profile("national-2020")
    data = national.model_dump(mode="json", exclude={"path"})
    data["id"], data["tolerances"]["rounding_info"] = "notes", True
    notes = profile_from_dict(data)
    (finding,) = check(report, score(report, notes), notes, select=["JX202"])
    assert finding.severity is Severity.INFO and "舍入" in finding.message
    assert finding.numbers == (D("4204.8"), D(3704), D("7908.83"), D("7908.8"))
    # 1.97 off is more than a rounded 3704 (3703.5–3705) and 4204.8 can hide
    report.expenditure.expenditure_total = Fact(value=D("7906.83"), provenance=Provenance(text="7906.83"))
    (error,) = run(report, ["JX202"])
    assert error.severity is Severity.ERROR


def test_a_rate_one_unit_off_in_its_last_digit_is_rounding() -> None:
    """4.345 / 30 = 14.483%: a stated 14.48% may come from the unrounded amount; 14.57% cannot."""
    ok = with_facts(reception="4.34", reception_budget="30", reception_execution_rate="14.48")
    assert run(ok, ["JX304"]) == []
    wrong = with_facts(reception="4.34", reception_budget="30", reception_execution_rate="14.57")
    (finding,) = run(wrong, ["JX304"])
    assert finding.severity is Severity.ERROR and "14.45–14.50%" in finding.message


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(st.integers(min_value=1, max_value=5000), min_size=2, max_size=6),
    slip=st.integers(min_value=-40, max_value=40),
)
def test_a_written_breakdown_is_a_finding_exactly_when_its_parts_exceed_the_whole(parts: list[int], slip: int) -> None:
    # a part that is the sum of two or more after it reads as a sub-breakdown written flat: not one level
    assume(not any(parts[i] == sum(parts[i + 1 : j]) for i in range(len(parts)) for j in range(i + 3, len(parts) + 1)))
    total = sum(parts) + slip
    assume(total >= 1)  # a count is written as a positive number ("共16954套")
    names = "；".join(f"第{i + 1}分平台安装设备{p}套" for i, p in enumerate(parts))
    report = narrative(f"共建设和安装设备共{total}套，其中：{names}。")
    found = run(report, ["JX613"])
    assert bool(found) is (slip < 0 and max(parts) <= total)
    if found:
        assert found[0].numbers == (D(total), *(D(p) for p in parts), D(sum(parts)))


# --- a change read beside another item's amount, or in another year's sentence -----------------------

_YUZHONG = (
    "其中:公务用车购置安排692万元,主要是执法车辆增加;公车运行及维护4612万元,较上年下降21%,主要是2016年开展"
    "公车改革,车辆减少;公务接待费430万元,与上年持平;因公出国100万元,与上年持平。"
)


def _reception_change(text: str) -> Report:
    report = Report(unit=Unit(fiscal_year=2017))
    for key, v in (("reception", "430"), ("reception_change", "0"), ("reception_change_rate", "-21")):
        report.set_fact(key, fact(v, text))
    return report


def test_a_rate_from_another_clause_of_the_sentence_is_not_the_items() -> None:
    """渝中: the 21% is the 公车运行及维护's (its clause), not the 公务接待费's, which is 与上年持平."""
    assert run(_reception_change(_YUZHONG), ["JX306"]) == []
    # the same numbers in one clause contradict each other
    one = "公务接待费430万元,较上年持平,下降21%。"
    assert [f.code for f in run(_reception_change(one), ["JX306"])] == ["JX306"]


_ORDOS_ACTUAL = (
    "2021年度“三公”经费合计支出20.12万元,其中:因公出国(境)经费0万元,公务接待12.39万元,公务用车运行费用7.73万元。"
)
_ORDOS_CHANGE = "2022年度“三公”经费预算较2021年度增加1.68万元,其中公务接待较上年同期减少0.58万元,减少4.68%。"


def test_a_change_in_another_years_sentence_is_not_this_amounts() -> None:
    """鄂尔多斯: 12.39 is 2021's 决算; the −0.58 / −4.68% compare the 2022 budget with it."""
    report = Report(unit=Unit(fiscal_year=2021))
    report.set_fact("reception", fact("12.39", _ORDOS_ACTUAL))
    report.set_fact("reception_budget", fact("11.8", "2022年度“三公”经费预算总计21.8万元,其中:公务接待11.8万元。"))
    report.set_fact("reception_change", fact("-0.58", _ORDOS_CHANGE))
    report.set_fact("reception_change_rate", fact("-4.68", _ORDOS_CHANGE))
    assert run(report, ["JX306", "JX302"]) == []
    # sentences about the same year are a pair: 0.58 ÷ (12.39 + 0.58) is 4.47%, not 4.68%
    same_year = "2021年度公务接待较上年减少0.58万元,减少4.68%。"
    report = Report(unit=Unit(fiscal_year=2021))
    report.set_fact("reception", fact("12.39", _ORDOS_ACTUAL))
    report.set_fact("reception_change", fact("-0.58", same_year))
    report.set_fact("reception_change_rate", fact("-4.68", same_year))
    assert [f.code for f in run(report, ["JX306"])] == ["JX306"]


# --- a fact stated twice: only the document's own two statements ------------------------------------


def _conflict(key: str, kept: tuple[str, str], other: tuple[str, str]) -> Report:
    report = Report()
    report.conflicts = [FactConflict(key=key, kept=fact(*kept), other=fact(*other, line=2))]
    return report


def test_two_statements_of_a_fact_that_differ() -> None:
    """A table's 三公经费 161.51 and the text's 161.58 are two statements of one fact."""
    report = _conflict("three_public_total", ("161.51", "161.51"), ("161.58", "“三公”经费支出161.58万元。"))
    assert [f.numbers for f in run(report, ["JX607"])] == [(D("161.51"), D("161.58"))]


def test_numbers_that_are_not_a_second_statement_of_the_fact() -> None:
    """四川表 instructions, 广西 其中 parts, 红河's 实际到位资金 in the 调整后预算 sentence, a table's row count."""
    instruction = "1.预算执行率=预算执行数/调整后预算数,预算执行率未达到90%的需说明原因(100字以内)"
    part = "其中,本级项目8个,本级项目支出385.58万元;对下转移支付项目0个,对下转移支付0万元。"
    honghe = "调整预算后项目预算861.46万元,年中增加8个项目,实际到位资金334.67万元。"
    cases = [
        _conflict("execution_rate", ("100", "100.00%"), ("90", instruction)),
        _conflict("project_count", ("21", "项目21个,项目支出总额656.93万元。"), ("8", part)),
        _conflict("budget_adjusted", ("861.46", honghe), ("334.67", honghe)),
    ]
    rows = Report()
    rows.conflicts = [
        FactConflict(
            key="indicator_count",
            kept=Fact(value=6, provenance=Provenance(table=0)),
            other=Fact(value=2, provenance=Provenance(table=1)),
        )
    ]
    for report in (*cases, rows):
        assert run(report, ["JX607"]) == []


def test_an_indicator_count_counted_from_one_table_is_not_stated() -> None:
    """大英: two project tables of 6 and 2 rows; the 6 is the first table's row count, not a statement."""
    report = Report()
    report.indicators = [
        row(f"指标{i}", value("≥1个", "1", "个", ">="), value("1个", "1", "个"), None, None) for i in range(8)
    ]
    report.set_fact("indicator_count", Fact(value=6, unit="个", provenance=Provenance(table=0)))
    assert run(report, ["JX408"]) == []
    stated = Report()
    stated.indicators = report.indicators
    stated.set_fact("indicator_count", fact(6, "共设置绩效指标6个"))
    assert [f.numbers for f in run(stated, ["JX408"])] == [(D(6), 8)]


# --- 三公 changes: the items' changes against the total's -------------------------------------------


def test_the_items_changes_against_the_total_change() -> None:
    """鹿寨: −54.2 + 53.81 − 60.14 = −60.53 against 同比减少63.96; 出国's change not stated: a 3.43 gap, an info."""
    report = with_facts(
        three_public_change="-63.96",
        vehicle_purchase_change="-54.2",
        vehicle_operation_change="53.81",
        reception_change="-60.14",
    )
    (finding,) = run(report, ["JX308"])
    assert finding.severity is Severity.INFO and "因公出国" in finding.message
    assert finding.numbers == (D("-63.96"), D("-60.14"), D("53.81"), D("-54.2"), D("-60.53"), D("-3.43"))
    # every item stated: a gap beyond the printed digits is a warning; within them, nothing
    report.set_fact("overseas_travel_change", fact("-1"))
    (finding,) = run(report, ["JX308"])
    assert finding.severity is Severity.WARNING
    whole = with_facts(
        three_public_change="-63.96",
        vehicle_purchase_change="-54.2",
        vehicle_operation_change="53.81",
        reception_change="-60.14",
        overseas_travel_change="-3.43",
    )
    assert run(whole, ["JX308"]) == []


def test_budget_changes_of_the_items_within_their_digits() -> None:
    """青岛: −413.17 + 1884.46 − 603.68 = 867.61 against 867.60: inside the printed digits, no finding."""
    report = with_facts(
        three_public_budget_change="867.60",
        reception_budget_change="-413.17",
        vehicle_budget_change="1884.46",
        overseas_travel_budget_change="-603.68",
    )
    assert run(report, ["JX308"]) == []


# --- a department evaluation framework's scoring table; a comparison with the year's budget ---------


def test_an_evaluation_framework_table_is_not_held_to_the_project_form() -> None:
    """三亚/儋州 2017: 投入 15 / 过程 55 / 产出 20 / 效果 10 with scores only: no 满意度 class, no targets,
    its own weights, and no 偏差原因 column (deductions are argued in the report's text)."""
    report = Report()
    report.indicators = [
        row(name, None, None, w, s, level1=name, level2="")
        for name, w, s in (("投入", "15", "11.54"), ("过程", "55", "38.6"), ("产出", "20", "20"), ("效果", "10", "10"))
    ]
    assert run(report, ["JX404", "JX407", "JX601", "JX606"]) == []
    project = Report()
    project.indicators = [row("产出", None, None, "50", "50", level1="产出指标", level2="")]
    assert {"JX407", "JX601"} <= {f.code for f in run(project, ["JX407", "JX601"])}


def test_a_comparison_with_the_year_s_own_budget_is_not_a_wrong_base_year() -> None:
    """都匀: “與2021年度預算相比無增減” in a 2021 report compares with the budget; “较2021年” would be wrong."""
    report = Report(unit=Unit(fiscal_year=2021))
    text = "1.因公出國(境)費支出0萬元,與2021年度預算相比無增減。"
    report.comparison_years = [Fact(value=2021, unit="overseas_travel", provenance=Provenance(line=28, text=text))]
    assert run(report, ["JX701"]) == []
    wrong = "因公出国(境)费支出0万元,较2021年减少3万元。"
    report.comparison_years = [Fact(value=2021, unit="overseas_travel", provenance=Provenance(line=28, text=wrong))]
    (finding,) = run(report, ["JX701"])
    assert "因公出国" in finding.message and finding.numbers == (2021, 2021)


# --- rates truncated instead of rounded; results far past their targets in a table without points -----


def test_a_rate_against_the_budget_truncated_is_a_note() -> None:
    """六安: 公务接待费 1.52 against a budget of 1.8, 下降15%: 0.28 ÷ 1.8 = 15.56%, truncated (info)."""
    report = with_facts(
        reception="1.52",
        reception_budget="1.8",
        reception_budget_variance="-0.28",
        reception_budget_variance_rate="-15",
    )
    (finding,) = run(report, ["JX307"])
    assert finding.severity is Severity.INFO and "15.56" in finding.message
    assert finding.numbers == (D("1.8"), D("1.52"), D("-0.28"), D(-15), D("-15.56"), D(-16))
    rounded = with_facts(
        reception="1.52",
        reception_budget="1.8",
        reception_budget_variance="-0.28",
        reception_budget_variance_rate="-16",
    )
    assert run(rounded, ["JX307"]) == []


def test_a_budget_change_rate_on_last_year_s_budget() -> None:
    """青阳: 预算11.4万元, 比2021年预算增加0.6万元, 增加5%: 0.6 ÷ 10.8 = 5.56%, truncated (info); 15% is wrong."""
    report = with_facts(
        three_public_budget="11.4", three_public_budget_change="0.6", three_public_budget_change_rate="5"
    )
    (finding,) = run(report, ["JX306"])
    assert finding.severity is Severity.INFO and D("5.56") in finding.numbers and D("10.8") in finding.numbers
    wrong = with_facts(
        three_public_budget="11.4", three_public_budget_change="0.6", three_public_budget_change_rate="15"
    )
    assert [f.severity for f in run(wrong, ["JX306"])] == [Severity.ERROR]


def test_a_change_rate_of_whole_amounts_allows_their_rounding() -> None:
    """百色 2024 budget: 3923, 比上年预算减少332, 下降7.81%: 332 ÷ 4255 = 7.803%, but 3923 and 332 are whole
    万元 (each ±0.5), so 7.81 is within what they allow; 8.81 is not."""
    report = with_facts(
        three_public_budget="3923", three_public_budget_change="-332", three_public_budget_change_rate="-7.81"
    )
    assert [f for f in run(report, ["JX306"]) if f.severity is Severity.ERROR] == []
    wrong = with_facts(
        three_public_budget="3923", three_public_budget_change="-332", three_public_budget_change_rate="-8.81"
    )
    assert [f.severity for f in run(wrong, ["JX306"])] == [Severity.ERROR]


def test_results_far_past_their_targets_in_a_table_without_points() -> None:
    """遂宁: 药品监管企业数 ≥124, 完成 253 (204%), no 分值 column; ≥290 against 311 (107%) is no finding."""
    report = Report()
    report.indicators = [
        row("指标4.药品监管企业数", value("≥124", "124", None, ">="), value("253", "253"), None, None),
        row("指标5.化妆品监管企业数", value("≥290", "290", None, ">="), value("311", "311"), None, None),
    ]
    (finding,) = run(report, ["JX606"])
    assert finding.severity is Severity.INFO and finding.numbers == (D(253), D(124), D("204.03"), D(130))


def test_a_quantity_target_that_is_the_budget_in_yuan() -> None:
    """丽江古城: 数量指标 卫片执法补助经费 ﹦72890元 — the 7.29万元 budget restated as an output quantity."""
    report = with_facts(budget_adjusted="7.29")
    report.indicators = [
        row("卫片执法补助经费", value("﹦72890元", "72890", "元", "="), value("72890", "72890"), "10", "9"),
        row("核查图斑数量", value("≥120个", "120", "个", ">="), value("126个", "126", "个"), "10", "10"),
        row(
            "项目总成本",
            value("≤7.29万元", "7.29", "万元", "<="),
            value("7.29万元", "7.29", "万元"),
            "10",
            "10",
            level2="成本指标",
        ),
    ]
    (finding,) = run(report, ["JX615"])
    assert finding.numbers == (D(72890), D("7.29")) and "全年预算数" in finding.message
    other = with_facts(budget_adjusted="12")
    other.indicators = report.indicators[:1]
    assert [f.numbers for f in run(other, ["JX615"])] == [(D(72890),)]


def test_an_execution_score_above_the_profile_s_points_when_the_form_states_none() -> None:
    """黄石 (湖北表 预算执行情况 20分, the 20 not read): 得分 20 at 100% is not “应为 10 分”."""
    report = with_facts(budget_adjusted="5", budget_executed="5", execution_rate="100", execution_score="20")
    assert run(report, ["JX102"]) == []
    stated = with_facts(
        budget_adjusted="5", budget_executed="5", execution_rate="100", execution_weight="10", execution_score="20"
    )
    assert "JX111" in {f.code for f in run(stated, ["JX102", "JX111"])}


def test_level_names_the_framework_allows_and_a_satisfaction_row_without_levels() -> None:
    """大英: 经济成本指标 is a 成本指标; 丰都: a table of level-3 names only holds 受益对象满意度."""
    report = Report()
    report.indicators = [
        row("成本控制数", value("≤30万元", "30", "万元", "<="), None, "10", "10", level2="经济成本指标")
    ]
    assert run(report, ["JX406"]) == []
    report.indicators[0].level2 = "社会效益指标"
    assert [f.code for f in run(report, ["JX406"])] == ["JX406"]
    flat = Report()
    flat.indicators = [
        row(name, value(t, n, u, ">="), None, None, None, level1="", level2="")
        for name, t, n, u in (("辅警人员", "= 512 人", "512", "人"), ("受益对象满意度", "≥ 95 %", "95", "%"))
    ]
    assert run(flat, ["JX407"]) == []
    flat.indicators = flat.indicators[:1]
    assert [f.code for f in run(flat, ["JX407"])] == ["JX407"]


def test_a_comparison_sentence_naming_last_year_is_still_this_year_s_change() -> None:
    """“与2020年相比，收入减少761.39万元，减少15.14%” in a 2021 report compares with 2020: the pair stands."""
    report = Report(unit=Unit(fiscal_year=2021))
    report.set_fact("income_total", fact("5028.61", "2021年收入合计5028.61万元。"))
    change = "与2020年相比，收入减少761.39万元，减少15.14%。"
    report.set_fact("income_change", fact("-761.39", change))
    report.set_fact("income_change_rate", fact("-15.14", change))
    assert [f.code for f in run(report, ["JX206"])] == ["JX206"]
