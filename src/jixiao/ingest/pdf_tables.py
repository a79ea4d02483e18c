"""Ruled PDF tables as span-aware grids, and tables continued across pages.

pdfplumber's lattice finder gives the rectangles of a table's cells (None for the positions a merged
cell covers). The grid comes from geometry: the distinct x and y boundaries of all rectangles make
the full grid, each rectangle's row/col/rowspan/colspan are the boundaries it covers, and each
character goes to the cell its centre falls in (bisect on the boundaries: one pass per table).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from jixiao.ingest.pdf_lines import Char, Line, joiner, lines_of, would_fit
from jixiao.model.document import Cell, Table

BBox = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Edges:
    """What a page break may have cut in a cell: how its text ends and how it starts."""

    lines_to_bottom: int  # lines of text when they run down to the cell's bottom edge, else 0
    slack: float  # room left at the end of the last line (none: the text wrapped there)
    first: Line  # the first line: whether it could have fitted at the end of the cell above


# Per anchor with text, by its bbox (which stays the same when the grid is renumbered or merged).
Reach = dict[BBox, Edges]

TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}
_CELL_PADDING = 6.0  # points; Word, LibreOffice and reportlab pad cells by about 5-6 pt
_GRID_TOLERANCE = 1.5  # points: cell edges closer than this are the same grid line


def _boundaries(values: list[float]) -> list[float]:
    """Distinct grid lines: sorted values, those closer than the tolerance taken as one."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > _GRID_TOLERANCE:
            out.append(value)
    return out


def _index(bounds: list[float], value: float) -> int:
    """The boundary nearest to a value."""
    i = bisect_right(bounds, value)
    if i == 0:
        return 0
    if i == len(bounds):
        return len(bounds) - 1
    return i if bounds[i] - value < value - bounds[i - 1] else i - 1


def grid(cell_boxes: list[BBox], chars: list[Char]) -> tuple[Table, Reach] | None:
    """Rebuild a table's full grid (anchors with spans) from the rectangles of its cells."""
    if len(cell_boxes) < 2:
        return None  # a single framed box is a text frame, not a table: its text stays a paragraph
    xs = _boundaries([v for b in cell_boxes for v in (b[0], b[2])])
    ys = _boundaries([v for b in cell_boxes for v in (b[1], b[3])])
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 1 or n_cols < 1:
        return None
    owner: dict[tuple[int, int], int] = {}
    spans: list[tuple[int, int, int, int, BBox]] = []
    for box in sorted(cell_boxes, key=lambda b: (b[1], b[0])):
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        if r1 <= r0 or c1 <= c0 or (r0, c0) in owner:
            continue  # degenerate or overlapping rectangle: the first one found keeps the position
        slot = len(spans)
        spans.append((r0, c0, r1 - r0, c1 - c0, box))
        for r in range(r0, r1):
            for c in range(c0, c1):
                owner.setdefault((r, c), slot)
    # Positions no rectangle covers (a missing rule) become empty cells, so the grid is complete.
    for r in range(n_rows):
        for c in range(n_cols):
            if (r, c) not in owner:
                owner[(r, c)] = len(spans)
                spans.append((r, c, 1, 1, (xs[c], ys[r], xs[c + 1], ys[r + 1])))
    contents: list[list[Char]] = [[] for _ in spans]
    x_lo, x_hi, y_lo, y_hi = xs[0], xs[-1], ys[0], ys[-1]
    for char in chars:
        cx = (char["x0"] + char["x1"]) / 2
        cy = (char["top"] + char["bottom"]) / 2
        if not (x_lo <= cx <= x_hi and y_lo <= cy <= y_hi):
            continue
        r = min(max(bisect_right(ys, cy) - 1, 0), n_rows - 1)
        c = min(max(bisect_right(xs, cx) - 1, 0), n_cols - 1)
        contents[owner[(r, c)]].append(char)
    cells: list[Cell] = []
    reach: Reach = {}
    for i, (r, c, rs, cs, box) in enumerate(spans):
        text, edges = _cell_text(contents[i], box)
        cells.append(Cell(row=r, col=c, rowspan=rs, colspan=cs, text=text, bbox=_round_box(box)))
        if edges is not None:
            reach[_round_box(box)] = edges
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return Table(n_rows=n_rows, n_cols=n_cols, cells=cells), reach


def _round_box(box: BBox) -> BBox:
    return (round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2))


def _cell_text(chars: list[Char], box: BBox) -> tuple[str, Edges | None]:
    """A cell's lines: a line that wrapped continues without a break; a line that stopped short ends a paragraph.

    Also the cell's `Edges` (None when it has no text).
    """
    lines = lines_of(chars)
    if not lines:
        return "", None
    last = lines[-1]
    lines_to_bottom = len(lines) if box[3] - last.bottom < 1.5 * last.size + _CELL_PADDING else 0
    room = max((box[2] - box[0]) - 2 * _CELL_PADDING, *(ln.x1 - ln.x0 for ln in lines))
    parts: list[str] = [lines[0].text]
    for prev, line in pairwise(lines):
        # Wrapped when the next line's first word could not have fitted (by width, so centred text counts too).
        wrapped = not would_fit(room - (prev.x1 - prev.x0), line)
        if not wrapped:
            parts.append("\n")
        else:
            parts.append(" " if prev.space_after else joiner(prev.last_char, line.first_char))
        parts.append(line.text)
    return "".join(parts).strip(), Edges(lines_to_bottom, room - (last.x1 - last.x0), lines[0])


def continue_table(first: Table, rest: Table, reach: dict[int, Reach]) -> bool:
    """Append `rest` (the top of the next page) to `first` when they share their columns.

    Both grids are put on the union of their column boundaries, which must be one of the two (a part
    whose rows merge some columns has fewer boundaries). A header row repeated on the new page is
    dropped; a row the page break cut is mended (`_mend_broken_row`); a vertical merge that ran to
    the page's end (一级指标 over its rows) takes in the empty merged cell that continues it (a merge
    on either side of the break is needed: one empty cell under one full cell may be just empty).
    Cells from the new page keep their own page and bbox.
    """
    xs_first = _cell_boundaries(first)
    xs_rest = _cell_boundaries(rest)
    xs = _boundaries(xs_first + xs_rest)
    if len(xs) != max(len(xs_first), len(xs_rest)) or len(xs) < 2:
        return False
    if abs(xs_first[0] - xs_rest[0]) > _GRID_TOLERANCE or abs(xs_first[-1] - xs_rest[-1]) > _GRID_TOLERANCE:
        return False
    head = _on_columns(first.cells, xs, 0, None)
    tail = _on_columns(rest.cells, xs, first.n_rows, rest.page)
    n_rows = first.n_rows + rest.n_rows
    tail, dropped_header = _drop_repeated_header(head, tail, first.n_rows)
    rest_reach = reach.get(id(rest), {})
    tail, mended = _mend_broken_row(head, tail, first.n_rows, reach.get(id(first), {}), rest_reach)
    n_rows -= dropped_header + mended
    _continue_merges(head, tail, first.n_rows)
    reach[id(first)] = rest_reach  # the next page break cuts what this page holds last
    first.cells = sorted(head + tail, key=lambda c: (c.row, c.col))
    first.n_rows, first.n_cols = n_rows, len(xs) - 1
    first._anchor_at = None  # the grid changed: drop the position index
    return True


def _cell_boundaries(table: Table) -> list[float]:
    return _boundaries([v for c in table.cells if c.bbox for v in (c.bbox[0], c.bbox[2])])


def _on_columns(cells: list[Cell], xs: list[float], row_offset: int, page: int | None) -> list[Cell]:
    """The cells put on the column boundaries `xs`, `row_offset` rows down, on `page` (None: their own)."""
    out = []
    for cell in cells:
        box = cell.bbox or (xs[cell.col], 0.0, xs[cell.col + cell.colspan], 0.0)
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        own_page = cell.page if page is None else page
        out.append(replace(cell, row=cell.row + row_offset, col=c0, colspan=max(c1 - c0, 1), page=own_page))
    return out


def _row(cells: list[Cell], row: int) -> list[Cell]:
    return sorted((c for c in cells if c.row == row), key=lambda c: c.col)


def _shift(cells: list[Cell], below: int) -> list[Cell]:
    return [replace(c, row=c.row - 1) if c.row > below else c for c in cells]


def _drop_repeated_header(head: list[Cell], tail: list[Cell], start: int) -> tuple[list[Cell], int]:
    header = [(c.col, c.colspan, c.text) for c in _row(head, 0)]
    repeated = _row(tail, start)
    same = header == [(c.col, c.colspan, c.text) for c in repeated]
    if same and any(text for _, _, text in header) and all(c.rowspan == 1 for c in repeated):
        return _shift([c for c in tail if c.row != start], start), 1
    return tail, 0


def _mend_broken_row(
    head: list[Cell], tail: list[Cell], start: int, reach: Reach, rest_reach: Reach
) -> tuple[list[Cell], int]:
    """Join the new page's first row into the last row when the page break cut that row.

    Every text on the new page must sit under a cell of the last row whose text ran down to its bottom
    edge, and one of two signs must show the cut: each of those texts goes on with a text cut mid-way
    (`_cut_midway`), or the row's label (its leftmost own text) fitted before the break and is empty
    on the new page (a new row would name itself). Empty merged cells continuing down are kept.
    """
    last = start - 1
    above = {c.col: c for c in head if c.row <= last < c.row + c.rowspan}
    continued = _row(tail, start)
    texts = [c for c in continued if c.text]
    if not texts or any(c.rowspan != 1 for c in texts):
        return tail, 0
    for cell in continued:
        target = above.get(cell.col)
        if target is None or target.colspan != cell.colspan:
            return tail, 0
        if cell.text and (target.row != last or not _reaches_bottom(reach, target)):
            return tail, 0
    cut_midway = all(_cut_midway(reach, above[c.col], rest_reach, c) for c in texts)
    # An empty merged cell at the top of the page continues a merge: it says nothing about a cut.
    own = [c for c in continued if c.rowspan == 1 and above[c.col].row == last and above[c.col].text]
    label_fitted = bool(own) and not own[0].text
    if not (cut_midway or label_fitted):
        return tail, 0
    for cell in texts:
        target = above[cell.col]
        index = head.index(target)
        head[index] = replace(target, text=target.text + joiner(target.text[-1:], cell.text[:1]) + cell.text)
    kept = []
    for cell in tail:
        if cell.row != start:
            kept.append(cell)
        elif cell.rowspan > 1:  # an empty merge running on below the cut row: it starts one row later
            kept.append(replace(cell, row=start + 1, rowspan=cell.rowspan - 1))
    return _shift(kept, start), 1


def _reaches_bottom(reach: Reach, cell: Cell) -> bool:
    edges = reach.get(cell.bbox) if cell.bbox else None
    return edges is not None and edges.lines_to_bottom > 0


def _cut_midway(reach: Reach, above: Cell, rest_reach: Reach, below: Cell) -> bool:
    """Whether the text at the top of a page goes on with the text above it, cut mid-way by the break:
    that text ran over several lines down to the bottom edge (one long text), or its last line was
    full, so the text below could not have fitted there (it wrapped: how LibreOffice and Word cut
    even a row of one-line cells when a row may break across pages)."""
    end = reach.get(above.bbox) if above.bbox else None
    start = rest_reach.get(below.bbox) if below.bbox else None
    if end is None or start is None or not end.lines_to_bottom:
        return False
    return end.lines_to_bottom >= 2 or not would_fit(end.slack, start.first)


def _continue_merges(head: list[Cell], tail: list[Cell], start: int) -> None:
    """Extend a vertical merge ending at the page's last row over the empty cell that continues it."""
    last = start - 1
    above = {c.col: c for c in head if c.row <= last < c.row + c.rowspan}
    for cell in _row(tail, start):
        target = above.get(cell.col)
        if cell.text or target is None or not target.text or target.colspan != cell.colspan:
            continue
        if target.row + target.rowspan - 1 != last or (target.rowspan < 2 and cell.rowspan < 2):
            continue  # one empty cell under one full cell may be just empty: a merge on either side decides
        head[head.index(target)] = replace(target, rowspan=target.rowspan + cell.rowspan)
        tail.remove(cell)
