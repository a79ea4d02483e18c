"""The form registry and the two template renderers (xlsx with openpyxl, docx with docxtpl).

A form is data under render/templates/: `<id>.toml` (name, kind, formats and the xlsx rows that
repeat per item), `<id>.xlsx` and `<id>.docx` holding the layout and Jinja placeholders. Adding a
province's form is adding those three files. Rendering: placeholders filled from
`context.build_context(report)`, repeated rows expanded, cells holding `MERGE` merged into the
cell above (一级/二级 indicator cells merged vertically, as on the official forms).
"""

from __future__ import annotations

import io
import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jixiao.errors import JixiaoError
from jixiao.model.report import Report
from jixiao.render.atomic import atomic_write, atomic_write_bytes
from jixiao.render.context import MERGE, build_context, make_env

TEMPLATES = Path(__file__).parent / "templates"
OutputKind = Literal["xlsx", "docx", "pdf"]


class UnknownForm(JixiaoError):
    """A form id that has no template."""

    def __init__(self, form_id: str) -> None:
        known = "、".join(f.id for f in list_forms())
        super().__init__(f"未知表单 {form_id}（可用：{known}）", f"unknown form {form_id}")


class UnsupportedOutput(JixiaoError):
    def __init__(self, form_id: str, to: str) -> None:
        super().__init__(f"表单 {form_id} 不能输出为 {to}", f"form {form_id} cannot be written as {to}")


@dataclass(frozen=True)
class Repeat:
    items: str
    row: int


@dataclass(frozen=True)
class FormSpec:
    """One form as its mapping file describes it."""

    id: str
    name: str
    kind: str
    description: str
    formats: tuple[str, ...]
    xlsx: Path | None
    docx: Path | None
    repeats: tuple[Repeat, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "formats": list(self.formats), "kind": self.kind}

    def fact_keys(self) -> frozenset[str]:
        """The vocabulary keys the form has a place for (its `f.<key>` placeholders)."""
        return frozenset(name[2:] for name in self.placeholders() if name.startswith("f."))

    def placeholders(self) -> frozenset[str]:
        """The context names the form prints: f.income_total, unit.contact_person, fs.fiscal, r.title …"""
        return _template_placeholders(self.xlsx) if self.xlsx is not None else frozenset()


@cache
def _template_placeholders(path: Path) -> frozenset[str]:
    from openpyxl import load_workbook

    names: set[str] = set()
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    names.update(m.group(0) for m in re.finditer(r"\b[a-z]+\.[a-z_][a-z0-9_]*", cell.value))
    return frozenset(names)


def _load_spec(path: Path) -> FormSpec:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    repeats = tuple(Repeat(str(r["items"]), int(r["row"])) for r in data.get("xlsx", {}).get("repeat", []))
    return FormSpec(
        id=str(data["id"]),
        name=str(data["name"]),
        kind=str(data.get("kind", "")),
        description=str(data.get("description", "")),
        formats=tuple(str(f) for f in data.get("formats", ["xlsx", "docx", "pdf"])),
        xlsx=path.parent / str(data["xlsx_template"]) if "xlsx_template" in data else None,
        docx=path.parent / str(data["docx_template"]) if "docx_template" in data else None,
        repeats=repeats,
    )


@cache
def list_forms() -> tuple[FormSpec, ...]:
    """Every form with a mapping file under render/templates/."""
    return tuple(_load_spec(p) for p in sorted(TEMPLATES.glob("*.toml")))


def get_form(form_id: str) -> FormSpec:
    for form in list_forms():
        if form.id == form_id:
            return form
    raise UnknownForm(form_id)


# --- xlsx ----------------------------------------------------------------------------------------


def _cell_value(env: Any, text: str, ctx: dict[str, Any]) -> Any:
    """A cell that is one `{{ expression }}` keeps the value's type (numbers stay numbers)."""
    stripped = text.strip()
    if stripped.startswith("{{") and stripped.endswith("}}") and stripped.count("{{") == 1:
        value = env.compile_expression(stripped[2:-2].strip(), undefined_to_none=True)(**ctx)
        if value is None or value == "":
            return None
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, int | float | str):
            return value
        return str(value)
    if "{{" in text or "{%" in text:
        return env.from_string(text).render(**ctx) or None
    return text


def set_text_safe(cell: Any, value: Any) -> None:
    """Set a cell's value; text starting with '=' (a target such as '=15所') stays text, not a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    elif isinstance(value, float):
        _keep_decimals(cell, value)


_FIXED_FORMAT = re.compile(r"^0\.(0+)(%?)$")


def _keep_decimals(cell: Any, value: float) -> None:
    """A 0.00 (or 0.00%) cell shows every decimal the report states: 4675.926 is not printed 4675.93."""
    match = _FIXED_FORMAT.match(cell.number_format or "")
    if match is None:
        return
    shown = Decimal(format(value * 100 if match.group(2) else value, ".12g")).normalize()
    decimals = max(len(match.group(1)), -int(shown.as_tuple().exponent))
    cell.number_format = f"0.{'0' * decimals}{match.group(2)}"


def _insert_rows(ws: Any, after_row: int, count: int) -> None:
    """Insert rows below `after_row`, moving merged ranges and row heights with the cells."""
    from openpyxl.worksheet.cell_range import CellRange

    moved: list[CellRange] = []
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row > after_row:
            moved.append(CellRange(rng.coord))
            ws.unmerge_cells(rng.coord)
    heights = {r: d.height for r, d in ws.row_dimensions.items() if r > after_row}
    ws.insert_rows(after_row + 1, count)
    for r in sorted(heights, reverse=True):
        ws.row_dimensions[r + count].height = heights[r]
    for rng in moved:
        rng.shift(row_shift=count)
        ws.merge_cells(rng.coord)


def _expand_repeat(ws: Any, env: Any, repeat: Repeat, ctx: dict[str, Any]) -> None:
    from copy import copy

    from openpyxl.worksheet.cell_range import CellRange

    items = list(ctx.get(repeat.items) or [])
    blank = {"head": MERGE}
    items = items or [blank]
    row = repeat.row
    template = [(c.column, c.value, c) for c in ws[row] if c.__class__.__name__ == "Cell"]
    row_merges = [CellRange(r.coord) for r in ws.merged_cells.ranges if r.min_row == row and r.max_row == row]
    if len(items) > 1:
        _insert_rows(ws, row, len(items) - 1)
    height = ws.row_dimensions[row].height
    for i, item in enumerate(items):
        r = row + i
        if i:
            for col, _text, source in template:
                target = ws.cell(row=r, column=col)
                target._style = copy(source._style)
            for rng in row_merges:
                ws.merge_cells(start_row=r, start_column=rng.min_col, end_row=r, end_column=rng.max_col)
                for c in range(rng.min_col + 1, rng.max_col + 1):
                    ws.cell(row=r, column=c)._style = copy(ws.cell(row=row, column=c)._style)
            ws.row_dimensions[r].height = height
        local = {**ctx, "r": item}
        for col, text, _source in template:
            value = _cell_value(env, text, local) if isinstance(text, str) else text
            set_text_safe(ws.cell(row=r, column=col), value)


def _merge_marked(ws: Any) -> None:
    """Merge every run of MERGE cells into the cell above the run (extending its merged range)."""
    from openpyxl.worksheet.cell_range import CellRange

    for col in range(1, ws.max_column + 1):
        r = 1
        while r <= ws.max_row:
            if ws.cell(row=r, column=col).value != MERGE:
                r += 1
                continue
            start = r
            while r <= ws.max_row and ws.cell(row=r, column=col).value == MERGE:
                ws.cell(row=r, column=col).value = None
                r += 1
            end = r - 1
            anchor = start - 1
            top = anchor
            for rng in list(ws.merged_cells.ranges):
                if rng.min_col == col == rng.max_col and rng.min_row <= anchor <= rng.max_row:
                    top = rng.min_row
                    ws.unmerge_cells(rng.coord)
            if top >= 1:
                ws.merge_cells(CellRange(min_col=col, min_row=top, max_col=col, max_row=end).coord)


def _text_lines(text: str, width: float) -> int:
    """Lines a wrapped cell needs: a CJK character is about 1.8 Excel width units at 10 pt."""
    import math

    per_line = max(1.0, width / 1.8)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _fit_row_heights(ws: Any) -> None:
    """Grow each row to fit its wrapped text (Excel does not grow rows whose height is set)."""
    from openpyxl.utils import get_column_letter

    spans: dict[tuple[int, int], tuple[int, int]] = {}  # (row, col) → (last col, rows spanned)
    for rng in ws.merged_cells.ranges:
        spans[(rng.min_row, rng.min_col)] = (rng.max_col, rng.max_row - rng.min_row + 1)
    widths = {c: ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ws.max_column + 1)}
    for row in ws.iter_rows():
        needed = 0
        for cell in row:
            if not isinstance(cell.value, str) or cell.__class__.__name__ != "Cell":
                continue
            last, rows = spans.get((cell.row, cell.column), (cell.column, 1))
            width = sum(widths[c] for c in range(cell.column, last + 1))
            needed = max(needed, -(-_text_lines(cell.value, width) // rows))
        if needed > 1:
            current = ws.row_dimensions[row[0].row].height or 15
            ws.row_dimensions[row[0].row].height = max(current, 14.0 * needed + 4)


def render_xlsx(form: FormSpec, report: Report, out: Path) -> Path:
    """Fill the form's xlsx template and write it atomically to `out`."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    if form.xlsx is None:
        raise UnsupportedOutput(form.id, "xlsx")
    wb = load_workbook(form.xlsx)
    ws = wb.worksheets[0]
    env = make_env()
    ctx = build_context(report)
    repeat_rows: set[int] = set()
    # bottom-up, so the row numbers of the mapping stay valid while rows are inserted
    for repeat in sorted(form.repeats, key=lambda r: r.row, reverse=True):
        _expand_repeat(ws, env, repeat, ctx)
    offset = 0
    for repeat in sorted(form.repeats, key=lambda r: r.row):
        count = max(1, len(ctx.get(repeat.items) or []))
        repeat_rows.update(range(repeat.row + offset, repeat.row + offset + count))
        if repeat.items == "indicators":  # the indicator table's header row heads every printed page
            ws.print_title_rows = f"{repeat.row + offset - 1}:{repeat.row + offset - 1}"
        offset += count - 1
    for row in ws.iter_rows():
        for cell in row:
            if cell.row in repeat_rows or not isinstance(cell.value, str):
                continue
            if "{{" in cell.value or "{%" in cell.value:
                set_text_safe(cell, _cell_value(env, cell.value, ctx))
    _merge_marked(ws)
    _fit_row_heights(ws)
    ws.print_area = f"A1:{get_column_letter(ws.max_column)}{ws.max_row}"
    wb.properties.title = form.name
    return atomic_write(out, wb.save)


# --- docx ----------------------------------------------------------------------------------------


def _grid_cells(table: Any) -> list[list[tuple[int, Any]]]:
    """(grid column, w:tc element) of every cell, row by row, counting gridSpan."""
    from docx.oxml.ns import qn

    rows = []
    for tr in table._tbl.tr_lst:
        col = 0
        cells = []
        for tc in tr.tc_lst:
            cells.append((col, tc))
            span = tc.tcPr.find(qn("w:gridSpan")) if tc.tcPr is not None else None
            col += int(span.get(qn("w:val"))) if span is not None else 1
        rows.append(cells)
    return rows


def _tc_text(tc: Any) -> str:
    from docx.oxml.ns import qn

    return "".join(t.text or "" for t in tc.iter(qn("w:t")))


def _set_vmerge(tc: Any, value: str | None) -> None:
    from docx.oxml.ns import qn

    tcpr = tc.get_or_add_tcPr()
    existing = tcpr.find(qn("w:vMerge"))
    if existing is not None:
        if value is None and existing.get(qn("w:val")) == "restart":
            return
        tcpr.remove(existing)
    vmerge = tcpr.makeelement(qn("w:vMerge"), {})
    if value:
        vmerge.set(qn("w:val"), value)
    tcpr.append(vmerge)


def _merge_marked_docx(document: Any) -> None:
    from docx.oxml.ns import qn

    for table in document.tables:
        grid = _grid_cells(table)
        for r, cells in enumerate(grid):
            for col, tc in cells:
                if _tc_text(tc) != MERGE:
                    continue
                for t in tc.iter(qn("w:t")):
                    t.text = ""
                _set_vmerge(tc, None)  # continue
                # the anchor: nearest cell above at this grid column that is not itself marked
                for above in range(r - 1, -1, -1):
                    match = [c for c_col, c in grid[above] if c_col == col]
                    if not match:
                        break
                    anchor = match[0]
                    pr = anchor.tcPr
                    vm = pr.find(qn("w:vMerge")) if pr is not None else None
                    if vm is not None and vm.get(qn("w:val")) != "restart":
                        continue  # already a continuation: the restart is further up
                    if vm is None:
                        _set_vmerge(anchor, "restart")
                    break


def _line_breaks(document: Any) -> None:
    """Text with newlines becomes Word line breaks (python-docx's run.text setter makes <w:br/>)."""
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    for paragraph in paragraphs:
        for run in paragraph.runs:
            if "\n" in run.text:
                run.text = run.text


def render_docx_bytes(form: FormSpec, report: Report) -> bytes:
    """Fill the form's docx template; returns the file's bytes."""
    from docx import Document
    from docxtpl import DocxTemplate

    if form.docx is None:
        raise UnsupportedOutput(form.id, "docx")
    template = DocxTemplate(str(form.docx))
    env = make_env()
    env.autoescape = True  # docx text is XML: escape <, > and &
    template.render(build_context(report), env)
    first = io.BytesIO()
    template.save(first)
    first.seek(0)
    document = Document(first)
    _merge_marked_docx(document)
    _line_breaks(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_docx(form: FormSpec, report: Report, out: Path) -> Path:
    return atomic_write_bytes(out, render_docx_bytes(form, report))


def render_form(report: Report, form_id: str, to: OutputKind, out: str | Path) -> Path:
    """Write one form as xlsx, docx or pdf (pdf: the docx converted by LibreOffice)."""
    form = get_form(form_id)
    out = Path(out)
    if to not in form.formats:
        raise UnsupportedOutput(form_id, to)
    if to == "xlsx":
        return render_xlsx(form, report, out)
    if to == "docx":
        return render_docx(form, report, out)
    from jixiao.render.pdf import docx_bytes_to_pdf

    return docx_bytes_to_pdf(render_docx_bytes(form, report), out)
