"""PDF through LibreOffice headless, one soffice start for the whole batch: every form (xlsx and
docx) converts, the PDFs hold real Chinese text (the unit name, the total score), page 1 is not blank."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from jixiao.render.forms import get_form, render_docx_bytes, render_form
from jixiao.render.narrative import assess, narrative_docx_bytes
from jixiao.render.pdf import convert_batch, soffice
from test_render_forms import FORM_IDS, report

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed: run make system"),
    pytest.mark.skipif(
        shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
        reason="poppler-utils (pdftotext, pdftoppm) are not installed: run make system",
    ),
]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The narrative report and every form as docx and as xlsx, converted in ONE LibreOffice start."""
    src = tmp_path_factory.mktemp("src")
    r = report()
    sources = [src / "narrative-hunan.docx"]
    sources[0].write_bytes(narrative_docx_bytes(r, "hunan", assess(r)))
    for form_id in FORM_IDS:
        docx = src / f"{form_id}.docx"
        docx.write_bytes(render_docx_bytes(get_form(form_id), r))
        sources.append(docx)
        sources.append(render_form(r, form_id, "xlsx", src / f"{form_id}-xlsx.xlsx"))
    outputs = convert_batch(sources, "pdf", tmp_path_factory.mktemp("pdf"))
    return {p.stem: p for p in outputs}


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_every_pdf_has_the_unit_name_and_total_score(pdfs: dict[str, Path]) -> None:
    assert set(pdfs) == {"narrative-hunan", *FORM_IDS, *[f"{f}-xlsx" for f in FORM_IDS]}
    for name, path in pdfs.items():
        assert path.read_bytes().startswith(b"%PDF")
        text = pdf_text(path)
        assert "青山县教育局" in text, name
        assert "96.4" in text, name
    assert "存在问题" in pdf_text(pdfs["narrative-hunan"])
    assert "偏差原因分析" in pdf_text(pdfs["national-project"])


def test_page_one_is_not_blank(pdfs: dict[str, Path], tmp_path: Path) -> None:
    from PIL import Image

    for name in ("narrative-hunan", "hunan-dept-b"):
        prefix = tmp_path / name
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdfs[name]), str(prefix)], check=True)
        (png,) = tmp_path.glob(f"{name}*.png")
        image = Image.open(png).convert("L")
        dark = sum(image.histogram()[:128])  # pixels darker than mid-grey
        assert dark > 0.005 * image.width * image.height, f"{name}: page 1 looks blank"


def test_xlsx_forms_convert_too(pdfs: dict[str, Path]) -> None:
    for form_id in FORM_IDS:
        text = pdf_text(pdfs[f"{form_id}-xlsx"])
        assert "青山县教育局" in text and "96.4" in text, form_id


def test_render_pdf_through_the_cli_path(tmp_path: Path) -> None:
    out = render_form(report(), "hunan-dept-b", "pdf", tmp_path / "b.pdf")
    assert "部门整体支出绩效自评表" in pdf_text(out)
    assert [p.name for p in tmp_path.iterdir()] == ["b.pdf"]
