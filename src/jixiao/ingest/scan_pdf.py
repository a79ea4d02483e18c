"""The pages of a PDF that have no text layer, rendered (pypdfium2) and recognised one at a time.

Pages are rendered at `SCAN_DPI` (200 dpi: the recogniser's detector works on at most 2000 pixels
a side, and an A4 page at 200 dpi is 1654 × 2339) and recognised in turn: onnxruntime already uses
every core for one page, and one page at a time keeps memory bounded by a page (about 1 GB).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from jixiao.ingest.limits import Limits, allow_more_time
from jixiao.ingest.scan_page import ScannedPage, read_page_image

SCAN_DPI = 200


def recognise_pages(path: Path, numbers: Iterable[int], limits: Limits, dpi: int = SCAN_DPI) -> dict[int, ScannedPage]:
    """The recognised pages, by their 1-based number."""
    import numpy as np
    import pypdfium2 as pdfium

    out: dict[int, ScannedPage] = {}
    pdf = pdfium.PdfDocument(path)
    try:
        for number in numbers:
            allow_more_time(limits.ocr_seconds_per_page)
            page = pdf[number - 1]
            try:
                bitmap = page.render(scale=dpi / 72)
                rgb = np.asarray(bitmap.to_pil().convert("RGB"))
            finally:
                page.close()
            out[number] = read_page_image(rgb, number, dpi)
    finally:
        pdf.close()
    return out
