"""The narrative report: each outline's headings, the report's numbers, charts, the recomputed
score and the findings as 存在问题 with their evidence, and 改进措施 placeholders."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document

from jixiao.model.report import Fact
from jixiao.render.narrative import PLACEHOLDER, Assessment, assess, narrative_docx_bytes, outlines, render_narrative
from test_render_forms import report


def text_of(data: bytes) -> tuple[str, list[str], int]:
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    headings = [p.text for p in doc.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    return "\n".join(paragraphs + cells), headings, len(doc.inline_shapes)


@pytest.mark.parametrize("outline", ["national", "hunan", "hebei"])
def test_outline_headings_numbers_and_charts(outline: str) -> None:
    r = report()
    text, headings, pictures = text_of(narrative_docx_bytes(r, outline, assess(r)))
    assert headings == [h for h, _ in outlines()[outline].sections]
    assert "青山县教育局" in text
    assert "全年执行数1287.25万元" in text and "预算执行率99.02%" in text
    assert "维修校舍数量" in text and "复算得分" in text
    assert "报告自评得分96.4分，评价等次为优" in text
    assert "存在问题" in text and PLACEHOLDER in text
    assert pictures == 2  # execution chart and indicator completion chart


def test_findings_listed_with_codes_and_evidence() -> None:
    r = report()
    r.set_fact("three_public_total", Fact(value=Decimal("161.58")))
    r.set_fact("three_public_budget", Fact(value=Decimal("160")))
    assessment = assess(r)
    if assessment.scorecard is None:
        pytest.skip("scoring and rules layers not installed in this tree")
    assert assessment.findings, "a report with 三公 over budget has findings"
    text, _, _ = text_of(narrative_docx_bytes(r, "hunan", assessment))
    for finding in assessment.findings:
        assert finding.code in text and finding.message in text
    assert "复算" in text and "未评分" not in text
    assert "“三公”经费支出合计161.58万元（预算160万元）" in text
    # each finding gets a 改进措施 placeholder
    assert text.count(PLACEHOLDER) >= len(assessment.findings) + 1


def test_without_scoring_the_report_says_unscored() -> None:
    text, _, _ = text_of(narrative_docx_bytes(report(), "national", Assessment(note="评分模块未安装")))
    assert "未评分（评分模块未安装）" in text
    assert "未评分，未进行勾稽检查" in text


def test_report_without_numbers_has_no_charts_and_says_so() -> None:
    from jixiao.model.report import Report, Unit

    bare = Report(unit=Unit(department="无数据单位", fiscal_year=2022))
    text, _, pictures = text_of(narrative_docx_bytes(bare, "hebei", Assessment()))
    assert pictures == 0
    assert "报告未说明预算与执行数" in text and "报告没有绩效指标表" in text


def test_unknown_outline_is_a_clear_error(tmp_path: Path) -> None:
    from jixiao.errors import JixiaoError

    with pytest.raises(JixiaoError, match="未知报告提纲"):
        render_narrative(report(), tmp_path / "x.docx", "guangdong")
    assert list(tmp_path.iterdir()) == []
