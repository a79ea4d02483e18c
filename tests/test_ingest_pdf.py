"""The PDF reader: merged-cell grids rebuilt from geometry, Chinese paragraphs, pages, limits.

PDFs are drawn with reportlab using its built-in CID font STSong-Light, whose characters pdfplumber
maps back to Unicode, so the assertions compare real extracted Chinese text.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from builders import CLOSING, INDICATOR_TABLE, TITLE, GridSpec, build_pdf
from jixiao.errors import ScannedPdf, TooLarge
from jixiao.ingest import Limits, read
from jixiao.ingest.pdf import read_pdf
from jixiao.model.document import Paragraph, Table

FONT = "STSong-Light"


def _register_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _story_pdf(path: Path, story: list[Any], on_page: Any = None) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    _register_font()
    document = SimpleDocTemplate(str(path), pagesize=A4)
    if on_page is None:
        document.build(story)
    else:
        document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return path


def _style(size: float = 10.5, indent: float = 21) -> Any:
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle

    _register_font()
    return ParagraphStyle(
        f"body{size}{indent}",
        fontName=FONT,
        fontSize=size,
        leading=size * 1.5,
        firstLineIndent=indent,
        alignment=TA_JUSTIFY,
        wordWrap="CJK",
    )


def _only_table(path: Path) -> Table:
    tables = list(read(path).tables())
    assert len(tables) == 1
    return tables[0]


def _anchors(table: Table) -> tuple[tuple[int, int, int, int, str], ...]:
    return tuple((c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells)


def test_merged_grid_from_cell_geometry(tmp_path: Path) -> None:
    path = build_pdf(tmp_path / "table.pdf")
    document = read(path)
    assert document.source.format == "pdf"
    assert document.source.pages == 1
    kinds = [type(b).__name__ for b in document.blocks]
    assert kinds == ["Paragraph", "Table", "Paragraph"]
    heading, table, closing = document.blocks
    assert isinstance(heading, Paragraph) and heading.text == TITLE and heading.page == 1
    assert isinstance(closing, Paragraph) and closing.text == CLOSING
    assert isinstance(table, Table)
    assert (table.n_rows, table.n_cols, table.page) == (INDICATOR_TABLE.n_rows, INDICATOR_TABLE.n_cols, 1)
    assert _anchors(table) == INDICATOR_TABLE.anchors
    # Covered positions resolve to their anchor; every anchor carries its rectangle on the page.
    level1 = table.cell_at(4, 0)
    assert level1 is not None and level1.text == "产出指标(50分)" and level1.rowspan == 3
    assert all(c.bbox is not None for c in table.cells)
    _, top, x1, bottom = level1.bbox or (0, 0, 0, 0)
    row_cell = table.cell_at(2, 2)
    assert row_cell is not None and row_cell.bbox is not None
    assert x1 <= row_cell.bbox[0] + 0.5 and bottom - top > 2.5 * (row_cell.bbox[3] - row_cell.bbox[1])
    provenance = table.cell_provenance(level1, file=str(path))
    assert provenance.page == 1 and provenance.table == 0 and provenance.row == 2


def test_irregular_grid_spans_both_ways(tmp_path: Path) -> None:
    """A 2×2 block merge and a header merged across two columns, beside plain cells."""
    spec = GridSpec(
        n_rows=4,
        n_cols=4,
        anchors=(
            (0, 0, 1, 1, "项目"),
            (0, 1, 1, 2, "预算数（万元）"),
            (0, 3, 1, 1, "执行率"),
            (1, 0, 2, 2, "一般公共预算"),
            (1, 2, 1, 1, "100"),
            (1, 3, 1, 1, "98%"),
            (2, 2, 1, 1, "200"),
            (2, 3, 1, 1, "99%"),
            (3, 0, 1, 1, "合计"),
            (3, 1, 1, 1, "甲"),
            (3, 2, 1, 1, "300"),
            (3, 3, 1, 1, "98.7%"),
        ),
    )
    table = _only_table(build_pdf(tmp_path / "irregular.pdf", spec))
    assert (table.n_rows, table.n_cols) == (4, 4)
    assert _anchors(table) == spec.anchors
    assert table.filled_grid()[2][1] == "一般公共预算"


def test_chinese_paragraphs_wrap_without_spaces(tmp_path: Path) -> None:
    from reportlab.platypus import Paragraph as PdfParagraph

    first = (
        "本部门2022年度收入合计5795.43万元，较上年减少761.39万元，下降13.15%。其中：一般公共预算拨款"
        "5000万元，政府性基金拨款300万元，其他收入495.43万元。三公经费支出161.58万元，较上年减少"
        "7.44万元，下降63.16%，主要原因是严格执行中央八项规定精神，压减一般性支出。"
    )
    second = "项目支出1180.2万元，占支出总额的20.4%。"
    latin = "Budget execution rate was 98.5 percent for the whole year of 2022."
    path = _story_pdf(
        tmp_path / "prose.pdf",
        [
            PdfParagraph("一、部门基本情况", _style(14, 0)),
            PdfParagraph(first, _style()),
            PdfParagraph(second, _style()),
            PdfParagraph("（二）绩效目标完成情况", _style(10.5, 0)),
            PdfParagraph(latin, _style(10.5, 0)),
        ],
    )
    texts = [b.text for b in read(path).paragraphs()]
    assert texts == ["一、部门基本情况", first, second, "（二）绩效目标完成情况", latin]


def test_wrapped_cell_text_is_joined(tmp_path: Path) -> None:
    from reportlab.platypus import Paragraph as PdfParagraph
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle

    _register_font()
    long_text = "严格执行中央八项规定精神，压减一般性支出，三公经费较上年下降明显"
    cell_style = _style(10, 0)
    data = [
        [PdfParagraph("指标", cell_style), PdfParagraph("偏差原因分析", cell_style)],
        [PdfParagraph("三公经费", cell_style), PdfParagraph(long_text, cell_style)],
    ]
    table = PdfTable(data, colWidths=[80, 120])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    grid = _only_table(_story_pdf(tmp_path / "wrapped.pdf", [table]))
    reason = grid.cell_at(1, 1)
    assert reason is not None and reason.text == long_text


def test_paragraph_continues_across_pages_and_page_numbers_are_dropped(tmp_path: Path) -> None:
    from reportlab.platypus import Paragraph as PdfParagraph

    def page_number(canvas: Any, doc: Any) -> None:
        canvas.setFont(FONT, 9)
        canvas.drawCentredString(297, 30, f"- {doc.page} -")

    filler = [PdfParagraph(f"第{i}段，用于填满页面的文字。", _style()) for i in range(40)]
    sentence = "这一段文字很长，会从第一页的底部一直延续到第二页的顶部，"
    long_paragraph = "跨页段落开始，" + sentence * 12 + "跨页段落结束。"
    path = _story_pdf(tmp_path / "pages.pdf", [*filler, PdfParagraph(long_paragraph, _style())], page_number)
    document = read(path)
    assert document.source.pages == 2
    texts = [p.text for p in document.paragraphs()]
    assert long_paragraph in texts, "the paragraph split by the page break comes back whole"
    joined = next(p for p in document.paragraphs() if p.text == long_paragraph)
    assert joined.page == 1
    assert not any(t.startswith("-") for t in texts), "page numbers are page furniture, not text"
    assert texts[:2] == ["第0段，用于填满页面的文字。", "第1段，用于填满页面的文字。"]


def _image_pdf(path: Path, image_pages: int, text_pages: int) -> Path:
    from PIL import Image
    from reportlab.pdfgen import canvas

    picture = path.with_suffix(".png")
    Image.new("RGB", (60, 40), (200, 200, 200)).save(picture)
    sheet = canvas.Canvas(str(path))
    for _ in range(image_pages):
        sheet.drawImage(str(picture), 50, 500, width=300, height=200)
        sheet.showPage()
    for _ in range(text_pages):
        sheet.drawString(72, 700, "text layer")
        sheet.showPage()
    sheet.save()
    return path


def test_scanned_pdf_is_detected(tmp_path: Path) -> None:
    with pytest.raises(ScannedPdf) as caught:
        read(_image_pdf(tmp_path / "scan.pdf", image_pages=2, text_pages=0))
    assert "OCR" in caught.value.reason_zh and "scanned" in caught.value.reason_en


def test_mostly_scanned_pdf_is_scanned_but_a_text_pdf_with_images_is_not(tmp_path: Path) -> None:
    # One page of text among 25 scanned pages (4%): still a scan. Two of 20 (10%): a document.
    with pytest.raises(ScannedPdf):
        read(_image_pdf(tmp_path / "mostly.pdf", image_pages=24, text_pages=1))
    document = read(_image_pdf(tmp_path / "mixed.pdf", image_pages=18, text_pages=2))
    assert [p.text for p in document.paragraphs()] == ["text layer", "text layer"]
    assert [p.page for p in document.paragraphs()] == [19, 20]


def test_page_limit(tmp_path: Path) -> None:
    path = _image_pdf(tmp_path / "long.pdf", image_pages=0, text_pages=3)
    with pytest.raises(TooLarge) as caught:
        read_pdf(path, Limits(max_pdf_pages=2))
    assert "3" in caught.value.reason_zh
    assert read_pdf(path, Limits(max_pdf_pages=3)).source.pages == 3


def _long_table_pdf(path: Path, rows: list[list[str]], *, split_in_row: bool, header: int = 1) -> Path:
    from reportlab.platypus import Paragraph as PdfParagraph
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle

    _register_font()
    cell_style = _style(10, 0)
    data = [[PdfParagraph(text, cell_style) for text in row] for row in rows]
    table = PdfTable(data, colWidths=[90, 150, 150], repeatRows=header, splitInRow=int(split_in_row))
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return _story_pdf(path, [table])


def test_table_continued_on_the_next_page_is_one_table(tmp_path: Path) -> None:
    rows = [["三级指标", "年度指标值", "实际完成值"]] + [[f"指标{i}", f"≥{i}个", f"{i + 1}个"] for i in range(70)]
    path = _long_table_pdf(tmp_path / "long.pdf", rows, split_in_row=False)
    document = read(path)
    assert document.source.pages is not None and document.source.pages >= 2
    (table,) = document.tables()
    assert (table.n_rows, table.n_cols) == (71, 3), "the header repeated on page 2 is dropped"
    assert [c.text for c in table.anchor_rows()[0]] == rows[0]
    assert [[c.text for c in r] for r in table.anchor_rows()] == rows
    last = table.cell_at(70, 2)
    assert last is not None and last.page == document.source.pages
    provenance = table.cell_provenance(last)
    assert provenance.page == document.source.pages and provenance.bbox == last.bbox
    assert table.cell_provenance(table.cells[0]).page == 1


def _draw_rows(sheet: Any, xs: list[float], top: float, rows: list[list[list[str]]], line_height: float = 14) -> None:
    """Draw ruled rows the way a word processor does: each cell's lines from its top, rules around.

    Coordinates are from the page top; each row is as tall as its tallest cell (plus 4 pt padding).
    """
    height = 842
    y = top
    sheet.setFont(FONT, 10)
    sheet.line(xs[0], height - y, xs[-1], height - y)
    for row in rows:
        row_height = max(len(lines) for lines in row) * line_height + 4
        for x0, lines in zip(xs, row, strict=False):
            for i, text in enumerate(lines):
                sheet.drawString(x0 + 4, height - (y + (i + 1) * line_height - 2), text)
        y += row_height
        sheet.line(xs[0], height - y, xs[-1], height - y)
    for x in xs:
        sheet.line(x, height - top, x, height - y)


def test_row_cut_by_a_page_break_is_mended(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    _register_font()
    xs = [72.0, 162.0, 252.0, 412.0]
    wrapped = ["受疫情影响，部分培训改为线上", "进行，下一年度加强线下组织，", "确保培训人次达到年度目标。"]
    header = [["三级指标"], ["实际完成值"], ["偏差原因分析"]]
    path = tmp_path / "cut.pdf"
    sheet = canvas.Canvas(str(path), pagesize=(595, 842))
    first_part = [header] + [[[f"指标{i}"], [f"{i}个"], [""]] for i in range(36)]  # down to y = 770
    _draw_rows(sheet, xs, 72, [*first_part, [["培训人次"], ["480人次"], wrapped[:2]]])
    sheet.showPage()
    _draw_rows(sheet, xs, 72, [[[""], [""], wrapped[2:]], [["合格率"], ["96%"], [""]]])
    sheet.showPage()
    sheet.save()
    (table,) = read(path).tables()
    texts = [[c.text for c in r] for r in table.anchor_rows()]
    assert texts[-2] == ["培训人次", "480人次", "".join(wrapped)], "the reason cut by the page comes back whole"
    assert texts[-1] == ["合格率", "96%", ""]
    assert table.n_rows == len(first_part) + 2
    assert texts[-3] == ["指标35", "35个", ""], "single-line rows before it stay as they were"
    last = table.cell_at(table.n_rows - 1, 0)
    assert last is not None and last.page == 2


def test_number_wrapped_in_a_narrow_cell_is_rejoined(tmp_path: Path) -> None:
    from reportlab.platypus import Paragraph as PdfParagraph
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle

    _register_font()
    style = _style(10, 0)
    data = [[PdfParagraph("年初预算数", style), PdfParagraph("57954.3", style)], [PdfParagraph("执行率", style), "98%"]]
    table = PdfTable(data, colWidths=[60, 34])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONTNAME", (0, 0), (-1, -1), FONT)]))
    grid = _only_table(_story_pdf(tmp_path / "narrow.pdf", [table]))
    amount = grid.cell_at(0, 1)
    assert amount is not None and amount.text == "57954.3"


def test_running_header_and_footer_are_dropped(tmp_path: Path) -> None:
    from reportlab.platypus import Paragraph as PdfParagraph

    def furniture(canvas: Any, doc: Any) -> None:
        canvas.setFont(FONT, 9)
        canvas.drawString(72, 842 - 40, "青山县教育局2023年度项目支出绩效自评报告")
        canvas.drawString(72, 30, f"第{doc.page}页 内部资料")

    body = [PdfParagraph(f"第{i}段。项目资金执行情况良好，各项指标均已完成。", _style()) for i in range(120)]
    document = read(_story_pdf(tmp_path / "heads.pdf", body, furniture))
    assert document.source.pages is not None and document.source.pages >= 3
    texts = [p.text for p in document.paragraphs()]
    assert texts == [f"第{i}段。项目资金执行情况良好，各项指标均已完成。" for i in range(120)]


def _full_page_scan(sheet: Any, picture: Path, overlay: str = "") -> None:
    sheet.drawImage(str(picture), 0, 0, width=595, height=842)
    if overlay:
        sheet.setFont(FONT, 9)
        sheet.drawString(290, 20, overlay)
    sheet.showPage()


def test_scanned_pages_with_a_page_number_overlay_are_still_a_scan(tmp_path: Path) -> None:
    from PIL import Image
    from reportlab.pdfgen import canvas

    _register_font()
    picture = tmp_path / "page.png"
    Image.new("L", (100, 140), 230).save(picture)
    path = tmp_path / "stamped.pdf"
    sheet = canvas.Canvas(str(path), pagesize=(595, 842))
    for number in range(1, 4):
        _full_page_scan(sheet, picture, overlay=f"- {number} -")
    sheet.save()
    with pytest.raises(ScannedPdf):
        read(path)


def test_scanned_page_inside_a_text_pdf_is_reported(tmp_path: Path) -> None:
    from PIL import Image
    from reportlab.pdfgen import canvas

    _register_font()
    picture = tmp_path / "page.png"
    Image.new("L", (100, 140), 230).save(picture)
    path = tmp_path / "attached-scan.pdf"
    sheet = canvas.Canvas(str(path), pagesize=(595, 842))
    for number in (1, 2):
        sheet.setFont(FONT, 12)
        sheet.drawString(72, 760, f"第{number}页正文：部门整体支出绩效自评报告的文字内容。")
        sheet.showPage()
    _full_page_scan(sheet, picture)
    sheet.save()
    document = read(path)
    assert [p.page for p in document.paragraphs()] == [1, 2]
    assert len(document.warnings) == 1
    assert "第3页是扫描图片" in document.warnings[0] and "scanned" in document.warnings[0]


@pytest.mark.parametrize("rotation", [90, 270])
def test_rotated_page_reads_upright(tmp_path: Path, rotation: int) -> None:
    """A page turned in the viewer (/Rotate): text and the merged table read as on an upright page."""
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus import TableStyle

    _register_font()
    path = tmp_path / f"turned{rotation}.pdf"
    sheet = canvas.Canvas(str(path), pagesize=(595, 842))
    sheet.setPageRotation(rotation)
    sheet.setFont(FONT, 12)
    sheet.drawString(72, 770, "三公经费支出161.58万元，较上年减少7.44万元。")
    spec = INDICATOR_TABLE
    data = [[""] * spec.n_cols for _ in range(spec.n_rows)]
    style: list[tuple[Any, ...]] = [("FONTNAME", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.5, "black")]
    for row, col, rowspan, colspan, text in spec.anchors:
        data[row][col] = text
        if rowspan > 1 or colspan > 1:
            style.append(("SPAN", (col, row), (col + colspan - 1, row + rowspan - 1)))
    table = PdfTable(data, style=TableStyle(style))
    _, table_height = table.wrapOn(sheet, 450, 600)
    table.drawOn(sheet, 72, 740 - table_height)
    sheet.showPage()
    sheet.save()
    document = read(path)
    assert [p.text for p in document.paragraphs()] == ["三公经费支出161.58万元，较上年减少7.44万元。"]
    (grid,) = document.tables()
    assert _anchors(grid) == spec.anchors


def test_same_columns_after_a_deliberate_page_break_stay_two_tables(tmp_path: Path) -> None:
    """The first table ends with room to spare, so the next page's table is another one."""
    from reportlab.pdfgen import canvas

    _register_font()
    xs = [72.0, 200.0, 330.0, 460.0]
    path = tmp_path / "two.pdf"
    sheet = canvas.Canvas(str(path), pagesize=(595, 842))
    _draw_rows(sheet, xs, 72, [[["收入"], ["年初"], ["全年"]], [["财政拨款"], ["100"], ["120"]]])
    sheet.showPage()
    _draw_rows(sheet, xs, 72, [[["支出"], ["年初"], ["全年"]], [["基本支出"], ["80"], ["90"]]])
    rows = [[[f"项目{i}"], [f"{i}"], [f"{i}"]] for i in range(31)]  # 18 pt rows from y 200 down to 758
    _draw_rows(sheet, xs, 200, rows)
    sheet.showPage()
    _draw_rows(sheet, xs, 72, [[["项目31"], ["31"], ["31"]]])
    sheet.showPage()
    sheet.save()
    tables = list(read(path).tables())
    assert [t.anchor_rows()[0][0].text for t in tables] == ["收入", "支出", "项目0"]
    assert tables[2].n_rows == 32, "the table that filled page 2 continues on page 3"


def _draw_anchors(sheet: Any, xs: list[float], ys: list[float], anchors: list[tuple[int, int, int, int, str]]) -> None:
    """Draw each anchor's rectangle (coordinates from the page top) with its text in the top-left
    corner, a line of 14 pt per line of the text."""
    height = 842
    sheet.setFont(FONT, 10)
    for row, col, rowspan, colspan, text in anchors:
        x0, x1 = xs[col], xs[col + colspan]
        top, bottom = ys[row], ys[row + rowspan]
        sheet.rect(x0, height - bottom, x1 - x0, bottom - top)
        for i, line in enumerate(text.split("\n") if text else []):
            sheet.drawString(x0 + 4, height - top - 14 * (i + 1), line)


def test_vertical_merge_running_over_a_page_break_stays_one_cell(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    _register_font()
    xs = [72.0, 180.0, 330.0, 460.0]
    path = tmp_path / "merge.pdf"
    sheet = canvas.Canvas(str(path), pagesize=(595, 842))
    # Page 1: header, then 产出指标 merged down 34 rows to the foot of the page (y 72 .. 762).
    ys = [72.0 + 20 * i for i in range(37)]
    page1: list[tuple[int, int, int, int, str]] = [
        (0, 0, 1, 1, "一级指标"),
        (0, 1, 1, 1, "三级指标"),
        (0, 2, 1, 1, "分值"),
    ]
    page1.append((1, 0, 34, 1, "产出指标"))
    page1 += [(1 + i, c, 1, 1, text) for i in range(34) for c, text in ((1, f"指标{i}"), (2, "1"))]
    _draw_anchors(sheet, xs, ys, page1)
    sheet.showPage()
    # Page 2: the merge continues over two rows (no text), then a new 一级指标.
    page2 = [(0, 0, 2, 1, ""), (0, 1, 1, 1, "指标34"), (0, 2, 1, 1, "1"), (1, 1, 1, 1, "指标35"), (1, 2, 1, 1, "1")]
    page2 += [(2, 0, 1, 1, "效益指标"), (2, 1, 1, 1, "满意度"), (2, 2, 1, 1, "5")]
    _draw_anchors(sheet, xs, ys[:4], page2)
    sheet.showPage()
    sheet.save()
    (table,) = read(path).tables()
    assert table.n_rows == 1 + 34 + 3
    level1 = table.cell_at(36, 0)
    assert level1 is not None and level1.text == "产出指标" and (level1.row, level1.rowspan) == (1, 36)
    benefit = table.cell_at(37, 0)
    assert benefit is not None and benefit.text == "效益指标" and benefit.page == 2
    assert [c.text for c in table.anchor_rows()[35]] == ["指标34", "1"]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed: `make system`")
def test_word_table_over_pages_rendered_by_libreoffice_reads_as_the_docx(tmp_path: Path) -> None:
    """A long indicator table (一级指标 merged down, header row repeated, reasons of one to three lines)
    that LibreOffice sets over several pages, cutting rows at the page breaks: the grid is the docx's."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from jixiao.ingest.libreoffice import convert

    document = docx.Document()
    for i in range(12):
        document.add_paragraph(f"第{i}段。项目资金执行情况良好，各项指标均已完成，具体情况如下表所示。")
    groups = [("产出指标", 18), ("效益指标", 10), ("满意度指标", 4), ("成本指标", 12)]
    reason = "严格执行中央八项规定精神，压减一般性支出，"
    body = [(g, f"{g}{i}", reason * (i % 3), "2") for g, n in groups for i in range(n)]
    table = document.add_table(rows=1 + len(body), cols=4)
    table.style = "Table Grid"
    for c, text in enumerate(("一级指标", "三级指标", "偏差原因", "分值")):
        table.cell(0, c).text = text
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    for r, row in enumerate(body, start=1):
        for c, text in enumerate(row[1:], start=1):
            table.cell(r, c).text = text
    start = 1
    for group, n in groups:
        table.cell(start, 0).merge(table.cell(start + n - 1, 0)).text = group
        start += n
    source = tmp_path / "long.docx"
    document.save(str(source))
    (pdf,) = convert([source], "pdf", tmp_path / "out")

    from_docx, from_pdf = read(source), read(pdf)
    assert from_pdf.source.pages is not None and from_pdf.source.pages >= 3
    assert [p.text for p in from_pdf.paragraphs()] == [p.text for p in from_docx.paragraphs()]
    (expected,), (got,) = list(from_docx.tables()), list(from_pdf.tables())
    assert (got.n_rows, got.n_cols) == (expected.n_rows, expected.n_cols) == (45, 4)
    assert _anchors(got) == _anchors(expected)
    assert (1, 0, 18, 1, "产出指标") in _anchors(got)


@pytest.mark.parametrize("cut", [True, False])
def test_row_cut_after_its_first_line_is_mended_but_a_new_row_is_not(tmp_path: Path, cut: bool) -> None:
    """Page 1 ends with a row whose reason was cut after one line; the label 指标33 fitted, so the
    new page's first row has no label of its own (cut) — unlike a new row that names itself."""
    from reportlab.pdfgen import canvas

    _register_font()
    xs = [72.0, 200.0, 420.0]
    ys = [72.0 + 20 * i for i in range(36)]  # rows of 20 pt down to y 772
    path = tmp_path / "cut1.pdf"
    sheet = canvas.Canvas(str(path), pagesize=(595, 842))
    page1 = [(0, 0, 1, 1, "三级指标"), (0, 1, 1, 1, "偏差原因")]
    page1 += [(1 + i, c, 1, 1, text) for i in range(34) for c, text in ((0, f"指标{i}"), (1, "无"))]
    page1[-1] = (34, 1, 1, 1, "受疫情影响，部分培训")
    _draw_anchors(sheet, xs, ys, page1)
    sheet.showPage()
    first = [(0, 0, 1, 1, ""), (0, 1, 1, 1, "改为线上进行。")] if cut else [(0, 0, 1, 1, "指标34"), (0, 1, 1, 1, "无")]
    _draw_anchors(sheet, xs, ys[:3], [*first, (1, 0, 1, 1, "指标35"), (1, 1, 1, 1, "无")])
    sheet.showPage()
    sheet.save()
    (table,) = read(path).tables()
    rows = [[c.text for c in r] for r in table.anchor_rows()]
    if cut:
        assert rows[34] == ["指标33", "受疫情影响，部分培训改为线上进行。"]
        assert rows[35:] == [["指标35", "无"]]
    else:
        assert rows[34:] == [["指标33", "受疫情影响，部分培训"], ["指标34", "无"], ["指标35", "无"]]


@pytest.mark.parametrize("cut", [True, False])
def test_row_of_one_line_cells_cut_by_a_page_break_is_mended_but_a_new_row_is_not(tmp_path: Path, cut: bool) -> None:
    """Page 1 ends with a row whose label and target filled their one line (LibreOffice cut the row
    there, as in seed 002's PDF): the new page's texts continue lines that wrapped. A new row below
    full lines is not mended: its 分值 would have fitted after the 分值 above."""
    from reportlab.pdfgen import canvas

    _register_font()
    xs = [72.0, 172.0, 272.0, 322.0, 372.0]
    ys = [72.0 + 20 * i for i in range(36)]  # rows of 20 pt down to y 772
    path = tmp_path / "cut-one-line.pdf"
    sheet = canvas.Canvas(str(path), pagesize=(595, 842))
    page1 = [(0, c, 1, 1, text) for c, text in enumerate(("三级指标", "指标值", "分值", "得分"))]
    for i in range(1, 34):
        page1 += [(i, c, 1, 1, text) for c, text in enumerate((f"指标{i}", f"≥{i}个", "2", "2"))]
    # Nine characters of 10 pt fill the 100 pt cells (less their padding): both texts wrapped there.
    page1 += [(34, c, 1, 1, text) for c, text in enumerate(("一般道路交通事故较", "下降幅度达到百分之", "4", "4"))]
    _draw_anchors(sheet, xs, ys, page1)
    sheet.showPage()
    first = ("去年下降以上", "五", "", "") if cut else ("破获电诈案件", "≥1200起", "4", "4")
    page2 = [(0, c, 1, 1, text) for c, text in enumerate(first)]
    page2 += [(1, c, 1, 1, text) for c, text in enumerate(("社会治安稳定", "良好", "5", "5"))]
    _draw_anchors(sheet, xs, ys[:3], page2)
    sheet.showPage()
    sheet.save()
    (table,) = read(path).tables()
    rows = [[c.text for c in r] for r in table.anchor_rows()]
    if cut:
        mended = ["一般道路交通事故较去年下降以上", "下降幅度达到百分之五", "4", "4"]
        assert rows[34:] == [mended, ["社会治安稳定", "良好", "5", "5"]]
    else:
        assert rows[34:] == [
            ["一般道路交通事故较", "下降幅度达到百分之", "4", "4"],
            ["破获电诈案件", "≥1200起", "4", "4"],
            ["社会治安稳定", "良好", "5", "5"],
        ]


def test_table_over_three_pages_with_fewer_columns_on_the_middle_page(tmp_path: Path) -> None:
    """Page 2's rows merge two of page 1's columns (its grid has fewer columns) and end with a reason
    cut by the page break: it is mended on page 3 all the same, and every cell keeps its own page."""
    from reportlab.pdfgen import canvas

    _register_font()
    xs = [72.0, 200.0, 300.0, 400.0, 520.0]
    ys = [72.0 + 20 * i for i in range(36)]  # rows of 20 pt down to y 772
    path = tmp_path / "three-pages.pdf"
    sheet = canvas.Canvas(str(path), pagesize=(595, 842))
    page1 = [(0, c, 1, 1, text) for c, text in enumerate(("一级指标", "三级指标", "指标值", "完成情况"))]
    for i in range(1, 35):
        page1 += [(i, c, 1, 1, text) for c, text in enumerate((f"产出{i}", f"指标{i}", f"≥{i}", "完成"))]
    _draw_anchors(sheet, xs, ys, page1)
    sheet.showPage()
    page2: list[tuple[int, int, int, int, str]] = []
    for i in range(33):
        page2 += [(i, 0, 1, 1, f"效益{i}"), (i, 1, 1, 2, f"综合指标{i}"), (i, 3, 1, 1, "完成")]
    # The last row: two full lines of 11 characters (110 pt in a 120 pt cell), cut by the page break.
    reason = "受疫情影响部分培训改\n为线上进行下一年度加"
    page2 += [(33, 0, 1, 1, "效益33"), (33, 1, 1, 2, "培训人次"), (33, 3, 1, 1, reason)]
    _draw_anchors(sheet, xs, [*ys[:34], ys[33] + 34], page2)
    sheet.showPage()
    page3 = [(0, 0, 1, 1, ""), (0, 1, 1, 2, ""), (0, 3, 1, 1, "强线下组织。")]
    page3 += [(1, 0, 1, 1, "满意度"), (1, 1, 1, 2, "群众满意度"), (1, 3, 1, 1, "95分")]
    _draw_anchors(sheet, xs, ys[:3], page3)
    sheet.showPage()
    sheet.save()
    (table,) = read(path).tables()
    rows = table.anchor_rows()
    assert table.n_rows == 35 + 34 + 1
    assert [c.text for c in rows[-2]] == ["效益33", "培训人次", "受疫情影响部分培训改为线上进行下一年度加强线下组织。"]
    assert [c.text for c in rows[-1]] == ["满意度", "群众满意度", "95分"]
    assert [table.cell_provenance(c).page for c in (rows[1][0], rows[35][0], rows[-2][2], rows[-1][0])] == [1, 2, 2, 3]


def _chars(text: str, x0: float, top: float = 100.0, size: float = 12.0) -> list[dict[str, Any]]:
    """Characters set side by side on one line: CJK and curly quotes one em wide, others half."""
    out = []
    for ch in text:
        width = size if ch in "“”" or not ch.isascii() else size / 2
        out.append({"text": ch, "x0": x0, "x1": x0 + width, "top": top, "bottom": top + size, "size": size})
        x0 += width
    return out


def test_a_number_after_a_closing_quote_stays_with_it_at_a_line_start() -> None:
    """Seed 003's PDF broke 「“百吨王”21起」 before 王 with 45.6 pt left on the line: 王” would have fitted,
    王”21 would not (no line break beside a quotation mark), so the line wrapped and the paragraph goes on."""
    from jixiao.ingest.pdf_lines import lines_of, would_fit

    (with_number,) = lines_of(_chars("王”21起，非法营运", 72))
    assert not would_fit(45.6, with_number)
    (without,) = lines_of(_chars("王”起，非法营运", 72))
    assert would_fit(45.6, without)


def test_a_space_where_a_line_wrapped_is_kept() -> None:
    """Seed 004 writes 「全年预算数 38 万元」: LibreOffice wrapped at the space after 数 and drew it at
    the line's end, so the paragraph keeps it; without that space glyph the lines join as Chinese does."""
    from jixiao.ingest.pdf_lines import join_lines, lines_of

    assert join_lines(lines_of(_chars("全年预算数 ", 72) + _chars("38 万元", 72, top=118))) == "全年预算数 38 万元"
    assert join_lines(lines_of(_chars("全年预算数", 72) + _chars("38万元", 72, top=118))) == "全年预算数38万元"
