"""Plain text and the tab-cell export of Word documents.

The export writes a table cell as a line starting with a tab; the cell's further paragraphs follow
as lines without a tab (a single blank line between them); a blank line before a tab line starts a
new row; two blank lines before a line without a tab end the table. Text gives no spans, so every
cell is 1×1 and rows may be ragged: the extraction layer reads headers by meaning, not by position.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from charset_normalizer import from_bytes

from jixiao.errors import BadEncoding
from jixiao.model.document import Block, Cell, Paragraph, Table

_BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")


def decode_text(path: Path, data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 or GB18030/GBK; anything else by detection."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _looks_utf16(data):
        for codec in ("utf-16-le", "utf-16-be"):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise BadEncoding(path, "无法识别文本编码", "unreadable text encoding")
    return data.decode(best.encoding, errors="replace")


def _looks_utf16(data: bytes) -> bool:
    sample = data[:1000]
    return sample.count(b"\x00") > len(sample) // 4


def parse_text(text: str) -> list[Block]:
    """Split exported text into paragraphs and tables, keeping 1-based line numbers."""
    blocks: list[Block] = []
    rows: list[list[Cell]] = []
    cell_lines: list[str] = []
    cell_start = 0
    table_line = 0
    blank_run = 0

    def close_cell() -> None:
        nonlocal cell_lines
        if cell_lines or (rows and cell_start):
            row = rows[-1]
            content = _clean("\n".join(cell_lines))
            row.append(Cell(row=len(rows) - 1, col=len(row), text=content, line=cell_start))
        cell_lines = []

    def close_table() -> None:
        nonlocal rows
        if not rows:
            return
        rows = [r for r in rows if r]
        width = max(len(r) for r in rows)
        cells = [c for r in rows for c in r]
        blocks.append(Table(n_rows=len(rows), n_cols=width, cells=cells, line=table_line))
        rows = []

    in_cell = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if line.startswith("\t"):
            if in_cell:
                close_cell()
            if not rows:
                table_line = number
                rows.append([])
            elif blank_run:
                rows.append([])
            in_cell = True
            cell_start = number
            cell_lines = [line[1:]]
            blank_run = 0
            continue
        if not line.strip(" \t"):  # a line of ideographic spaces is a (visually empty) paragraph
            blank_run += 1
            if in_cell and blank_run == 1:
                cell_lines.append("")
            continue
        if in_cell and blank_run < 2:
            cell_lines.append(line)
            blank_run = 0
            continue
        if in_cell:
            close_cell()
            in_cell = False
            close_table()
        blank_run = 0
        content = _clean(line)
        if content:
            blocks.append(Paragraph(text=content, line=number))
    if in_cell:
        close_cell()
    close_table()
    return blocks


def _clean(text: str) -> str:
    """Strip export artefacts (bookmarks), outer whitespace and the empty paragraphs at the ends."""
    text = _BOOKMARK.sub("", text)
    lines = [ln.strip(" \t\u3000\xa0") for ln in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    # A blank line inside a cell is a paragraph break; keep one newline between paragraphs.
    out: list[str] = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(x for x in out if x)
