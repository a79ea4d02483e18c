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
_SPACES = " \t\r\u3000\xa0"


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
    damaged = _damaged_utf8(data)
    if damaged is not None:
        return damaged
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


def _damaged_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few bad bytes (a cut download, a bad sector), read around them as a browser
    does; text in another encoding has far more bad sequences than good multibyte characters."""
    sample = data[:200_000].decode("utf-8", errors="replace")  # a GBK file of 50 MB is judged by its start
    bad = sample.count("\ufffd")
    good = sum(1 for ch in sample if ch > "\x7f") - bad
    return data.decode("utf-8", errors="replace") if good >= 20 * bad else None


def _looks_utf16(data: bytes) -> bool:
    sample = data[:1000]
    return sample.count(b"\x00") > len(sample) // 4


def parse_text(text: str) -> list[Block]:
    """Split exported text into paragraphs and tables, keeping 1-based line numbers."""
    blocks: list[Block] = []
    rows: list[list[Cell]] = []  # the open table's rows
    cell_lines: list[str] = []  # the open cell's lines; empty when no cell is open
    cell_start = table_line = blank_run = 0

    def close_cell() -> None:
        row = rows[-1]
        row.append(Cell(row=len(rows) - 1, col=len(row), text=_clean(cell_lines), line=cell_start))

    def close_table() -> None:
        width = max(len(r) for r in rows)
        blocks.append(Table(n_rows=len(rows), n_cols=width, cells=[c for r in rows for c in r], line=table_line))
        rows.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("\t"):
            if cell_lines:
                close_cell()
            if not rows:
                table_line = number
                rows.append([])
            elif blank_run:
                rows.append([])
            cell_start, cell_lines, blank_run = number, [line[1:]], 0
            continue
        if not line.strip(" \t\r"):  # a line of ideographic spaces is a (visually empty) paragraph
            blank_run += 1
            if cell_lines and blank_run == 1:
                cell_lines.append("")
            continue
        if cell_lines and blank_run < 2:
            cell_lines.append(line)
            blank_run = 0
            continue
        if cell_lines:
            close_cell()
            cell_lines = []
            close_table()
        blank_run = 0
        content = _clean([line])
        if content:
            blocks.append(Paragraph(text=content, line=number))
    if cell_lines:
        close_cell()
    if rows:
        close_table()
    return blocks


def _clean(lines: list[str]) -> str:
    """A cell's or paragraph's text: export artefacts (bookmarks) and outer whitespace gone, one newline
    between paragraphs."""
    if len(lines) == 1 and "[bookmark" not in lines[0]:
        return lines[0].strip(_SPACES)  # the common case, kept cheap
    text = _BOOKMARK.sub("", "\n".join(lines))
    return "\n".join(part for part in (ln.strip(_SPACES) for ln in text.split("\n")) if part)
