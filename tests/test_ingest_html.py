"""The html reader: article body without site chrome, charsets, rowspan/colspan grids, nested tables."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from builders import INDICATOR_TABLE, TITLE, build_html, html_table
from jixiao.errors import CorruptFile
from jixiao.ingest import read
from jixiao.ingest.html import read_html
from jixiao.ingest.limits import DEFAULT_LIMITS
from jixiao.model.document import Document, Paragraph, Table

REPORT_TITLE = "某市统计局2022年度部门整体支出绩效自评报告"
BODY = "2022年度部门整体支出绩效自评得分为96.5分，评价等次为优。全年预算数1200.50万元，执行数1180.20万元。"

GOV_PAGE = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN">
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{REPORT_TITLE}_某市人民政府</title>
<script type="text/javascript">var notice = "脚本里的文字不应出现";</script>
<style>.TRS_Editor p {{ line-height: 2; }}</style>
</head>
<body><form id="form1" method="post">
<div class="header"><div class="logo">某市人民政府门户网站</div>
  <ul class="nav"><li><a href="/">首页</a></li><li><a href="/xxgk">信息公开</a></li>
  <li><a href="/hd">政民互动</a></li></ul>
</div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk">财政预决算</a></div>
<div class="main">
  <div class="article-title"><h2>{REPORT_TITLE}</h2></div>
  <div class="info">发布时间：2023-04-12　来源：市统计局</div>
  <div class="TRS_Editor">
    <p>【字号：大 中 小】 浏览次数：35</p>
    <p style="text-indent:2em">一、部门基本情况</p>
    <p>{BODY}</p>
    <p>主要职能包括统计调查、统计分析<br>和统计监督。</p>
    {html_table()}
    <p>二、存在的问题</p>
  </div>
  <div class="bdsharebuttonbox">分享到：<a>微信</a></div>
  <div style="display:none">隐藏的文字</div>
</div>
<div class="related"><h3>相关链接</h3><ul>
  <li><a href="/a">某市财政局关于2022年度部门决算公开的说明文字很长很长</a></li>
  <li><a href="/b">某市发展改革委2022年度部门整体支出绩效自评报告</a></li></ul></div>
<div class="footer">主办单位：某市人民政府办公室　地址：人民路1号　电话：0000-1234567　网站标识码：0000000000
  　ICP备案号：某ICP备00000000号　公安机关备案号：00000000000000</div>
</form></body></html>
"""


def texts(doc: Document) -> list[str]:
    return [b.text for b in doc.paragraphs()]


def spans(table: Table) -> list[tuple[int, int, int, int, str]]:
    return [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells]


def test_indicator_table_with_rowspan_colspan(tmp_path: Path) -> None:
    doc = read(build_html(tmp_path / "t.html"))
    assert doc.source.format == "html"
    heading, table, closing = doc.blocks
    assert isinstance(heading, Paragraph) and heading.text == TITLE and heading.style == "Heading 1"
    assert isinstance(table, Table) and (table.n_rows, table.n_cols) == (7, 6)
    assert spans(table) == list(INDICATOR_TABLE.anchors)
    assert isinstance(closing, Paragraph) and closing.index == 2


def test_government_page_gbk_without_site_chrome(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(GOV_PAGE.encode("gbk"))
    doc = read(path)
    assert texts(doc) == [
        REPORT_TITLE,
        "一、部门基本情况",
        BODY,
        "主要职能包括统计调查、统计分析",
        "和统计监督。",
        "二、存在的问题",
    ]
    assert next(doc.paragraphs()).style == "Title"
    (table,) = doc.tables()
    assert spans(table) == list(INDICATOR_TABLE.anchors)
    everything = " ".join(texts(doc))
    for chrome in ("首页", "当前位置", "相关链接", "主办单位", "脚本", "分享到", "隐藏的文字", "发布时间", "字号"):
        assert chrome not in everything


def test_charset_from_bom_and_wrong_declaration(tmp_path: Path) -> None:
    page = '<html><head><meta charset="utf-8"></head><body><p>执行率98.36%</p></body></html>'
    bom = tmp_path / "bom.html"
    bom.write_bytes(codecs.BOM_UTF16_LE + page.encode("utf-16-le"))
    assert texts(read_html(bom, DEFAULT_LIMITS)) == ["执行率98.36%"]
    wrong = tmp_path / "wrong.html"
    wrong.write_bytes(page.encode("gb18030"))  # declared utf-8, written in GB18030: detection decides
    assert texts(read_html(wrong, DEFAULT_LIMITS)) == ["执行率98.36%"]


def test_irregular_spans_land_where_a_browser_puts_them(tmp_path: Path) -> None:
    page = """<html><body><div class="content"><table>
      <thead><tr><th rowspan="2">项目</th><th colspan="2">金额（万元）</th></tr>
      <tr><th>预算</th><th>执行</th></tr></thead>
      <tbody><tr><td rowspan="9">合计</td><td>100</td><td>98.5<br/>（含结转）</td></tr></tbody>
    </table></div></body></html>"""
    path = tmp_path / "t.html"
    path.write_text(page, encoding="utf-8")
    (table,) = read(path).tables()
    assert (table.n_rows, table.n_cols) == (3, 3)
    assert spans(table) == [
        (0, 0, 2, 1, "项目"),
        (0, 1, 1, 2, "金额（万元）"),
        (1, 1, 1, 1, "预算"),
        (1, 2, 1, 1, "执行"),
        (2, 0, 1, 1, "合计"),  # rowspan past the table's end is cut to its last row
        (2, 1, 1, 1, "100"),
        (2, 2, 1, 1, "98.5\n（含结转）"),
    ]


def test_a_table_of_one_cell_is_a_frame_around_paragraphs(tmp_path: Path) -> None:
    """As in the docx and PDF of the same report, a one-cell table's paragraphs are the page's own;
    one around a table stays a table."""
    page = """<html><body><div id="zoom">
      <table><tr><td><p>五、评价报告综述（文字部分）</p><p>为有序推进绩效管理工作。</p></td></tr></table>
      <p>一、部门概况</p>
      <table><tr><td>外层<table><tr><td>内1</td><td>内2</td></tr></table></td></tr></table>
      </div></body></html>"""
    path = tmp_path / "t.html"
    path.write_text(page, encoding="utf-8")
    doc = read(path)
    framed = ["五、评价报告综述（文字部分）", "为有序推进绩效管理工作。"]
    assert [p.text for p in doc.paragraphs()] == [*framed, "一、部门概况"]
    outer, inner = doc.tables()
    assert [c.text for c in outer.cells] == ["外层"] and inner.parent_table == outer.table_index


def test_nested_table_is_its_own_block(tmp_path: Path) -> None:
    page = """<html><body><div id="zoom">
      <p>前言</p>
      <table><tr><td>外层<table><tr><td>内1</td><td>内2</td></tr></table></td><td>旁</td></tr></table>
      <p>结语</p></div></body></html>"""
    path = tmp_path / "t.html"
    path.write_text(page, encoding="utf-8")
    doc = read(path)
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Table", "Table", "Paragraph"]
    outer, inner = doc.tables()
    assert [c.text for c in outer.cells] == ["外层", "旁"]
    assert spans(inner) == [(0, 0, 1, 1, "内1"), (0, 1, 1, 1, "内2")]
    assert inner.parent_table == outer.table_index == 0 and inner.table_index == 1


def test_densest_container_without_named_hints(tmp_path: Path) -> None:
    links = "".join(f'<li><a href="/n{i}">栏目链接{i}</a></li>' for i in range(30))
    page = f"""<html><body>
      <div id="top"><ul>{links}</ul></div>
      <div id="x1"><div id="x2"><p>{BODY}</p><p>{BODY}</p></div></div>
      <div id="bottom">版权所有</div></body></html>"""
    path = tmp_path / "t.html"
    path.write_text(page, encoding="utf-8")
    assert texts(read(path)) == [BODY, BODY]


def test_caption_and_hostile_nesting(tmp_path: Path) -> None:
    page = "<html><body><table><caption>表1 收支情况</caption><tr><td>收入</td><td>100</td></tr></table></body></html>"
    path = tmp_path / "cap.html"
    path.write_text(page, encoding="utf-8")
    doc = read(path)
    caption, table = doc.blocks
    assert isinstance(caption, Paragraph) and (caption.text, caption.style) == ("表1 收支情况", "caption")
    assert isinstance(table, Table) and table.filled_grid() == [["收入", "100"]]
    # 600 tables nested in each other: each is a block, each knows its parent
    nested = "<tr><td>表<table>" * 600 + "x" + "</table></td></tr>" * 600
    path.write_text(f'<html><body><div class="content"><table>{nested}</table></div></body></html>', encoding="utf-8")
    tables = list(read(path).tables())
    assert len(tables) == 600 and tables[-1].parent_table == 598
    # elements nested thousands deep still read (no recursion over the page)
    deep = tmp_path / "deep.html"
    chain = "<div>" * 3000 + "文字" + "</div>" * 3000
    deep.write_text(f'<html><body><div class="content"><p>{BODY}</p>{chain}</div></body></html>', encoding="utf-8")
    assert texts(read(deep)) == [BODY, "文字"]
    # tables nested a thousand deep: a one-line error naming the file, not a RecursionError traceback
    hostile = tmp_path / "hostile.html"
    nested = "<tr><td>表<table>" * 1500 + "x" + "</table></td></tr>" * 1500
    hostile.write_text(
        f'<html><body><div class="content"><table>{nested}</table></div></body></html>', encoding="utf-8"
    )
    with pytest.raises(CorruptFile, match=r"hostile\.html"):
        read(hostile)


WORD_HTML = """<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta http-equiv=Content-Type content="text/html; charset=gb2312">
<meta name=Generator content="Microsoft Word 15">
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Print</w:View></w:WordDocument></xml><![endif]-->
<style><!-- p.MsoNormal {margin:0cm;} --></style></head>
<body lang=ZH-CN><div class=WordSection1>
<p class=MsoNormal align=center><b><span style='font-size:16.0pt'
>某局2022年度部门整体支出绩效自评报告<o:p></o:p></span></b></p>
<p class=MsoListParagraph><![if !supportLists]><span lang=EN-US>1.<span>&nbsp;&nbsp; </span></span
><![endif]>部门概况<o:p></o:p></p>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>
 <tr><td width=100 rowspan=2 valign=top><p class=MsoNormal>产出指标<o:p></o:p></p><p class=MsoNormal>(50分)</p></td>
  <td><p class=MsoNormal>数量<o:p></o:p></p></td></tr>
 <tr><td><p class=MsoNormal>质量<o:p></o:p></p></td></tr>
</table>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
</div></body></html>
"""


def test_word_saved_web_page(tmp_path: Path) -> None:
    # reports published as Word's "save as web page": mso markup, conditional comments, <o:p>, GB2312
    path = tmp_path / "report.htm"
    path.write_bytes(WORD_HTML.encode("gbk"))
    doc = read(path)
    assert texts(doc) == ["某局2022年度部门整体支出绩效自评报告", "1. 部门概况"]
    (table,) = doc.tables()
    assert spans(table) == [(0, 0, 2, 1, "产出指标\n(50分)"), (0, 1, 1, 1, "数量"), (1, 1, 1, 1, "质量")]
