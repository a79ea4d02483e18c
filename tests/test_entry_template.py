"""The Excel entry template: typed report → template → import gives the same report back, and a
template filled wrongly gives every problem (sheet, row, column) and imports nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from jixiao.errors import ImportProblems
from jixiao.model.report import (
    DeclaredWeight,
    Fact,
    IndicatorRow,
    NarrativeSection,
    Project,
    QualitativeTarget,
    Report,
    Unit,
)
from jixiao.render.entry import (
    FACTS_SHEET,
    INDICATORS,
    allowed_levels,
    entry_content,
    import_template,
    parse_value_text,
    write_template,
)

ROWS = 12  # spare input rows: small keeps the property test fast


def reparsed(report: Report) -> Report:
    """The report with each target/actual re-read from its text (direction and unit of the target kept):
    the template carries the text, direction and unit; the other parsed fields derive from the text."""
    out = report.model_copy(deep=True)
    for row in out.indicators:
        if row.target is not None:
            target = parse_value_text(row.target.text)
            if row.target.direction is not None:
                target.direction = row.target.direction
            if row.target.unit is not None:
                target.unit = row.target.unit
            row.target = target
        if row.actual is not None:
            row.actual = parse_value_text(row.actual.text) if row.actual.text else None
    return out


def roundtrip(report: Report, tmp_path: Path) -> Report:
    path = write_template(tmp_path / "entry.xlsx", report, rows=ROWS)
    return import_template(path)


def small_report() -> Report:
    report = Report()
    report.unit = Unit(department="青山县教育局", region="湖南省青山县", fiscal_year=2023, report_date="2024-03-05")
    for key, value, unit in (
        ("budget_initial", Decimal("1200.5"), "万元"),
        ("budget_adjusted", Decimal("1300"), "万元"),
        ("budget_executed", Decimal("1287.25"), "万元"),
        ("execution_rate", Decimal("99.02"), "%"),
        ("staff_actual", 42, "人"),
        ("self_score", Decimal("96.5"), None),
        ("grade", "优", None),
    ):
        report.set_fact(key, Fact(value=value, unit=unit))
    report.targets.append(QualitativeTarget(expected="=完成校舍维修 12 所", achieved="完成 12 所"))
    report.declared_weights.append(DeclaredWeight(level=1, name="产出指标", points=Decimal(50)))
    report.indicators.append(
        IndicatorRow(
            level1="产出指标",
            level2="数量指标",
            level3="维修校舍数量",
            target=parse_value_text("≥12所"),
            actual=parse_value_text("12所"),
            weight=Decimal(20),
            score=Decimal(20),
        )
    )
    report.projects.append(Project(name="校舍维修", budget_initial=Decimal(300), grade="优"))
    report.evaluators.extend(["王五", "赵六"])
    report.sections.append(NarrativeSection(heading="一、基本情况", text="全县 12 所学校。\n第二段。"))
    return report


def test_small_report_round_trips(tmp_path: Path) -> None:
    report = small_report()
    back = roundtrip(report, tmp_path)
    assert entry_content(back) == entry_content(report)
    assert back.value("budget_executed") == Decimal("1287.25")
    assert back.value("staff_actual") == 42 and isinstance(back.value("staff_actual"), int)
    assert back.fact("execution_rate") is not None and back.fact("execution_rate").unit == "%"  # type: ignore[union-attr]
    # imported values point at their cell in the workbook
    fact = back.fact("budget_initial")
    assert fact is not None and fact.provenance.sheet == FACTS_SHEET and fact.provenance.row is not None


def test_workbook_has_instructions_validation_protection_and_formulas(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", small_report(), rows=ROWS)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "填报说明"
    assert "金额一律以“万元”填写" in "".join(str(c.value) for c in wb["填报说明"]["A"])
    ws = wb[INDICATORS.title]
    assert [c.value for c in ws[1]][:10] == [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "指标性质",
        "度量单位",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    assert ws.protection.sheet is True
    assert ws["A1"].protection.locked is True and ws["A2"].protection.locked is False
    kinds = {dv.type for dv in ws.data_validations.dataValidation}
    assert {"list", "decimal"} <= kinds
    level1_list = next(dv for dv in ws.data_validations.dataValidation if "A2" in str(dv.sqref))
    assert level1_list.formula1.startswith("=_lists!")
    lists = wb["_lists"]
    assert lists.sheet_state == "hidden"
    assert {c.value for c in lists["A"]} >= {"产出指标", "效益指标", "满意度指标"}
    facts = wb[FACTS_SHEET]
    formulas = [str(c.value) for c in facts["G"] if isinstance(c.value, str) and c.value.startswith("=")]
    assert any("ROUND(" in f for f in formulas)  # execution rate recomputed as the unit types
    assert str(wb["指标分值"]["G2"].value).startswith("=SUM(")


# --- property: generated reports round-trip ---------------------------------------------------

LEVELS = allowed_levels()
text = st.text(
    alphabet=st.sampled_from(list("数量质量完成率提升服务对象满意度达标万元起个人次")), min_size=1, max_size=12
)
money = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False, allow_infinity=False)


TARGET_TEXTS = ["≥95%", "≤4000万元", "下降2%以上", "达成预期指标", "1200起", "按时完成", "=15所"]


@st.composite
def reports(draw: Any) -> Report:
    report = Report()
    year = draw(st.integers(2018, 2026))
    report.unit = Unit(
        department=draw(text) + "局",
        region=draw(st.sampled_from(["湖南省岳阳市", "四川省", "河北省卢龙县", None])),
        fiscal_year=year,
        report_date=f"{year + 1}-04-1{draw(st.integers(0, 9))}",
        report_kind=draw(st.sampled_from(["department_overall", "project", "mixed"])),
        project_name=draw(st.one_of(st.none(), text)),
    )
    for key in draw(
        st.lists(st.sampled_from(["budget_initial", "income_total", "reception", "fixed_assets_total"]), unique=True)
    ):
        report.set_fact(key, Fact(value=draw(money), unit=draw(st.sampled_from(["万元", "元", None]))))
    if draw(st.booleans()):
        report.set_fact("execution_rate", Fact(value=draw(st.decimals(0, 200, places=2)), unit="%"))
    if draw(st.booleans()):
        report.set_fact("staff_actual", Fact(value=draw(st.integers(0, 5000)), unit="人"))
    if draw(st.booleans()):
        report.set_fact("grade", Fact(value=draw(st.sampled_from(["优", "良好", "合格"]))))
    for _ in range(draw(st.integers(0, 6))):
        level1 = draw(st.sampled_from(sorted(LEVELS)))
        target_text = draw(st.sampled_from(TARGET_TEXTS))
        target = parse_value_text(target_text)
        report.indicators.append(
            IndicatorRow(
                level1=level1,
                level2=draw(st.sampled_from(LEVELS[level1])),
                level3=draw(text),
                target=target,
                actual=draw(
                    st.one_of(st.none(), st.sampled_from(["96.5%", "3900万元", "达成", "1558起"]).map(parse_value_text))
                ),
                weight=draw(st.one_of(st.none(), st.decimals(0, 50, places=1))),
                score=draw(st.one_of(st.none(), st.decimals(0, 50, places=2))),
                deviation_reason=draw(st.one_of(st.just(""), text)),
            )
        )
    for name in draw(st.lists(st.sampled_from(sorted(LEVELS)), unique=True, max_size=3)):
        report.declared_weights.append(DeclaredWeight(level=1, name=name, points=draw(st.decimals(0, 90, places=0))))
    report.targets = [
        QualitativeTarget(expected=draw(text), achieved=draw(text)) for _ in range(draw(st.integers(0, 2)))
    ]
    report.evaluators = draw(st.lists(text, max_size=3))
    report.projects = [
        Project(
            name=draw(text),
            budget_initial=draw(st.one_of(st.none(), money)),
            self_score=draw(st.one_of(st.none(), st.decimals(0, 100, places=1))),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    return report


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(report=reports())
def test_generated_reports_round_trip(report: Report, tmp_path: Path) -> None:
    back = roundtrip(report, tmp_path)
    assert entry_content(back) == entry_content(reparsed(report))


def test_generator_reports_round_trip(tmp_path: Path) -> None:
    """The scoring engineer's consistent-report generator: facts, indicators and weights come back."""
    generator = pytest.importorskip("jixiao.samples.generator")
    for seed in (1, 2):
        report = generator.consistent_report(seed)
        back = roundtrip(report, tmp_path)
        assert entry_content(back) == entry_content(reparsed(report))
        assert len(back.indicators) == len(report.indicators) > 0


# --- templates filled wrongly -------------------------------------------------------------------


def filled(tmp_path: Path) -> Path:
    return write_template(tmp_path / "filled.xlsx", small_report(), rows=ROWS)


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ImportProblems) as info:
        import_template(path)
    assert info.value.problems, "ImportProblems must list its problems"
    return info.value.problems


def edit(path: Path, change: Any) -> Path:
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def fact_row(wb: Any, key: str) -> int:
    return next(c.row for c in wb[FACTS_SHEET]["C"] if c.value == key)


def test_text_in_a_number_cell(tmp_path: Path) -> None:
    def change(wb: Any) -> None:
        wb[FACTS_SHEET].cell(row=fact_row(wb, "budget_executed"), column=4).value = "一千二百万"
        wb[INDICATORS.title]["H2"] = "二十"

    problems = problems_of(edit(filled(tmp_path), change))
    assert any("工作表「基本数据」" in p and "D列（全年执行数）" in p and "不是数字" in p for p in problems)
    assert any("工作表「绩效指标」第2行 H列（分值）" in p and "不是数字" in p for p in problems)
    assert len(problems) == 2


def test_missing_sheet(tmp_path: Path) -> None:
    problems = problems_of(edit(filled(tmp_path), lambda wb: wb.remove(wb["评价人员"])))
    assert problems == ["工作表「评价人员」：缺少该工作表（请使用 jixiao template 生成的模板，不要删除或改名工作表）"]


def test_rows_in_the_wrong_place(tmp_path: Path) -> None:
    def change(wb: Any) -> None:
        ws = wb[INDICATORS.title]
        ws["A5"], ws["B5"], ws["C5"] = "产出指标", "质量指标", "隔了空行的指标"  # rows 3-4 left empty
        ws["M3"] = "表外的数"
        facts = wb[FACTS_SHEET]
        facts.insert_rows(5)  # a row inserted into the facts sheet shifts every key below it

    problems = problems_of(edit(filled(tmp_path), change))
    assert any("工作表「绩效指标」第5行" in p and "空行之后" in p for p in problems)
    assert any("工作表「绩效指标」第3行 M列" in p and "数据列之外" in p for p in problems)
    assert any("工作表「基本数据」第5行 C列（键）" in p and "行被移动" in p for p in problems)


def test_level2_name_not_allowed(tmp_path: Path) -> None:
    def change(wb: Any) -> None:
        wb[INDICATORS.title]["B2"] = "社会效益指标"  # belongs under 效益指标, not 产出指标
        wb[INDICATORS.title]["A3"], wb[INDICATORS.title]["C3"] = "其他指标", "x"

    problems = problems_of(edit(filled(tmp_path), change))
    assert any(
        "第2行 B列（二级指标）" in p and "「社会效益指标」不是「产出指标」下允许的二级指标" in p for p in problems
    )
    assert any("第3行 A列（一级指标）" in p and "「其他指标」不是允许的一级指标" in p for p in problems)


def test_no_partial_import(tmp_path: Path) -> None:
    """One bad cell among good ones: the import raises, it returns nothing partial."""

    def change(wb: Any) -> None:
        wb[INDICATORS.title]["I2"] = "满分"

    path = edit(filled(tmp_path), change)
    result = None
    with pytest.raises(ImportProblems):
        result = import_template(path)
    assert result is None


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    from jixiao.errors import UnreadableFile

    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableFile, match="zip"):
        import_template(path)
    with pytest.raises(UnreadableFile, match="文件不存在"):
        import_template(tmp_path / "missing.xlsx")


def test_every_problem_of_a_row_is_listed(tmp_path: Path) -> None:
    """A bad number does not hide a bad level-2 name in the same row."""

    def change(wb: Any) -> None:
        ws = wb[INDICATORS.title]
        ws["B2"], ws["H2"] = "经济效益指标", "abc"
        wb["指标分值"]["C2"] = "五十"

    problems = problems_of(edit(filled(tmp_path), change))
    assert any("第2行 H列（分值）" in p for p in problems)
    assert any("第2行 B列（二级指标）" in p and "经济效益指标" in p for p in problems)
    assert "工作表「指标分值」第2行 C列（声明分值）：「五十」不是数字" in problems
    assert len(problems) == 3
