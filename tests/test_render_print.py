"""Print-ready forms (issue 14): the indicator header repeats on every page, rows are not split across
pages, pages are numbered, amounts show 0.00 and rates are numbers under a % format (not text)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from jixiao.model.report import Fact
from jixiao.render.forms import list_forms, render_form
from test_render_roundtrip import built_report, kind_for

FORMS = [f.id for f in list_forms()]


@pytest.mark.parametrize("form_id", FORMS)
def test_docx_rows_unsplit_header_repeated_pages_numbered(form_id: str, tmp_path: Path) -> None:
    path = render_form(built_report(kind_for(form_id)), form_id, "docx", tmp_path / "f.docx")
    document = Document(str(path))
    rows = [tr for table in document.tables for tr in table._tbl.tr_lst]
    assert rows and all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
    headers = [tr for tr in rows if tr.trPr.find(qn("w:tblHeader")) is not None]
    assert len(headers) == 1
    header_text = "".join(t.text or "" for t in headers[0].iter(qn("w:t")))
    assert "一级指标" in header_text or "评价内容" in header_text
    footer = "".join(t.text or "" for t in document.sections[0].footer._element.iter(qn("w:instrText")))
    assert "PAGE" in footer


@pytest.mark.parametrize("form_id", FORMS)
def test_xlsx_numbers_formats_titles_and_page_numbers(form_id: str, tmp_path: Path) -> None:
    report = built_report(kind_for(form_id))
    report.funds.budget_initial = Fact(value=Decimal("4675.926"), unit="万元")
    path = render_form(report, form_id, "xlsx", tmp_path / "f.xlsx")
    ws = load_workbook(path).active
    assert ws.print_title_rows is not None
    assert "&P" in ws.oddFooter.center.text
    cells = [c for row in ws.iter_rows() for c in row]
    amounts = [c for c in cells if c.number_format.startswith("0.00") and not c.number_format.endswith("%")]
    assert amounts and all(isinstance(c.value, int | float) or c.value is None for c in amounts)
    if form_id != "hunan-dept-a":  # Template A has no 年初预算数 cell: 4675.926 keeps its third decimal
        assert any(c.value == pytest.approx(4675.926) and c.number_format == "0.000" for c in amounts)
    rates = [c for c in cells if c.number_format.endswith("%")]
    if form_id != "hunan-dept-a":  # Template A has no 执行率 cell
        assert rates and rates[0].value == pytest.approx(1.0)  # 100% stored as the number 1 under 0.00%
