"""Workbooks → Document: .xlsx read with lxml (streamed), legacy .xls through xlrd, one output shape.

Each sheet becomes a Paragraph with its name (style "sheet") followed by its blocks: runs of
non-empty rows separated by empty rows, each a table trimmed to its own columns, or paragraphs when
its rows hold one value each (a title above the form). Merged ranges become anchors with spans; cells in
hidden rows or columns are marked hidden, tables of hidden sheets too. Numbers are rendered as a
person reads them in Excel: no float noise, integers without ".0", the decimals and percent of the
cell's number format (thousands separators and currency symbols dropped), dates in ISO form.
Formulas give their cached values; a formula without one is listed in Document.warnings.

The .xlsx package is read as Excel reads it, part by part through the relationships: the workbook, the
shared strings, the number formats of the styles and each sheet, streamed row by row (lxml iterparse,
each row freed once read). Values are typed as openpyxl typed them (its date and format helpers are
used), so every cell shows the text it showed when openpyxl read the file; tests/test_ingest_equivalence.py
holds the two readers to that. Where openpyxl refused a file Excel opens, this reader reads it: an empty
or unknown style index is the default style (General) for that cell alone, a merged range Excel would
drop (ZZZZ1:A1) is dropped, and pivot caches, charts, drawings and comments are never opened.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.workbook.child import avoid_duplicate_name

from jixiao.errors import CorruptFile, EncryptedFile, TooLarge, UnreadableFile
from jixiao.ingest.limits import Limits
from jixiao.ingest.package import identified_relationships, main_part
from jixiao.ingest.zipguard import check_archive, find_member, open_zip, read_member
from jixiao.model.document import Block, Cell, Document, Format, Paragraph, Source, Table, number_blocks

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
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
# The package is read with lxml directly: the workbook and its relationships, the shared strings and the
# number formats of the styles, then each sheet streamed row by row. Values are typed as openpyxl types
# them (its number, date and format helpers are reused) so that a cell shows the same text as before.

_ROW, _COL, _MERGE_CELL = _MAIN + "row", _MAIN + "col", _MAIN + "mergeCell"
_CELL, _VALUE, _FORMULA, _INLINE = _MAIN + "c", _MAIN + "v", _MAIN + "f", _MAIN + "is"
_TEXT, _RUN = _MAIN + "t", _MAIN + "r"
_COORDINATE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")
_MAX_COLUMN = 18278  # "ZZZ", the last column a three-letter reference can name
_FALSE = ("", "false", "f", "0")  # how OOXML booleans say no


@dataclass(frozen=True, slots=True)
class _Workbook:
    """What every sheet needs from the workbook: its strings, each style's format, the date epoch."""

    strings: list[str]
    formats: list[str]  # number format per cell style index (cellXfs)
    date_styles: frozenset[int]
    timedelta_styles: frozenset[int]
    epoch: dt.datetime


@dataclass(frozen=True, slots=True)
class _SheetEntry:
    name: str
    hidden: bool
    part: str


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
        entries, book = _open_workbook(path, archive, limits)
        merged_budget = [limits.max_merged_cells]
        for entry in entries:
            xml = read_member(path, archive, entry.part, limits)
            sheet, refs = _read_sheet(path, xml, entry, book, merged_budget=merged_budget, limits=limits)
            if refs:
                shown = "、".join(refs[:10]) + ("…" if len(refs) > 10 else "")
                notes.append(
                    f"工作表 {entry.name} 有 {len(refs)} 个公式没有缓存值（{shown}），按空白读取 / "
                    f"sheet {entry.name}: {len(refs)} formula(s) without a cached value read as empty"
                )
            sheets.append(sheet)
    return _document(path, data, "xlsx", sheets, limits=limits, notes=notes)


# a minimal cell is ~25 bytes of sheet XML: the XML's size bounds the cells before any is read
_XML_BYTES_PER_CELL = 32


def _check_sheet_volume(path: Path, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse sheets whose XML alone holds far more cells than the cap, before any is parsed."""
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


def _corrupt(path: Path, reason: str) -> CorruptFile:
    return CorruptFile(path, "工作簿已损坏，无法读取", f"corrupt workbook ({' '.join(reason.split())})")


def _parse(path: Path, archive: zipfile.ZipFile, part: str, limits: Limits) -> etree._Element:
    try:
        return etree.fromstring(read_member(path, archive, part, limits), _PARSER)
    except etree.XMLSyntaxError as exc:
        raise _corrupt(path, f"{part}: {exc}") from None


def _open_workbook(path: Path, archive: zipfile.ZipFile, limits: Limits) -> tuple[list[_SheetEntry], _Workbook]:
    """The worksheets in workbook order, and what reading them needs; parts found by relationships."""
    part = main_part(path, archive, "xl/workbook.xml", limits)
    if part is None:
        raise _corrupt(path, "no workbook part")
    root = _parse(path, archive, part, limits)
    rels = identified_relationships(path, archive, part, limits)
    by_id = {rel_id: (rel_type, target) for rel_id, rel_type, target in rels}
    by_kind = {rel_type.rsplit("/", 1)[-1]: target for _id, rel_type, target in reversed(rels)}
    entries: list[_SheetEntry] = []
    names: list[str] = []
    for sheet in root.iter(_MAIN + "sheet"):
        rel_type, target = by_id.get(sheet.get(_REL + "id") or "", ("", ""))
        info = find_member(archive, target) if target else None
        if info is None or "chartsheet" in rel_type:
            continue  # a sheet without its part (Excel drops it too), or a chart
        name = avoid_duplicate_name(names, sheet.get("name") or "Sheet")
        names.append(name)
        entries.append(_SheetEntry(name, (sheet.get("state") or "visible") != "visible", info.filename))
    properties = root.find(_MAIN + "workbookPr")
    date1904 = properties is not None and (properties.get("date1904") or "") not in _FALSE
    strings_part = _existing(archive, by_kind.get("sharedStrings"), "xl/sharedStrings.xml")
    styles_part = _existing(archive, by_kind.get("styles"), "xl/styles.xml")
    strings = _shared_strings(path, archive, strings_part, limits) if strings_part else []
    formats, dates, timedeltas = _number_formats(path, archive, styles_part, limits) if styles_part else ([], [], [])
    epoch = CALENDAR_MAC_1904 if date1904 else WINDOWS_EPOCH
    return entries, _Workbook(strings, formats, frozenset(dates), frozenset(timedeltas), epoch)


def _existing(archive: zipfile.ZipFile, related: str | None, usual: str) -> str | None:
    for name in (related, usual):
        info = find_member(archive, name) if name else None
        if info is not None:
            return info.filename
    return None


def _stream(xml: bytes, tags: tuple[str, ...]) -> Iterator[etree._Element]:
    """The elements of these tags as each one ends, with what came before them freed (bounded memory)."""
    for _event, element in etree.iterparse(
        io.BytesIO(xml), events=("end",), tag=tags, resolve_entities=False, no_network=True
    ):
        yield element
        element.clear()
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]


def _shared_strings(path: Path, archive: zipfile.ZipFile, part: str, limits: Limits) -> list[str]:
    """Each shared string's text: its plain text, then its rich-text runs; phonetic guides left out."""
    strings: list[str] = []
    try:
        for item in _stream(read_member(path, archive, part, limits), (_MAIN + "si",)):
            strings.append(_text_of(item).replace("x005F_", ""))  # openpyxl's unescaping, kept as it was
    except etree.XMLSyntaxError as exc:
        raise _corrupt(path, f"{part}: {exc}") from None
    return strings


def _text_of(element: etree._Element) -> str:
    plain: str | None = None
    runs: list[str] = []
    for child in element:
        if child.tag == _TEXT:
            plain = child.text
        elif child.tag == _RUN:
            texts = [t.text for t in child if t.tag == _TEXT]
            if texts and texts[-1] is not None:
                runs.append(texts[-1])
    return (plain or "") + "".join(runs)


def _number_formats(
    path: Path, archive: zipfile.ZipFile, part: str, limits: Limits
) -> tuple[list[str], list[int], list[int]]:
    """The number format of every cell style (cellXfs), and which styles show dates or durations."""
    root = _parse(path, archive, part, limits)
    custom: dict[int, str] = {}
    for number_format in root.iter(_MAIN + "numFmt"):
        with contextlib.suppress(ValueError, TypeError):
            custom[int(number_format.get("numFmtId") or "")] = number_format.get("formatCode") or ""
    formats: list[str] = []
    dates: list[int] = []
    timedeltas: list[int] = []
    cell_xfs = root.find(_MAIN + "cellXfs")
    for index, xf in enumerate(cell_xfs.iter(_MAIN + "xf") if cell_xfs is not None else ()):
        try:
            format_id = int(xf.get("numFmtId") or 0)
        except ValueError:
            format_id = 0  # Excel reads a broken number format as General
        code = custom.get(format_id) or BUILTIN_FORMATS.get(format_id, "General")
        formats.append(code)
        if is_date_format(code):
            dates.append(index)
        if is_timedelta_format(code):
            timedeltas.append(index)
    return formats, dates, timedeltas


def _read_sheet(
    path: Path, xml: bytes, entry: _SheetEntry, book: _Workbook, *, merged_budget: list[int], limits: Limits
) -> tuple[SheetData, list[str]]:
    """One sheet's shown values, merged ranges and hidden marks, in one pass over its XML; and the
    references of formulas that have no cached value."""
    sheet = SheetData(name=entry.name, hidden=entry.hidden)
    values = sheet.values
    missing: list[str] = []
    column_marks: dict[int, tuple[int, int, bool]] = {}
    merges: dict[tuple[int, int, int, int], None] = {}
    row_number = 0
    try:
        for element in _stream(xml, (_ROW, _COL, _MERGE_CELL)):
            tag = element.tag
            if tag == _ROW:
                row_number = _row_number(path, element.get("r"), row_number)
                if (element.get("hidden") or "") not in _FALSE:
                    sheet.hidden_rows.add(row_number - 1)
                _read_row(path, element, row_number, book, values=values, missing=missing)
            elif tag == _COL:
                _column_marks(element, column_marks)
            else:
                bounds = _merge_bounds(element.get("ref"))
                if bounds is not None and bounds not in merges:
                    _claim_merge(path, bounds, merged_budget, limits)
                    merges[bounds] = None
    except etree.XMLSyntaxError as exc:
        raise _corrupt(path, f"{entry.part}: {exc}") from None
    for first, last, hidden in column_marks.values():
        if hidden:
            sheet.hidden_cols.update(range(first - 1, last))
    sheet.merges = list(merges)
    _clear_covered(values, sheet.merges)
    return sheet, missing


def _row_number(path: Path, declared: str | None, previous: int) -> int:
    if declared is None:
        return previous + 1
    try:
        return int(declared)
    except ValueError:
        try:
            number = float(declared)
        except ValueError:
            number = math.nan
        if not number.is_integer():
            raise _corrupt(path, f"row number {declared!r}") from None
        return int(number)


def _read_row(
    path: Path,
    row: etree._Element,
    row_number: int,
    book: _Workbook,
    *,
    values: dict[tuple[int, int], str],
    missing: list[str],
) -> None:
    """The shown text of each cell of one row, typed as openpyxl types it (data_only: cached values)."""
    column = 0
    formats, strings = book.formats, book.strings
    for cell in row:
        if cell.tag != _CELL:
            continue
        ref = cell.get("r")
        if ref:
            # the common reference ("B12") from the cache of column letters; anything else parsed in full
            letters = ref.rstrip(_DIGITS)
            column = _COLUMN_INDEX.get(letters, 0)
            digits = ref[len(letters) :]
            if column and digits and digits[0] != "0":
                row_index = int(digits)
            else:
                row_index, column = _coordinate(path, ref)
        else:
            row_index, column = row_number, column + 1
        kind = cell.get("t") or "n"
        value_element = formula = inline = None
        for child in cell:  # one pass instead of a find() per child kind
            tag = child.tag
            if tag == _VALUE:
                value_element = child if value_element is None else value_element
            elif tag == _FORMULA:
                formula = child if formula is None else formula
            elif tag == _INLINE:
                inline = child if inline is None else inline
        raw = value_element.text if value_element is not None and kind != "inlineStr" else None
        if formula is not None and not (value_element is not None and (value_element.text or "").strip()):
            missing.append(ref or "?")
        key = (row_index - 1, column - 1)
        value: object = None
        if raw:
            style_text = cell.get("s")
            style = int(style_text) if style_text and style_text.isdigit() else 0  # s="": Excel's default style
            if kind == "n":
                value = _number(path, ref, raw)
                if style in book.date_styles:
                    try:
                        value = from_excel(value, book.epoch, timedelta=style in book.timedelta_styles)
                    except (OverflowError, ValueError):
                        value = "#VALUE!"  # a date serial out of range, as openpyxl shows it
            elif kind == "s":
                try:
                    value = strings[int(raw)]
                except (ValueError, IndexError):
                    raise _corrupt(path, f"cell {ref}: shared string {raw!r} missing") from None
            elif kind == "b":
                value = _boolean(path, ref, raw)
            elif kind == "d":
                value = _iso_date(path, ref, raw)
            else:  # str (a formula's text), e (an error such as #N/A)
                value = raw
            if isinstance(value, str):
                text = value.strip() if "\n" not in value else render_text(value)
            else:
                number_format = formats[style] if style < len(formats) else "General"
                text = render_value(value, number_format)
        elif kind == "inlineStr" and inline is not None:
            text = render_text(_text_of(inline))
        else:
            text = ""
        if text:
            values[key] = text
        else:
            values.pop(key, None)  # a cell stated twice: the last statement counts


_COLUMN_INDEX: dict[str, int] = {}  # "AB" → 28, filled as references are parsed
_DIGITS = "0123456789"


def _coordinate(path: Path, ref: str) -> tuple[int, int]:
    """(row, column), 1-based, of a reference such as "B12"."""
    match = _COORDINATE.fullmatch(ref)
    if match is None or int(match.group(2)) == 0:
        raise _corrupt(path, f"cell reference {ref!r}")
    letters = match.group(1).upper()
    column = _COLUMN_INDEX.get(letters)
    if column is None:
        column = 0
        for letter in letters:
            column = column * 26 + ord(letter) - 64
        if column > _MAX_COLUMN:
            raise _corrupt(path, f"cell reference {ref!r}")
        _COLUMN_INDEX[letters] = column
    return int(match.group(2)), column


def _number(path: Path, ref: str | None, raw: str) -> int | float:
    try:
        return float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
    except ValueError:
        raise _corrupt(path, f"cell {ref}: {raw!r} is not a number") from None


def _boolean(path: Path, ref: str | None, raw: str) -> bool:
    try:
        return bool(int(raw))
    except ValueError:
        raise _corrupt(path, f"cell {ref}: {raw!r} is not a boolean") from None


def _iso_date(path: Path, ref: str | None, raw: str) -> object:
    try:
        return from_ISO8601(raw)  # type: ignore[no-untyped-call]
    except (ValueError, TypeError, AttributeError):
        raise _corrupt(path, f"cell {ref}: {raw!r} is not a date") from None


def _column_marks(element: etree._Element, marks: dict[int, tuple[int, int, bool]]) -> None:
    """A <col> range's hidden mark; a later range starting at the same column replaces the earlier."""
    try:
        first = int(element.get("min") or "")
    except ValueError:
        return
    try:
        last = int(element.get("max") or first)
    except ValueError:
        last = first
    hidden = (element.get("hidden") or "") not in _FALSE
    marks[first] = (max(first, 1), min(last, _MAX_COLUMN), hidden)


def _merge_bounds(ref: str | None) -> tuple[int, int, int, int] | None:
    """A merged range as (top, left, bottom, right), 0-based inclusive; None when Excel would drop it."""
    if not ref:
        return None
    try:
        left, top, right, bottom = range_boundaries(ref)
    except (ValueError, TypeError):
        return None
    if left is None or top is None or right is None or bottom is None or left > right or top > bottom:
        return None
    return top - 1, left - 1, bottom - 1, right - 1


def _claim_merge(path: Path, bounds: tuple[int, int, int, int], budget: list[int], limits: Limits) -> None:
    """Count a merged range's area against the workbook's limit before anything is built from it."""
    top, left, bottom, right = bounds
    budget[0] -= (bottom - top + 1) * (right - left + 1)
    if budget[0] < 0:
        area = limits.max_merged_cells - budget[0]
        raise TooLarge(
            path,
            f"合并单元格范围过大（{area} 个单元格，上限 {limits.max_merged_cells}）",
            f"merged ranges too large ({area} cells, limit {limits.max_merged_cells})",
        )


def _clear_covered(values: dict[tuple[int, int], str], merges: list[tuple[int, int, int, int]]) -> None:
    """Only a merged range's top-left cell keeps its value (what Excel shows); at a cost of the range's
    area or of the values present, whichever is smaller."""
    for top, left, bottom, right in merges:
        if (bottom - top + 1) * (right - left + 1) <= len(values):
            covered = [(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)]
        else:
            covered = [(r, c) for r, c in values if top <= r <= bottom and left <= c <= right]
        for position in covered:
            if position != (top, left):
                values.pop(position, None)


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
