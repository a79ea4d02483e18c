"""PDF → Document with pdfplumber: paragraphs in reading order and ruled tables as span-aware grids.

Per page:
- tables are found with explicit lattice settings (ruling lines only, see `TABLE_SETTINGS`); pdfplumber
  returns None for the positions a merged cell covers, so the grid is rebuilt from cell geometry: the
  distinct x and y boundaries of all cell rectangles make the full grid, and each cell's rowspan and
  colspan are the boundaries its rectangle covers. Each character of the table goes to the cell its
  centre falls in (one pass, bisect on the boundaries), so a table costs one walk over its characters.
  Inside a cell, a line that wrapped (the next line's first word would not have fitted) continues
  without a break; a line that stopped short ends a paragraph ("\n").
- the characters outside tables become lines (clustered by their top), then paragraphs: a paragraph
  ends at a larger vertical gap than the page's usual line gap, a change of font size, a line that
  stopped short of the right margin, an indented next line, a heading marker (一、 （二） 3.) or a
  table. Wrapped lines are joined without a space where either side is CJK or inside a number, so
  Chinese text comes back as written; spaces are inserted between Latin words by the character gaps.
- bare page numbers (「- 3 -」, 「第3页 共9页」) in the top or bottom margin are dropped, and so are
  running headers and footers (margin text recurring on half the pages or more).

Across pages: a paragraph whose last line runs to the margin without closing punctuation continues
with the next page's first paragraph unless that one visibly starts a paragraph (one Paragraph, on
the page it starts). A table at the top of a page continues the table that ended the previous page
when their column boundaries agree: a repeated header row is dropped, and a row cut by the page
break is mended where each text on the new page sits under a cell whose text ran over several lines
down to its bottom edge (a row cut after its first line stays two rows). Cells from later pages
carry their own `page` beside their bbox. Two different tables with the same columns on either side
of a page break are joined too. Not handled: tables without ruling lines (their text reads as
paragraphs with spaces between the columns) and multi-column page layouts (read across the columns).

A PDF without a text layer (no characters on any page, or on fewer than 5% of pages while pages carry
images) raises ScannedPdf; a PDF that needs a password raises EncryptedFile; anything pdfminer cannot
parse raises CorruptFile; more pages than the limit raises TooLarge before any page is read.
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

from jixiao.errors import CorruptFile, EncryptedFile, ScannedPdf, TooLarge, UnreadableFile
from jixiao.ingest.limits import Limits
from jixiao.model.document import Block, Cell, Document, Paragraph, Source, Table, number_blocks

Char = dict[str, Any]
BBox = tuple[float, float, float, float]

TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
}

_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十百\d]+[章节部分条]|[一二三四五六七八九十]+[、．.]|"
    r"[（(][一二三四五六七八九十\d]+[)）]|\d+[、．]|\d+\.(?!\d)|附件|附表)"
)
_PAGE_NUMBER = re.compile(
    r"^\s*([-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)\s*$"
)
_DIGITS = re.compile(r"\d+")
_CLOSING = tuple("。！？；：!?;:”」』）)")
_NO_LINE_START = set("，。、；：？！）》」』”’,.;:?!)%")  # punctuation that never starts a line
_NO_LINE_END = set("（《「『“‘(")  # punctuation that never ends a line
_CELL_PADDING = 6.0  # points; Word, LibreOffice and reportlab pad cells by about 5-6 pt
_GRID_TOLERANCE = 1.5  # points: cell edges closer than this are the same grid line
_MARGIN_BAND = 0.08  # share of the page height at top and bottom where page numbers live


@dataclass(slots=True)
class _Line:
    """One visual line of text: its characters' extent and size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    lead: float  # width of the line's unbreakable start (see _lead_width)

    @property
    def first_char(self) -> str:
        return self.text[:1]

    @property
    def last_char(self) -> str:
        return self.text[-1:]


@dataclass(slots=True)
class _PageText:
    """What one page gave: blocks with their top coordinate, and whether it had text or images."""

    blocks: list[tuple[float, Block]] = field(default_factory=list)
    has_text: bool = False
    has_images: bool = False
    # Per paragraph (by id): whether it visibly starts a paragraph (indent, heading marker) and whether
    # it may run on (its last line reaches the margin without closing punctuation).
    flags: dict[int, tuple[bool, bool]] = field(default_factory=dict)
    # Paragraphs lying in the top or bottom margin band, by id, with their text (digits masked):
    # running headers and footers when the same text recurs on most pages.
    margin_text: dict[int, str] = field(default_factory=dict)
    # Per table (by id): anchors whose text runs over several lines down to the cell's bottom edge,
    # the cells a page break may have cut.
    full_cells: dict[int, set[tuple[int, int]]] = field(default_factory=dict)


def read_pdf(path: Path, limits: Limits) -> Document:
    """Read a PDF's paragraphs and ruled tables, page by page, with page and bbox provenance."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    digest = _sha256(path)
    pages: list[_PageText] = []
    try:
        with pdfplumber.open(path) as pdf:
            n_pages = len(pdf.pages)
            if n_pages > limits.max_pdf_pages:
                raise TooLarge(
                    path,
                    f"PDF 页数过多（{n_pages} 页，上限 {limits.max_pdf_pages} 页）",
                    f"too many pages ({n_pages}, limit {limits.max_pdf_pages})",
                )
            for number, page in enumerate(pdf.pages, start=1):
                pages.append(_read_page(page, number))
                page.close()  # drop the page's parsed objects: memory stays bounded by one page
    except UnreadableFile:
        raise
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise _encrypted(path) from None
        raise _corrupt(path, cause) from None
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise _encrypted(path) from None
    # A damaged file surfaces from pdfminer's parser as any of these; none of them is our bug.
    except (PSException, ValueError, KeyError, TypeError, IndexError, AttributeError, struct.error, zlib.error) as exc:
        raise _corrupt(path, exc) from None

    _reject_scanned(path, pages)
    blocks = _join_pages(pages)
    return Document(
        source=Source(path=str(path), sha256=digest, format="pdf", pages=len(pages)),
        blocks=number_blocks(blocks),
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _encrypted(path: Path) -> EncryptedFile:
    return EncryptedFile(path, "PDF 已加密，需要密码才能打开", "encrypted PDF: a password is required to open it")


def _corrupt(path: Path, cause: object) -> CorruptFile:
    detail = type(cause).__name__ + (f": {cause}" if str(cause) else "")
    return CorruptFile(path, "PDF 文件已损坏，无法解析", f"corrupt PDF ({detail[:120]})")


def _reject_scanned(path: Path, pages: list[_PageText]) -> None:
    with_text = sum(1 for p in pages if p.has_text)
    with_images = any(p.has_images for p in pages)
    if with_text == 0 or (with_images and with_text < 0.05 * len(pages)):
        raise ScannedPdf(
            path,
            f"扫描件，没有文字层，需先 OCR 识别后再读取（{len(pages)} 页中 {with_text} 页有文字）",
            f"scanned PDF without a text layer: run OCR first ({with_text} of {len(pages)} pages have text)",
        )


# --- one page ---------------------------------------------------------------------------------


def _read_page(page: Any, number: int) -> _PageText:
    out = _PageText()
    chars: list[Char] = [c for c in page.chars if c.get("text")]
    out.has_text = any(not c["text"].isspace() for c in chars)
    out.has_images = bool(page.images)
    if not out.has_text:
        return out
    tables: list[Table] = []
    boxes: list[BBox] = []
    if page.lines or page.rects or page.curves:  # no ruling at all: no lattice table to find
        for found in page.find_tables(TABLE_SETTINGS):
            grid = _grid(found.cells, chars)
            if grid is not None:
                table, full = grid
                table.page = number
                out.full_cells[id(table)] = full
                tables.append(table)
                boxes.append(found.bbox)
    free = [c for c in chars if not _inside_any(c, boxes)] if boxes else chars
    lines = _drop_page_numbers(_lines(free), float(page.height))
    segments = _segments(lines, [b[1] for b in boxes])
    margins = _margins(lines, float(page.width))
    typical_gap = _typical_gap(lines)
    band = _MARGIN_BAND * float(page.height)
    for segment in segments:
        for para_lines in _paragraphs(segment, margins, typical_gap):
            text = _join_lines(para_lines)
            if not text:
                continue
            paragraph = Paragraph(text=text, page=number)
            first, last = para_lines[0], para_lines[-1]
            runs_on = last.x1 >= margins[1] - 2.5 * last.size and not last.text.endswith(_CLOSING)
            out.flags[id(paragraph)] = (_starts_paragraph(first, margins), runs_on)
            if last.bottom < band or first.top > float(page.height) - band:
                out.margin_text[id(paragraph)] = _DIGITS.sub("#", text.replace(" ", ""))
            out.blocks.append((first.top, paragraph))
    for table, box in zip(tables, boxes, strict=True):
        out.blocks.append((box[1], table))
    out.blocks.sort(key=lambda item: item[0])
    return out


def _inside_any(char: Char, boxes: list[BBox]) -> bool:
    cx = (char["x0"] + char["x1"]) / 2
    cy = (char["top"] + char["bottom"]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


# --- tables -----------------------------------------------------------------------------------


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


def _grid(cell_boxes: list[BBox], chars: list[Char]) -> tuple[Table, set[tuple[int, int]]] | None:
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
    full: set[tuple[int, int]] = set()
    for i, (r, c, rs, cs, box) in enumerate(spans):
        text, reaches_bottom = _cell_text(contents[i], box)
        cells.append(Cell(row=r, col=c, rowspan=rs, colspan=cs, text=text, bbox=_round_box(box)))
        if reaches_bottom:
            full.add((r, c))
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return Table(n_rows=n_rows, n_cols=n_cols, cells=cells), full


def _round_box(box: BBox) -> BBox:
    return (round(box[0], 2), round(box[1], 2), round(box[2], 2), round(box[3], 2))


def _cell_text(chars: list[Char], box: BBox) -> tuple[str, bool]:
    """A cell's lines: a line that wrapped continues without a break; a line that stopped short ends a paragraph.

    Also whether the text runs over several lines down to the cell's bottom edge (a page break may cut it).
    """
    lines = _lines(chars)
    if not lines:
        return "", False
    last = lines[-1]
    reaches_bottom = len(lines) > 1 and box[3] - last.bottom < 1.5 * last.size + _CELL_PADDING
    room = max((box[2] - box[0]) - 2 * _CELL_PADDING, *(ln.x1 - ln.x0 for ln in lines))
    parts: list[str] = [lines[0].text]
    for prev, line in pairwise(lines):
        # Wrapped when the next line's first word could not have fitted (by width, so centred text counts too).
        wrapped = not _would_fit(room - (prev.x1 - prev.x0), line)
        parts.append(_joiner(prev.last_char, line.first_char) if wrapped else "\n")
        parts.append(line.text)
    return "".join(parts).strip(), reaches_bottom


def _lead_width(visible: list[Char]) -> float:
    """Width of what a line break cannot separate from a line's start, measured on its characters:
    the first Latin word or number, or the first CJK character with the punctuation that line-breaking
    rules keep with it (an opening bracket and what follows it, a closing mark after it)."""
    first = visible[0]
    end = 0
    if _is_cjk(first["text"][:1]):
        while end + 1 < len(visible) and visible[end]["text"] in _NO_LINE_END:
            end += 1
        while end + 1 < len(visible) and visible[end + 1]["text"] in _NO_LINE_START:
            end += 1
    else:
        while (
            end + 1 < len(visible)
            and not _is_cjk(visible[end + 1]["text"][:1])
            and visible[end + 1]["x0"] - visible[end]["x1"] < 0.25 * float(first.get("size") or 10)
        ):
            end += 1
    return float(visible[end]["x1"] - first["x0"])


def _would_fit(slack: float, line: _Line) -> bool:
    """Whether `line`'s unbreakable start would have fitted in `slack` points at the end of the line before.

    Generous to the wrap: renderers leave more room than the glyphs need (LibreOffice was seen to
    wrap 「和」 with 1.6 characters to spare, and to keep 「率99.8%」 together), so a line counts as
    ended only with a character (CJK) or one and a half (a number or Latin word) more than its need.
    The price: a paragraph whose last line nearly fills the width, followed by one with no indent
    and no spacing, reads as one paragraph.
    """
    tolerance = (1.0 if _is_cjk(line.first_char) else 1.5) * line.size
    return slack > line.lead + tolerance


# --- lines and paragraphs ---------------------------------------------------------------------


def _is_cjk(ch: str) -> bool:
    return bool(ch) and _CJK_CHAR.match(ch) is not None


def _lines(chars: list[Char]) -> list[_Line]:
    """Cluster characters into visual lines by their top, left to right within a line."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    groups: list[list[Char]] = []
    current: list[Char] = [ordered[0]]
    anchor = ordered[0]["top"]
    for char in ordered[1:]:
        # Characters of one line share a top within a fraction of their size (mixed fonts differ a little).
        if char["top"] - anchor <= max(2.0, 0.4 * float(char.get("size") or 10)):
            current.append(char)
        else:
            groups.append(current)
            current = [char]
            anchor = char["top"]
    groups.append(current)
    out = []
    for group in groups:
        line = _line(sorted(group, key=lambda c: c["x0"]))
        if line is not None:
            out.append(line)
    return out


def _line(chars: list[Char]) -> _Line | None:
    parts: list[str] = []
    prev: Char | None = None
    for char in chars:
        text = char["text"]
        if prev is not None:
            if text == prev["text"] and abs(char["x0"] - prev["x0"]) < 1:
                continue  # the same glyph drawn twice (fake bold)
            gap = char["x0"] - prev["x1"]
            size = float(char.get("size") or 10)
            cjk_side = _is_cjk(prev["text"][-1:]) or _is_cjk(text[:1])
            # Justified Chinese spreads characters apart; only a clear gap separates text next to CJK.
            if gap > (1.0 if cjk_side else 0.25) * size:
                parts.append(" ")
        parts.append(text)
        prev = char
    text = _SPACES.sub(" ", "".join(parts)).strip()
    visible = [c for c in chars if not c["text"].isspace()]
    if not text or not visible:
        return None
    return _Line(
        text=text,
        x0=min(c["x0"] for c in visible),
        x1=max(c["x1"] for c in visible),
        top=min(c["top"] for c in visible),
        bottom=max(c["bottom"] for c in visible),
        size=median(float(c.get("size") or 10) for c in visible),
        lead=_lead_width(visible),
    )


def _drop_page_numbers(lines: list[_Line], height: float) -> list[_Line]:
    band = _MARGIN_BAND * height
    return [
        line
        for line in lines
        if not ((line.bottom > height - band or line.top < band) and _PAGE_NUMBER.match(line.text))
    ]


def _segments(lines: list[_Line], table_tops: list[float]) -> list[list[_Line]]:
    """Split the page's lines where a table lies between them: a paragraph never spans a table."""
    if not table_tops:
        return [lines] if lines else []
    segments: list[list[_Line]] = [[]]
    tops = sorted(table_tops)
    for line in lines:
        if segments[-1] and any(segments[-1][-1].top < t <= line.top for t in tops):
            segments.append([])
        segments[-1].append(line)
    return [s for s in segments if s]


def _margins(lines: list[_Line], page_width: float) -> tuple[float, float]:
    """The text column's left and right edges: edges shared by at least two lines (outliers ignored).

    The right edge is at least the mirror of the left one (page margins are symmetric or wider on the
    left, as in GB/T 9704), so a page of short lines that all end alike is not taken for full lines.
    """
    if not lines:
        return (0.0, 0.0)
    left = _shared_extreme([ln.x0 for ln in lines], lowest=True) or min(ln.x0 for ln in lines)
    right = _shared_extreme([ln.x1 for ln in lines], lowest=False) or max(ln.x1 for ln in lines)
    return (left, max(right, page_width - left))


def _shared_extreme(values: list[float], *, lowest: bool) -> float | None:
    ordered = sorted(values, reverse=not lowest)
    for a, b in pairwise(ordered):
        if abs(a - b) <= 2:
            return a
    return None


def _typical_gap(lines: list[_Line]) -> float:
    gaps = [b.top - a.bottom for a, b in pairwise(lines) if b.top - a.bottom > -1]
    return median(gaps) if gaps else 0.0


def _starts_paragraph(line: _Line, margins: tuple[float, float]) -> bool:
    return line.x0 > margins[0] + line.size or _HEADING.match(line.text) is not None


def _paragraphs(lines: list[_Line], margins: tuple[float, float], typical_gap: float) -> list[list[_Line]]:
    out: list[list[_Line]] = []
    for line in lines:
        if out and not _breaks(out[-1][-1], line, margins, typical_gap):
            out[-1].append(line)
        else:
            out.append([line])
    return out


def _breaks(prev: _Line, line: _Line, margins: tuple[float, float], typical_gap: float) -> bool:
    """Whether `line` starts a new paragraph after `prev`."""
    size = max(prev.size, line.size)
    return (
        line.top - prev.bottom > max(typical_gap, 0.0) + 0.5 * size  # paragraph spacing
        or abs(line.size - prev.size) > 1  # a heading or a note in another size
        or _would_fit(margins[1] - prev.x1, line)  # the next line's start would have fitted
        or line.x0 > prev.x0 + line.size  # first-line indent
        or _HEADING.match(line.text) is not None
    )


def _joiner(left: str, right: str) -> str:
    """What goes between two wrapped lines: a space only between two Latin words (a line wraps at a
    space there); nothing next to CJK, inside a number cut by a narrow cell ("57954" / ".3") or a hyphen."""
    if left.isascii() and right.isascii() and left.isalnum() and right.isalnum():
        return "" if left.isdigit() and right.isdigit() else " "
    return ""


def _join_lines(lines: list[_Line]) -> str:
    text = lines[0].text
    for line in lines[1:]:
        text += _joiner(text[-1:], line.first_char) + line.text
    return text.strip()


# --- across pages -----------------------------------------------------------------------------


def _join_pages(pages: list[_PageText]) -> list[Block]:
    """Concatenate the pages' blocks: running headers and footers are dropped, a paragraph that runs
    on onto the next page is joined, and so is a table that continues at the top of the next page
    with the same columns."""
    furniture = _running_heads(pages)
    blocks: list[Block] = []
    carry = False
    full_cells: dict[int, set[tuple[int, int]]] = {}
    for page in pages:
        full_cells.update(page.full_cells)
        page_blocks = [b for _, b in page.blocks if page.margin_text.get(id(b)) not in furniture]
        head = page_blocks[0] if page_blocks else None
        if isinstance(head, Table) and blocks and isinstance(blocks[-1], Table):
            if _continue_table(blocks[-1], head, full_cells):
                page_blocks.pop(0)
        elif isinstance(head, Paragraph) and carry and not page.flags[id(head)][0]:
            previous = blocks[-1]
            assert isinstance(previous, Paragraph)
            previous.text += _joiner(previous.text[-1:], head.text[:1]) + head.text
            page_blocks.pop(0)
        if not page_blocks:
            # Nothing left: the page held only the continuation, which may run on again.
            carry = carry and isinstance(head, Paragraph) and page.flags[id(head)][1]
            continue
        blocks.extend(page_blocks)
        tail = page_blocks[-1]
        carry = isinstance(tail, Paragraph) and page.flags[id(tail)][1]
    return blocks


def _running_heads(pages: list[_PageText]) -> set[str]:
    """Margin texts that recur on at least half the pages (and on three or more): headers, footers."""
    counts: dict[str, int] = {}
    for page in pages:
        for text in set(page.margin_text.values()):
            counts[text] = counts.get(text, 0) + 1
    with_text = sum(1 for p in pages if p.has_text)
    return {text for text, n in counts.items() if n >= 3 and n >= 0.5 * with_text}


def _continue_table(first: Table, rest: Table, full_cells: dict[int, set[tuple[int, int]]]) -> bool:
    """Append `rest` (the top of the next page) to `first` when they share their columns.

    Both grids are put on the union of their column boundaries, which must be one of the two (a part
    whose rows merge some columns has fewer boundaries). A header row repeated on the new page is
    dropped. A row broken by the page is mended (its texts continue the cells above) when each text
    at the top of the new page sits under a cell of the last row whose text ran over several lines
    down to its bottom edge; otherwise it stays a row of its own. Cells from the new page keep their
    own page and bbox.
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
    tail, dropped = _drop_repeated_header(head, tail, first.n_rows)
    if not dropped:
        tail, dropped = _mend_broken_row(head, tail, first.n_rows, full_cells.get(id(first), set()))
    n_rows -= dropped
    offset = first.n_rows - dropped
    full_cells[id(first)] = {(r + offset, c) for r, c in full_cells.get(id(rest), set())}
    first.cells = sorted(head + tail, key=lambda c: (c.row, c.col))
    first.n_rows, first.n_cols = n_rows, len(xs) - 1
    first._anchor_at = None  # the grid changed: drop the position index
    return True


def _cell_boundaries(table: Table) -> list[float]:
    return _boundaries([v for c in table.cells if c.bbox for v in (c.bbox[0], c.bbox[2])])


def _on_columns(cells: list[Cell], xs: list[float], row_offset: int, page: int | None) -> list[Cell]:
    out = []
    for cell in cells:
        box = cell.bbox or (xs[cell.col], 0.0, xs[cell.col + cell.colspan], 0.0)
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        out.append(replace(cell, row=cell.row + row_offset, col=c0, colspan=max(c1 - c0, 1), page=page))
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
    head: list[Cell], tail: list[Cell], start: int, full: set[tuple[int, int]]
) -> tuple[list[Cell], int]:
    last = start - 1
    above = {c.col: c for c in head if c.row <= last < c.row + c.rowspan}
    continued = _row(tail, start)
    if not any(c.text for c in continued) or any(c.rowspan != 1 for c in continued):
        return tail, 0
    for cell in continued:
        target = above.get(cell.col)
        if target is None or target.colspan != cell.colspan:
            return tail, 0
        if cell.text and (target.row != last or (target.row, target.col) not in full):
            return tail, 0
    for cell in continued:
        if cell.text:
            target = above[cell.col]
            index = head.index(target)
            joined = target.text + _joiner(target.text[-1:], cell.text[:1]) + cell.text
            head[index] = replace(target, text=joined)
    return _shift([c for c in tail if c.row != start], start), 1
