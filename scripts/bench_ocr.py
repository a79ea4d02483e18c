"""`make bench` section: scanned pages read by OCR, cold and cached, beside the same pages' text layer.

Seed 002 (three pages, the national department form) is printed to a scanned PDF at 200 dpi with
every damage at once (skew, seal, blur, noise, JPEG q50; jixiao.samples.scans). Each read runs in a
fresh process, so its peak resident memory is the read's own: the text-layer PDF, the scan with an
empty OCR cache (cold) and the scan again with the cache that run filled (cached). Pages are read
one at a time (onnxruntime uses every core for one page), so the peak is a page's.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "corpus" / "formats" / "002_46fdae7c879aad58.pdf"

_READ = """
import json, resource, sys, time
from jixiao.ingest import read
started = time.perf_counter()
document = read(sys.argv[1])
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "peak_mb": peak, "pages": document.source.pages,
                  "tables": sum(1 for _ in document.tables())}))
"""


def _read(path: Path, cache: Path) -> dict[str, float]:
    env = {"JIXIAO_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", _READ, str(path)], capture_output=True, text=True, env=env, check=True, timeout=900
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run() -> str:
    if not SEED.is_file():
        return "## Scanned pages (OCR)\n\nSkipped: ../shared/corpus/formats is not beside the project.\n"
    from jixiao.samples.scans import damaged, render_pages, scan_pdf

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-ocr-") as tmp:
        folder = Path(tmp)
        rng = random.Random("bench:002:all")
        scan = scan_pdf([damaged(p, "all", rng) for p in render_pages(SEED, 200)], folder / "002.scan.pdf", 200)
        text_layer = _read(SEED, folder / "cache-text")
        cold = _read(scan, folder / "cache")
        cached = _read(scan, folder / "cache")
    pages = int(cold["pages"])
    rows = [
        ("text layer (born-digital PDF)", text_layer),
        ("scan, OCR cold (empty cache)", cold),
        ("scan, OCR cached", cached),
    ]
    lines = [
        "## Scanned pages (OCR)",
        "",
        f"Seed 002, {pages} pages, printed to a scanned PDF at 200 dpi with skew, seal, blur, noise and JPEG q50;",
        "each read in a fresh process (rapidocr PP-OCRv6 small on onnxruntime, every core, one page at a time).",
        "",
        "| read | s / page | pages / s | peak memory (MB) | tables |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, row in rows:
        per_page = row["seconds"] / pages
        lines.append(f"| {name} | {per_page:.2f} | {1 / per_page:.2f} | {row['peak_mb']:.0f} | {int(row['tables'])} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
