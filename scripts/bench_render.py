"""Benchmark section for `make bench`: rendering every official output for one report, and the PDFs.

Steps timed (one report extracted from a bundled sample; extraction itself is not timed here):
each form to xlsx and to docx, the narrative report (scoring + rules + charts + docx) per outline,
the entry template written and imported back, then every docx turned into PDF with ONE LibreOffice
start for the whole batch (LibreOffice is never started once per file).

Standalone: .venv/bin/python scripts/bench_render.py
"""

from __future__ import annotations

import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

SAMPLE = ROOT / "src" / "jixiao" / "samples" / "dept_table_yunxi_transport_2023.docx"


def _timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def run() -> str:
    from jixiao import extract, ingest
    from jixiao.render.entry import import_template, write_template
    from jixiao.render.forms import get_form, list_forms, render_docx_bytes, render_xlsx
    from jixiao.render.narrative import assess, narrative_docx_bytes, outlines
    from jixiao.render.pdf import docx_batch_to_pdf, soffice

    report = extract.extract(ingest.read(SAMPLE))
    rows: list[tuple[str, float]] = []
    docx_items: list[tuple[bytes, Path]] = []
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-render-") as tmp:
        out = Path(tmp)
        # warm-up: imports and template caches are a one-off cost, not a per-report one
        render_xlsx(get_form("hunan-dept-b"), report, out / "warm.xlsx")
        render_docx_bytes(get_form("hunan-dept-b"), report)
        for form in list_forms():
            seconds, _ = _timed(lambda form=form: render_xlsx(form, report, out / f"{form.id}.xlsx"))
            rows.append((f"{form.id} → xlsx", seconds))
            seconds, data = _timed(lambda form=form: render_docx_bytes(form, report))
            rows.append((f"{form.id} → docx", seconds))
            docx_items.append((data, out / f"{form.id}.pdf"))
        seconds, assessment = _timed(lambda: assess(report))
        rows.append(("score + rules (for the narrative)", seconds))
        for key in outlines():
            seconds, data = _timed(lambda key=key: narrative_docx_bytes(report, key, assessment))
            rows.append((f"narrative-{key} → docx (charts included)", seconds))
            docx_items.append((data, out / f"narrative-{key}.pdf"))
        seconds, entry = _timed(lambda: write_template(out / "entry.xlsx", report))
        rows.append(("entry template → xlsx (500 input rows per list sheet)", seconds))
        seconds, _ = _timed(lambda: import_template(entry))
        rows.append(("entry template import", seconds))
        total_python = sum(s for _, s in rows)
        if soffice() is not None:
            seconds, pdfs = _timed(lambda: docx_batch_to_pdf(docx_items))
            rows.append((f"{len(pdfs)} docx → PDF, one LibreOffice start", seconds))
            pdf_note = f"PDF: {len(pdfs)} files in one soffice call, {seconds / len(pdfs):.2f} s per file on average."
        else:
            pdf_note = "PDF: skipped, LibreOffice (soffice) is not installed."
    lines = [
        "## Rendering official outputs (scripts/bench_render.py)",
        "",
        f"One report extracted from `{SAMPLE.name}` ({len(report.indicators)} indicator rows); "
        f"Python {platform.python_version()} on {platform.machine()}.",
        "",
        "| step | seconds |",
        "|---|---:|",
        *[f"| {name} | {seconds:.3f} |" for name, seconds in rows],
        f"| **all Python steps** | **{total_python:.3f}** |",
        "",
        pdf_note,
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
