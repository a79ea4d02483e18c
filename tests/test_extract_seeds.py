"""Golden tests on the real published reports in ../shared/seeds: every labelled value comes back exactly."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.accuracy import evaluate, format_evaluation
from jixiao.extract import extract, report_json
from jixiao.ingest import read
from jixiao.model.report import Report

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
pytestmark = pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds is not beside the repository")


def seed(prefix: str) -> Report:
    return extract(read(next(SEEDS.glob(f"{prefix}_*.txt"))))


def test_every_labelled_value_is_extracted_exactly() -> None:
    evaluation = evaluate(sorted((SEEDS / "labels").glob("*.json")), SEEDS)
    total = evaluation.total()
    assert total.labelled > 300
    assert (total.precision, total.recall) == (1.0, 1.0), format_evaluation(evaluation)


def test_every_fact_and_row_carries_its_provenance() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        report = extract(read(path))
        for key, fact in report.facts().items():
            prov = fact.provenance
            assert prov.file == str(path), key
            assert prov.line is not None, f"{path.name}: {key} has no line"
            if key == "indicator_count":  # counted from the table, not read from one cell
                assert prov.table is not None
                continue
            assert prov.text, f"{path.name}: {key} has no source text"
            # the source text really is in the file around that line
            lines = path.read_text(encoding="utf-8").splitlines()
            window = "".join(lines[max(0, prov.line - 1) : prov.line + 2]).replace(" ", "")
            assert prov.text.replace(" ", "")[:6] in window, (path.name, key, prov)
        for row in report.indicators:
            assert row.provenance.line is not None and row.provenance.table is not None
        for project in report.projects:
            assert project.provenance.line is not None


def test_indicator_table_of_seed_002_every_column() -> None:
    report = seed("002")
    assert len(report.indicators) == 22
    first = report.indicators[0]
    assert (first.level1, first.level2, first.level3) == ("产出指标", "数量指标", "刑事案件发案数同比2021年下降2%以上")
    assert first.target is not None and first.target.number == Decimal(2) and first.target.change == "decrease"
    assert first.actual is not None and first.actual.number == Decimal("2.2")
    assert (first.weight, first.score) == (Decimal(4), Decimal(4))
    declared = {(w.level, w.name): w.points for w in report.declared_weights}
    assert declared[(1, "效益指标")] == Decimal(30)
    benefit_weights = sum(r.weight or 0 for r in report.indicators if r.level1 == "效益指标")
    assert benefit_weights == Decimal(32)  # the report's own inconsistency, kept as stated
    assert report.value("weight_total") == Decimal(100) and report.value("self_score") == Decimal(100)


def test_prose_changes_are_signed_and_years_kept() -> None:
    report = seed("003")
    assert report.value("income_change") == Decimal("-761.39")
    assert report.value("income_change_rate") == Decimal("-13.15")
    years = {(y.unit, y.value) for y in report.comparison_years}
    assert ("income", 2019) in years and ("expenditure", 2020) in years
    # the stated rate is kept even though 4.34 / 30 = 14.47 %
    assert report.value("reception_execution_rate") == Decimal("14.57")
    assert report.fact("reception_execution_rate").provenance.text.startswith("公务接待费支出预算为30万元")  # type: ignore[union-attr]


def test_json_shape_of_the_contract() -> None:
    data = report_json(seed("000"))
    assert data["document"]["department"] == "临湘市公安局"
    assert data["facts"]["income_total"] == 13066.59
    assert data["provenance"]["income_total"]["line"] == 62
    assert data["provenance"]["income_total"]["text"] == "13066.59"
    assert json.loads(json.dumps(data, ensure_ascii=False))["evaluators"] == ["吴焰星", "涂超", "彭美红"]
    assert Report.model_validate(data["report"]).facts_json() == data["facts"]


def test_narrative_sections_follow_the_reports_headings() -> None:
    sections = seed("004").sections
    headings = [s.heading for s in sections]
    assert headings[0] == "一、绩效自评工作组织开展情况"
    assert "四、整改措施及结果应用" in headings
    conclusion = next(s for s in sections if s.heading == "（四）总体评价")
    assert "综合考评得分为 98.6 分" in conclusion.text
    assert conclusion.provenance.line is not None
