"""Screenshots of every form and narrative outline: render from a bundled sample report, convert to
PDF in one LibreOffice batch, page 1 to PNG with pdftoppm, saved as docs/images/<id>.png.

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
# a department report with a full indicator table, and the project form sample for project forms
DEPT_SAMPLE = SAMPLES / "dept_table_yunxi_transport_2023.docx"
PROJECT_SAMPLE = SAMPLES / "project_qingshan_school_repair_2023.docx"


def main() -> int:
    from jixiao import extract, ingest
    from jixiao.render.api import catalog
    from jixiao.render.forms import get_form, render_docx_bytes
    from jixiao.render.narrative import assess, narrative_docx_bytes
    from jixiao.render.pdf import docx_batch_to_pdf

    dept = extract.extract(ingest.read(DEPT_SAMPLE))
    project = extract.extract(ingest.read(PROJECT_SAMPLE))
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
            subprocess.run(["pdftoppm", "-r", "70", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)], check=True)
            (png,) = Path(tmp).glob(f"{pdf.stem}-*1.png")
            target = IMAGES / f"{pdf.stem}.png"
            target.write_bytes(png.read_bytes())
            print(target.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
