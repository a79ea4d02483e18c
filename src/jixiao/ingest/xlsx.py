"""Workbooks → Document: .xlsx through openpyxl, legacy .xls through xlrd, one output shape.

Each sheet becomes a Paragraph with its name (style "sheet") followed by its blocks: runs of
non-empty rows separated by empty rows, each a table trimmed to its own columns, or paragraphs when
its rows hold one value each (a title above the form). Merged ranges become anchors with spans; cells in
hidden rows or columns are marked hidden, tables of hidden sheets too. Numbers are rendered as a
person reads them in Excel: no float noise, integers without ".0", the decimals and percent of the
cell's number format (thousands separators and currency symbols dropped), dates in ISO form.
Formulas give their cached values; a formula without one is listed in Document.warnings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import math
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from jixiao.errors import CorruptFile, EncryptedFile, TooLarge, UnreadableFile
from jixiao.ingest.limits import Limits
from jixiao.ingest.package import main_part, rebuilt_package, relationships
from jixiao.ingest.zipguard import check_archive, find_member, open_zip, read_member
from jixiao.model.document import Block, Cell, Document, Format, Paragraph, Source, Table, number_blocks

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
# A cell holding a formula and its content up to the cell's end (a regex: parsing the sheet twice costs more).
_FORMULA_CELL = re.compile(
    rb"<(?:\w+:)?c\b([^>]*?)(?<!/)>((?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?f\b.*?)</(?:\w+:)?c>", re.DOTALL
)
_CACHED = re.compile(rb"<(?:\w+:)?v\b[^>]*>\s*[^<\s]")
_REF = re.compile(rb'\br="([^"]+)"')
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


@dataclass(slots=True)
class SheetData:
    """One sheet's content, 0-based, before it becomes a table: only non-empty values are kept."""

    name: str
    hidden: bool = False
    values: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1 inclusive
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)


def render_number(value: int | float | Decimal, number_format: str | None) -> str:
    """A number as Excel shows it under its format (decimals, percent), without float noise."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if number_format in (None, "General") and not isinstance(value, Decimal):
        shown = str(value) if isinstance(value, int) else format(value, ".15g")
        if "e" not in shown:
            return shown  # the common case, without the Decimal round trip
    try:
        return _formatted(value, number_format)
    except InvalidOperation:  # more digits than a Decimal context holds: 1E+300, or a format of 200 decimals
        return format(value, ".15g") if isinstance(value, float) else str(value)


def _formatted(value: int | float | Decimal, number_format: str | None) -> str:
    number = Decimal(value) if isinstance(value, int | Decimal) else Decimal(format(value, ".15g"))
    section = _QUOTED.sub("", (number_format or "General").split(";")[0])
    if section.strip().lower() in ("general", "@", ""):
        return _plain(number)
    if "E+" in section.upper() or "E-" in section.upper():
        return _plain(number)  # scientific formats: the plain number reads better than 1.23E+04
    percent = "%" in section
    if percent:
        number *= 100
    if "0" in section or "#" in section:
        decimals = len(re.findall(r"[0#?]", section.split(".", 1)[1])) if "." in section else 0
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        text = f"{number:f}"
    else:
        text = _plain(number)
    return f"{text}%" if percent else text


def _plain(number: Decimal) -> str:
    if number == number.to_integral_value():
        return f"{number.quantize(Decimal(1)):f}"
    return f"{number.normalize():f}"


def render_text(value: str) -> str:
    """A text cell as shown: without outer whitespace, one newline between its paragraphs (blank lines
    between them are spacing; the Word and web readers leave them out too)."""
    if "\n" not in value:
        return value.strip()
    return "\n".join(line for line in value.replace("\r\n", "\n").split("\n") if line.strip()).strip()


def render_value(value: object, number_format: str | None = None) -> str:
    """Any cell value as display text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return render_text(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return render_number(value, number_format)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def sheet_blocks(sheet: SheetData, limits: Limits, warnings_out: list[str]) -> list[Block]:
    """The sheet-name paragraph, then one block per run of non-empty rows.

    Fully empty rows separate tables; a run whose rows each hold one value at most (a title above a
    form, notes under it) becomes paragraphs, anything else a table trimmed to its own columns.
    """
    blocks: list[Block] = [Paragraph(text=sheet.name, sheet=sheet.name, style="sheet")]
    cols_by_row: dict[int, list[int]] = {}
    for r, c in sheet.values:
        cols_by_row.setdefault(r, []).append(c)
    live_merges = [m for m in sheet.merges if (m[0], m[1]) in sheet.values]
    occupied = set(cols_by_row)
    for r0, _c0, r1, _c1 in live_merges:
        occupied.update(range(r0, r1 + 1))
    budget = limits.max_sheet_cells
    for top, run_bottom in _runs(sorted(occupied)):
        bottom = run_bottom
        merges = [m for m in live_merges if top <= m[0] <= bottom]
        rows = [sorted(cols_by_row.get(r, ())) for r in range(top, bottom + 1)]
        if all(len(cols) <= 1 for cols in rows) and all(m[0] == m[2] for m in merges):
            for r, cols in zip(range(top, bottom + 1), rows, strict=True):
                if cols:
                    blocks.append(Paragraph(text=sheet.values[(r, cols[0])], sheet=sheet.name))
            continue
        left = min([cols[0] for cols in rows if cols] + [m[1] for m in merges])
        right = max([cols[-1] for cols in rows if cols] + [m[3] for m in merges])
        width = right - left + 1
        if (bottom - top + 1) * width > budget:
            kept = budget // width
            warnings_out.append(
                f"工作表 {sheet.name} 超过 {limits.max_sheet_cells} 个单元格，只读取到第 {top + kept} 行 / "
                f"sheet {sheet.name} exceeds {limits.max_sheet_cells} cells; read up to row {top + kept}"
            )
            if kept == 0:
                break
            bottom = top + kept - 1
        budget -= (bottom - top + 1) * width
        blocks.append(_table(sheet, top, bottom, left, right))
    return blocks


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive row numbers, as (first, last)."""
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs


def _table(sheet: SheetData, top: int, bottom: int, left: int, right: int) -> Table:
    """The grid of one rectangle of a sheet: merged ranges become anchors, covered positions vanish."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    covered: set[tuple[int, int]] = set()
    for m_top, m_left, m_bottom, m_right in sheet.merges:
        r0, c0, r1, c1 = max(m_top, top), max(m_left, left), min(m_bottom, bottom), min(m_right, right)
        if r0 > r1 or c0 > c1 or (r0, c0) == (r1, c1):
            continue
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    cells: list[Cell] = []
    values = sheet.values
    hidden_rows, hidden_cols = sheet.hidden_rows, sheet.hidden_cols
    # the hot loop of big sheets: positional Cell arguments and plain lookups keep it cheap
    for r in range(top, bottom + 1):
        row_hidden = r in hidden_rows
        for c in range(left, right + 1):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            hidden = row_hidden or c in hidden_cols
            cells.append(Cell(r - top, c - left, values.get((r, c), ""), rowspan, colspan, None, None, hidden))
    n_rows, n_cols = bottom - top + 1, right - left + 1
    return Table(n_rows=n_rows, n_cols=n_cols, cells=cells, sheet=sheet.name, hidden=sheet.hidden)


def _document(
    path: Path, data: bytes, fmt: Format, sheets: list[SheetData], *, limits: Limits, notes: list[str]
) -> Document:
    blocks: list[Block] = []
    for sheet in sheets:
        blocks.extend(sheet_blocks(sheet, limits, notes))
    source = Source(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format=fmt)
    return Document(source=source, blocks=number_blocks(blocks), warnings=notes)


# --- xlsx -------------------------------------------------------------------------------------------


def read_xlsx(path: Path, limits: Limits) -> Document:
    """Read an .xlsx workbook: merged ranges, cached formula values, hidden rows, columns and sheets."""
    path = Path(path)
    data = path.read_bytes()
    notes: list[str] = []
    sheets: list[SheetData] = []
    with open_zip(path, data) as archive:
        if "EncryptedPackage" in archive.namelist():
            raise EncryptedFile(path, "文件已加密，无法读取", "the file is encrypted")
        check_archive(path, archive, limits)
        _check_sheet_volume(path, archive, limits)
        _check_merged_area(path, archive, limits)
        workbook = _load_workbook(path, data, archive, limits)
        parts = _sheet_parts(path, archive, limits)
        for ws in workbook.worksheets:
            sheet, blanks = _sheet_data(ws)
            part = parts.get(ws.title)
            # a formula never calculated comes back as a blank: only then is the sheet's XML searched
            refs = _formulas_without_value(read_member(path, archive, part, limits)) if blanks and part else []
            if refs:
                shown = "、".join(refs[:10]) + ("…" if len(refs) > 10 else "")
                notes.append(
                    f"工作表 {ws.title} 有 {len(refs)} 个公式没有缓存值（{shown}），按空白读取 / "
                    f"sheet {ws.title}: {len(refs)} formula(s) without a cached value read as empty"
                )
            sheets.append(sheet)
        workbook.close()
    return _document(path, data, "xlsx", sheets, limits=limits, notes=notes)


# openpyxl holds every cell in memory (~0.5 KB each); a minimal cell is ~25 bytes of sheet XML.
_XML_BYTES_PER_CELL = 32


def _check_sheet_volume(path: Path, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse sheets whose XML alone holds far more cells than the cap, before openpyxl loads them all."""
    volume = sum(i.file_size for i in archive.infolist() if _may_be_sheet(i.filename))
    if volume > limits.max_sheet_cells * _XML_BYTES_PER_CELL:
        raise TooLarge(
            path,
            f"工作表数据过大（约 {volume // _XML_BYTES_PER_CELL} 个单元格，上限 {limits.max_sheet_cells}）",
            f"worksheets too large (about {volume // _XML_BYTES_PER_CELL} cells, limit {limits.max_sheet_cells})",
        )


def _may_be_sheet(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith(".xml") and "sheet" in lowered and "sharedstrings" not in lowered


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]{1,64})"')


def _check_merged_area(path: Path, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse merged ranges whose area is beyond any real form: openpyxl builds an object per merged cell."""
    from openpyxl.utils.cell import range_boundaries

    area = 0
    for info in archive.infolist():
        if not _may_be_sheet(info.filename):
            continue
        try:
            xml = read_member(path, archive, info.filename, limits)
        except CorruptFile:
            continue  # a part openpyxl may not need; if it does, it names the damage
        if b"mergeCell" not in xml:
            continue
        for match in _MERGE_REF.finditer(xml):
            try:
                left, top, right, bottom = range_boundaries(match.group(1).decode("ascii", "replace"))
            except (ValueError, TypeError):
                continue  # openpyxl refuses it too, as a corrupt workbook
            area += (abs((right or left or 1) - (left or 1)) + 1) * (abs((bottom or top or 1) - (top or 1)) + 1)
        if area > limits.max_merged_cells:
            raise TooLarge(
                path,
                f"合并单元格范围过大（{area} 个单元格，上限 {limits.max_merged_cells}）",
                f"merged ranges too large ({area} cells, limit {limits.max_merged_cells})",
            )


_SPREADSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PART_TYPES = {
    "worksheet": f"{_SPREADSHEET_TYPE}.worksheet+xml",
    "sharedStrings": f"{_SPREADSHEET_TYPE}.sharedStrings+xml",
    "styles": f"{_SPREADSHEET_TYPE}.styles+xml",
}
_OPENPYXL_STYLES = "xl/styles.xml"  # openpyxl reads the styles from this name only


def _load_workbook(path: Path, data: bytes, archive: zipfile.ZipFile, limits: Limits) -> Any:
    """openpyxl's workbook; when openpyxl cannot read the package as stored, a copy rebuilt from its
    relationships (what Excel follows), then one without cell styles (Excel ignores broken ones)."""
    try:
        return _openpyxl(data)
    except MemoryError:
        raise
    except Exception as exc:
        first: Exception = exc
    for drop_styles in (isinstance(first, IndexError), True):
        rebuilt = _rebuilt(path, archive, limits, drop_styles=drop_styles)
        if rebuilt is None:
            break
        try:
            return _openpyxl(rebuilt)
        except MemoryError:
            raise
        except Exception:
            continue
    raise CorruptFile(path, "工作簿已损坏，无法读取", f"corrupt workbook ({type(first).__name__}: {first})")


def _openpyxl(data: bytes) -> Any:
    import openpyxl

    # openpyxl warns about extensions it drops (data validation, ...) and prints a bad style index to
    # stdout, where it would break `--format json`
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)


def _rebuilt(path: Path, archive: zipfile.ZipFile, limits: Limits, *, drop_styles: bool) -> bytes | None:
    """The package with its content types rebuilt from the relationships; None when it has no workbook."""
    workbook = main_part(path, archive, "xl/workbook.xml", limits)
    if workbook is None:
        return None
    overrides = {workbook: f"{_SPREADSHEET_TYPE}.sheet.main+xml"}
    extra: dict[str, str] = {}
    for rel_type, target in relationships(path, archive, workbook, limits):
        kind = rel_type.rsplit("/", 1)[-1]
        info = find_member(archive, target)
        if info is None or kind not in _PART_TYPES:
            continue
        overrides[info.filename] = _PART_TYPES[kind]
        if kind == "styles" and info.filename != _OPENPYXL_STYLES:
            extra[_OPENPYXL_STYLES] = info.filename
    try:
        return rebuilt_package(archive, overrides, drop_styles=drop_styles, copies=extra)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
        return None


def _sheet_data(ws: Any) -> tuple[SheetData, int]:
    """One openpyxl worksheet's rendered values, merges and hidden marks; and how many cells were blank."""
    sheet = SheetData(name=ws.title, hidden=ws.sheet_state != "visible")
    values = sheet.values
    blanks = 0  # cells openpyxl kept without a value: styled blanks, or formulas never calculated
    for (row, col), cell in ws._cells.items():
        value = cell.value
        if value is None:
            blanks += 1
            continue
        if isinstance(value, str):
            text = value.strip() if "\n" not in value else render_text(value)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            text = render_number(value, cell.number_format)
        else:
            text = render_value(value, cell.number_format)
        if text:
            values[(row - 1, col - 1)] = text
    for rng in ws.merged_cells.ranges:
        sheet.merges.append((rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1))
    sheet.hidden_rows = {r - 1 for r, dim in ws.row_dimensions.items() if dim.hidden}
    for dim in ws.column_dimensions.values():
        if dim.hidden and dim.min is not None and dim.max is not None:
            sheet.hidden_cols.update(range(dim.min - 1, dim.max))
    return sheet, blanks


def _sheet_parts(path: Path, archive: zipfile.ZipFile, limits: Limits) -> dict[str, str]:
    """Sheet name → its part in the package (xl/worksheets/sheetN.xml), from the workbook's relationships."""
    part = main_part(path, archive, "xl/workbook.xml", limits)
    if part is None:
        return {}
    rels_name = str(PurePosixPath(part).parent / "_rels" / (PurePosixPath(part).name + ".rels"))
    try:
        workbook = etree.fromstring(read_member(path, archive, part, limits), _PARSER)
        rels = etree.fromstring(read_member(path, archive, rels_name, limits), _PARSER)
    except (etree.LxmlError, ValueError, UnreadableFile):
        return {}  # openpyxl has read it; only the formula check is lost
    targets = {rel.get("Id"): rel.get("Target", "").replace("\\", "/") for rel in rels.iter(_PKG_REL + "Relationship")}
    out: dict[str, str] = {}
    for sheet in workbook.iter(_MAIN + "sheet"):
        target = targets.get(sheet.get(_REL + "id"), "") or ""
        name = target.lstrip("/") if target.startswith("/") else str(PurePosixPath(part).parent / target)
        info = find_member(archive, name)
        if info is not None:
            out[sheet.get("name", "")] = info.filename
    return out


def _formulas_without_value(xml: bytes) -> list[str]:
    """References of formula cells with no cached value (written by a program, never recalculated)."""
    refs = []
    for match in _FORMULA_CELL.finditer(xml):
        if not _CACHED.search(match.group(2)):
            ref = _REF.search(match.group(1))
            refs.append(ref.group(1).decode("ascii", "replace") if ref else "?")
    return refs


# --- xls --------------------------------------------------------------------------------------------

_XL_EMPTY, _XL_TEXT, _XL_NUMBER, _XL_DATE, _XL_BOOLEAN, _XL_ERROR, _XL_BLANK = range(7)


def read_xls(path: Path, limits: Limits) -> Document:
    """Read a legacy .xls workbook with xlrd, in the same shape as read_xlsx."""
    path = Path(path)
    data = path.read_bytes()
    notes: list[str] = []
    try:
        book = _open_xls(path, data, formatting_info=True)
    except CorruptFile:
        # Some writers produce formatting records xlrd cannot follow: read the values without merges.
        book = _open_xls(path, data, formatting_info=False)
        notes.append(
            "未能读取合并单元格信息，合并单元格按单个单元格读取 / "
            "merge information unreadable; merged cells read as single cells"
        )
    sheets = [_xls_sheet(book, sheet, limits) for sheet in book.sheets()]
    book.release_resources()
    return _document(path, data, "xls", sheets, limits=limits, notes=notes)


def _open_xls(path: Path, data: bytes, formatting_info: bool) -> Any:
    import struct

    import xlrd

    try:
        return xlrd.open_workbook(
            file_contents=data, formatting_info=formatting_info, on_demand=False, logfile=io.StringIO()
        )
    except xlrd.XLRDError as exc:
        message = str(exc)
        if "encrypt" in message.lower():
            raise EncryptedFile(path, "文件已加密，无法读取", "the file is encrypted") from None
        if "xlsx" in message.lower():
            raise UnreadableFile(path, "文件不是 .xls 工作簿", f"not an .xls workbook ({message})") from None
        raise CorruptFile(path, "工作簿已损坏，无法读取", f"corrupt workbook ({message})") from None
    except (xlrd.compdoc.CompDocError, AssertionError, IndexError, KeyError, ValueError, struct.error) as exc:
        raise CorruptFile(path, "工作簿已损坏，无法读取", f"corrupt workbook ({type(exc).__name__}: {exc})") from None


def _xls_sheet(book: Any, sh: Any, limits: Limits) -> SheetData:
    """Values, merges and hidden marks of one xlrd sheet."""
    import xlrd

    sheet = SheetData(name=str(sh.name), hidden=bool(sh.visibility))
    xf_list = book.xf_list
    format_map = book.format_map
    nrows, ncols = int(sh.nrows), int(sh.ncols)
    nrows = min(nrows, limits.max_sheet_cells // max(1, ncols) + 1)  # bounded work; trimmed later
    for r in range(nrows):
        for c, cell in enumerate(sh.row_slice(r, 0, ncols)):
            ctype, value = cell.ctype, cell.value
            if ctype in (_XL_EMPTY, _XL_BLANK):
                continue
            if ctype == _XL_NUMBER:
                fmt = None
                if xf_list and cell.xf_index is not None and 0 <= cell.xf_index < len(xf_list):
                    fmt_obj = format_map.get(xf_list[cell.xf_index].format_key)
                    fmt = fmt_obj.format_str if fmt_obj is not None else None
                text = render_number(value, fmt)
            elif ctype == _XL_DATE:
                try:
                    text = render_value(xlrd.xldate_as_datetime(value, book.datemode))
                except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                    text = render_number(value, None)
            elif ctype == _XL_BOOLEAN:
                text = "TRUE" if value else "FALSE"
            elif ctype == _XL_ERROR:
                text = str(xlrd.error_text_from_code.get(value, "#ERR"))
            else:
                text = render_value(value)
            if text:
                sheet.values[(r, c)] = text
    for rlo, rhi, clo, chi in sh.merged_cells:
        if rhi > rlo and chi > clo:
            sheet.merges.append((rlo, clo, rhi - 1, chi - 1))
    sheet.hidden_rows = {r for r, info in sh.rowinfo_map.items() if info.hidden}
    sheet.hidden_cols = {c for c, info in sh.colinfo_map.items() if info.hidden}
    return sheet
