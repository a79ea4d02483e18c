"""The fast readers give what the readers before them gave: the same blocks, cells, spans and provenance.

The old readers are kept only for this comparison (`jixiao.ingest.legacy_xlsx`, `legacy_docx`,
`legacy_pdf`). Every workbook, Word document and PDF of the shared corpus (all folders), the seeds, the
bundled samples and the hostile reproducers is read by both, and so are generated workbooks that mix what
real forms hold (merged ranges, number formats, dates, hidden rows, columns and sheets, formulas with and
without cached values, rich and inline text), a document with unusual style names and generated PDFs.
Where outcomes differ on purpose, INTENDED says why."""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from builders import SPENDING_TABLE, build_pdf
from jixiao.errors import UnreadableFile
from jixiao.ingest.docx import read_docx
from jixiao.ingest.legacy_docx import read_docx_before
from jixiao.ingest.legacy_pdf import read_pdf_pdfplumber
from jixiao.ingest.legacy_xlsx import read_xlsx_openpyxl
from jixiao.ingest.limits import DEFAULT_LIMITS, Limits
from jixiao.ingest.pdf import read_pdf
from jixiao.ingest.xlsx import read_xlsx
from jixiao.model.document import Document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FOLDERS = [SHARED / "corpus", SHARED / "seeds", SHARED / "hostile", ROOT / "src" / "jixiao" / "samples"]


def files(suffix: str) -> list[Path]:
    return sorted(p for folder in FOLDERS if folder.is_dir() for p in folder.rglob(f"*{suffix}"))


# Outcomes that differ on purpose, by file: the old reader refused what Excel opens.
INTENDED: dict[str, str] = {
    "refusal_multiline_corrupt__case1989.xlsx": (
        "a merged range ZZZZ1:A1 names a column beyond ZZZ: openpyxl refuses the workbook, Excel drops the range"
    ),
}

Outcome = dict[str, Any] | tuple[str, str]


def outcome(reader: Callable[[Path, Limits], Document], path: Path) -> Outcome:
    """The document as data, or the kind of refusal (a refusal's numbers may differ: the new reader stops
    at the first merged range past the limit, the old one added them all up first)."""
    try:
        return reader(path, DEFAULT_LIMITS).to_dict()
    except UnreadableFile as exc:
        return ("refused", type(exc).__name__)


def test_the_corpus_holds_workbooks() -> None:
    assert len(files(".xlsx")) >= 8  # the comparison below is not vacuous


@pytest.mark.parametrize("path", files(".xlsx"), ids=lambda p: p.name)
def test_xlsx_corpus_file_reads_as_before(path: Path) -> None:
    old, new = outcome(read_xlsx_openpyxl, path), outcome(read_xlsx, path)
    if path.name in INTENDED:
        assert old != new and isinstance(old, tuple) and isinstance(new, dict), INTENDED[path.name]
        return
    assert new == old


def random_workbook(path: Path, seed: int) -> Path:
    """A workbook of what report forms hold, drawn at random but the same for a seed."""
    rng = random.Random(seed)
    workbook = openpyxl.Workbook()
    formats = ["General", "0.00", "#,##0.00", "0%", "0.00%", "yyyy-mm-dd", "yyyy/m/d h:mm", "h:mm:ss", "0.0_ "]
    formats += ['"¥"#,##0.00;[Red]-"¥"#,##0.00', "[h]:mm", "@", "0.00E+00", "yyyy年m月d日"]
    texts = ["项目名称", "  前后有空格  ", "第一段；\n\n第二段", "≥95%", "", "x005F_x000D_", "100", "TRUE"]
    for sheet_number in range(rng.randint(1, 3)):
        ws = workbook.active if sheet_number == 0 else workbook.create_sheet(f"表{sheet_number}")
        assert ws is not None
        if sheet_number and rng.random() < 0.3:
            ws.sheet_state = rng.choice(["hidden", "veryHidden"])
        n_rows, n_cols = rng.randint(1, 30), rng.randint(1, 9)
        for r in range(1, n_rows + 1):
            if rng.random() < 0.15:
                continue  # an empty row: tables split there
            for c in range(1, n_cols + 1):
                roll = rng.random()
                cell = ws.cell(r, c)
                if roll < 0.3:
                    cell.value = rng.choice(texts)
                elif roll < 0.55:
                    cell.value = rng.choice(
                        [rng.randint(-(10**6), 10**12), round(rng.uniform(-1e5, 1e7), rng.randint(0, 6))]
                    )
                elif roll < 0.62:
                    cell.value = dt.datetime(2020, 1, 1) + dt.timedelta(
                        days=rng.randint(0, 2000), seconds=rng.choice([0, 3600, 5025])
                    )
                elif roll < 0.66:
                    cell.value = rng.choice([True, False])
                elif roll < 0.7:
                    cell.value = f"=SUM(A1:A{r})"  # written without a cached value
                elif roll < 0.75:
                    cell.value = rng.uniform(0, 1)
                if rng.random() < 0.5:
                    cell.number_format = rng.choice(formats)
            if rng.random() < 0.1:
                ws.row_dimensions[r].hidden = True
        for c in range(1, n_cols + 1):
            if rng.random() < 0.1:
                ws.column_dimensions[get_column_letter(c)].hidden = True
        taken: set[tuple[int, int]] = set()
        for _ in range(rng.randint(0, 6)):
            top, left = rng.randint(1, n_rows), rng.randint(1, n_cols)
            bottom, right = min(n_rows, top + rng.randint(0, 4)), min(n_cols, left + rng.randint(0, 3))
            area = {(r, c) for r in range(top, bottom + 1) for c in range(left, right + 1)}
            if area & taken or len(area) == 1:
                continue
            taken |= area
            ws.merge_cells(start_row=top, start_column=left, end_row=bottom, end_column=right)
    workbook.save(path)
    return path


@pytest.mark.parametrize("seed", range(60))
def test_generated_workbook_reads_as_before(tmp_path: Path, seed: int) -> None:
    path = random_workbook(tmp_path / f"random{seed}.xlsx", seed)
    old, new = outcome(read_xlsx_openpyxl, path), outcome(read_xlsx, path)
    assert isinstance(old, dict)
    assert new == old


# --- docx ---------------------------------------------------------------------------------------------


def styled_docx(path: Path) -> Path:
    """A document whose styles hold what the styles scan must get right: Chinese names, entities."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    for name in ("自评标题", "A & B", "x<y>"):
        document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        document.add_paragraph(f"{name} 的段落", style=name)
    document.add_paragraph("七级标题", style="Heading 7")
    document.add_heading("一、基本情况", level=1)
    document.save(str(path))
    return path


def test_the_corpus_holds_documents() -> None:
    assert len(files(".docx")) >= 10


@pytest.mark.parametrize("path", files(".docx"), ids=lambda p: p.name)
def test_docx_corpus_file_reads_as_before(path: Path) -> None:
    assert outcome(read_docx, path) == outcome(read_docx_before, path)


def test_docx_styles_read_as_before(tmp_path: Path) -> None:
    path = styled_docx(tmp_path / "styled.docx")
    new = outcome(read_docx, path)
    assert new == outcome(read_docx_before, path)
    assert isinstance(new, dict)
    assert {"自评标题", "A & B", "x<y>", "Heading 7", "Heading 1"} <= {b.get("style") for b in new["blocks"]}


# --- pdf ----------------------------------------------------------------------------------------------

# The pdfium reader (`read_pdf`, pdfium on) against the pdfplumber reader it replaces (`legacy_pdf`): the same
# Document, to the last cell box (pdfium's float32 coordinates round to the same 0.01 pt). Pages pdfium
# cannot describe are read by pdfplumber in both; the first test makes sure most pages are not such pages.


def read_pdf_pdfium(path: Path, limits: Limits) -> Document:
    return read_pdf(path, limits, pdfium=True)


def pages_pdfium_reads(path: Path) -> tuple[int, int]:
    """(pages pdfium describes, pages) of a PDF: the comparison below compares pdfium's reading on those."""
    import pdfplumber
    import pypdfium2

    from jixiao.ingest import pdf_pdfium

    fonts: dict[int, Any] = {}
    with pdfplumber.open(path) as plumber:
        document = pypdfium2.PdfDocument(str(path))
        try:
            read = 0
            for number, page in enumerate(plumber.pages):
                known = pdf_pdfium.descents(page, fonts)
                read += known is not None and pdf_pdfium.read_page(document[number], known) is not None
            return read, len(plumber.pages)
        finally:
            document.close()


def test_the_corpus_holds_pdfs_pdfium_reads() -> None:
    readable = [path for path in files(".pdf") if isinstance(outcome(read_pdf_pdfplumber, path), dict)]
    assert len(readable) >= 5
    counts = [pages_pdfium_reads(path) for path in readable]
    assert sum(read for read, _ in counts) >= 0.6 * sum(total for _, total in counts)  # 18 of 25 when written


@pytest.mark.parametrize("path", files(".pdf"), ids=lambda p: p.name)
def test_pdf_corpus_file_reads_as_before_with_pdfium(path: Path) -> None:
    assert outcome(read_pdf_pdfium, path) == outcome(read_pdf_pdfplumber, path)


def _bench_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench", module)
    spec.loader.exec_module(module)
    return module


def test_generated_pdfs_read_as_before_with_pdfium(tmp_path: Path) -> None:
    """reportlab's CID font (no embedded file) and a long merged table over landscape pages."""
    built = [build_pdf(tmp_path / "grid.pdf"), build_pdf(tmp_path / "spending.pdf", SPENDING_TABLE)]
    _bench_module().write_long_pdf(tmp_path / "long.pdf", 4)
    for path in [*built, tmp_path / "long.pdf"]:
        new = outcome(read_pdf_pdfium, path)
        assert isinstance(new, dict) and new["blocks"], path.name
        assert new == outcome(read_pdf_pdfplumber, path), path.name


def test_a_pdf_pdfium_cannot_load_is_read_by_pdfplumber(monkeypatch: pytest.MonkeyPatch) -> None:
    """pdfium failing on a file or a page pdfplumber reads is no refusal: pdfplumber reads it as before."""
    import pypdfium2

    sample = ROOT / "src" / "jixiao" / "samples" / "project_qingshan_school_repair_2023.pdf"
    before = outcome(read_pdf_pdfplumber, sample)
    assert isinstance(before, dict)

    calls: list[object] = []

    def fails(*args: object, **kwargs: object) -> None:
        calls.append(args)
        raise pypdfium2.PdfiumError("Failed to load page.")

    monkeypatch.setattr(pypdfium2.PdfDocument, "get_page", fails)
    assert outcome(read_pdf_pdfium, sample) == before
    monkeypatch.setattr(pypdfium2, "PdfDocument", fails)
    assert outcome(read_pdf_pdfium, sample) == before
    assert len(calls) == 2  # the page, then the document


def test_damaged_pdfs_read_or_refused_as_before_with_pdfium(tmp_path: Path) -> None:
    """Flipped bytes, cut tails, cut-out spans and a wrong /Length: the same Document (damage warning
    included) or the same refusal; pdfium, which reads more of a damaged page, must not read it here."""
    import re

    source = ROOT / "src" / "jixiao" / "samples" / "project_qingshan_school_repair_2023.pdf"
    original = source.read_bytes()
    copies = [re.sub(rb"/Length (\d+)", lambda m: b"/Length " + str(int(m.group(1)) + 7).encode(), original)]
    rng = random.Random(15)
    for i in range(45):
        data = bytearray(original)
        if i % 3 == 0:
            for _ in range(rng.randrange(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif i % 3 == 1:
            data = data[: rng.randrange(1, len(data))]
        else:
            start = rng.randrange(len(data))
            del data[start : start + rng.randrange(1, 200)]
        copies.append(bytes(data))
    for i, data in enumerate(copies):
        path = tmp_path / f"copy{i}.pdf"
        path.write_bytes(data)
        new, old = outcome(read_pdf_pdfium, path), outcome(read_pdf_pdfplumber, path)
        assert new == old, (path.name, new if isinstance(new, tuple) else new["warnings"], old)
