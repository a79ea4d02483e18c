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
    for finding in assessment.findings:  # written for the unit: the finding, not the rule's code
        assert finding.message.rstrip("。") in text and finding.code not in text
    assert "复算" in text and "未评分" not in text
    assert "“三公”经费支出合计161.58万元（预算160万元）" in text
    # each finding gets a 改进措施 placeholder
    assert text.count(PLACEHOLDER) >= len(assessment.findings) + 1


def test_without_scoring_the_body_has_no_words_about_the_tool() -> None:
    text, _, _ = text_of(narrative_docx_bytes(report(), "national", Assessment(note="评分模块未安装")))
    for words in ("未评分", "评分模块", "勾稽检查", "评分规则", "未生成", "JX"):
        assert words not in text
    assert "复算得分" not in text


def test_report_without_numbers_has_no_charts_and_says_so() -> None:
    from jixiao.model.report import Report, Unit

    bare = Report(unit=Unit(department="无数据单位", fiscal_year=2022))
    text, _, pictures = text_of(narrative_docx_bytes(bare, "hebei", Assessment()))
    assert pictures == 0 and "未生成" not in text
    assert "报告未说明预算与执行数" in text and "报告没有绩效指标表" in text


def test_unknown_outline_is_a_clear_error(tmp_path: Path) -> None:
    from jixiao.errors import JixiaoError

    with pytest.raises(JixiaoError, match="未知报告提纲"):
        render_narrative(report(), tmp_path / "x.docx", "guangdong")
    assert list(tmp_path.iterdir()) == []


# --- issue 14: a 公文, not a tool's printout ----------------------------------------------------------


def test_styles_are_gbt_9704_without_word_theme_leftovers() -> None:
    """Title 小标宋 二号 centred in black, no blue rule; body 仿宋 三号; headings 黑体; no theme fonts."""
    from docx.oxml.ns import qn

    from jixiao.render.narrative import BODY_FONT, HEADING_FONT, TITLE_FONT

    doc = Document(io.BytesIO(narrative_docx_bytes(report(), "national", Assessment())))
    for name, font, size in (("Normal", BODY_FONT, 16), ("Heading 1", HEADING_FONT, 16), ("Title", TITLE_FONT, 22)):
        style = doc.styles[name]
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == font and fonts.get(qn("w:ascii")) == font, name
        assert not [a for a in fonts.attrib if a.endswith(("Theme", "theme"))], name
        assert style.font.size.pt == size, name
        assert str(style.font.color.rgb) == "000000", name
        ppr = style.element.find(qn("w:pPr"))
        assert ppr is None or ppr.find(qn("w:pBdr")) is None, name
    footer = "".join(t.text or "" for t in doc.sections[0].footer._element.iter(qn("w:instrText")))
    assert "PAGE" in footer


def test_the_subject_is_said_once() -> None:
    from jixiao.model.report import Report, Unit
    from jixiao.render.narrative import subject

    r = Report(
        unit=Unit(department="某局", fiscal_year=2023, report_kind="project", project_name="2023年农村公路养护项目")
    )
    assert subject(r) == "2023年农村公路养护项目支出"
    r.unit.project_name = "农村公路养护"
    assert subject(r) == "2023年度农村公路养护项目支出"
    text, _, _ = text_of(narrative_docx_bytes(r, "national", Assessment()))
    assert "项目项目" not in text and "年度2023年" not in text


def test_no_chart_of_zeros() -> None:
    from jixiao.model.report import Report, Unit
    from jixiao.render import charts

    r = Report(unit=Unit(department="某局", fiscal_year=2023))
    for key in ("budget_initial", "budget_adjusted", "budget_executed"):
        r.set_fact(key, Fact(value=Decimal(0)))
    assert charts.execution_chart(r) is None


def test_findings_cite_the_documents_own_places() -> None:
    from jixiao.model.document import Provenance
    from jixiao.render.narrative import _where

    assert _where(Provenance(page=2, table=0, row=2, col=3)) == "第2页 表1 第3行第4列"
    assert _where(Provenance(sheet="自评表", table=0, row=8, col=8)) == "工作表“自评表” 表1 第9行第9列"
    assert _where(Provenance(page=3)) == "第3页"


def test_pdf_sets_installed_cjk_fonts_and_embeds_them(tmp_path: Path) -> None:
    import shutil
    import subprocess

    if shutil.which("soffice") is None or shutil.which("pdffonts") is None:
        pytest.skip("LibreOffice / poppler not installed")
    path = render_narrative(report(), tmp_path / "n.pdf", "hunan", "pdf", Assessment())
    listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in listed.splitlines()[2:] if line.strip()]
    assert rows and all("yes" in row[-5:-3] for row in rows)  # every font embedded
    names = " ".join(row[0] for row in rows)
    assert "CJK" in names or "UKai" in names
    assert "DejaVu" not in names and "Liberation" not in names
