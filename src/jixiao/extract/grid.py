"""A table seen as rows of cells of equal width, whatever the format it came from.

Formats with real spans (docx, xlsx, html, pdf) give a full grid: a merged cell's anchor repeats over
the positions it covers. The text export gives ragged rows without spans: a short row is missing its
leading (vertically merged) cells, so rows are right-aligned — the export writes trailing empty cells,
never leading ones. The extraction readers work on this one shape.
"""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.model.document import Cell, Provenance, Table


@dataclass(frozen=True, slots=True)
class Slot:
    """One position of a row: the text and the cell it belongs to (None where nothing was written)."""

    text: str
    cell: Cell | None


EMPTY = Slot("", None)


def has_spans(table: Table) -> bool:
    return any(c.rowspan > 1 or c.colspan > 1 for c in table.cells)


def table_rows(table: Table) -> list[list[Slot]]:
    """Rows of the table as written: full-width for spanned grids, cells in order for ragged rows."""
    if has_spans(table) or all(len(r) == table.n_cols for r in table.anchor_rows() if r):
        rows: list[list[Slot]] = []
        for r in range(table.n_rows):
            row = []
            for c in range(table.n_cols):
                cell = table.cell_at(r, c)
                row.append(Slot(cell.text, cell) if cell is not None else EMPTY)
            rows.append(row)
        return rows
    return [[Slot(c.text, c) for c in row] for row in table.anchor_rows()]


def right_align(row: list[Slot], width: int) -> list[Slot]:
    return [EMPTY] * (width - len(row)) + row if len(row) < width else row


def provenance(table: Table, slot: Slot, file: str) -> Provenance:
    if slot.cell is None:
        return table.provenance(file)
    return table.cell_provenance(slot.cell, file)


def distinct(row: list[Slot]) -> list[Slot]:
    """The row's cells once each (a merged cell repeated across columns counts once)."""
    seen: set[int] = set()
    out = []
    for slot in row:
        if slot.cell is not None:
            key = id(slot.cell)
            if key in seen:
                continue
            seen.add(key)
        out.append(slot)
    return out
