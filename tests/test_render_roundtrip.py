"""Round trip through the official forms: a typed report → each form (xlsx, docx) → `extract` reads
the rendered file back → the facts the form has a place for, and the indicator rows, come back.

Facts a form has no place for (the national form has no income table) are not expected back; the
keys each form carries come from its template (`FormSpec.fact_keys`), and every one of them comes back.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jixiao import ingest
from jixiao.model.report import (
    DeclaredWeight,
    Fact,
    IndicatorRow,
    QualitativeTarget,
    Report,
    Unit,
)
from jixiao.render.entry import parse_value_text
from jixiao.render.forms import get_form, render_form

extract_module = pytest.importorskip("jixiao.extract")

FORMS = ["national-project", "hunan-dept-b", "hunan-dept-a", "sichuan-510000_0013zp"]

# form → fact keys that do not come back through extraction today (found by this test).

MONEY: dict[str, str] = {
    "budget_initial": "57954.3",
    "budget_adjusted": "45854.66",
    "budget_executed": "45854.66",
    "income_total": "13066.59",
    "carryover": "697.37",
    "income_general_budget": "11736.32",
    "income_fund_budget": "632.9",
    "income_special_account": "0",
    "income_other": "0",
    "expenditure_total": "13066.59",
    "basic_expenditure": "6910.26",
    "personnel_expenditure": "4839.5",
    "public_expenditure": "2070.76",
    "project_expenditure": "6156.33",
    "balance_current_year": "0",
    "balance_accumulated": "0",
    "three_public_total": "161.51",
    "reception": "29.51",
    "vehicle_operation": "132",
    "vehicle_purchase": "0",
    "overseas_travel": "0",
    "fixed_assets_total": "8137.2",
    "fixed_assets_in_use": "8137.2",
    "fixed_assets_leased": "0",
    "fixed_assets_other": "0",
}


def built_report(kind: str) -> Report:
    r = Report()
    r.unit = Unit(
        department="岳阳市示例局",
        region="湖南省岳阳市",
        fiscal_year=2022,
        report_date="2023-04-12",
        report_kind="project" if kind == "project" else "department_overall",
        project_name="平安建设专项" if kind == "project" else None,
    )
    for key, value in MONEY.items():
        r.set_fact(key, Fact(value=Decimal(value), unit="万元"))
    for key, value in (
        ("execution_rate", Decimal(100)),
        ("execution_weight", Decimal(10)),
        ("execution_score", Decimal(10)),
        ("weight_total", Decimal(100)),
        ("self_score", Decimal("97.5")),
    ):
        r.set_fact(key, Fact(value=value))
    r.set_fact("grade", Fact(value="优"))
    r.set_fact("staff_authorized", Fact(value=298))
    r.set_fact("staff_actual", Fact(value=285))
    r.targets.append(QualitativeTarget(expected="维护社会稳定，提升群众安全感", achieved="全年破案5000余起"))
    level1 = ("产出目标", "效益目标") if kind == "template-a" else ("产出指标", "效益指标")
    points = (Decimal(60), Decimal(30))
    r.declared_weights += [DeclaredWeight(level=1, name=n, points=p) for n, p in zip(level1, points, strict=True)]
    rows = [
        (level1[0], "数量指标", "破获电诈案件数量", "≥1200起", "1558起", "30", "30"),
        (level1[0], "数量指标", "一般道路交通事故较去年下降", "下降5%以上", "下降9.72%", "15", "15"),
        (level1[0], "质量指标", "社会各类纠纷化解率", "≥95%", "96.17%", "15", "14.5"),
        (
            level1[1],
            "社会效益指标" if kind != "template-a" else "社会效益",
            "接处警效力提升",
            "达成预期指标",
            "接处警率100%",
            "30",
            "28",
        ),
    ]
    r.indicators = [
        IndicatorRow(
            level1=a,
            level2=b,
            level3=c,
            target=parse_value_text(t),
            actual=parse_value_text(x),
            weight=Decimal(w),
            score=Decimal(s),
        )
        for a, b, c, t, x, w, s in rows
    ]
    return r


def kind_for(form_id: str) -> str:
    return {"hunan-dept-a": "template-a", "hunan-dept-b": "dept"}.get(form_id, "project")


def read_back(form_id: str, to: str, tmp_path: Path) -> tuple[Report, Report]:
    original = built_report(kind_for(form_id))
    path = render_form(original, form_id, to, tmp_path / f"{form_id}.{to}")  # type: ignore[arg-type]
    return original, extract_module.extract(ingest.read(path))


def indicator_view(report: Report, form_id: str) -> list[tuple[Any, ...]]:
    if form_id == "hunan-dept-a":  # Template A: names and texts only, no points or scores
        return [(i.level1, i.level2, i.actual.text if i.actual else "") for i in report.indicators]
    return [
        (
            i.level1,
            i.level2,
            i.level3,
            i.target.text if i.target else "",
            i.actual.text if i.actual else "",
            i.weight,
            i.score,
        )
        for i in report.indicators
    ]


@pytest.mark.parametrize("to", ["xlsx", "docx"])
@pytest.mark.parametrize("form_id", FORMS)
def test_facts_and_indicators_come_back(form_id: str, to: str, tmp_path: Path) -> None:
    original, back = read_back(form_id, to, tmp_path)
    expected = get_form(form_id).fact_keys()
    assert expected, form_id
    for key in sorted(expected):
        assert back.value(key) == original.value(key), f"{form_id}.{to}: {key}"
    assert back.unit.department == original.unit.department
    assert back.unit.fiscal_year == original.unit.fiscal_year
    assert indicator_view(back, form_id) == indicator_view(original, form_id)
    if form_id != "hunan-dept-a":
        declared = {w.name: w.points for w in back.declared_weights if w.level == 1}
        assert declared == {w.name: w.points for w in original.declared_weights}


# --- the seeds and the bundled samples: extract → render → extract ------------------------------

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SAMPLES = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "samples"

# each source into the form of its own kind (table reports) or Template A (it carries the money tables)
SOURCES: list[tuple[Path, str]] = [
    (SEEDS / "000", "hunan-dept-a"),
    (SEEDS / "001", "hunan-dept-a"),
    (SEEDS / "002", "hunan-dept-b"),
    (SEEDS / "002", "national-project"),
    (SEEDS / "003", "hunan-dept-a"),
    (SEEDS / "004", "national-project"),
    (SAMPLES / "dept_table_yunxi_transport_2023.docx", "hunan-dept-b"),
    (SAMPLES / "project_qingshan_school_repair_2023.xlsx", "national-project"),
    (SAMPLES / "project_qingshan_school_repair_2023.docx", "sichuan-510000_0013zp"),
    (SAMPLES / "dept_narrative_baishi_agriculture_2023.txt", "hunan-dept-a"),
]


def resolve(source: Path) -> Path:
    if source.parent == SEEDS:
        found = sorted(SEEDS.glob(f"{source.name}_*.txt"))
        if not found:
            pytest.skip("../shared/seeds is not beside the repository")
        return found[0]
    return source


@pytest.mark.parametrize(("source", "form_id"), SOURCES, ids=lambda v: v.name if isinstance(v, Path) else v)
def test_seeds_and_samples_round_trip(source: Path, form_id: str, tmp_path: Path) -> None:
    path = resolve(source)
    original = extract_module.extract(ingest.read(path))
    rendered = render_form(original, form_id, "xlsx", tmp_path / f"{form_id}.xlsx")
    back = extract_module.extract(ingest.read(rendered))
    carried = [k for k in get_form(form_id).fact_keys() if original.value(k) is not None]
    assert [(k, back.value(k)) for k in carried] == [(k, original.value(k)) for k in carried]
    assert back.unit.department == original.unit.department
    assert back.unit.fiscal_year == original.unit.fiscal_year
    assert indicator_view(back, form_id) == indicator_view(original, form_id)
