"""The PDF reader before pdfium (issue 15), kept only for the equivalence test: every page read by pdfplumber."""

from __future__ import annotations

from pathlib import Path

from jixiao.ingest.limits import Limits
from jixiao.ingest.pdf import read_pdf
from jixiao.model.document import Document


def read_pdf_pdfplumber(path: Path, limits: Limits) -> Document:
    """Read the PDF with pdfplumber alone (pdfminer interprets every page), as `read_pdf` did before pdfium."""
    return read_pdf(path, limits, pdfium=False)
