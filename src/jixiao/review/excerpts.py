"""The parts of a document a report page shows: the blocks its findings point to, each pointed place keyed.

A finding's evidence names a block and, in a table, a row and column; in a text file also a line and
the character span of the value in it. Tables rebuilt from flattened text during extraction are not in
the parsed document, so such evidence is found again by its line (and span, else its text) in the
paragraph it came from. Only the pointed-at blocks go into the page, tables cut to the rows around the
pointed cells and long paragraphs to a window around their marks: a review of thousands of reports
must stay one file a browser opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jixiao.model.document import place_parts

TABLE_ROWS_WHOLE = 40  # a table this short is shown whole
TABLE_HEAD_ROWS = 2  # else its header rows ...
TABLE_CONTEXT_ROWS = 3  # ... and this many rows either side of each pointed row
TABLE_COLS_WHOLE = 30  # columns likewise: a table this narrow keeps them all,
TABLE_HEAD_COLS = 3  # else its label columns
TABLE_CONTEXT_COLS = 2  # and this many either side of each pointed column
CELL_CHARS = 400  # a cell's text is cut beyond this (a pointed cell keeps up to PARAGRAPH_CHARS)
PARAGRAPH_CHARS = 3000  # a paragraph longer than this shows a window around its marks
WINDOW_CONTEXT = 500  # characters kept either side of a mark in such a window
UNIQUE_TEXT_MIN = 6  # evidence without a usable place is searched by its text when at least this long
FOLLOWING_BLOCKS = 3  # a quoted text not in its line's paragraph is looked for in this many blocks after it
HEAD_CHARS = 12  # a quote joined over paragraphs, or cut, is found by its first characters


@dataclass
class Located:
    """Where one piece of evidence points: a cell (by its anchor) or a range of a paragraph's text."""

    key: str
    block: int
    row: int | None = None
    col: int | None = None
    start: int | None = None
    end: int | None = None


@dataclass
class _Pointers:
    """What the findings point to in one block."""

    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    marks: dict[tuple[int, int], str] = field(default_factory=dict)
    whole: str | None = None  # a paragraph pointed at as a whole


class DocumentIndex:
    """The parsed document (`jixiao parse` JSON), indexed to resolve evidence."""

    def __init__(self, document: dict[str, Any] | None) -> None:
        blocks = (document or {}).get("blocks") or []
        self.blocks: dict[int, dict[str, Any]] = {}
        self.order: list[int] = []  # block indices in reading order
        self.position: dict[int, int] = {}  # block index -> its place in `order`
        self.by_line: dict[int, int] = {}  # first line of a paragraph -> its block
        self.cell_lines: dict[int, list[tuple[int, dict[str, Any]]]] = {}  # line -> (block, cell)
        for position, block in enumerate(blocks):
            index = block.get("index", position)
            self.blocks[index] = block
            self.position[index] = len(self.order)
            self.order.append(index)
            if block.get("kind") == "table":
                for cell in block.get("cells") or []:
                    if cell.get("line") is not None:
                        self.cell_lines.setdefault(cell["line"], []).append((index, cell))
            else:
                line = (block.get("provenance") or {}).get("line")
                if line is not None:
                    self.by_line.setdefault(line, index)

    def locate(self, evidence: dict[str, Any]) -> Located | None:
        """The block, cell or text range one piece of evidence points to; None when it is not found."""
        text = str(evidence.get("text") or "")
        block = self.blocks.get(evidence["block"]) if isinstance(evidence.get("block"), int) else None
        row, col = evidence.get("row"), evidence.get("col")
        if block is not None and block.get("kind") == "table" and isinstance(row, int) and isinstance(col, int):
            cell = _covering_cell(block, row, col)
            if cell is not None:
                return _cell_target(block["index"], cell)
        line = evidence.get("line")
        if isinstance(line, int):
            found = self._at_line(line, text, evidence.get("span"))
            if found is not None:
                return found
        if block is not None and block.get("kind") != "table":
            return self._in_paragraph_or_after(block["index"], text, None)
        return self._by_unique_text(text)

    def _at_line(self, line: int, text: str, span: Any) -> Located | None:
        for table, cell in self.cell_lines.get(line, []):
            if text and text in cell.get("text", ""):
                return _cell_target(table, cell)
        paragraph = self.by_line.get(line)
        if paragraph is None:
            return None
        return self._in_paragraph_or_after(paragraph, text, span)

    def _in_paragraph_or_after(self, index: int, text: str, span: Any) -> Located:
        """The quote in this paragraph, else in one of the next few (the extractor joins wrapped lines),
        else this paragraph as a whole."""
        position = self.position[index]
        for following in self.order[position : position + 1 + FOLLOWING_BLOCKS]:
            block = self.blocks[following]
            if block.get("kind") == "table":
                break
            found = _find_quote(str(block.get("text", "")), text, span if following == index else None)
            if found is not None:
                start, end = found
                return Located(f"b{following}m{start}-{end}", following, start=start, end=end)
        return Located(f"b{index}", index)

    def _by_unique_text(self, text: str) -> Located | None:
        if len(text) < UNIQUE_TEXT_MIN:
            return None
        hits: list[Located] = []
        for block in self.blocks.values():
            if block.get("kind") == "table":
                hits += [_cell_target(block["index"], c) for c in block.get("cells") or [] if c.get("text") == text]
            elif text in block.get("text", ""):
                hits.append(_text_target(block, text, None))
            if len(hits) > 1:
                return None  # ambiguous: better no highlight than a wrong one
        return hits[0] if hits else None


def _covering_cell(block: dict[str, Any], row: int, col: int) -> dict[str, Any] | None:
    cell: dict[str, Any]
    for cell in block.get("cells") or []:
        if cell["row"] <= row < cell["row"] + cell.get("rowspan", 1) and (
            cell["col"] <= col < cell["col"] + cell.get("colspan", 1)
        ):
            return cell
    return None


def _cell_target(block: int, cell: dict[str, Any]) -> Located:
    return Located(f"b{block}r{cell['row']}c{cell['col']}", block, row=cell["row"], col=cell["col"])


def _text_target(block: dict[str, Any], text: str, span: Any) -> Located:
    """The quote's range in a paragraph, else the paragraph as a whole."""
    index = block["index"]
    found = _find_quote(str(block.get("text", "")), text, span)
    if found is None:
        return Located(f"b{index}", index)
    return Located(f"b{index}m{found[0]}-{found[1]}", index, start=found[0], end=found[1])


def _find_quote(body: str, text: str, span: Any) -> tuple[int, int] | None:
    """Where a finding's quote is in a paragraph: at its span when the text is there, else its first
    place; a quote cut with "…" or running on past the paragraph is matched as far as they agree."""
    if isinstance(span, list | tuple) and len(span) == 2 and text and body[span[0] : span[1]] == text:
        return span[0], span[1]
    quote = text.strip().removesuffix("…").removesuffix("...").rstrip()
    if not quote:
        return None
    start = body.find(quote)
    if start >= 0:
        return start, start + len(quote)
    start = body.find(quote[:HEAD_CHARS])
    if start < 0:
        return None
    agree = 0
    for mine, theirs in zip(body[start:], quote, strict=False):
        if mine != theirs:
            break
        agree += 1
    return start, start + agree


def excerpts(index: DocumentIndex, targets: list[Located]) -> list[dict[str, Any]]:
    """The pointed-at blocks in reading order, ready for the page: tables cut, paragraphs windowed."""
    pointers: dict[int, _Pointers] = {}
    for target in targets:
        at = pointers.setdefault(target.block, _Pointers())
        if target.row is not None and target.col is not None:
            at.cells[(target.row, target.col)] = target.key
        elif target.start is not None and target.end is not None:
            at.marks[(target.start, target.end)] = target.key
        else:
            at.whole = target.key
    out: list[dict[str, Any]] = []
    for block_index in sorted(pointers):
        block = index.blocks[block_index]
        at = pointers[block_index]
        if block.get("kind") == "table":
            out.append(_table_excerpt(block, at.cells))
        else:
            out.append(_paragraph_excerpt(block, at))
    return out


def _where(provenance: dict[str, Any]) -> str:
    """A block's place in its file, in words: 第2页 / 工作表“…” / 表1 / 第14行."""
    return " ".join(place_parts(provenance))


def _shown_rows(n_rows: int, pointed_rows: set[int]) -> list[tuple[int, int]]:
    """Runs of rows to show (first, last), inclusive: all of a short table, else head and context."""
    if n_rows <= TABLE_ROWS_WHOLE:
        return [(0, n_rows - 1)] if n_rows else []
    rows = set(range(min(TABLE_HEAD_ROWS, n_rows)))
    for row in pointed_rows:
        rows.update(range(max(0, row - TABLE_CONTEXT_ROWS), min(n_rows, row + TABLE_CONTEXT_ROWS + 1)))
    runs: list[tuple[int, int]] = []
    for row in sorted(rows):
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _shown_columns(n_cols: int, pointed_cols: set[int]) -> list[int | None]:
    """The columns to show, left to right, None standing for a run of columns left out."""
    if n_cols <= TABLE_COLS_WHOLE:
        return list(range(n_cols))
    keep = set(range(TABLE_HEAD_COLS))
    for col in pointed_cols:
        keep.update(range(max(0, col - TABLE_CONTEXT_COLS), min(n_cols, col + TABLE_CONTEXT_COLS + 1)))
    shown: list[int | None] = []
    for col in sorted(keep):
        if shown and shown[-1] is not None and col > shown[-1] + 1:
            shown.append(None)
        shown.append(col)
    if shown[-1] != n_cols - 1:
        shown.append(None)
    return shown


def _table_excerpt(block: dict[str, Any], pointed: dict[tuple[int, int], str]) -> dict[str, Any]:
    """A table cut to the rows and columns shown; a merged cell reaching into a run is repeated at its
    top, and the columns left out are one narrow "…" column."""
    cells = block.get("cells") or []
    n_rows = int(block.get("n_rows") or (max((c["row"] + c.get("rowspan", 1) for c in cells), default=0)))
    n_cols = int(block.get("n_cols") or (max((c["col"] + c.get("colspan", 1) for c in cells), default=0)))
    columns = _shown_columns(n_cols, {col for _, col in pointed})
    pieces: list[dict[str, Any]] = []
    shown_until = -1
    for first, last in _shown_rows(n_rows, {row for row, _ in pointed}):
        if first > shown_until + 1:
            pieces.append({"gap": first - shown_until - 1})
        pieces.append({"rows": _run_rows(cells, columns, n_cols, first, last, pointed=pointed)})
        shown_until = last
    if shown_until < n_rows - 1:
        pieces.append({"gap": n_rows - 1 - shown_until})
    return {
        "kind": "table",
        "block": block["index"],
        "where": _where(block.get("provenance") or {}),
        "n_cols": len(columns),
        "pieces": pieces,
    }


def _places(columns: list[int | None], n_cols: int) -> dict[int, int]:
    """Each column of the table -> its place among the shown ones (a left-out column: its gap's place)."""
    place: dict[int, int] = {}
    for at, col in enumerate(columns):
        if col is not None:
            place[col] = at
            continue
        after = columns[at - 1] if at else None
        before = columns[at + 1] if at + 1 < len(columns) else None
        for left_out in range((after + 1) if after is not None else 0, before if before is not None else n_cols):
            place[left_out] = at
    return place


def _run_rows(
    cells: list[dict[str, Any]],
    columns: list[int | None],
    n_cols: int,
    first: int,
    last: int,
    *,
    pointed: dict[tuple[int, int], str],
) -> list[dict[str, Any]]:
    """Rows first..last as HTML table rows over the shown columns: each cell once, its spans clipped to
    what is shown, the holes filled. `c` is a cell's place among the shown columns."""
    place = _places(columns, n_cols)
    rows: list[list[dict[str, Any]]] = [[] for _ in range(last - first + 1)]
    covered: set[tuple[int, int]] = set()
    for cell in cells:
        top, bottom = cell["row"], cell["row"] + cell.get("rowspan", 1) - 1
        if bottom < first or top > last:
            continue
        places = [place[c] for c in range(cell["col"], cell["col"] + cell.get("colspan", 1)) if c in place]
        if all(columns[at] is None for at in places):
            continue  # wholly in columns left out
        start, end = max(top, first), min(bottom, last)
        left, right = min(places), max(places)
        key = pointed.get((cell["row"], cell["col"]))
        text = str(cell.get("text", ""))
        limit = PARAGRAPH_CHARS if key else CELL_CHARS
        shown: dict[str, Any] = {"c": left, "t": text if len(text) <= limit else text[:limit] + "…"}
        if end > start:
            shown["rs"] = end - start + 1
        if right > left:
            shown["cs"] = right - left + 1
        if key:
            shown["k"] = key
        if cell.get("hidden"):
            shown["h"] = 1
        rows[start - first].append(shown)
        covered.update((r, c) for r in range(start, end + 1) for c in range(left, right + 1))
    for offset, row_cells in enumerate(rows):
        row = first + offset
        for at, col in enumerate(columns):
            if (row, at) not in covered:
                row_cells.append({"c": at, "t": ""} if col is not None else {"c": at, "t": "…", "g": 1})
        row_cells.sort(key=lambda shown: int(shown["c"]))
    return [{"r": first + offset, "cells": row_cells} for offset, row_cells in enumerate(rows)]


def _paragraph_excerpt(block: dict[str, Any], at: _Pointers) -> dict[str, Any]:
    """A paragraph with its marked ranges; a long one cut to a window around them."""
    text = str(block.get("text", ""))
    marks = sorted(at.marks.items())
    offset = 0
    if len(text) > PARAGRAPH_CHARS:
        first = marks[0][0][0] if marks else 0
        last = marks[-1][0][1] if marks else 0
        offset = max(0, first - WINDOW_CONTEXT)
        end = min(len(text), max(last + WINDOW_CONTEXT, offset + WINDOW_CONTEXT), offset + PARAGRAPH_CHARS)
        text = text[offset:end]
        marks = [((s - offset, e - offset), k) for (s, e), k in marks if e - offset <= len(text)]
    shown: dict[str, Any] = {
        "kind": "paragraph",
        "block": block["index"],
        "where": _where(block.get("provenance") or {}),
        "t": text,
        "marks": [[start, end, key] for (start, end), key in _without_overlaps(marks)],
        "cut_before": offset > 0,
        "cut_after": offset + len(text) < len(str(block.get("text", ""))),
    }
    if at.whole:
        shown["k"] = at.whole
    if block.get("style"):
        shown["style"] = block["style"]
    return shown


def _without_overlaps(marks: list[tuple[tuple[int, int], str]]) -> list[tuple[tuple[int, int], str]]:
    """Marks in order; one that overlaps the mark before it is dropped (its finding still points here)."""
    kept: list[tuple[tuple[int, int], str]] = []
    for (start, end), key in marks:
        if kept and start < kept[-1][0][1]:
            continue
        kept.append(((start, end), key))
    return kept
