"""The openpyxl workbook reader that jixiao used before its own (`jixiao.ingest.xlsx`), kept for one
purpose: tests/test_ingest_equivalence.py and scripts/bench.py compare the two on every corpus file.
Nothing else may import it; it goes when openpyxl is no longer the reference.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from jixiao.errors import CorruptFile, EncryptedFile, TooLarge, UnreadableFile
from jixiao.ingest.limits import Limits
from jixiao.ingest.package import main_part, rebuilt_package, relationships
from jixiao.ingest.xlsx import (
    SheetData,
    _check_sheet_volume,
    _document,
    _may_be_sheet,
    render_number,
    render_text,
    render_value,
)
from jixiao.ingest.zipguard import check_archive, find_member, open_zip, read_member
from jixiao.model.document import Document

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


# --- xlsx -------------------------------------------------------------------------------------------


def read_xlsx_openpyxl(path: Path, limits: Limits) -> Document:
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
