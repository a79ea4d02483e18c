"""Faithful forms: source → extract → render (xlsx, docx) → extract gives the same report, field by field.

Each form is compared on the fields it prints (its template's placeholders): identity and contact,
the facts it has a cell for, the 年度总体目标 rows, the indicator rows, the 评价人员 with 职务/单位, the
free texts and the funds-source rows. What the source does not state stays empty on the form.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao import ingest
from jixiao.extract import extract
from jixiao.model.report import Evaluator, FundsSource, ParsedValue, Report
from jixiao.render.context import build_context
from jixiao.render.forms import get_form, list_forms, render_form
from test_render_roundtrip import indicator_view

SHARED = Path(__file__).resolve().parents[2] / "shared"
SOURCES = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "corpus" / "forms").glob("*.xlsx"))
pytestmark = pytest.mark.skipif(not SOURCES, reason="../shared (seeds, corpus forms) is not beside the repository")
UNIT_FIELDS = (
    "department",
    "implementing_unit",
    "fiscal_year",
    "project_name",
    "report_date",
    "contact_person",
    "contact_phone",
    "form_filler",
)
TEXT_FIELDS = {"texts.conclusion": "conclusion", "texts.problems": "problems", "texts.improvements": "improvements"}
SEC_FIELDS = {"sec.duties": "duties", "sec.work": "annual_work", "sec.results": "performance_overview"}


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _text(value: ParsedValue | None) -> str:
    return value.text if value is not None else ""


def _funds_by_role(report: Report, form_roles: set[str]) -> dict[str, tuple[Any, ...]]:
    rows = build_context(report)["fs"]
    return {
        role: tuple(rows[role].values()) for role in sorted(form_roles) if role in rows and any(rows[role].values())
    }


def form_view(report: Report, form_id: str) -> dict[str, Any]:
    """The report as the form can show it."""
    names = get_form(form_id).placeholders()
    view: dict[str, Any] = {f"unit.{k}": getattr(report.unit, k) for k in UNIT_FIELDS if f"unit.{k}" in names}
    view["facts"] = {k: report.value(k) for k in sorted(get_form(form_id).fact_keys())}
    view["targets"] = [(_squeeze(t.expected), _squeeze(t.achieved)) for t in report.targets]
    view["indicators"] = indicator_view(report, form_id)
    if "r.title" in names:
        view["evaluators"] = [(e.name, e.title, e.affiliation) for e in report.evaluator_details]
    for name, field in TEXT_FIELDS.items():
        if name in names:
            view[name] = getattr(report.texts, field)
    for name, field in SEC_FIELDS.items():
        if name in names:
            view[name] = _squeeze(getattr(report.texts, field))
    roles = {n.removeprefix("fs.") for n in names if n.startswith("fs.")}
    view["funds_sources"] = _funds_by_role(report, roles)
    return view


def _sources_and_forms() -> list[tuple[Path, str]]:
    out = []
    for path in SOURCES:
        kind = extract(ingest.read(path)).unit.report_kind
        for form in list_forms():
            if (form.kind == "project") == (kind == "project"):
                out.append((path, form.id))
    return out


@pytest.mark.parametrize("to", ["xlsx", "docx"])
@pytest.mark.parametrize(("source", "form_id"), _sources_and_forms(), ids=lambda v: getattr(v, "stem", v)[:12])
def test_source_extract_render_extract_is_the_same(source: Path, form_id: str, to: str, tmp_path: Path) -> None:
    original = extract(ingest.read(source))
    rendered = render_form(original, form_id, to, tmp_path / f"{form_id}.{to}")  # type: ignore[arg-type]
    back = extract(ingest.read(rendered))
    expected, got = form_view(original, form_id), form_view(back, form_id)
    for field, value in expected.items():
        if field == "facts":  # what the source states comes back; a form may state more (its own 综述)
            stated = {k: v for k, v in value.items() if v is not None}
            assert {k: got["facts"][k] for k in stated} == stated, field
        else:
            assert got[field] == value, field


def test_seed_000_fields_reach_template_a(tmp_path: Path) -> None:
    """The friction as found: 联系人 何丽萍, 联络电话, the three texts and the 综述 were left empty."""
    seed = next(p for p in SOURCES if p.name.startswith("000_"))
    report = extract(ingest.read(seed))
    assert (report.unit.contact_person, report.unit.contact_phone) == ("何丽萍", "3739838")
    assert report.texts.duties.startswith("临湘市公安局是财政全额拨款的行政单位")
    assert report.texts.annual_work.startswith("任务1、维护全市社会政治大局稳定")
    assert report.texts.performance_overview.startswith("2021年以来")
    assert report.texts.review_summary.startswith("为有序推进我局全面预算绩效管理工作")
    assert next((e.name, e.title) for e in report.evaluator_details) == ("吴焰星", "副局长")
    from openpyxl import load_workbook

    path = render_form(report, "hunan-dept-a", "xlsx", tmp_path / "a.xlsx")
    cells = [str(c.value) for row in load_workbook(path).active.iter_rows() for c in row if c.value is not None]
    for text in ("何丽萍", "3739838", "副局长", "为有序推进我局全面预算绩效管理工作"):
        assert any(text in c for c in cells), text


def _project_report() -> Report:
    return extract(ingest.read(next(p for p in SOURCES if p.name.startswith("013_"))))


@pytest.mark.parametrize("form_id", ["national-project", "sichuan-510000_0013zp"])
def test_funds_source_rows_are_printed(form_id: str, tmp_path: Path) -> None:
    """其中：当年财政拨款 (Sichuan: 财政资金) carries the source row the report read, not an empty row."""
    from openpyxl import load_workbook

    report = _project_report()
    fiscal = next(s for s in report.funds_sources if "财政" in s.name)
    path = render_form(report, form_id, "xlsx", tmp_path / "f.xlsx")
    rows = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
    label = "其中：当年财政拨款" if form_id == "national-project" else "财政资金"
    row = next(r for r in rows if label in r)
    numbers = [v for v in row if isinstance(v, int | float)]
    assert numbers[:3] == [float(fiscal.budget_initial or 0), float(fiscal.budget_adjusted or 0), 32.0][:3]


def test_sichuan_states_only_what_was_read(tmp_path: Path) -> None:
    """No 评价结论 "自评得分 100 分" made up from the score; 合计 stays under 权重 and 得分 as stated;
    实施单位 is the report's own, not the 主管部门 copied."""
    from openpyxl import load_workbook

    report = _project_report()
    report.texts.conclusion = ""
    report.unit.implementing_unit = None
    path = render_form(report, "sichuan-510000_0013zp", "xlsx", tmp_path / "s.xlsx")
    rows = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
    conclusion = next(r for r in rows if r[0] and str(r[0]).startswith("评价结论"))
    assert all(v in (None, "") for v in conclusion[2:])
    implementing = next(r for r in rows if "实施单位" in r)
    assert all(v in (None, "") for v in implementing[implementing.index("实施单位") + 1 :])
    total = next(r for r in rows if r[0] == "合计")
    assert total[8] == report.value("weight_total")
    assert total[9] == report.value("self_score")


def test_a_built_report_keeps_every_new_field(tmp_path: Path) -> None:
    report = _project_report()
    report.unit.form_filler = "王敏"
    report.unit.contact_phone = "0595-88881234"
    report.texts.conclusion = "项目完成年度目标，自评得分九十五分。"
    report.texts.problems = "个别指标设置偏低。"
    report.texts.improvements = "下一年度细化指标。"
    report.funds_sources.append(FundsSource(name="单位资金", budget_initial=Decimal("3.5")))
    for to in ("xlsx", "docx"):
        national = render_form(report, "national-project", to, tmp_path / f"n.{to}")  # type: ignore[arg-type]
        back = extract(ingest.read(national))
        assert (back.unit.form_filler, back.unit.contact_phone) == ("王敏", "0595-88881234"), to
        back = extract(ingest.read(render_form(report, "sichuan-510000_0013zp", to, tmp_path / f"s.{to}")))  # type: ignore[arg-type]
        assert (back.texts.conclusion, back.texts.problems, back.texts.improvements) == (
            report.texts.conclusion,
            report.texts.problems,
            report.texts.improvements,
        ), to
    dept = extract(ingest.read(SOURCES[0]))
    dept.evaluator_details.append(Evaluator(name="李明", title="科员", affiliation="市财政局"))
    dept.evaluators.append("李明")
    back = extract(ingest.read(render_form(dept, "hunan-dept-a", "docx", tmp_path / "a.docx")))
    assert ("李明", "科员", "市财政局") in [(e.name, e.title, e.affiliation) for e in back.evaluator_details]


@pytest.mark.parametrize("to", ["xlsx", "docx"])
@pytest.mark.parametrize(("source", "form_id"), _sources_and_forms(), ids=lambda v: getattr(v, "stem", v)[:12])
def test_template_import_render_extract_is_the_same(source: Path, form_id: str, to: str, tmp_path: Path) -> None:
    """The form's entry template filled with the report → import → the form → extract: the same fields."""
    from jixiao.render.entry import import_template, write_template

    filled = write_template(tmp_path / "entry.xlsx", extract(ingest.read(source)), rows=5, form_id=form_id)
    imported = import_template(filled)
    rendered = render_form(imported, form_id, to, tmp_path / f"{form_id}.{to}")  # type: ignore[arg-type]
    expected, got = form_view(imported, form_id), form_view(extract(ingest.read(rendered)), form_id)
    for field, value in expected.items():
        if field == "facts":
            stated = {k: v for k, v in value.items() if v is not None}
            assert {k: got["facts"][k] for k in stated} == stated, field
        else:
            assert got[field] == value, field


def test_each_form_has_a_template_of_its_own_fields(tmp_path: Path) -> None:
    """A project form's template asks no 编制人数 or 固定资产; Template A's asks 联系人 and the 综述."""
    from openpyxl import load_workbook

    from jixiao.render.entry import write_template

    def labels(form_id: str) -> list[str]:
        wb = load_workbook(write_template(tmp_path / f"{form_id}.xlsx", rows=3, form_id=form_id))
        shown = [ws for ws in wb.worksheets if ws.sheet_state != "hidden"]
        return [str(c.value) for ws in shown for row in ws.iter_rows(max_col=2) for c in row] + wb.sheetnames

    national = labels("national-project")
    assert "编制人数" not in national and "固定资产合计" not in national and "实施单位（项目表）" in national
    template_a = labels("hunan-dept-a")
    assert {"联系人", "编制人数", "评价报告综述（文字部分）", "评价人员"} <= set(template_a)
    assert "资金来源" not in template_a
    wb = load_workbook(tmp_path / "hunan-dept-a.xlsx")
    headers = [c.value for c in wb["绩效指标"][1]]
    assert "分值" not in headers and "得分" not in headers and "实际完成值" in headers  # Template A prints neither
