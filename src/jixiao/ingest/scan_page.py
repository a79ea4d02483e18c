"""One page image → paragraphs and ruled tables, as the PDF reader gives them for a born-digital page.

The page is cleaned and turned upright (`scan_prep`), recognised (`ocr`), and its ruling lines give
the tables' cells (`scan_tables`). Each recognised word becomes characters placed where the engine
saw them, in PDF points (pixels × 72 / dpi), so the PDF reader's own geometry builds the result:
`pdf_tables.grid` puts the characters into the cells of the span-aware grid, `pdf_lines` makes lines
and paragraphs of the rest. Cells and paragraphs carry the page and bbox as a PDF's do, and each
cell the lowest confidence of the words in it. Coordinates are those of the upright, deskewed page.

A word with a digit recognised with low confidence becomes a warning naming its page and box: a
number read from a scan is never silently trusted.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from jixiao.ingest import ocr
from jixiao.ingest.pdf_lines import (
    CLOSING,
    Char,
    drop_page_numbers,
    join_lines,
    lines_of,
    margins_of,
    paragraphs,
    segments,
    starts_paragraph,
    typical_gap,
)
from jixiao.ingest.pdf_tables import Reach, grid
from jixiao.ingest.scan_prep import deskew, flatten_sheet, gray_without_seals, is_blank, quarter_turns
from jixiao.ingest.scan_tables import table_cells
from jixiao.model.document import Block, Paragraph, Table

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Image = NDArray[Any]  # uint8: height × width × 3 (RGB) or height × width (gray)
else:
    Image = Any

LOW_CONFIDENCE = 0.8  # below this a digit is not trusted without a look at the page
_GLYPH_SHARE = 0.7  # a detected text line's box is taller than its glyphs (the detector pads it)


@dataclass(slots=True)
class ScannedPage:
    """What one page image gave, in the shape the PDF reader joins pages from."""

    blocks: list[tuple[float, Block]] = field(default_factory=list)
    # per paragraph (by id): whether it visibly starts a paragraph and whether it may run on
    flags: dict[int, tuple[bool, bool]] = field(default_factory=dict)
    size: tuple[float, float] = (0.0, 0.0)  # points, upright
    body_bottom: float = 0.0
    warnings: list[str] = field(default_factory=list)
    words: int = 0
    reach: dict[int, Reach] = field(default_factory=dict)  # per table (by id): what a page break may have cut


def read_page_image(rgb: Image, number: int, dpi: float, engine: ocr.OcrEngine | None = None) -> ScannedPage:
    """Recognise one page image (RGB, `dpi` pixels per inch) into blocks with page and bbox provenance."""

    original = flatten_sheet(gray_without_seals(rgb), dpi)
    if is_blank(original):
        out = ScannedPage(size=(original.shape[1] * 72.0 / dpi, original.shape[0] * 72.0 / dpi))
        out.warnings.append(f"第{number}页是空白页 / page {number} is blank")
        return out
    gray, words = _recognised(deskew(original)[0], engine)
    if _sideways(words):
        for turned in quarter_turns(original):
            candidate = _recognised(deskew(turned)[0], engine)
            if _weight(candidate[1]) > _weight(words):
                gray, words = candidate
    scale = 72.0 / dpi
    out = ScannedPage(size=(gray.shape[1] * scale, gray.shape[0] * scale), words=len(words))
    if not words:
        out.warnings.append(f"第{number}页没有识别出文字（空白页或图片） / page {number}: no text recognised")
        return out
    chars = [c for w in words for c in _chars(w, scale)]
    out.warnings.extend(_doubtful_digits(words, number, scale))
    tables: list[Table] = []
    boxes: list[tuple[float, float, float, float]] = []
    for cells in table_cells(gray):
        cell_boxes = [(b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale) for b in cells]
        built = grid(cell_boxes, chars)
        if built is None:
            continue
        table = _with_confidence(built[0], chars)
        table.page = number
        out.reach[id(table)] = built[1]
        tables.append(table)
        boxes.append(
            (
                min(b[0] for b in cell_boxes),
                min(b[1] for b in cell_boxes),
                max(b[2] for b in cell_boxes),
                max(b[3] for b in cell_boxes),
            )
        )
    free = [c for c in chars if not any(_centre_in(c, b) for b in boxes)]
    width, height = out.size
    lines = drop_page_numbers(lines_of(free), height)
    margins = margins_of(lines, width)
    gap = typical_gap(lines)
    for segment in segments(lines, [b[1] for b in boxes]):
        for para_lines in paragraphs(segment, margins, gap):
            text = join_lines(para_lines)
            if not text:
                continue
            paragraph = Paragraph(text=text, page=number)
            last = para_lines[-1]
            runs_on = last.x1 >= margins[1] - 2.5 * last.size and not last.text.endswith(CLOSING)
            out.flags[id(paragraph)] = (starts_paragraph(para_lines[0], margins), runs_on)
            out.blocks.append((para_lines[0].top, paragraph))
    out.blocks.extend((box[1], table) for table, box in zip(tables, boxes, strict=True))
    out.blocks.sort(key=lambda item: item[0])
    out.body_bottom = max([ln.bottom for ln in lines] + [b[3] for b in boxes], default=0.0)
    return out


def _recognised(gray: Image, engine: ocr.OcrEngine | None) -> tuple[Image, list[ocr.Word]]:
    import numpy as np

    return gray, ocr.recognize(np.ascontiguousarray(np.dstack([gray, gray, gray])), engine)


def _sideways(words: list[ocr.Word]) -> bool:
    """Whether most text lines of several characters stand taller than wide: the page lies on its side."""
    lines = {w.line_box for w in words}
    long = [b for b in lines if max(b[2] - b[0], b[3] - b[1]) > 3 * min(b[2] - b[0], b[3] - b[1])]
    tall = [b for b in long if b[3] - b[1] > b[2] - b[0]]
    return len(long) >= 5 and len(tall) > len(long) / 2


def _weight(words: list[ocr.Word]) -> float:
    """How much text a reading found, weighed by the engine's confidence: the better of two turns."""
    return sum(w.confidence * len(w.text) for w in words)


def _chars(word: ocr.Word, scale: float) -> list[Char]:
    """A word's characters, spread evenly over its box, on its text line's top and bottom."""
    text = word.text.strip()
    x0, _, x1, _ = word.box
    top, bottom = word.line_box[1] * scale, word.line_box[3] * scale
    size = max((bottom - top) * _GLYPH_SHARE, 1.0)
    step = (x1 - x0) / len(text)
    return [
        {
            "text": ch,
            "x0": (x0 + i * step) * scale,
            "x1": (x0 + (i + 1) * step) * scale,
            "top": top,
            "bottom": bottom,
            "size": size,
            "upright": True,
            "confidence": word.confidence,
        }
        for i, ch in enumerate(text)
    ]


def _centre_in(char: Char, box: tuple[float, float, float, float]) -> bool:
    cx = (char["x0"] + char["x1"]) / 2
    cy = (char["top"] + char["bottom"]) / 2
    return bool(box[0] <= cx <= box[2] and box[1] <= cy <= box[3])


def _with_confidence(table: Table, chars: list[Char]) -> Table:
    """The table with each cell's confidence: the lowest of the characters whose centre lies in it."""
    cells = []
    for cell in table.cells:
        inside = [c["confidence"] for c in chars if cell.bbox is not None and _centre_in(c, cell.bbox)]
        cells.append(replace(cell, confidence=round(min(inside), 3)) if inside else cell)
    table.cells = cells
    return table


def _doubtful_digits(words: list[ocr.Word], number: int, scale: float) -> list[str]:
    """One warning per word with a digit the engine was not sure of, naming its page and box (points)."""
    out = []
    for word in words:
        if word.confidence < LOW_CONFIDENCE and any(ch.isdigit() for ch in word.text):
            box = ", ".join(f"{v * scale:.0f}" for v in word.box)
            out.append(
                f"第{number}页 [{box}] 处的数字「{word.text}」识别置信度低（{word.confidence:.2f}），请核对原件 / "
                f"page {number} [{box}]: low OCR confidence {word.confidence:.2f} for '{word.text}'"
            )
    return out
