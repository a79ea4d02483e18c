"""PDF → Document: paragraphs in reading order and ruled tables as span-aware grids.

This module reads pages and joins them; `pdf_pdfium` gives each page's characters, images and ruling
from pdfium in pdfplumber's terms (pdfplumber, on pdfminer, reads a page pdfium cannot describe: see
that module for how such a page is detected), `pdf_lines` owns the text geometry (lines, paragraphs,
wraps) and `pdf_tables` the grids and tables continued across pages. The document is opened with
pdfplumber first, so refusals (encrypted, corrupt, too many pages) are pdfplumber's as before.

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
  Chinese text comes back as written, unless a space glyph ends the line (the text had a space there);
  spaces are inserted between Latin words by the character gaps.
- a page whose text runs sideways (turned by /Rotate, or set sideways) is read in the frame where it
  reads upright; its bboxes are in that frame.
- bare page numbers (「- 3 -」, 「第3页 共9页」) in the top or bottom margin are dropped, and so are
  running headers and footers (margin text recurring on half the pages or more).

Across pages: a paragraph whose last line runs to the margin without closing punctuation continues
with the next page's first paragraph unless that one visibly starts a paragraph (one Paragraph, on
the page it starts). A table at the top of a page continues the table that ended the previous page
when their column boundaries agree: a repeated header row is dropped, a row cut by the page break
is mended (see `pdf_tables.continue_table` for the signs it needs: text cut mid-way, by a wrapped
line or a long text run to the bottom, or a label that fitted before the break), and a vertical
merge runs on. Cells from later pages carry their own `page` beside their bbox. Only a table that
filled its page continues: one that ended with room for another row was followed by a deliberate
page break. (Two different tables with the same columns, the first filling its page exactly, are
still joined.) Not handled: tables without ruling lines (their text reads as paragraphs with spaces
between the columns) and multi-column page layouts (read across the columns).

Pages without a text layer (an image over most of the page) are rendered and read by OCR
(`scan_pdf`, `scan_page`: the same blocks and grids, bbox in points); a PDF still without text after
that (no characters on any page, or on fewer than 5% of pages while pages carry images) raises
ScannedPdf; a PDF that needs a password raises EncryptedFile; anything pdfminer cannot
parse raises CorruptFile; more pages than the limit raises TooLarge before any page is read.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import struct
import zlib
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

from jixiao.errors import CorruptFile, EncryptedFile, ScannedPdf, TooLarge, UnreadableFile
from jixiao.ingest.limits import Limits
from jixiao.ingest.pdf_lines import (
    CLOSING,
    MARGIN_BAND,
    Char,
    drop_page_numbers,
    join_lines,
    joiner,
    lines_of,
    margins_of,
    paragraphs,
    segments,
    starts_paragraph,
    typical_gap,
)
from jixiao.ingest.pdf_pdfium import PageInput, descents
from jixiao.ingest.pdf_pdfium import read_page as pdfium_page
from jixiao.ingest.pdf_tables import TABLE_SETTINGS, BBox, Reach, continue_table, grid
from jixiao.model.document import Block, Document, Paragraph, Source, Table, number_blocks

_DIGITS = re.compile(r"\d+")
_SCAN_COVER = 0.5  # share of the page an image covers on a scanned page
_SCAN_TEXT = 10  # visible characters below which a page has no real text layer


@dataclass(slots=True)
class _PageText:
    """What one page gave: blocks with their top coordinate, and whether it had text or images."""

    blocks: list[tuple[float, Block]] = field(default_factory=list)
    has_text: bool = False  # a text layer beyond a few characters (a scan's page-number overlay is not one)
    has_images: bool = False
    scanned: bool = False  # an image over most of the page and next to no text: a scanned page
    visible: int = 0  # characters other than spaces
    size: tuple[float, float] = (0.0, 0.0)  # width, height (in the reading frame)
    body_bottom: float = 0.0  # lowest text line or table outside the bottom margin band
    unmapped: int = 0  # glyphs of fonts without a Unicode mapping (pdfminer's "(cid:N)"), left out
    # Per paragraph (by id): whether it visibly starts a paragraph (indent, heading marker) and whether
    # it may run on (its last line reaches the margin without closing punctuation).
    flags: dict[int, tuple[bool, bool]] = field(default_factory=dict)
    # Paragraphs lying in the top or bottom margin band, by id, with their text (digits masked):
    # running headers and footers when the same text recurs on most pages.
    margin_text: dict[int, str] = field(default_factory=dict)
    # Per table (by id): how its cells' texts start and end, which a page break may have cut (pdf_tables.Reach).
    reach: dict[int, Reach] = field(default_factory=dict)


def read_pdf(path: Path, limits: Limits, *, pdfium: bool | None = None) -> Document:
    """Read a PDF's paragraphs and ruled tables, page by page, with page and bbox provenance.

    `pdfium` (default on; JIXIAO_PDFIUM=0 turns it off) takes each page's characters, images and ruling
    from pdfium instead of pdfminer, pdfplumber reading only the pages pdfium cannot describe; off, every
    page is read by pdfplumber as before (`legacy_pdf`)."""
    if pdfium is None:
        pdfium = os.environ.get("JIXIAO_PDFIUM", "1") != "0"
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.psexceptions import PSException
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    digest = _sha256(path)
    pages: list[_PageText] = []
    complaints = _Complaints()
    try:
        with complaints, pdfplumber.open(path) as pdf:
            n_pages = len(pdf.pages)
            if n_pages > limits.max_pdf_pages:
                raise TooLarge(
                    path,
                    f"PDF 页数过多（{n_pages} 页，上限 {limits.max_pdf_pages} 页）",
                    f"too many pages ({n_pages}, limit {limits.max_pdf_pages})",
                )
            fast = _open_pdfium(path) if pdfium else None
            fonts: dict[Any, Any] = {}
            try:
                for number, page in enumerate(pdf.pages, start=1):
                    pages.append(_read_page(_page_input(page, fast, number, fonts, complaints), number))
                    page.close()  # drop the page's parsed objects: memory stays bounded by one page
            finally:
                if fast is not None:
                    fast.close()
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
    except MalformedPDFException as exc:  # pdfplumber: a non-number in a page box (MediaBox, CropBox)
        raise _corrupt(path, exc) from None

    _reject_unmapped(path, pages)
    if complaints.count and not any(p.has_text for p in pages) and not any(p.has_images for p in pages):
        # No text because the page content could not be parsed, not because it is a scan.
        raise CorruptFile(path, "PDF 文件已损坏，页面内容无法解析", "corrupt PDF: the page content cannot be parsed")
    damage = [f"PDF 结构有损坏，已尽量读取（{complaints.count} 处） / damaged PDF read as far as possible"]
    recognised = _recognise_scans(path, pages, limits)
    _reject_scanned(path, pages)
    blocks = _join_pages(pages)
    warnings = damage if complaints.count else []
    warnings += recognised
    unmapped = sum(p.unmapped for p in pages)
    if unmapped:
        warnings.append(f"{unmapped} 个字符的字体缺少字符映射，无法识别，已略去 / {unmapped} unmapped glyphs left out")
    scans = [str(number) for number, page in enumerate(pages, start=1) if page.scanned]
    if scans:
        listed = "、".join(scans)
        warnings.append(
            f"第{listed}页是扫描图片，没有文字层，其内容未读取 / page(s) {', '.join(scans)} are scanned images"
        )
    return Document(
        source=Source(path=str(path), sha256=digest, format="pdf", pages=len(pages)),
        blocks=number_blocks(blocks),
        warnings=warnings,
    )


class _Complaints(logging.Handler):
    """Collects pdfminer's warnings about a damaged file while it is read, instead of letting them
    reach stderr (the CLI promises one line); the document gets one warning saying so."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self._logger = logging.getLogger("pdfminer")
        self._saved = (self._logger.propagate, self._logger.level)

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1

    def __enter__(self) -> _Complaints:
        self._saved = (self._logger.propagate, self._logger.level)
        self._logger.addHandler(self)
        self._logger.propagate = False
        if self._logger.level == logging.NOTSET or self._logger.level > logging.WARNING:
            self._logger.setLevel(logging.WARNING)
        return self

    def __exit__(self, *exc: object) -> None:
        self._logger.removeHandler(self)
        self._logger.propagate, level = self._saved
        self._logger.setLevel(level)


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


def _reject_unmapped(path: Path, pages: list[_PageText]) -> None:
    """A PDF whose fonts mostly lack a Unicode mapping has text that only looks like text."""
    unmapped = sum(p.unmapped for p in pages)
    if unmapped and unmapped > 0.3 * (unmapped + sum(p.visible for p in pages)):
        raise UnreadableFile(
            path,
            "PDF 的字体缺少字符映射，文字无法提取（只会得到乱码），需先 OCR 识别后再读取",
            "the PDF's fonts have no Unicode mapping, so its text cannot be extracted: run OCR first",
        )


def _recognise_scans(path: Path, pages: list[_PageText], limits: Limits) -> list[str]:
    """Pages without a text layer (an image over the page, or no text beside images) read by OCR
    (`scan_pdf`) in place; their warnings. Without the OCR engine installed they stay unread."""
    numbers = [n for n, p in enumerate(pages, start=1) if p.scanned or (p.has_images and not p.has_text)]
    if not numbers:
        return []
    try:
        from jixiao.ingest.scan_pdf import recognise_pages
    except ImportError:
        return []
    scans = recognise_pages(path, numbers, limits)
    for number, scan in scans.items():
        page = pages[number - 1]
        page.blocks, page.flags, page.size, page.body_bottom = scan.blocks, scan.flags, scan.size, scan.body_bottom
        page.has_text, page.scanned, page.margin_text, page.reach = scan.words > 0, False, {}, scan.reach
    read = [n for n, scan in scans.items() if scan.words]
    blank = [n for n, scan in scans.items() if not scan.words]
    warnings = []
    if read:
        warnings.append(
            f"第{_listed(read)}页是扫描图片，已经 OCR 识别，数字请与原件核对 / "
            f"page(s) {', '.join(map(str, read))} are scanned images, read by OCR"
        )
    if blank:
        warnings.append(
            f"第{_listed(blank)}页是扫描图片，OCR 未识别出文字 / "
            f"page(s) {', '.join(map(str, blank))} are scanned images without recognisable text"
        )
    return warnings + [w for n in read for w in scans[n].warnings]


def _listed(numbers: list[int]) -> str:
    return "、".join(map(str, numbers))


def _reject_scanned(path: Path, pages: list[_PageText]) -> None:
    with_text = sum(1 for p in pages if p.has_text)
    with_images = any(p.has_images for p in pages)
    if with_text == 0 or (with_images and with_text < 0.05 * len(pages)):
        raise ScannedPdf(
            path,
            f"扫描件，没有文字层，OCR 也未识别出文字（{len(pages)} 页中 {with_text} 页有文字）",
            f"scanned PDF without a text layer, and OCR found no text ({with_text} of {len(pages)} pages have text)",
        )


def _open_pdfium(path: Path) -> Any:
    """The document in pdfium, or None when pdfium cannot open what pdfplumber did (then pdfplumber reads it all)."""
    import pypdfium2

    try:
        return pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError:
        return None


def _page_input(page: Any, fast: Any, number: int, fonts: dict[Any, Any], complaints: _Complaints) -> PageInput:
    """The page from pdfium when it can describe it (pdf_pdfium.read_page), else from pdfplumber."""
    if fast is not None and number <= len(fast):
        known = _undamaged_descents(page, fonts, complaints)
        if known is not None:
            import pypdfium2

            try:
                fast_page = fast[number - 1]
                try:
                    found = pdfium_page(fast_page, known)
                finally:
                    fast_page.close()
            except pypdfium2.PdfiumError:
                found = None  # pdfium cannot load this page: pdfplumber reads it, or refuses the file
            if found is not None:
                return found
    ruled = bool(page.lines or page.rects or page.curves)
    return PageInput(
        chars=[c for c in page.chars if c.get("text")],
        images=[(float(i["x0"]), float(i["top"]), float(i["x1"]), float(i["bottom"])) for i in page.images],
        width=float(page.width),
        height=float(page.height),
        edges=page.edges if ruled else [],
    )


def _undamaged_descents(page: Any, fonts: dict[Any, Any], complaints: _Complaints) -> dict[str, Any] | None:
    """The page's font descents (pdf_pdfium.descents), or None when pdfminer finds the objects the page
    draws damaged: pdfium may read more of such a page than pdfminer, and the reader stays pdfminer's
    there (the same text, refusal and damage warning as before)."""
    from pdfminer.pdftypes import resolve1

    before = complaints.count
    try:
        known = descents(page, fonts)
        resources = page.page_obj.resources
        content = sum(len(resolve1(stream).get_data() or b"") for stream in page.page_obj.contents)
        for xobject in (resolve1(resources.get("XObject")) or {}).values():
            resolve1(xobject)
    except Exception:  # any trouble: pdfplumber reads the page and meets it as before
        return None
    # No content where pdfium may find some (a damaged /Length, a stream that does not inflate): pdfminer's
    # reading of the page, empty, is the one kept.
    return known if complaints.count == before and content else None


def _read_page(page: PageInput, number: int) -> _PageText:
    out = _PageText()
    chars: list[Char] = page.chars
    mapped = [c for c in chars if not c["text"].startswith("(cid:")]
    out.unmapped = len(chars) - len(mapped)
    chars = mapped
    visible = out.visible = sum(1 for c in chars if not c["text"].isspace())
    out.has_images = bool(page.images)
    covered = sum(_area(image) for image in page.images) / max(page.width * page.height, 1.0)
    out.scanned = covered > _SCAN_COVER and visible < _SCAN_TEXT
    out.has_text = visible >= _SCAN_TEXT or (visible > 0 and not out.scanned)
    if not visible:
        return out
    turn = _reading_turn(chars)
    width, height = page.width, page.height
    if turn:
        # Text set sideways (a rotated page or a landscape table on a portrait page): work in the frame
        # where it reads left to right, top to bottom; bboxes are then in that frame too.
        chars = [_turned_char(c, turn, width, height) for c in chars]
        width, height = height, width
    tables: list[Table] = []
    boxes: list[BBox] = []
    if page.edges:  # no ruling at all: no lattice table to find
        for found in _find_tables(page.edges):
            cells = [_turned(box, turn, page.width, page.height) for box in found.cells]
            built = grid(cells, chars)
            if built is not None:
                table, table_reach = built
                table.page = number
                out.reach[id(table)] = table_reach
                tables.append(table)
                boxes.append(_turned(found.bbox, turn, page.width, page.height))
    free = [c for c in chars if not _inside_any(c, boxes)] if boxes else chars
    lines = drop_page_numbers(lines_of(free), height)
    margins = margins_of(lines, width)
    gap = typical_gap(lines)
    band = MARGIN_BAND * height
    for segment in segments(lines, [b[1] for b in boxes]):
        for para_lines in paragraphs(segment, margins, gap):
            text = join_lines(para_lines)
            if not text:
                continue
            paragraph = Paragraph(text=text, page=number)
            first, last = para_lines[0], para_lines[-1]
            runs_on = last.x1 >= margins[1] - 2.5 * last.size and not last.text.endswith(CLOSING)
            out.flags[id(paragraph)] = (starts_paragraph(first, margins), runs_on)
            if last.bottom < band or first.top > height - band:
                out.margin_text[id(paragraph)] = _DIGITS.sub("#", text.replace(" ", ""))
            out.blocks.append((first.top, paragraph))
    for table, box in zip(tables, boxes, strict=True):
        out.blocks.append((box[1], table))
    out.blocks.sort(key=lambda item: item[0])
    out.size = (width, height)
    bottoms = [ln.bottom for ln in lines if ln.bottom < height - band] + [b[3] for b in boxes]
    out.body_bottom = max(bottoms, default=0.0)
    return out


@dataclass(slots=True)
class _Ruling:
    """What pdfplumber's lattice finder reads of a page (with line strategies): its edges."""

    edges: list[dict[str, Any]]


def _find_tables(edges: list[dict[str, Any]]) -> list[Any]:
    from pdfplumber.table import TableFinder, TableSettings

    return TableFinder(_Ruling(edges), TableSettings.resolve(TABLE_SETTINGS)).tables  # type: ignore[arg-type]


def _reading_turn(chars: list[Char]) -> int:
    """0 for upright text; 90 when most characters are sideways and run down the page, 270 up the page."""
    sideways = [c for c in chars if not c.get("upright", True) and not c["text"].isspace()]
    if len(sideways) * 2 <= len(chars):
        return 0
    steps = [b["top"] - a["top"] for a, b in pairwise(sideways) if abs(b["x0"] - a["x0"]) < 1]
    if not steps:
        return 0
    return 90 if median(steps) > 0 else 270


def _turned(box: BBox, turn: int, width: float, height: float) -> BBox:
    """A box (x0, top, x1, bottom) in the frame where text set at `turn` reads upright."""
    x0, top, x1, bottom = box
    if turn == 90:
        return (top, width - x1, bottom, width - x0)
    if turn == 270:
        return (height - bottom, x0, height - top, x1)
    return box


def _turned_char(char: Char, turn: int, width: float, height: float) -> Char:
    x0, top, x1, bottom = _turned((char["x0"], char["top"], char["x1"], char["bottom"]), turn, width, height)
    return {**char, "x0": x0, "top": top, "x1": x1, "bottom": bottom, "upright": True}


def _area(box: BBox) -> float:
    return max(box[2] - box[0], 0.0) * max(box[3] - box[1], 0.0)


def _inside_any(char: Char, boxes: list[BBox]) -> bool:
    cx = (char["x0"] + char["x1"]) / 2
    cy = (char["top"] + char["bottom"]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def _join_pages(pages: list[_PageText]) -> list[Block]:
    """Concatenate the pages' blocks: running headers and footers are dropped, a paragraph that runs
    on onto the next page is joined, and so is a table that continues at the top of the next page
    with the same columns."""
    furniture = _running_heads(pages)
    usable: dict[tuple[float, float], float] = {}  # per page size: the lowest body content seen
    for page in pages:
        usable[page.size] = max(usable.get(page.size, 0.0), page.body_bottom)
    blocks: list[Block] = []
    carry = False
    reach: dict[int, Reach] = {}
    for page in pages:
        reach.update(page.reach)
        page_blocks = [b for _, b in page.blocks if page.margin_text.get(id(b)) not in furniture]
        head = page_blocks[0] if page_blocks else None
        if isinstance(head, Table) and blocks and isinstance(blocks[-1], Table):
            if _fills_its_page(blocks[-1], head, pages, usable) and continue_table(blocks[-1], head, reach):
                page_blocks.pop(0)
        elif isinstance(head, Paragraph) and carry and not page.flags[id(head)][0]:
            previous = blocks[-1]
            assert isinstance(previous, Paragraph)
            previous.text += joiner(previous.text[-1:], head.text[:1]) + head.text
            page_blocks.pop(0)
        if not page_blocks:
            # Nothing left: the page held only the continuation, which may run on again.
            carry = carry and isinstance(head, Paragraph) and page.flags[id(head)][1]
            continue
        blocks.extend(page_blocks)
        tail = page_blocks[-1]
        carry = isinstance(tail, Paragraph) and page.flags[id(tail)][1]
    return blocks


def _fills_its_page(table: Table, following: Table, pages: list[_PageText], usable: dict[Any, float]) -> bool:
    """Whether `table` ends where its page is full: the first row of `following` would not have fitted
    below it. A table that ends with room to spare was followed by a deliberate page break, so the
    table on the next page is another one (the money tables of a report often share their columns)."""
    last_page = max((c.page or table.page or 1) for c in table.cells)
    bottom = max((c.bbox[3] for c in table.cells if c.bbox and (c.page or table.page) == last_page), default=0.0)
    heights = [c.bbox[3] - c.bbox[1] for c in following.cells if c.bbox and c.row == 0 and c.rowspan == 1]
    next_row = min(heights, default=0.0)
    return bottom + next_row + 2 >= usable[pages[last_page - 1].size]


def _running_heads(pages: list[_PageText]) -> set[str]:
    """Margin texts that recur on at least half the pages (and on three or more): headers, footers."""
    counts: dict[str, int] = {}
    for page in pages:
        for text in set(page.margin_text.values()):
            counts[text] = counts.get(text, 0) + 1
    with_text = sum(1 for p in pages if p.has_text)
    return {text for text, n in counts.items() if n >= 3 and n >= 0.5 * with_text}
