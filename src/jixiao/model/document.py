"""The document layer's values: blocks in reading order, span-aware table grids, provenance.

Plain frozen dataclasses with slots: a document of a few thousand cells is built on every read, so
these stay cheap; the report model (pydantic) embeds `Provenance` unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Format = Literal["txt", "docx", "doc", "xlsx", "xls", "pdf", "html", "wps", "et", "json", "image"]


def place_parts(where: Mapping[str, Any]) -> list[str]:
    """One way to name a place everywhere, counted from 1 as Word and Excel count: 工作表“X”, 第2页,
    表1 第3行第4列 (the table's own rows and columns), 第12行 (a line of a text file). `where` holds
    a provenance's fields (page, sheet, table, row, col, line; 0-based table, row and col)."""
    page, sheet, table, row, col, line = (where.get(k) for k in ("page", "sheet", "table", "row", "col", "line"))
    parts: list[str] = []
    if sheet:
        parts.append(f"工作表“{sheet}”")
    if page:
        parts.append(f"第{page}页")
    if table is not None:
        cell = f"表{table + 1}"
        if row is not None:
            cell += f" 第{row + 1}行"
            if col is not None:
                cell += f"第{col + 1}列"
        parts.append(cell)
    if line:
        parts.append(f"第{line}行")
    return parts


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a piece of text came from. Fields that do not apply to a format stay None."""

    file: str | None = None
    page: int | None = None  # 1-based PDF page
    sheet: str | None = None  # workbook sheet name
    block: int | None = None  # index of the block in Document.blocks
    table: int | None = None  # index among the document's tables (0-based)
    row: int | None = None  # 0-based row on the table's full grid
    col: int | None = None  # 0-based column on the table's full grid
    line: int | None = None  # 1-based line of a text file (first line of the cell or paragraph)
    bbox: tuple[float, float, float, float] | None = None  # PDF points: x0, top, x1, bottom
    text: str | None = None  # the source text the value was read from
    span: tuple[int, int] | None = None  # text: character span of the cell in its line (flattened tables)

    def with_text(self, text: str) -> Provenance:
        """The same place, carrying the source text of one value."""
        # Built directly: dataclasses.replace costs several times more, and facts call this often.
        return Provenance(
            self.file,
            self.page,
            self.sheet,
            self.block,
            self.table,
            self.row,
            self.col,
            self.line,
            self.bbox,
            text,
            self.span,
        )

    def place(self) -> list[str]:
        """Where this is, as the reader finds it (see `place_parts`)."""
        fields = {"page": self.page, "sheet": self.sheet, "table": self.table, "row": self.row, "col": self.col}
        return place_parts(fields | {"line": self.line})

    def to_dict(self) -> dict[str, Any]:
        """JSON shape of the contract: only the fields that are set, plus page and line always."""
        out: dict[str, Any] = {"page": self.page, "line": self.line}
        for name in ("file", "sheet", "block", "table", "row", "col", "text"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.bbox is not None:
            out["bbox"] = [round(v, 2) for v in self.bbox]
        if self.span is not None:
            out["span"] = list(self.span)
        return out


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of a grid. A merged cell is stored once, at its top-left position, with its spans."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    line: int | None = None  # text files: the line the cell starts on
    bbox: tuple[float, float, float, float] | None = None  # PDF: the cell's rectangle
    hidden: bool = False  # workbooks: in a hidden row or column
    page: int | None = None  # PDF: the cell's own page, where its table continues from an earlier page
    span: tuple[int, int] | None = None  # text: character span in its line, for a table rebuilt from flat text
    confidence: float | None = None  # scans: the OCR engine's lowest confidence (0-1) among the cell's words

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "row": self.row,
            "col": self.col,
            "rowspan": self.rowspan,
            "colspan": self.colspan,
            "text": self.text,
        }
        if self.line is not None:
            out["line"] = self.line
        if self.hidden:
            out["hidden"] = True
        if self.page is not None:
            out["page"] = self.page
        if self.bbox is not None:
            out["bbox"] = [round(v, 2) for v in self.bbox]
        if self.span is not None:
            out["span"] = list(self.span)
        if self.confidence is not None:
            out["confidence"] = self.confidence
        return out


@dataclass(slots=True)
class Paragraph:
    """A paragraph (or a line of plain text) in reading order."""

    text: str
    index: int = 0
    page: int | None = None
    line: int | None = None
    sheet: str | None = None
    style: str | None = None  # e.g. "Heading 1", "textbox"
    kind: Literal["paragraph"] = "paragraph"

    def provenance(self, file: str | None = None) -> Provenance:
        return Provenance(file=file, page=self.page, sheet=self.sheet, block=self.index, line=self.line)

    def to_dict(self) -> dict[str, Any]:
        prov: dict[str, Any] = {"page": self.page, "line": self.line}
        if self.sheet is not None:
            prov["sheet"] = self.sheet
        out: dict[str, Any] = {"kind": "paragraph", "index": self.index, "text": self.text, "provenance": prov}
        if self.style:
            out["style"] = self.style
        return out


@dataclass(slots=True)
class Table:
    """A table as a grid: `cells` holds one entry per anchor; covered positions have none."""

    n_rows: int
    n_cols: int
    cells: list[Cell]
    index: int = 0  # block index
    table_index: int = 0  # index among tables
    page: int | None = None
    sheet: str | None = None
    line: int | None = None  # text files: first line of the table
    parent_table: int | None = None  # nested tables: the table_index of the enclosing table
    hidden: bool = False  # workbooks: on a hidden sheet
    kind: Literal["table"] = "table"
    _anchor_at: dict[tuple[int, int], Cell] | None = field(default=None, repr=False, compare=False)

    def _anchors(self) -> dict[tuple[int, int], Cell]:
        if self._anchor_at is None:
            index: dict[tuple[int, int], Cell] = {}
            # spans are clipped to the grid: the index never costs more than the table's positions
            n_rows, n_cols = self.n_rows, self.n_cols
            for cell in self.cells:
                for r in range(cell.row, min(cell.row + cell.rowspan, n_rows)):
                    for c in range(cell.col, min(cell.col + cell.colspan, n_cols)):
                        index[(r, c)] = cell
            self._anchor_at = index
        return self._anchor_at

    def cell_at(self, row: int, col: int) -> Cell | None:
        """The cell covering a grid position (the merged cell's anchor for covered positions)."""
        return self._anchors().get((row, col))

    def anchor_rows(self) -> list[list[Cell]]:
        """Cells grouped by the row they start on, left to right (as a reader sees a row)."""
        rows: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            rows[cell.row].append(cell)
        for row in rows:
            row.sort(key=lambda c: c.col)
        return rows

    def filled_grid(self) -> list[list[str]]:
        """Full grid of texts, a merged cell's text repeated over every position it covers."""
        grid = [[""] * self.n_cols for _ in range(self.n_rows)]
        for (r, c), cell in self._anchors().items():
            grid[r][c] = cell.text
        return grid

    def anchor_grid(self) -> list[list[str | None]]:
        """Full grid with the text at anchors, None at covered positions, "" at empty cells."""
        grid: list[list[str | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            grid[cell.row][cell.col] = cell.text
        return grid

    def provenance(self, file: str | None = None) -> Provenance:
        return Provenance(
            file=file, page=self.page, sheet=self.sheet, block=self.index, table=self.table_index, line=self.line
        )

    def cell_provenance(self, cell: Cell, file: str | None = None) -> Provenance:
        return Provenance(
            file=file,
            page=self.page if cell.page is None else cell.page,
            sheet=self.sheet,
            block=self.index,
            table=self.table_index,
            row=cell.row,
            col=cell.col,
            line=cell.line,
            bbox=cell.bbox,
            text=cell.text,
            span=cell.span,
        )

    def to_dict(self) -> dict[str, Any]:
        prov: dict[str, Any] = {"page": self.page, "table": self.table_index, "line": self.line}
        if self.sheet is not None:
            prov["sheet"] = self.sheet
        if self.parent_table is not None:
            prov["parent_table"] = self.parent_table
        if self.hidden:
            prov["hidden"] = True
        return {
            "kind": "table",
            "index": self.index,
            "n_rows": self.n_rows,
            "n_cols": self.n_cols,
            "provenance": prov,
            "cells": [c.to_dict() for c in self.cells],
        }


Block = Paragraph | Table


@dataclass(frozen=True, slots=True)
class Source:
    """The file a document was read from."""

    path: str
    sha256: str
    format: Format
    pages: int | None = None
    converted_from: str | None = None  # e.g. "doc" when LibreOffice converted it to docx

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "sha256": self.sha256, "format": self.format, "pages": self.pages}
        if self.converted_from:
            out["converted_from"] = self.converted_from
        return out


@dataclass(slots=True)
class Document:
    """A read document: blocks in reading order, each paragraph and cell traceable to the file."""

    source: Source
    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)

    def tables(self) -> Iterator[Table]:
        return (b for b in self.blocks if isinstance(b, Table))

    def paragraphs(self) -> Iterator[Paragraph]:
        return (b for b in self.blocks if isinstance(b, Paragraph))

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.to_dict(),
            "blocks": [b.to_dict() for b in self.blocks],
            "warnings": list(self.warnings),
        }


def number_blocks(blocks: list[Block]) -> list[Block]:
    """Give blocks their reading-order index and tables their table index (readers call this last)."""
    table_index = 0
    for i, block in enumerate(blocks):
        block.index = i
        if isinstance(block, Table):
            block.table_index = table_index
            table_index += 1
    return blocks
