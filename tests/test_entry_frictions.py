"""The entry template helps at entry and import questions what it should (issue 14): error alerts on,
a conditional format where a declared 分值 differs from its rows, keys hidden, a printable layout; import
names empty required cells, dates in another format, percent slips, scores below 0, an indicator with no
name, sums that disagree — by sheet, row and column as Excel shows them; 指标性质 and 度量单位 are kept."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from jixiao import ingest
from jixiao.errors import ImportProblems
from jixiao.extract import extract
from jixiao.model.report import Evaluator, Report
from jixiao.render.entry import (
    FACTS_SHEET,
    INDICATORS,
    TEXTS_SHEET,
    UNIT_SHEET,
    WEIGHTS,
    import_template,
    write_template,
)
from jixiao.render.forms import render_form
from test_entry_template import small_report

ROWS = 12


def template(tmp_path: Path, report: Report | None = None) -> Path:
    return write_template(tmp_path / "entry.xlsx", report if report is not None else small_report(), rows=ROWS)


def edit(path: Path, change: Any) -> Path:
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ImportProblems) as info:
        import_template(path)
    return info.value.problems


def unit_row(wb: Any, field: str) -> int:
    return next(c.row for c in wb[UNIT_SHEET]["B"] if c.value == field)


def fact_row(wb: Any, key: str) -> int:
    return next(c.row for c in wb[FACTS_SHEET]["C"] if c.value == key)


def test_every_validation_shows_its_error_alert(tmp_path: Path) -> None:
    wb = load_workbook(template(tmp_path))
    validations = [dv for ws in wb.worksheets for dv in ws.data_validations.dataValidation]
    assert validations
    assert all(dv.showErrorMessage for dv in validations)
    points = [dv for dv in wb[INDICATORS.title].data_validations.dataValidation if "H2" in str(dv.sqref)]
    assert points and points[0].type == "decimal" and points[0].formula1 == "0"


def test_declared_points_that_differ_from_their_rows_show_red(tmp_path: Path) -> None:
    ws = load_workbook(template(tmp_path))[WEIGHTS.title]
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert any("$C2-$D2" in (rule.formula or [""])[0] for rule in rules)
    assert str(ws["D2"].value).startswith("=IF(B2")  # the rows' sum beside the declared value


def test_keys_hidden_and_sheets_printable(tmp_path: Path) -> None:
    wb = load_workbook(template(tmp_path))
    assert wb[UNIT_SHEET].column_dimensions["B"].hidden
    assert wb[FACTS_SHEET].column_dimensions["C"].hidden
    ws = wb[INDICATORS.title]
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and "&P" in ws.oddFooter.center.text
    assert ws.print_area is not None and ws.print_area.endswith("$16")  # 15 rows printed, not 500


def test_an_empty_unit_name_is_named(tmp_path: Path) -> None:
    def change(wb: Any) -> None:
        wb[UNIT_SHEET].cell(row=unit_row(wb, "department"), column=3).value = None

    lines = problems_of(edit(template(tmp_path), change))
    assert "工作表「单位信息」第2行 C列（部门（单位）名称）：必填项为空" in lines


@pytest.mark.parametrize("typed", ["2024.3.5", "2024年3月5日", "2024-02-30"])
def test_a_date_in_another_format(typed: str, tmp_path: Path) -> None:
    def change(wb: Any) -> None:
        wb[UNIT_SHEET].cell(row=unit_row(wb, "report_date"), column=3, value=typed)

    lines = problems_of(edit(template(tmp_path), change))
    assert any("YYYY-MM-DD" in line and "第6行 C列" in line for line in lines), lines


def test_an_excel_date_is_taken(tmp_path: Path) -> None:
    def change(wb: Any) -> None:
        wb[UNIT_SHEET].cell(row=unit_row(wb, "report_date"), column=3, value=datetime.datetime(2024, 3, 5))

    assert import_template(edit(template(tmp_path), change)).unit.report_date == "2024-03-05"


def test_a_percent_slip(tmp_path: Path) -> None:
    """95.06% typed into the cell: Excel stores 0.9506 under a % format."""

    def change(wb: Any) -> None:
        cell = wb[FACTS_SHEET].cell(row=fact_row(wb, "execution_rate"), column=4, value=0.9506)
        cell.number_format = "0.00%"

    lines = problems_of(edit(template(tmp_path), change))
    assert any("显示 95.06%" in line and "D列" in line for line in lines), lines


def test_a_score_below_zero_and_an_indicator_without_a_name(tmp_path: Path) -> None:
    def change(wb: Any) -> None:
        wb[INDICATORS.title]["I2"] = -1
        wb[INDICATORS.title]["C2"] = None

    lines = problems_of(edit(template(tmp_path), change))
    assert "工作表「绩效指标」第2行 I列（得分）：「-1」小于 0" in lines
    assert "工作表「绩效指标」第2行 C列（三级指标）：指标名称为空" in lines


def test_sums_that_disagree_are_named(tmp_path: Path) -> None:
    """Level-3 分值 summing to 20 under a declared 50: imported, and the warning names the cell."""
    report = import_template(template(tmp_path))
    assert "工作表「指标分值」第2行 C列（声明分值）：「产出指标」声明 50 分，其下指标分值合计 20 分" in report.warnings


def test_direction_and_unit_are_kept(tmp_path: Path) -> None:
    """12000 typed with ≥ and 平方米 is the target ≥12000平方米 on every form."""

    def change(wb: Any) -> None:
        ws = wb[INDICATORS.title]
        ws["D2"], ws["E2"], ws["F2"] = "12000", "≥", "平方米"

    report = import_template(edit(template(tmp_path), change))
    target = report.indicators[0].target
    assert target is not None
    assert (target.text, target.direction, target.number, target.unit) == (
        "≥12000平方米",
        ">=",
        Decimal(12000),
        "平方米",
    )
    rows = [
        [c.value for c in r]
        for r in load_workbook(
            render_form(report, "sichuan-510000_0013zp", "xlsx", tmp_path / "s.xlsx")
        ).active.iter_rows()
    ]
    row = next(r for r in rows if "维修校舍数量" in r)
    assert row[4:7] == ["≥", 12000, "平方米"]
    back = extract(ingest.read(render_form(report, "national-project", "docx", tmp_path / "n.docx")))
    assert back.indicators[0].target is not None and back.indicators[0].target.text == "≥12000平方米"


def test_new_fields_round_trip_through_the_template(tmp_path: Path) -> None:
    """template → fill → import → render → extract gives the same contact, evaluators and texts."""
    report = small_report()
    report.unit.report_kind = "project"
    report.unit.project_name = "校舍维修"
    report.unit.implementing_unit = "青山县第一中学"
    report.unit.contact_person, report.unit.contact_phone, report.unit.form_filler = "李红", "0730-8881234", "王敏"
    report.evaluators = ["王五"]
    report.evaluator_details = [Evaluator(name="王五", title="科长", affiliation="青山县财政局")]
    report.texts.conclusion = "完成年度目标。"
    report.texts.problems = "个别指标偏低。"
    report.texts.improvements = "细化指标。"
    imported = import_template(template(tmp_path, report))
    assert imported.unit.model_dump(exclude={"provenance"}) == report.unit.model_dump(exclude={"provenance"})
    assert [(e.name, e.title, e.affiliation) for e in imported.evaluator_details] == [("王五", "科长", "青山县财政局")]
    wb = load_workbook(template(tmp_path, report))
    assert wb[TEXTS_SHEET]["C6"].value == "完成年度目标。"
    for to in ("xlsx", "docx"):
        back = extract(ingest.read(render_form(imported, "sichuan-510000_0013zp", to, tmp_path / f"s.{to}")))  # type: ignore[arg-type]
        assert back.unit.implementing_unit == "青山县第一中学"
        assert (back.texts.conclusion, back.texts.problems, back.texts.improvements) == (
            "完成年度目标。",
            "个别指标偏低。",
            "细化指标。",
        )
        national = extract(ingest.read(render_form(imported, "national-project", to, tmp_path / f"n.{to}")))  # type: ignore[arg-type]
        assert (national.unit.form_filler, national.unit.contact_phone) == ("王敏", "0730-8881234")
        assert [(i.level3, i.target.text if i.target else "") for i in national.indicators] == [
            (i.level3, i.target.text if i.target else "") for i in imported.indicators
        ]
