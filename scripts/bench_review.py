"""Benchmark section for `make bench`: `jixiao review` on a whole corpus, from a cold and a warm cache.

The review runs as the user runs it (`python -m jixiao.cli review CORPUS --out OUT --jobs 2`, a fresh
process each time, its own cache folder), first with an empty cache, then again with the cache it
filled. Beside it, in the same run, the bare parse of the same files by the libraries alone
(python-docx visiting every cell, openpyxl every cell, pdfplumber every page's text and tables, text
split into lines), in one process. Peak memory is the largest resident set of the review's process
and its workers.

The corpus is `$JIXIAO_BENCH_REVIEW_CORPUS` when set (e.g. a folder of `jixiao samples generate`),
else the shared corpus, the seeds and the bundled samples.

Standalone: .venv/bin/python scripts/bench_review.py
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))
CORPUS_ENV = "JIXIAO_BENCH_REVIEW_CORPUS"
JOBS = 2


def corpus() -> list[Path]:
    named = os.environ.get(CORPUS_ENV)
    if named:
        return [Path(named)]
    candidates = [SHARED / "corpus", SHARED / "seeds", ROOT / "src" / "jixiao" / "samples"]
    return [p for p in candidates if p.is_dir()]


def _review(folders: list[Path], out: Path, cache: Path) -> tuple[float, int, int]:
    """Seconds, exit code and peak RSS (KiB) of one review in a fresh process."""
    env = {**os.environ, "JIXIAO_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "jixiao.cli", "review", *map(str, folders), "--out", str(out), "-j", str(JOBS)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1, 2, 3):
        raise RuntimeError(f"review failed ({done.returncode}): {done.stderr[-500:]}")
    return seconds, done.returncode, max(peak, before)


def _bare(files: list[Path]) -> float:
    from bench import bare_docx, bare_html, bare_pdf, bare_txt, bare_xlsx  # the document section's own

    readers = {".docx": bare_docx, ".pdf": bare_pdf, ".xlsx": bare_xlsx, ".txt": bare_txt}
    readers |= {".html": bare_html, ".htm": bare_html}
    start = time.perf_counter()
    for path in files:
        reader = readers.get(path.suffix.lower())
        if reader is not None:
            try:
                reader(path)
            except Exception:  # a damaged file costs the library its time too, then next
                continue
    return time.perf_counter() - start


def run() -> str:
    from jixiao.pipeline import expand

    folders = corpus()
    files = expand(folders)
    formats = Counter(p.suffix.lower().lstrip(".") for p in files)
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-review-") as tmp:
        cache, out = Path(tmp) / "cache", Path(tmp) / "out"
        cold, code, peak = _review(folders, out, cache)
        warm, _, _ = _review(folders, out, cache)
    bare = _bare(files)
    names = ", ".join(f"`{os.path.relpath(p, ROOT)}`" for p in folders)
    mix = ", ".join(f"{n} {fmt}" for fmt, n in formats.most_common())
    return "\n".join(
        [
            "## Batch review (`jixiao review`)",
            "",
            f"{len(files)} files ({mix}) from {names}, `--jobs {JOBS}`, a fresh process per run, on "
            f"{platform.processor() or platform.machine()} with {os.cpu_count()} CPUs seen. "
            "Cold: empty cache; warm: the cache the cold run filled (every file still hashed).",
            "",
            "| run | seconds | per file | ratio to bare parse |",
            "|---|---:|---:|---:|",
            f"| cold cache | {cold:.2f} | {cold / max(len(files), 1) * 1000:.0f} ms | {cold / bare:.1f}× |",
            f"| warm cache | {warm:.2f} | {warm / max(len(files), 1) * 1000:.0f} ms | {warm / bare:.1f}× |",
            f"| bare parse (libraries only, 1 process) | {bare:.2f} | {bare / max(len(files), 1) * 1000:.0f} ms | 1× |",
            "",
            f"Peak memory (largest process of the review or its workers): {peak / 1024:.0f} MiB. "
            f"Exit code of the cold run: {code}. Targets (issue 16, 1,000 generated reports): under 30 s cold, "
            "under 3 s warm.",
            "",
        ]
    )


if __name__ == "__main__":
    print(run())
