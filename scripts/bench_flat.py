"""Extraction time per report, flattened text and each format (issue 12), against the code before it.

The same files are read once and extracted by today's code in this process and by the baseline
commit's code (`BASELINE`, unpacked with `git archive` into a temporary folder) in a subprocess, in one
run; each time is the median of the repeats. Files: the project's corpus of flattened real reports
(tests/corpus/real) and, when ../shared is present, its flattened reports and the seeds rebuilt in every
format. Requirement: no format more than 20% slower than the baseline. A file the baseline refuses (it
refused the 三公 disclosures) is timed by both, as the refusal costs what reading it did.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
BASELINE = "0dff96c"  # the commit before issue 12: extraction as it was
REPEATS = 9
LIMIT_RATIO = 1.2

_TIMER = r"""
import importlib, inspect, json, pkgutil, statistics, sys, time
import jixiao.extract
from jixiao.extract import extract
from jixiao.ingest import read
# every memo of a text's reading, cleared before each run so that no run reuses another's work (an
# index built once per process, such as the division names, is kept: a worker builds it once)
caches = []
for info in pkgutil.iter_modules(jixiao.extract.__path__):
    module = importlib.import_module(f"jixiao.extract.{info.name}")
    caches += [
        f for f in vars(module).values()
        if callable(getattr(f, "cache_clear", None))
        and f.cache_info().maxsize is not None
        and inspect.signature(f.__wrapped__).parameters  # an index without arguments is built once
    ]
out = {}
repeats = int(sys.argv[1])
extract(read(sys.argv[2]))  # warm the once-per-process indexes
for path in sys.argv[2:]:
    document = read(path)
    times = []
    for _ in range(repeats):
        for cached in caches:
            cached.cache_clear()
        start = time.perf_counter()
        try:
            extract(document)
        except Exception:
            pass
        times.append(time.perf_counter() - start)
    out[path] = statistics.median(times) * 1000
print(json.dumps(out))
"""


def _files() -> list[tuple[str, Path]]:
    files = [("txt (flattened)", p) for p in sorted((ROOT / "tests" / "corpus" / "real").glob("*.txt"))]
    if (SHARED / "corpus" / "real").is_dir():
        files += [("txt (flattened)", p) for p in sorted((SHARED / "corpus" / "real").glob("*.txt"))]
    if (SHARED / "seeds").is_dir():
        files += [("txt (Word export)", p) for p in sorted((SHARED / "seeds").glob("*.txt"))]
    for folder in ("formats", "forms"):
        for path in sorted((SHARED / "corpus" / folder).glob("*.*")):
            if path.suffix in (".docx", ".doc", ".xlsx", ".xls", ".pdf", ".html"):
                files.append((path.suffix.lstrip("."), path))
    return files


def _baseline_src(folder: Path) -> Path | None:
    """The baseline commit's src/ unpacked into `folder`, or None without git."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", BASELINE, "src"],
            check=True,
            capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


def _time_with(src: Path, paths: list[Path], repeats: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _TIMER, str(repeats), *map(str, paths)],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
    )
    return {k: float(v) for k, v in json.loads(result.stdout.splitlines()[-1]).items()}


def run(repeats: int = REPEATS) -> str:
    files = _files()
    paths = [p for _, p in files]
    now = _time_with(ROOT / "src", paths, repeats)
    with tempfile.TemporaryDirectory() as tmp:
        src = _baseline_src(Path(tmp))
        before = _time_with(src, paths, repeats) if src is not None else {}
    by_format: dict[str, list[tuple[float, float | None]]] = {}
    for fmt, path in files:
        by_format.setdefault(fmt, []).append((now[str(path)], before.get(str(path))))
    lines = [
        "## Extraction per report: flattened text and every format (issue 12)",
        "",
        f"`extract(document)` per report (the document read once; median of {repeats} runs, the memo of every "
        f"text's reading cleared before each), today's code against commit `{BASELINE}` (before tables without "
        "a grid were read) on the same files in the same run. "
        f"Requirement: no format more than {LIMIT_RATIO - 1:.0%} slower than the baseline.",
        "",
        "| format | reports | today (ms/report, median) | baseline (ms/report, median) | today / baseline | verdict |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for fmt, pairs in sorted(by_format.items()):
        today = statistics.median(t for t, _ in pairs)
        known = [b for _, b in pairs if b is not None]
        if known:
            base = statistics.median(known)
            ratio = today / base if base else float("inf")
            verdict = "met" if ratio <= LIMIT_RATIO else "**slower by more than 20%**"
            lines.append(f"| {fmt} | {len(pairs)} | {today:.1f} | {base:.1f} | {ratio:.2f}× | {verdict} |")
        else:
            lines.append(f"| {fmt} | {len(pairs)} | {today:.1f} | – | – | no baseline (git missing) |")
    return "\n".join(lines) + "\n"


def main() -> int:
    start = time.perf_counter()
    print(run())
    print(f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
