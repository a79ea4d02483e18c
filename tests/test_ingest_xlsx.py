"""The workbook readers: merged ranges, number display, hidden marks, cached formulas, xls via xlrd."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from builders import INDICATOR_TABLE, TITLE, build_xlsx, soffice_convert_all
from jixiao.errors import CorruptFile, TooLarge
from jixiao.ingest import read
from jixiao.ingest.limits import DEFAULT_LIMITS, Limits
from jixiao.ingest.xlsx import read_xls, read_xlsx, render_number, render_value
from jixiao.model.document import Document, Paragraph, Table

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def spans(table: Table) -> list[tuple[int, int, int, int, str]]:
    return [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells]


def test_indicator_table_with_merged_ranges(tmp_path: Path) -> None:
    doc = read(build_xlsx(tmp_path / "t.xlsx"))
    assert doc.source.format == "xlsx"
    sheet, title, table = doc.blocks
    assert isinstance(sheet, Paragraph) and (sheet.text, sheet.style, sheet.sheet) == ("自评表", "sheet", "自评表")
    # the title above an empty row is a paragraph, not a one-cell table glued to the form
    assert isinstance(title, Paragraph) and title.text == TITLE and title.sheet == "自评表"
    assert isinstance(table, Table) and (table.n_rows, table.n_cols) == (7, 6)
    assert spans(table) == list(INDICATOR_TABLE.anchors)
    assert table.sheet == "自评表" and not table.hidden
    assert table.cell_provenance(table.cells[7]).to_dict()["sheet"] == "自评表"


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (45854.660000000003, "General", "45854.66"),
        (0.1 + 0.2, "General", "0.3"),
        (100.0, "General", "100"),
        (57954.3, "#,##0.00", "57954.30"),
        (1, "0%", "100%"),
        (0.9555, "0.00%", "95.55%"),
        (0.955, "0%", "96%"),  # Excel rounds half away from zero
        (12, "0.0", "12.0"),
        (1234567.891, '"¥"#,##0.00;[Red]-"¥"#,##0.00', "1234567.89"),
        (123456789012, "General", "123456789012"),
        (Decimal("4.34"), None, "4.34"),
        (12345.5, "0.00E+00", "12345.5"),
        (3, "0.00_ ", "3.00"),
    ],
)
def test_numbers_render_as_displayed(value: float | Decimal, fmt: str | None, shown: str) -> None:
    assert render_number(value, fmt) == shown


def test_values_in_a_saved_workbook(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    assert ws is not None
    rows: list[list[object]] = [
        ["指标", "值"],
        ["执行数", 45854.660000000003],
        ["执行率", 1],
        ["报告日期", dt.datetime(2022, 4, 12)],
        ["人数", 25.0],
        ["说明", "  两行\r\n文字  "],
        ["原因", "第一段；\n\n第二段；\r\n \r\n第三段。"],
    ]
    for row in rows:
        ws.append(row)
    ws["B3"].number_format = "0.00%"
    ws["B4"].number_format = "yyyy-mm-dd"
    path = tmp_path / "v.xlsx"
    workbook.save(path)
    (table,) = read(path).tables()
    assert table.filled_grid() == [
        ["指标", "值"],
        ["执行数", "45854.66"],
        ["执行率", "100.00%"],
        ["报告日期", "2022-04-12"],
        ["人数", "25"],
        ["说明", "两行\n文字"],
        ["原因", "第一段；\n第二段；\n第三段。"],
    ]
    assert render_value(dt.datetime(2022, 4, 12, 9, 30)) == "2022-04-12 09:30:00"


def test_outer_empty_rows_and_columns_trimmed_and_blocks_split(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    assert ws is not None
    ws["C5"], ws["D5"] = "项目", "金额"
    ws["C6"], ws["D6"] = "基本支出", 120
    ws["C9"], ws["D9"], ws["E9"] = "年份", "2021", "2022"
    ws["C11"] = "注：单位万元"
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    doc = read(path)
    first, second = doc.tables()
    assert first.filled_grid() == [["项目", "金额"], ["基本支出", "120"]]
    assert second.filled_grid() == [["年份", "2021", "2022"]]
    assert [b.text for b in doc.paragraphs()] == ["Sheet", "注：单位万元"]


def hidden_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    visible = workbook.active
    assert visible is not None
    visible.title = "可见"
    for row in (["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]):
        visible.append(row)
    visible.row_dimensions[2].hidden = True
    visible.column_dimensions["C"].hidden = True
    secret = workbook.create_sheet("隐藏表")
    secret.append(["x", "y"])
    secret.sheet_state = "hidden"
    workbook.save(path)
    return path


def assert_hidden_marks(doc: Document) -> None:
    visible, secret = doc.tables()
    hidden = {(c.row, c.col) for c in visible.cells if c.hidden}
    assert hidden == {(1, 0), (1, 1), (1, 2), (0, 2), (2, 2)}
    assert not visible.hidden
    assert secret.hidden and secret.sheet == "隐藏表" and secret.filled_grid() == [["x", "y"]]


def test_hidden_rows_columns_and_sheets_marked(tmp_path: Path) -> None:
    assert_hidden_marks(read_xlsx(hidden_workbook(tmp_path / "h.xlsx"), DEFAULT_LIMITS))


def with_cached_value(path: Path, formula: str, cached: str) -> None:
    """Write a cached value for a formula, as Excel does when it saves (openpyxl never does)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(
        f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f><v>{cached}</v>".encode()
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def test_formula_cached_value_and_missing_cache_warning(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "收支"
    ws.append(["基本支出", 100])
    ws.append(["项目支出", 61.58])
    ws.append(["合计", "=SUM(B1:B2)"])
    ws.append(["差额", "=B3-B1"])
    path = tmp_path / "f.xlsx"
    workbook.save(path)
    with_cached_value(path, "SUM(B1:B2)", "161.57999999999998")
    doc = read(path)
    (table,) = doc.tables()
    assert table.filled_grid()[2] == ["合计", "161.58"]
    assert table.filled_grid()[3] == ["差额", ""]
    assert len(doc.warnings) == 1 and "收支" in doc.warnings[0] and "B4" in doc.warnings[0]
    assert "B3" not in doc.warnings[0]


def test_cell_cap_truncates_with_a_warning(tmp_path: Path) -> None:
    # a sparse sheet: few cells in the file, a wide used range (A:Z) for the grid
    workbook = openpyxl.Workbook()
    ws = workbook.active
    assert ws is not None
    for r in range(1, 51):
        ws.cell(row=r, column=1, value=f"r{r}")
        ws.cell(row=r, column=26, value=r)
    path = tmp_path / "big.xlsx"
    workbook.save(path)
    doc = read_xlsx(path, Limits(max_sheet_cells=200))
    (table,) = doc.tables()
    assert (table.n_rows, table.n_cols) == (7, 26)  # 200 // 26 rows
    assert table.filled_grid()[-1][0] == "r7" and table.filled_grid()[-1][-1] == "7"
    assert doc.warnings and "200" in doc.warnings[0]
    # far beyond the cap, the sheet is refused before openpyxl holds every cell in memory
    with pytest.raises(TooLarge, match=r"big\.xlsx"):
        read_xlsx(path, Limits(max_sheet_cells=10))


def test_corrupt_workbooks_name_the_file(tmp_path: Path) -> None:
    good = build_xlsx(tmp_path / "good.xlsx")
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:1500])
    with pytest.raises(CorruptFile, match=r"cut\.xlsx"):
        read(cut)
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            dst.writestr(name, b"<not xml" if name == "xl/workbook.xml" else src.read(name))
    with pytest.raises(CorruptFile, match=r"broken\.xlsx"):
        read(broken)
    not_xls = tmp_path / "fake.xls"
    not_xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(CorruptFile, match=r"fake\.xls"):
        read_xls(not_xls, DEFAULT_LIMITS)


@pytest.fixture(scope="module")
def xls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("xls")
    sources = [build_xlsx(folder / "grid.xlsx"), hidden_workbook(folder / "hidden.xlsx")]
    return {source.stem: xls for source, xls in zip(sources, soffice_convert_all(sources, "xls"), strict=True)}


@needs_soffice
@pytest.mark.libreoffice
def test_xls_same_grid_and_hidden_marks(xls_files: dict[str, Path]) -> None:
    doc = read_xls(xls_files["grid"], DEFAULT_LIMITS)
    assert doc.source.format == "xls"
    assert [b.text for b in doc.paragraphs()] == ["自评表", TITLE]
    (table,) = doc.tables()
    assert spans(table) == list(INDICATOR_TABLE.anchors)
    assert_hidden_marks(read_xls(xls_files["hidden"], DEFAULT_LIMITS))


# --- valid workbooks openpyxl refused and Excel opens -------------------------------------------------

_PIVOT_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def formatted_workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    assert ws is not None
    ws.title = "自评表"
    ws.append(["指标", "值"])
    ws.append(["执行率", 0.9555])
    ws.append(["日期", 45000])
    ws["B2"].number_format = "0.00%"
    ws["B3"].number_format = "yyyy-mm-dd"
    workbook.save(path)
    return path


FORMATTED_GRID = [["指标", "值"], ["执行率", "95.55%"], ["日期", "2023-03-15"]]


def rewritten(source: Path, target: Path, edit: Callable[[dict[str, bytes]], dict[str, bytes]]) -> Path:
    """A copy of a package whose members (name → bytes) went through `edit`."""
    with zipfile.ZipFile(source) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in edit(members).items():
            archive.writestr(name, data)
    return target


def test_an_empty_style_attribute_is_the_default_style(tmp_path: Path) -> None:
    def empty_style(members: dict[str, bytes]) -> dict[str, bytes]:
        sheet = "xl/worksheets/sheet1.xml"
        assert b'<c r="A2" t=' in members[sheet]
        members[sheet] = members[sheet].replace(b'<c r="A2" ', b'<c r="A2" s="" ', 1)
        return members

    path = rewritten(formatted_workbook(tmp_path / "f.xlsx"), tmp_path / "empty_s_attribute.xlsx", empty_style)
    (table,) = read(path).tables()
    assert table.filled_grid() == FORMATTED_GRID  # the other cells keep their formats


def with_pivot(members: dict[str, bytes], *, records: bool) -> dict[str, bytes]:
    """A pivot cache (and a pivot table over it) as Excel stores them; without its records part when asked."""
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(
        b"</sheets>",
        f'</sheets><pivotCaches><pivotCache xmlns:r="{_PIVOT_TYPE}" cacheId="3" r:id="rId99"/></pivotCaches>'.encode(),
    )
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rId99" Type="{_PIVOT_TYPE}/pivotCacheDefinition" '
        f'Target="pivotCache/pivotCacheDefinition1.xml"/></Relationships>'.encode(),
    )
    members["xl/pivotCache/pivotCacheDefinition1.xml"] = (
        f'<pivotCacheDefinition xmlns="{_SHEET_NS}" xmlns:r="{_PIVOT_TYPE}" r:id="rId1" recordCount="2">'
        '<cacheSource type="worksheet"><worksheetSource ref="A1:B3" sheet="自评表"/></cacheSource>'
        '<cacheFields count="2"><cacheField name="指标" numFmtId="0"><sharedItems/></cacheField>'
        '<cacheField name="值" numFmtId="0"><sharedItems containsNumber="1"/></cacheField></cacheFields>'
        "</pivotCacheDefinition>"
    ).encode()
    members["xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels"] = (
        f'<Relationships xmlns="{_RELS_NS}"><Relationship Id="rId1" Type="{_PIVOT_TYPE}/pivotCacheRecords" '
        'Target="pivotCacheRecords1.xml"/></Relationships>'
    ).encode()
    if records:
        members["xl/pivotCache/pivotCacheRecords1.xml"] = (
            f'<pivotCacheRecords xmlns="{_SHEET_NS}" count="2"><r><s v="执行率"/><n v="0.9555"/></r>'
            '<r><s v="日期"/><n v="45000"/></r></pivotCacheRecords>'
        ).encode()
    members["xl/worksheets/_rels/sheet1.xml.rels"] = (
        f'<Relationships xmlns="{_RELS_NS}"><Relationship Id="rId1" Type="{_PIVOT_TYPE}/pivotTable" '
        'Target="../pivotTables/pivotTable1.xml"/></Relationships>'
    ).encode()
    members["xl/pivotTables/pivotTable1.xml"] = (
        f'<pivotTableDefinition xmlns="{_SHEET_NS}" name="数据透视表1" cacheId="3" dataCaption="值">'
        '<location ref="D1:E3" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/>'
        '<pivotFields count="2"><pivotField axis="axisRow" showAll="0"><items count="1"><item t="default"/>'
        '</items></pivotField><pivotField dataField="1" showAll="0"/></pivotFields>'
        '<rowFields count="1"><field x="0"/></rowFields>'
        '<dataFields count="1"><dataField name="求和项:值" fld="1"/></dataFields></pivotTableDefinition>'
    ).encode()
    return members


@pytest.mark.parametrize("records", [True, False], ids=["with records", "records not saved"])
def test_workbooks_with_pivot_caches_read(tmp_path: Path, records: bool) -> None:
    source = formatted_workbook(tmp_path / "f.xlsx")
    path = rewritten(source, tmp_path / "pivots.xlsx", lambda members: with_pivot(members, records=records))
    (table,) = read(path).tables()
    assert table.filled_grid() == FORMATTED_GRID


def test_member_names_with_backslashes_read(tmp_path: Path) -> None:
    def backslashed(members: dict[str, bytes]) -> dict[str, bytes]:
        def windows_targets(data: bytes) -> bytes:
            return re.sub(rb'Target="([^"]*)"', lambda m: b'Target="' + m[1].replace(b"/", b"\\") + b'"', data)

        return {
            name.replace("/", "\\"): windows_targets(data) if name.endswith(".rels") else data
            for name, data in members.items()
        }

    path = rewritten(formatted_workbook(tmp_path / "f.xlsx"), tmp_path / "issue_530.xlsx", backslashed)
    with zipfile.ZipFile(path) as archive:
        assert "xl\\worksheets\\sheet1.xml" in archive.namelist()
    (table,) = read(path).tables()
    assert table.filled_grid() == FORMATTED_GRID


XLS_CORPUS = sorted((Path(__file__).resolve().parents[2] / "shared" / "corpus").rglob("*.xls"))


@pytest.mark.skipif(not XLS_CORPUS, reason="no .xls in the shared corpus")
@pytest.mark.parametrize("stream_name", ["WORKBOOK", "workbook", "WorkBook"])
def test_xls_workbook_stream_in_any_capitalisation(tmp_path: Path, stream_name: str) -> None:
    source = XLS_CORPUS[0]
    data = source.read_bytes()
    stored = "Workbook".encode("utf-16-le")
    assert data.count(stored) == 1  # the directory entry's name, the only place it is written
    path = tmp_path / "renamed.xls"
    path.write_bytes(data.replace(stored, stream_name.encode("utf-16-le")))
    renamed, original = read(path), read(source)
    assert renamed.tables() and [t.to_dict() for t in renamed.tables()] == [t.to_dict() for t in original.tables()]
