"""Extraction does not hang on the seeds' wording: other phrasings, orders, units, templates and formats."""

from __future__ import annotations

import html
import subprocess
import sys
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from docx import Document as WordDocument

from builders import indicator_rows, report_from_text
from jixiao.errors import NotASelfEvaluation
from jixiao.extract import extract
from jixiao.ingest import read
from jixiao.model.document import Paragraph, Table
from jixiao.model.report import Report

SAMPLES = Path(str(resources.files("jixiao") / "samples"))


from_text = report_from_text


def values(report: Report) -> dict[str, object]:
    return {k: f.value for k, f in report.facts().items()}


TITLE = "2023年度青山县文化旅游广电局部门整体支出绩效自评报告\n"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "三公经费支出161.58万元，较上年减少7.44万元，下降63.16%。",
            {
                "three_public_total": Decimal("161.58"),
                "three_public_change": Decimal("-7.44"),
                "three_public_change_rate": Decimal("-63.16"),
            },
        ),
        (
            "“三公”经费年初预算数160万元，决算数161.58万元，完成预算的100.98%。",
            {
                "three_public_budget": Decimal("160"),
                "three_public_total": Decimal("161.58"),
                "three_public_execution_rate": Decimal("100.98"),
            },
        ),
        (
            "公务接待费支出预算为300,000元，支出决算为43,400元，完成预算的14.47%。",
            {
                "reception_budget": Decimal("30"),
                "reception": Decimal("4.34"),
                "reception_execution_rate": Decimal("14.47"),
            },
        ),
        (
            "本年收入合计1,234.5万元，与上年相比增加34.5万元，增长2.88%。",
            {
                "income_total": Decimal("1234.5"),
                "income_change": Decimal("34.5"),
                "income_change_rate": Decimal("2.88"),
            },
        ),
        (
            "本年支出合计1200万元，其中：基本支出800万元，占66.67%；项目支出400万元，占33.33%。",
            {
                "expenditure_total": Decimal("1200"),
                "basic_expenditure": Decimal("800"),
                "basic_expenditure_share": Decimal("66.67"),
                "project_expenditure": Decimal("400"),
                "project_expenditure_share": Decimal("33.33"),
            },
        ),
        (
            "经综合评价，本单位自评得分为88.5分，评价等级为“良好”。",
            {"self_score": Decimal("88.5"), "grade": "良好"},
        ),
        (
            "年初预算数为520万元，全年预算数为560万元，全年执行数为540万元，预算执行率为96.43%。",
            {
                "budget_initial": Decimal("520"),
                "budget_adjusted": Decimal("560"),
                "budget_executed": Decimal("540"),
                "execution_rate": Decimal("96.43"),
            },
        ),
        (
            "本单位编制人数45人，实有人数43人，公务用车保有量3辆。",
            {"staff_authorized": 45, "staff_actual": 43, "official_vehicles": 3},
        ),
        (
            "公务用车购置及运行维护费预算为12.5万元，支出10万元，完成预算的80%，其中公务用车运行维护费10万元，购置费0万元。",
            {
                "vehicle_budget": Decimal("12.5"),
                "vehicle_total": Decimal("10"),
                "vehicle_execution_rate": Decimal("80"),
                "vehicle_operation": Decimal("10"),
                "vehicle_purchase": Decimal("0"),
            },
        ),
    ],
)
def test_prose_phrasings(tmp_path: Path, sentence: str, expected: dict[str, object]) -> None:
    report = from_text(tmp_path, TITLE + sentence + "\n")
    got = values(report)
    for key, value in expected.items():
        assert got.get(key) == value, (key, got)
    assert report.unit.fiscal_year == 2023


def test_the_subject_carries_across_sentences_but_not_paragraphs(tmp_path: Path) -> None:
    report = from_text(
        tmp_path,
        TITLE + "2023年度支出总计4738.24万元。与2022年相比，减少423.67万元，减少8.21%。\n"
        "减少10万元的原因是压减会议费。\n",
    )
    assert report.value("expenditure_change") == Decimal("-423.67")
    assert report.value("expenditure_change_rate") == Decimal("-8.21")
    assert [(y.unit, y.value) for y in report.comparison_years] == [("expenditure", 2022)]


def test_project_list_and_count(tmp_path: Path) -> None:
    report = from_text(
        tmp_path,
        TITLE + "本年度共实施项目3个，项目支出480万元，分别为："
        "文物保护修缮300万元；“送戏下乡”经费80万元；图书馆免费开放100万元。\n",
    )
    assert report.value("project_count") == 3
    assert [(p.name, p.amount) for p in report.projects] == [
        ("文物保护修缮", Decimal(300)),
        ("“送戏下乡”经费", Decimal(80)),
        ("图书馆免费开放", Decimal(100)),
    ]


def test_the_same_fact_stated_twice_differently_is_kept_twice(tmp_path: Path) -> None:
    report = from_text(tmp_path, TITLE + "本年收入合计100万元。\n\n（二）收入情况\n本年收入合计110万元。\n")
    assert report.value("income_total") == Decimal(100)
    assert [(c.key, c.kept.value, c.other.value) for c in report.conflicts] == [
        ("income_total", Decimal(100), Decimal(110))
    ]


def test_not_a_self_evaluation_report(tmp_path: Path) -> None:
    contract = "房屋租赁合同\n甲方：张三\n乙方：李四\n第一条 租金每月3000元，按季度支付。\n第二条 租期两年。\n"
    with pytest.raises(NotASelfEvaluation, match="未识别为绩效自评报告"):
        from_text(tmp_path, contract)
    path = tmp_path / "contract.txt"
    path.write_text(contract, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "extract", str(path)], check=False, capture_output=True, text=True
    )
    assert run.returncode == 2
    assert "contract.txt" in run.stderr and "未识别为绩效自评报告" in run.stderr
    assert "Traceback" not in run.stderr


def test_unreadable_weight_is_a_warning_with_its_location(tmp_path: Path) -> None:
    text = (
        "项目支出绩效自评表\n\n"
        "\t一级指标\n\t二级指标\n\t三级指标\n\t年度指标值\n\t实际完成值\n\t分值\n\t得分\n\n"
        "\t产出指标(50分)\n\t数量指标\n\t培训人次\n\t≥500人次\n\t520人次\n\t五分半\n\t5\n"
    )
    report = from_text(tmp_path, text)
    assert report.indicators[0].weight is None
    assert any("五分半" in w and "行 1" in w for w in report.warnings)


# --- the same report in other formats ------------------------------------------------------------


def facts_and_rows(report: Report) -> tuple[dict[str, object], list[tuple[object, ...]]]:
    rows = indicator_rows(report)
    return values(report), rows


def test_sample_project_form_gives_the_same_facts_in_docx_xlsx_pdf() -> None:
    results = {
        suffix: facts_and_rows(extract(read(SAMPLES / f"project_qingshan_school_repair_2023.{suffix}")))
        for suffix in ("docx", "xlsx", "pdf")
    }
    assert results["docx"][0]["budget_adjusted"] == Decimal(350)
    assert len(results["docx"][1]) == 13
    assert results["xlsx"] == results["docx"]
    assert results["pdf"] == results["docx"]


def test_sample_department_form_same_in_txt_and_docx() -> None:
    txt = facts_and_rows(extract(read(SAMPLES / "dept_table_yunxi_transport_2023.txt")))
    docx = facts_and_rows(extract(read(SAMPLES / "dept_table_yunxi_transport_2023.docx")))
    assert txt == docx
    assert txt[0]["self_score"] == Decimal("99.85")


def document_as_html(path: Path) -> str:
    """Write a read document back out as a web page (rowspan/colspan kept) to test the html path."""
    parts = ["<html><head><meta charset='utf-8'></head><body><div class='article-content'>"]
    for block in read(path).blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{html.escape(block.text)}</p>")
        elif isinstance(block, Table):
            parts.append("<table border='1'>")
            for row in block.anchor_rows():
                parts.append("<tr>")
                for cell in row:
                    text = html.escape(cell.text).replace("\n", "<br>")
                    parts.append(f"<td rowspan='{cell.rowspan}' colspan='{cell.colspan}'>{text}</td>")
                parts.append("</tr>")
            parts.append("</table>")
    parts.append("</div></body></html>")
    return "".join(parts)


def test_sample_project_form_as_a_web_page(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(document_as_html(SAMPLES / "project_qingshan_school_repair_2023.docx"), encoding="utf-8")
    from_html = facts_and_rows(extract(read(page)))
    from_docx = facts_and_rows(extract(read(SAMPLES / "project_qingshan_school_repair_2023.docx")))
    assert from_html == from_docx


def test_template_a_money_tables_in_word_with_real_spans(tmp_path: Path) -> None:
    """The Template A 支出和结余 table with merged header cells, as Word writes it."""
    word = WordDocument()
    word.add_paragraph("2023年度青山县水利局部门（单位）整体支出绩效评价自评报告")
    word.add_paragraph("部门（单位）年度支出和结余情况（万元）")
    table = word.add_table(rows=4, cols=8)
    header = [
        ["机构名称", "支出合计", "其中：", "", "", "", "结余", ""],
        ["", "", "基本支出", "其中：", "", "项目支出", "当年结余", "累计结余"],
        ["", "", "", "人员支出", "公用支出", "", "", ""],
        ["局机关", "900", "600", "450", "150", "300", "12", "30"],
    ]
    for r, row in enumerate(header):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    table.cell(0, 0).merge(table.cell(2, 0))
    table.cell(0, 1).merge(table.cell(2, 1))
    table.cell(0, 2).merge(table.cell(0, 5))
    table.cell(0, 6).merge(table.cell(0, 7))
    table.cell(1, 2).merge(table.cell(2, 2))
    table.cell(1, 3).merge(table.cell(1, 4))
    table.cell(1, 5).merge(table.cell(2, 5))
    table.cell(1, 6).merge(table.cell(2, 6))
    table.cell(1, 7).merge(table.cell(2, 7))
    path = tmp_path / "a.docx"
    word.save(str(path))
    got = values(extract(read(path)))
    assert got == {
        "expenditure_total": Decimal(900),
        "basic_expenditure": Decimal(600),
        "personnel_expenditure": Decimal(450),
        "public_expenditure": Decimal(150),
        "project_expenditure": Decimal(300),
        "balance_current_year": Decimal(12),
        "balance_accumulated": Decimal(30),
    }


def test_row_label_tables_budget_and_actual_columns(tmp_path: Path) -> None:
    """A 三公 table with one row per item and 预算数 / 决算数 / 增减率 columns."""
    text = (
        TITLE + "“三公”经费预决算情况（万元）\n\n"
        "\t项目\n\t预算数\n\t决算数\n\t上年决算数\n\t增减率\n\n"
        "\t因公出国（境）费\n\t0\n\t0\n\t0\n\t0%\n\n"
        "\t公务接待费\n\t30\n\t4.34\n\t11.78\n\t-63.16%\n\n"
        "\t公务用车购置及运行维护费\n\t130\n\t157.24\n\t150\n\t4.83%\n\n"
        "\t合计\n\t160\n\t161.58\n\t161.78\n\t-0.12%\n"
    )
    got = values(from_text(tmp_path, text))
    assert got == {
        "overseas_travel_budget": Decimal(0),
        "overseas_travel": Decimal(0),
        "overseas_travel_change_rate": Decimal(0),
        "reception_budget": Decimal(30),
        "reception": Decimal("4.34"),
        "reception_change_rate": Decimal("-63.16"),
        "vehicle_budget": Decimal(130),
        "vehicle_total": Decimal("157.24"),
        "vehicle_change_rate": Decimal("4.83"),
        "three_public_budget": Decimal(160),
        "three_public_total": Decimal("161.58"),
        "three_public_change_rate": Decimal("-0.12"),
    }


@pytest.mark.parametrize(
    ("sentence", "grade"),
    [
        ("自评结果为优。", "优"),
        ("评价等级为“良好”。", "良好"),
        ("等次确定为合格。", "合格"),
        ("被评为优秀单位。", None),
    ],
)
def test_grade_phrasings(tmp_path: Path, sentence: str, grade: str | None) -> None:
    report = from_text(tmp_path, TITLE + "本年收入合计100万元。" + sentence + "\n")
    assert report.value("grade") == grade


def test_a_number_about_something_else_is_not_the_subjects_amount(tmp_path: Path) -> None:
    report = from_text(
        tmp_path, TITLE + "2023年度收入总计500万元，主要是财政拨款。全年组织培训20次，投入资金15万元。\n"
    )
    assert report.value("income_total") == Decimal(500)
    assert report.conflicts == []


def test_an_empty_form_is_a_report_with_a_warning_not_an_error(tmp_path: Path) -> None:
    header = "\t一级指标\n\t二级指标\n\t三级指标\n\t年度指标值\n\t实际完成值\n\t分值\n\t得分\n"
    text = "项目支出绩效自评表\n\n\t项目名称\n\t\n\n" + header
    report = from_text(tmp_path, text)
    assert report.facts() == {} and report.indicators == []
    assert any("未读出任何" in w for w in report.warnings)


def test_more_income_and_score_phrasings(tmp_path: Path) -> None:
    report = from_text(
        tmp_path, TITLE + "本年收入5028.61万元，本年支出4738.24万元。经评价，综合评分为95分，等级为优。\n"
    )
    assert values(report) == {
        "income_total": Decimal("5028.61"),
        "expenditure_total": Decimal("4738.24"),
        "self_score": Decimal(95),
        "grade": "优",
    }


def test_a_projects_budget_and_a_share_of_income_are_not_report_facts(tmp_path: Path) -> None:
    report = from_text(
        tmp_path,
        TITLE + "本年支出合计1000万元，其中：基本支出600万元，占本年收入的55%。\n"
        "城区道路维修项目全年预算数120万元，执行数110万元，预算执行率91.67%。\n",
    )
    got = values(report)
    assert got == {"expenditure_total": Decimal(1000), "basic_expenditure": Decimal(600)}
