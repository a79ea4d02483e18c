"""The docx reader: merged cells from gridSpan/vMerge, nested tables, text boxes, bad files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from builders import CLOSING, INDICATOR_TABLE, TITLE, build_docx
from jixiao.errors import CorruptFile, TooLarge
from jixiao.ingest import read
from jixiao.ingest.docx import read_docx
from jixiao.ingest.limits import DEFAULT_LIMITS, Limits
from jixiao.model.document import Paragraph, Table

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NSDECL = (
    f'xmlns:w="{W_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def docx_with_body(tmp_path: Path, body_xml: str) -> Path:
    """A real .docx (python-docx package) whose body holds exactly the given block XML."""
    document = docx.Document()
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("sectPr"):
            body.remove(child)
    fragment = etree.fromstring(f"<w:body {NSDECL}>{body_xml}</w:body>")
    for index, child in enumerate(fragment):
        body.insert(index, child)
    path = tmp_path / "t.docx"
    document.save(str(path))
    return path


def p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def tc(content: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>"


def spans(table: Table) -> list[tuple[int, int, int, int, str]]:
    return [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells]


def test_indicator_table_from_python_docx_merges(tmp_path: Path) -> None:
    doc = read(build_docx(tmp_path / "t.docx"))
    assert doc.source.format == "docx"
    heading, table, closing = doc.blocks
    assert isinstance(heading, Paragraph) and heading.text == TITLE and heading.style == "Heading 1"
    assert isinstance(table, Table) and (table.n_rows, table.n_cols) == (7, 6)
    assert spans(table) == list(INDICATOR_TABLE.anchors)
    # covered positions resolve to the anchor, and the 总分 row starts after its 3-column span
    assert table.cell_at(4, 0) is table.cell_at(2, 0)
    assert table.cell_at(6, 2) is not None and table.cell_at(6, 2).text == "总分"  # type: ignore[union-attr]
    assert isinstance(closing, Paragraph) and closing.text == CLOSING and closing.index == 2


def test_vmerge_continue_and_gridspan_with_vmerge(tmp_path: Path) -> None:
    span2 = '<w:gridSpan w:val="2"/>'
    body = (
        "<w:tbl><w:tblGrid>" + '<w:gridCol w:w="1000"/>' * 4 + "</w:tblGrid>"
        "<w:tr>"
        + tc(p("项目"), span2 + '<w:vMerge w:val="restart"/>')
        + tc(p("预算数"), '<w:vMerge w:val="restart"/>')
        + tc(p("执行数"))
        + "</w:tr>"
        "<w:tr>"
        + tc("<w:p/>", span2 + "<w:vMerge/>")
        + tc("<w:p/>", '<w:vMerge w:val="continue"/>')
        + tc(p("90"))
        + "</w:tr>"
        "<w:tr>" + tc(p("合计"), span2) + tc(p("100")) + tc(p("90")) + "</w:tr>"
        "</w:tbl>"
    )
    doc = read_docx(docx_with_body(tmp_path, body), DEFAULT_LIMITS)
    (table,) = doc.tables()
    assert (table.n_rows, table.n_cols) == (3, 4)
    assert spans(table) == [
        (0, 0, 2, 2, "项目"),
        (0, 2, 2, 1, "预算数"),
        (0, 3, 1, 1, "执行数"),
        (1, 3, 1, 1, "90"),
        (2, 0, 1, 2, "合计"),
        (2, 2, 1, 1, "100"),
        (2, 3, 1, 1, "90"),
    ]


def test_grid_before_after_and_orphan_continue(tmp_path: Path) -> None:
    body = (
        "<w:tbl>"
        "<w:tr>" + tc(p("a")) + tc(p("b")) + tc(p("c")) + "</w:tr>"
        '<w:tr><w:trPr><w:gridBefore w:val="1"/><w:gridAfter w:val="1"/></w:trPr>' + tc(p("x")) + "</w:tr>"
        # a continue with nothing to continue above it (col 2 was not occupied in row 1) is a cell of its own
        '<w:tr><w:trPr><w:gridBefore w:val="2"/></w:trPr>' + tc(p("orphan"), "<w:vMerge/>") + "</w:tr>"
        "</w:tbl>"
    )
    (table,) = read_docx(docx_with_body(tmp_path, body), DEFAULT_LIMITS).tables()
    assert spans(table) == [
        (0, 0, 1, 1, "a"),
        (0, 1, 1, 1, "b"),
        (0, 2, 1, 1, "c"),
        (1, 1, 1, 1, "x"),
        (2, 2, 1, 1, "orphan"),
    ]
    assert table.n_cols == 3


def test_line_breaks_and_paragraphs_inside_a_cell(tmp_path: Path) -> None:
    body = (
        "<w:tbl><w:tr>"
        + tc("<w:p><w:r><w:t>产出指标</w:t><w:br/><w:t>(50分)</w:t></w:r></w:p><w:p/>" + p("第二段") + "<w:p/>")
        + tc(p("50"))
        + "</w:tr></w:tbl>"
    )
    (table,) = read_docx(docx_with_body(tmp_path, body), DEFAULT_LIMITS).tables()
    assert table.cells[0].text == "产出指标\n(50分)\n第二段"


def test_a_table_of_one_cell_is_a_frame_around_paragraphs(tmp_path: Path) -> None:
    """Seed 000 frames its heading 五、评价报告综述 in a one-cell table: its paragraphs are the page's
    own, as in the PDF and workbook of the same report. A one-cell table around a table stays one."""
    inner = "<w:tbl><w:tr>" + tc(p("内1")) + tc(p("内2")) + "</w:tr></w:tbl>"
    body = (
        "<w:tbl><w:tr>" + tc(p("五、评价报告综述（文字部分）") + p("为有序推进绩效管理工作。")) + "</w:tr></w:tbl>"
        + p("一、部门概况")
        + "<w:tbl><w:tr>" + tc(p("外层") + inner + "<w:p/>") + "</w:tr></w:tbl>"
    )  # fmt: skip
    doc = read_docx(docx_with_body(tmp_path, body), DEFAULT_LIMITS)
    framed = ["五、评价报告综述（文字部分）", "为有序推进绩效管理工作。"]
    assert [p.text for p in doc.paragraphs()] == [*framed, "一、部门概况"]
    outer, nested = doc.tables()
    assert [c.text for c in outer.cells] == ["外层"] and nested.parent_table == outer.table_index


def test_nested_table_is_its_own_block_after_the_enclosing_one(tmp_path: Path) -> None:
    inner = "<w:tbl><w:tr>" + tc(p("内1")) + tc(p("内2")) + "</w:tr></w:tbl>"
    body = (
        "<w:tbl><w:tr>"
        + tc(p("外"))
        + tc(p("一"))
        + "</w:tr></w:tbl>"
        + p("之间")
        + "<w:tbl><w:tr>"
        + tc(p("外层") + inner + "<w:p/>")
        + tc(p("旁"))
        + "</w:tr></w:tbl>"
        + p("之后")
    )
    doc = read_docx(docx_with_body(tmp_path, body), DEFAULT_LIMITS)
    kinds = [(type(b).__name__, getattr(b, "text", None)) for b in doc.blocks]
    assert kinds == [
        ("Table", None),
        ("Paragraph", "之间"),
        ("Table", None),
        ("Table", None),
        ("Paragraph", "之后"),
    ]
    first, outer, nested = (b for b in doc.blocks if isinstance(b, Table))
    assert [c.text for c in outer.cells] == ["外层", "旁"]  # the nested table's text is not repeated
    assert spans(nested) == [(0, 0, 1, 1, "内1"), (0, 1, 1, 1, "内2")]
    assert (first.table_index, outer.table_index, nested.table_index) == (0, 1, 2)
    assert nested.parent_table == 1 and outer.parent_table is None
    assert nested.index == 3


def test_text_box_read_once_in_reading_order(tmp_path: Path) -> None:
    box = "<w:txbxContent>" + p("文本框里的说明") + "</w:txbxContent>"
    body = (
        p("正文第一段") + "<w:p><w:r><w:t>锚定段落</w:t></w:r><w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
        f"<wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>" + p("正文第二段")
    )
    doc = read_docx(docx_with_body(tmp_path, body), DEFAULT_LIMITS)
    texts = [(b.text, b.style) for b in doc.paragraphs()]
    assert texts == [
        ("正文第一段", None),
        ("锚定段落", None),
        ("文本框里的说明", "textbox"),
        ("正文第二段", None),
    ]


def test_heading_style_names_and_tracked_changes(tmp_path: Path) -> None:
    body = (
        '<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>一、部门概况</w:t></w:r></w:p>'
        '<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>直接设置大纲级别</w:t></w:r></w:p>'
        "<w:p><w:r><w:t>支出</w:t></w:r><w:ins><w:r><w:t>161.58</w:t></w:r></w:ins>"
        "<w:del><w:r><w:delText>160</w:delText></w:r></w:del><w:r><w:t>万元</w:t></w:r></w:p>"
    )
    doc = read_docx(docx_with_body(tmp_path, body), DEFAULT_LIMITS)
    assert [(b.text, b.style) for b in doc.paragraphs()] == [
        ("一、部门概况", "Heading 2"),
        ("直接设置大纲级别", "Heading 1"),
        ("支出161.58万元", None),
    ]


def test_corrupt_docx_names_the_file(tmp_path: Path) -> None:
    good = build_docx(tmp_path / "good.docx")
    truncated = tmp_path / "cut.docx"
    truncated.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(CorruptFile, match=r"cut\.docx"):
        read(truncated)
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document xmlns:w='x'><w:body>")
    with pytest.raises(CorruptFile, match=r"broken\.docx.*XML"):
        read(broken)


def test_zip_bomb_rejected_before_inflating(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    filler = "<w:p><w:r><w:t>" + "0" * 1024 * 1024 + "</w:t></w:r></w:p>"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "word/document.xml", f'<w:document xmlns:w="{W_NS}"><w:body>{filler * 3}</w:body></w:document>'
        )
    small = Limits(max_unzipped_bytes=1024 * 1024)
    with pytest.raises(TooLarge, match=r"bomb\.docx"):
        read(bomb, small)
    # within the default limits the same file reads
    assert len(next(read(bomb).paragraphs()).text) == 1024 * 1024


def test_legacy_hmerge(tmp_path: Path) -> None:
    body = (
        "<w:tbl>"
        "<w:tr>" + tc(p("合计"), '<w:hMerge w:val="restart"/>') + tc("<w:p/>", "<w:hMerge/>") + tc(p("100")) + "</w:tr>"
        "<w:tr>" + tc(p("a")) + tc(p("b")) + tc(p("c")) + "</w:tr>"
        "</w:tbl>"
    )
    (table,) = read_docx(docx_with_body(tmp_path, body), DEFAULT_LIMITS).tables()
    assert spans(table) == [
        (0, 0, 1, 2, "合计"),
        (0, 2, 1, 1, "100"),
        (1, 0, 1, 1, "a"),
        (1, 1, 1, 1, "b"),
        (1, 2, 1, 1, "c"),
    ]


def test_content_controls_around_tables_rows_cells_and_runs(tmp_path: Path) -> None:
    # templates wrap fields in content controls (w:sdt): at body, row, cell and run level
    sdt_run = (
        "<w:p><w:r><w:t>单位：</w:t></w:r><w:sdt><w:sdtContent><w:r><w:t>某局</w:t></w:r></w:sdtContent></w:sdt></w:p>"
    )
    body = (
        f"<w:sdt><w:sdtContent>{sdt_run}</w:sdtContent></w:sdt>"
        "<w:sdt><w:sdtContent><w:tbl>"
        "<w:tr>" + tc(p("项目")) + tc(p("金额")) + "</w:tr>"
        "<w:sdt><w:sdtContent><w:tr>"
        + tc(p("基本支出"))
        + "<w:sdt><w:sdtContent>"
        + tc("<w:sdt><w:sdtContent>" + p("3260.18") + "</w:sdtContent></w:sdt>")
        + "</w:sdtContent></w:sdt>"
        "</w:tr></w:sdtContent></w:sdt>"
        "</w:tbl></w:sdtContent></w:sdt>"
    )
    doc = read_docx(docx_with_body(tmp_path, body), DEFAULT_LIMITS)
    assert [b.text for b in doc.paragraphs()] == ["单位：某局"]
    (table,) = doc.tables()
    assert table.filled_grid() == [["项目", "金额"], ["基本支出", "3260.18"]]
