"""Screenshots of every form and narrative outline: render from a seed report (../shared, when the
checkout has it; the bundled samples otherwise), convert to PDF in one LibreOffice batch, page 1 to
PNG with pdftoppm, saved as docs/images/<id>.png.

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
SAMPLES = ROOT / "src" / "jixiao" / "samples"
SHARED = ROOT.parent / "shared"
# seed 000 (临湘市公安局, Template A: contact, evaluators, 综述) for department forms and the narrative
# outlines; the seeds have no project report, so project forms show corpus form 013 (石狮市看守所)
DEPT_SOURCES = (SHARED / "seeds" / "000_30a2303e1e92f5c4.txt", SAMPLES / "dept_table_yunxi_transport_2023.docx")
PROJECT_SOURCES = (
    SHARED / "corpus" / "forms" / "013_shishi_kanshousuo_jiben_2022.xlsx",
    SAMPLES / "project_qingshan_school_repair_2023.docx",
)


def first_present(paths: tuple[Path, ...]) -> Path:
    return next(p for p in paths if p.is_file())


def main() -> int:
    from jixiao import extract, ingest
    from jixiao.render.api import catalog
    from jixiao.render.forms import get_form, render_docx_bytes
    from jixiao.render.narrative import assess, narrative_docx_bytes
    from jixiao.render.pdf import docx_batch_to_pdf

    dept = extract.extract(ingest.read(first_present(DEPT_SOURCES)))
    project = extract.extract(ingest.read(first_present(PROJECT_SOURCES)))
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-shots-") as tmp:
        items: list[tuple[bytes, Path]] = []
        for entry in catalog():
            output_id = str(entry["id"])
            if output_id.startswith("narrative-"):
                outline = output_id.removeprefix("narrative-")
                data = narrative_docx_bytes(dept, outline, assess(dept))
            else:
                form = get_form(output_id)
                data = render_docx_bytes(form, project if form.kind == "project" else dept)
            items.append((data, Path(tmp) / f"{output_id}.pdf"))
        pdfs = docx_batch_to_pdf(items)  # one LibreOffice start for all of them
        for pdf in pdfs:
            prefix = Path(tmp) / pdf.stem
            subprocess.run(["pdftoppm", "-r", "90", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True)
            (png,) = Path(tmp).glob(f"{pdf.stem}-*1.png")
            target = IMAGES / f"{pdf.stem}.png"
            target.write_bytes(png.read_bytes())
            print(target.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
