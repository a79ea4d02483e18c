"""Official forms rendered from a typed report: label words, merged indicator cells, page setup,
XML-safe text, atomic writes, and the forms catalogue."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from jixiao import ingest
from jixiao.cli import app
from jixiao.model.document import Table
from jixiao.model.report import DeclaredWeight, Fact, IndicatorRow, ParsedValue, QualitativeTarget, Report, Unit
from jixiao.render.api import catalog
from jixiao.render.atomic import atomic_write
from jixiao.render.forms import get_form, list_forms, render_form

FORM_IDS = ["national-project", "hunan-dept-b", "hunan-dept-a", "sichuan-510000_0013zp"]

# The official header words each form must carry (the round trip recognises templates by them).
LABELS = {
    "national-project": [
        "项目支出绩效自评表",
        "项目名称",
        "主管部门",
        "实施单位",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
        "年度资金总额",
        "年度总体目标",
        "预期目标",
        "实际完成情况",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "偏差原因分析及改进措施",
        "总分",
    ],
    "hunan-dept-b": [
        "年度部门整体支出绩效自评表",
        "市级预算部门名称",
        "年度预算申请（万元）",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "得分",
        "年度资金总额",
        "按收入性质分：",
        "按支出性质分：",
        "年度总体目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "偏差原因分析及改进措施",
        "总分",
    ],
    "hunan-dept-a": [
        "部门（单位）整体支出绩效评价自评报告",
        "一、部门（单位）基本概况",
        "人员编制",
        "实有人数",
        "年度收入情况（万元）",
        "收入合计",
        "上年结转",
        "公共财政拨款",
        "政府基金拨款",
        "纳入专户管理的非税收入拨款",
        "支出合计",
        "基本支出",
        "人员支出",
        "公用支出",
        "项目支出",
        "当年结余",
        "累计结余",
        "三公经费合计",
        "公务接待费",
        "公务用车运维费",
        "公务用车购置费",
        "因公出国费",
        "固定资产合计",
        "在用固定资产",
        "出租固定资产",
        "整体支出绩效定性目标及实施计划完成情况",
        "整体支出绩效定量目标及实施计划完成情况",
        "绩效自评综合得分",
        "评价等次",
        "四、评价人员",
        "五、评价报告综述（文字部分）",
    ],
    "sichuan-510000_0013zp": [
        "510000_0013zp",
        "年初预算",
        "调整后预算数",
        "预算执行数",
        "预算执行率",
        "权重",
        "得分",
        "原因",
        "财政资金",
        "财政专户管理资金",
        "单位资金",
        "其他资金",
        "指标性质",
        "指标值",
        "度量单位",
        "完成值",
        "未完成原因分析",
        "合计",
        "评价结论（限200字）",
        "存在问题（限200字）",
        "改进措施（限200字）",
        "项目负责人：",
    ],
}


def report() -> Report:
    r = Report()
    r.unit = Unit(
        department="青山县教育局",
        region="湖南省青山县",
        fiscal_year=2023,
        report_date="2024-03-05",
        project_name="校舍维修改造",
    )
    for key, value in (
        ("budget_initial", Decimal("1200.5")),
        ("budget_adjusted", Decimal("1300")),
        ("budget_executed", Decimal("1287.25")),
        ("execution_rate", Decimal("99.02")),
        ("execution_weight", Decimal(10)),
        ("execution_score", Decimal("9.9")),
        ("weight_total", Decimal(100)),
        ("self_score", Decimal("96.4")),
        ("grade", "优"),
        ("staff_authorized", 50),
        ("staff_actual", 42),
        ("income_total", Decimal("1320.8")),
    ):
        r.set_fact(key, Fact(value=value))
    r.targets.append(QualitativeTarget(expected="完成校舍维修 12 所", achieved="完成 12 所 & 验收 <合格>"))
    r.declared_weights += [
        DeclaredWeight(level=1, name="产出指标", points=Decimal(50)),
        DeclaredWeight(level=1, name="效益指标", points=Decimal(30)),
        DeclaredWeight(level=1, name="满意度指标", points=Decimal(10)),
    ]
    rows = [
        ("产出指标", "数量指标", "维修校舍数量", "≥12所", "12所", 20, "20"),
        ("产出指标", "数量指标", "维修面积", "=3000平方米", "3120平方米", 10, "10"),
        ("产出指标", "质量指标", "验收合格率", "<5%返工", "2%", 20, "20"),
        ("效益指标", "社会效益指标", "安全隐患消除", "达成预期指标", "达成预期指标", 30, "28"),
        ("满意度指标", "服务对象满意度指标", "师生满意度", "≥90%", "95%", 10, "9.5"),
    ]
    r.indicators = [
        IndicatorRow(
            level1=a,
            level2=b,
            level3=c,
            target=ParsedValue(text=t),
            actual=ParsedValue(text=x),
            weight=Decimal(w),
            score=Decimal(s),
        )
        for a, b, c, t, x, w, s in rows
    ]
    r.evaluators = ["王五", "赵六"]
    return r


def xlsx_texts(path: Path) -> tuple[Any, list[str]]:
    ws = load_workbook(path).worksheets[0]
    return ws, [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_xlsx_form_labels_values_and_merges(form_id: str, tmp_path: Path) -> None:
    path = render_form(report(), form_id, "xlsx", tmp_path / f"{form_id}.xlsx")
    ws, texts = xlsx_texts(path)
    joined = "\n".join(texts)
    for word in LABELS[form_id]:
        assert word in joined, f"{form_id}: label {word} missing"
    assert "青山县教育局" in joined
    assert not any("{{" in t or "{%" in t or "\ue000" in t for t in texts), "placeholders left in the form"
    if form_id in ("national-project", "hunan-dept-b"):
        assert "=3000平方米" in texts  # text starting with '=' stays text, not a formula
    if form_id != "hunan-dept-a":  # Template A has no 分值/得分 per indicator
        assert "产出指标(50分)" in texts and "满意度指标(10分)" in texts
        cell = next(c for row in ws.iter_rows() for c in row if c.value == "产出指标(50分)")
        merged = next(r for r in ws.merged_cells.ranges if r.min_row == cell.row and r.min_col == cell.column)
        assert merged.max_row - merged.min_row + 1 == 3  # its three indicator rows
        level2 = next(c for row in ws.iter_rows() for c in row if c.value == "数量指标")
        merged2 = next(r for r in ws.merged_cells.ranges if r.min_row == level2.row and r.min_col == level2.column)
        assert merged2.max_row - merged2.min_row == 1
        # numbers stay numbers in Excel
        assert 1287.25 in [c.value for row in ws.iter_rows() for c in row]
    else:
        assert "产出指标" in texts and "92.3" not in texts
        assert "96.4" in texts or 96.4 in [c.value for row in ws.iter_rows() for c in row]
    form = get_form(form_id)
    landscape = form_id != "hunan-dept-a"
    assert ws.page_setup.orientation == ("landscape" if landscape else "portrait")
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4  # 9 = A4
    assert ws.print_area and f"{ws.max_row}" in ws.print_area
    assert ws["A3"].font.name == "宋体" or any(c.font.name == "宋体" for c in ws[5])
    assert form.name and form.kind in ("project", "department_overall")


def find(table: Table, text: str) -> Any:
    return next(c for c in table.cells if c.text == text)


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_docx_form_labels_and_vertical_merges(form_id: str, tmp_path: Path) -> None:
    path = render_form(report(), form_id, "docx", tmp_path / f"{form_id}.docx")
    document = ingest.read(path)
    tables = [b for b in document.blocks if isinstance(b, Table)]
    text = "\n".join([getattr(b, "text", "") for b in document.blocks] + [c.text for t in tables for c in t.cells])
    for word in LABELS[form_id]:
        assert word in text, f"{form_id}: label {word} missing"
    assert "完成 12 所 & 验收 <合格>" in text  # XML-special characters survive
    assert "=3000平方米" in text or form_id == "sichuan-510000_0013zp"  # Sichuan splits it: = | 3000 | 平方米
    assert "{{" not in text and "\ue000" not in text
    table = max(tables, key=lambda t: t.n_rows)
    if form_id != "hunan-dept-a":
        assert find(table, "产出指标(50分)").rowspan == 3
        assert find(table, "数量指标").rowspan == 2
        assert find(table, "效益指标(30分)").rowspan == 1
        assert find(table, "<5%返工").colspan == 1
    else:
        assert find(table, "产出指标").rowspan == 3
        assert find(table, "王五").colspan == 2


def test_empty_lists_keep_the_form_shape(tmp_path: Path) -> None:
    bare = Report(unit=Unit(department="空表测试单位", fiscal_year=2023))
    for form_id in FORM_IDS:
        _, texts = xlsx_texts(render_form(bare, form_id, "xlsx", tmp_path / f"{form_id}.xlsx"))
        assert "空表测试单位" in "".join(texts)
        assert "一级指标" in texts or "评价内容" in texts


def test_level1_points_from_names_with_points(tmp_path: Path) -> None:
    r = report()
    r.declared_weights = [DeclaredWeight(level=1, name="产出指标（50分）", points=Decimal(50))]
    _, texts = xlsx_texts(render_form(r, "national-project", "xlsx", tmp_path / "n.xlsx"))
    assert "产出指标(50分)" in texts and "效益指标" in texts


def test_catalogue_lists_every_form_and_outline() -> None:
    ids = [f["id"] for f in catalog()]
    assert set(FORM_IDS) <= set(ids)
    assert {"narrative-national", "narrative-hunan", "narrative-hebei"} <= set(ids)
    for entry in catalog():
        assert set(entry) >= {"id", "name", "formats"} and entry["formats"]
    assert [f.id for f in list_forms()] == sorted(FORM_IDS)


def test_cli_forms_json_and_render_from_extract_json(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["forms", "--format", "json"])
    assert result.exit_code == 0
    assert {"id": "national-project", "name": "项目支出绩效自评表", "formats": ["xlsx", "docx", "pdf"]}.items() <= {
        **next(f for f in json.loads(result.output) if f["id"] == "national-project")
    }.items()
    source = tmp_path / "report.json"
    source.write_text(json.dumps({"report": report().model_dump(mode="json")}, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out" / "b.xlsx"
    result = runner.invoke(app, ["render", str(source), "--form", "hunan-dept-b", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "青山县教育局" in "".join(xlsx_texts(out)[1])
    result = runner.invoke(app, ["render", str(source), "--form", "no-such-form", "-o", str(out)])
    assert result.exit_code == 2 and "未知表单" in result.output


# --- atomic writing -----------------------------------------------------------------------------


def test_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "form.xlsx"

    def broken(tmp: Path) -> None:
        tmp.write_bytes(b"half a workbook")
        raise OSError("disk full")

    with pytest.raises(OSError):
        atomic_write(target, broken)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []

    target.write_bytes(b"previous version")
    with pytest.raises(OSError):
        atomic_write(target, broken)
    assert target.read_bytes() == b"previous version"
    assert list(tmp_path.iterdir()) == [target]


def test_render_failure_leaves_no_partial_form(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.workbook.workbook import Workbook

    def failing_save(self: Any, filename: Any) -> None:
        Path(filename).write_bytes(b"PK partial")
        raise RuntimeError("interrupted")

    monkeypatch.setattr(Workbook, "save", failing_save)
    target = tmp_path / "national.xlsx"
    with pytest.raises(RuntimeError):
        render_form(report(), "national-project", "xlsx", target)
    assert list(tmp_path.iterdir()) == []


def test_xlsx_rows_grow_to_fit_long_text(tmp_path: Path) -> None:
    r = report()
    r.targets = [QualitativeTarget(expected="维护校舍安全，" * 30, achieved="完成")]
    ws = load_workbook(render_form(r, "hunan-dept-b", "xlsx", tmp_path / "b.xlsx")).worksheets[0]
    row = next(c.row for line in ws.iter_rows() for c in line if str(c.value).startswith("维护校舍安全"))
    assert ws.row_dimensions[row].height > 60  # about 210 characters over four merged columns
    title = next(c.row for line in ws.iter_rows() for c in line if c.value == "市级预算部门名称")
    assert ws.row_dimensions[title].height == 24  # short rows keep the template's height
