"""Image files → Document: JPEG, PNG and TIFF (every page of a multi-page TIFF), read by OCR.

Each frame is one page, recognised by `scan_page`. The image's own resolution (its dpi tag) converts
pixels to points; without one, a page is taken to be A4 in its longer side. A frame larger than
`MAX_PIXELS` is refused before it is decoded (a 20000 × 20000 image would need 1.2 GB decoded);
one larger than `MAX_SIDE` pixels a side is scaled down first, so memory stays bounded by a page.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path
from typing import Any

from jixiao.errors import CorruptFile, TooLarge
from jixiao.ingest.limits import Limits, allow_more_time
from jixiao.ingest.pdf_lines import joiner
from jixiao.ingest.pdf_tables import Reach, continue_table
from jixiao.ingest.scan_page import ScannedPage, read_page_image
from jixiao.model.document import Block, Document, Paragraph, Source, Table, number_blocks

MAX_PIXELS = 60_000_000  # A4 at 600 dpi is 35 million
MAX_SIDE = 3600  # pixels: an A4 page at about 300 dpi; larger frames are scaled down
_A4_LONG_SIDE_INCHES = 11.69


def read_image(path: Path, limits: Limits) -> Document:
    """Recognise every frame of an image file, one page each."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    pages: list[ScannedPage] = []
    try:
        with warnings.catch_warnings(), Image.open(path) as image:
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # refused below by our own bound
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if number > limits.max_pdf_pages:
                    raise TooLarge(path, f"图片页数过多（上限 {limits.max_pdf_pages} 页）", "too many frames")
                allow_more_time(limits.ocr_seconds_per_page)
                pages.append(_read_frame(path, frame, number))
    except Image.DecompressionBombError:
        raise TooLarge(path, "图片过大，超过像素上限", "image too large (pixel limit)") from None
    except UnidentifiedImageError:
        raise CorruptFile(path, "图片文件已损坏或格式无法识别", "corrupt or unrecognised image") from None
    except (OSError, SyntaxError, ValueError) as exc:  # Pillow's errors for a truncated or damaged image
        raise CorruptFile(path, "图片文件已损坏，无法解码", f"corrupt image ({type(exc).__name__}: {exc})") from None
    notes = ["图片经 OCR 识别，数字请与原件核对 / read by OCR from an image"]
    notes += [w for page in pages for w in page.warnings]
    return Document(
        source=Source(path=str(path), sha256=digest, format="image", pages=len(pages)),
        blocks=number_blocks(join_scanned(pages)),
        warnings=notes,
    )


def _read_frame(path: Path, frame: Any, number: int) -> ScannedPage:
    import numpy as np

    width, height = frame.size
    if width * height > MAX_PIXELS:
        raise TooLarge(
            path,
            f"第{number}页图片过大（{width}×{height} 像素，上限 {MAX_PIXELS // 1_000_000} 百万像素）",
            f"page {number}: image too large ({width}x{height} pixels)",
        )
    dpi = _dpi(frame)
    rgb = frame.convert("RGB")
    longest = max(width, height)
    if longest > MAX_SIDE:
        factor = MAX_SIDE / longest
        rgb = rgb.resize((max(1, int(width * factor)), max(1, int(height * factor))))
        dpi *= factor
    return read_page_image(np.asarray(rgb), number, dpi)


def _dpi(frame: Any) -> float:
    """The frame's resolution: its dpi tag when plausible, else that of an A4 page filling the image."""
    tagged = frame.info.get("dpi")
    if tagged and 50 <= float(tagged[0]) <= 1200:
        return float(tagged[0])
    return float(max(frame.size)) / _A4_LONG_SIDE_INCHES


def join_scanned(pages: list[ScannedPage]) -> list[Block]:
    """The pages' blocks in order: a paragraph that runs on continues with the next page's first one,
    and a table at the top of a page continues the table that ended the page before when their
    columns agree (`pdf_tables.continue_table`, as for a PDF)."""
    blocks: list[Block] = []
    reach: dict[int, Reach] = {}
    carry = False
    for page in pages:
        reach.update(page.reach)
        page_blocks = [b for _, b in page.blocks]
        head = page_blocks[0] if page_blocks else None
        if isinstance(head, Table) and blocks and isinstance(blocks[-1], Table):
            if continue_table(blocks[-1], head, reach):
                page_blocks.pop(0)
        elif carry and isinstance(head, Paragraph) and not page.flags[id(head)][0]:
            previous = blocks[-1]
            assert isinstance(previous, Paragraph)
            previous.text += joiner(previous.text[-1:], head.text[:1]) + head.text
            page_blocks.pop(0)
        blocks.extend(page_blocks)
        tail = blocks[-1] if blocks else None
        carry = isinstance(tail, Paragraph) and bool(page_blocks) and page.flags.get(id(tail), (False, False))[1]
    return blocks
