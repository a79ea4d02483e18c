"""Readers against the bare library and against the floor (issue 15), in one run; a section of `make bench`.

Per format, on every file of ../shared/corpus (all folders) and the bundled samples, interleaved, median
of the repeats:
  jixiao  `jixiao.ingest.read(path)`: the whole document layer (sniffing, limits, blocks, provenance)
  bare    the library a reader would otherwise call: openpyxl `load_workbook(data_only=True)` and every
          cell's value; python-docx `Document` and every paragraph's and cell's text; pdfplumber every
          page's `extract_words()`
  floor   the bytes parsed and nothing built: lxml parsing the sheets and shared strings (xlsx) or
          word/document.xml (docx) and visiting every element's text; pypdfium2 `get_textpage()` and
          `get_text_range()` on every page (pdf)
then `pipeline.analyse` (read → extract → score → check) in a warm process on a typical report of each
format and on a 10-page PDF, and the peak memory of reading a 5,000-row sheet and a 100-page PDF, each in
a fresh process (the openpyxl reader beside the xlsx one, for comparison).

Run alone: PYTHONPATH=src python scripts/bench_readers.py [--quick]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parent
ROOT = SCRIPTS.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(SCRIPTS))

FORMATS = ("xlsx", "docx", "pdf")
FLOOR_LIMIT = 5.0  # acceptance: the document layer within 5× the floor
QUICK = "--quick" in sys.argv


def corpus_files(fmt: str) -> list[Path]:
    folders = [SHARED / "corpus", ROOT / "src" / "jixiao" / "samples"]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob(f"*.{fmt}"))


# --- the three calls per format ------------------------------------------------------------------


def jixiao_read(path: Path) -> None:
    from jixiao.ingest import read

    read(path)


def bare_xlsx(path: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(str(path), data_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                _ = cell.value
    workbook.close()


def bare_docx(path: Path) -> None:
    import docx

    document = docx.Document(str(path))
    for paragraph in document.paragraphs:
        _ = paragraph.text
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                _ = cell.text


def bare_pdf(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.extract_words()


def _walk(xml: bytes) -> None:
    from lxml import etree

    for element in etree.fromstring(xml).iter():
        _ = element.text


def floor_xlsx(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet") or name == "xl/sharedStrings.xml":
                _walk(archive.read(name))


def floor_docx(path: Path) -> None:
    with zipfile.ZipFile(path) as archive:
        _walk(archive.read("word/document.xml"))


def floor_pdf(path: Path) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        for page in pdf:
            page.get_textpage().get_text_range()
    finally:
        pdf.close()


BARE: dict[str, Callable[[Path], None]] = {"xlsx": bare_xlsx, "docx": bare_docx, "pdf": bare_pdf}
FLOOR: dict[str, Callable[[Path], None]] = {"xlsx": floor_xlsx, "docx": floor_docx, "pdf": floor_pdf}


def interleaved(calls: list[Callable[[], None]], budget_s: float) -> tuple[list[float], list[float], int]:
    """Median wall and CPU seconds of each call, run in turn so that the machine's load falls on all alike.

    CPU time (this process's) is given beside wall time because the machine is shared: a call of a few
    milliseconds is preempted more often than one of a few hundred microseconds, which wall time charges
    to the longer call."""
    start = time.perf_counter()
    for call in calls:
        call()  # warm-up: imports, caches, page cache
    once = time.perf_counter() - start
    repeats = 1 if QUICK else max(3, min(11, int(budget_s / max(once, 1e-6))))
    wall: list[list[float]] = [[] for _ in calls]
    cpu: list[list[float]] = [[] for _ in calls]
    for _ in range(repeats):
        for i, call in enumerate(calls):
            t, c = time.perf_counter(), time.process_time()
            call()
            cpu[i].append(time.process_time() - c)
            wall[i].append(time.perf_counter() - t)
    return [statistics.median(s) for s in wall], [statistics.median(s) for s in cpu], repeats


Sums = dict[str, list[float]]  # format → wall (jixiao, bare, floor), then CPU (jixiao, bare, floor)


def reader_rows() -> tuple[list[str], Sums]:
    lines: list[str] = []
    totals: Sums = {}
    for fmt in FORMATS:
        sums = [0.0] * 6
        for path in corpus_files(fmt):
            calls = [
                lambda p=path: jixiao_read(p),
                lambda p=path, f=BARE[fmt]: f(p),
                lambda p=path, f=FLOOR[fmt]: f(p),
            ]
            wall, cpu, repeats = interleaved(calls, 3.0)
            sums = [a + b for a, b in zip(sums, wall + cpu, strict=True)]
            ours, bare, floor = wall
            lines.append(
                f"| {fmt} | {path.parent.name}/{path.name} | {path.stat().st_size / 1024:.0f} KiB | "
                f"{ours * 1000:.1f} | {bare * 1000:.1f} | {floor * 1000:.2f} | {ours / bare:.2f}× | "
                f"{ours / floor:.1f}× | {cpu[0] / cpu[2]:.1f}× | {repeats} |"
            )
            print(lines[-1], file=sys.stderr)
        totals[fmt] = sums
    return lines, totals


# --- end to end and memory -----------------------------------------------------------------------


def end_to_end(tmp: Path) -> list[str]:
    import bench

    from jixiao.pipeline import analyse

    samples = ROOT / "src" / "jixiao" / "samples"
    ten_pages = tmp / "synthetic_10pages.pdf"
    bench.write_long_pdf(ten_pages, 10)
    typical = [
        ("docx", samples / "project_qingshan_school_repair_2023.docx"),
        ("xlsx", samples / "project_qingshan_school_repair_2023.xlsx"),
        ("pdf", samples / "project_qingshan_school_repair_2023.pdf"),
        ("pdf, 10 pages", ten_pages),
    ]
    lines = []
    for label, path in typical:
        (seconds,), (cpu,), repeats = interleaved([lambda p=path: analyse(p)], 3.0)
        pages = _pdf_pages(path) if path.suffix == ".pdf" else None
        shown = f"{path.name}" + (f" ({pages} pages)" if pages else "")
        lines.append(f"| {label} | {shown} | {seconds * 1000:.1f} | {cpu * 1000:.1f} | {repeats} |")
        print(lines[-1], file=sys.stderr)
    return lines


def _pdf_pages(path: Path) -> int:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


_PEAK = """
import sys, time
from pathlib import Path
from jixiao.ingest import read
from jixiao.ingest.limits import DEFAULT_LIMITS
from jixiao.ingest.legacy_xlsx import read_xlsx_openpyxl
import jixiao.ingest.xlsx, jixiao.ingest.pdf, jixiao.extract, openpyxl, pdfplumber, pypdfium2

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024  # kB -> MiB

with open("/proc/self/clear_refs", "w") as handle:
    handle.write("5")  # resets the peak (VmHWM) to the current resident size
before = status("VmRSS")
start = time.perf_counter()
if sys.argv[2] == "legacy":
    document = read_xlsx_openpyxl(Path(sys.argv[1]), DEFAULT_LIMITS)
else:
    document = read(sys.argv[1])
seconds = time.perf_counter() - start
cells = sum(len(t.cells) for t in document.tables())
print(before, status("VmHWM"), cells, f"{seconds:.2f}")
"""


def peak_memory(tmp: Path) -> list[str]:
    import bench
    import make_samples as ms

    rows = 600 if QUICK else 5000
    pages = 10 if QUICK else 100
    sheet = tmp / f"synthetic_{rows}rows.xlsx"
    sample = ms.Sample(
        "synthetic", "绩效指标表", [ms.Para("合成测试工作簿", "title"), bench.indicator_grid(rows)], {}, ()
    )
    ms.write_xlsx(sample, sheet)
    pdf = tmp / f"synthetic_{pages}pages.pdf"
    bench.write_long_pdf(pdf, pages)
    lines = []
    for label, path, how in (
        (f"xlsx, {rows} rows (jixiao)", sheet, "new"),
        (f"xlsx, {rows} rows (the openpyxl reader it replaced)", sheet, "legacy"),
        (f"pdf, {pages} pages (jixiao)", pdf, "new"),
    ):
        result = subprocess.run(
            [sys.executable, "-c", _PEAK, str(path), how],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        )
        before, after, cells, seconds = result.stdout.split()
        lines.append(
            f"| {label} | {path.stat().st_size / 1024:.0f} KiB | {cells} | {seconds} | {before} | {after} | "
            f"{int(after) - int(before)} |"
        )
        print(lines[-1], file=sys.stderr)
    return lines


def run() -> str:
    rows, totals = reader_rows()
    out = [
        "## Readers against the bare library and the floor (issue 15)",
        "",
        "Every xlsx, docx and pdf of ../shared/corpus and the bundled samples; median ms of the repeats,",
        "the three calls interleaved. *bare*: openpyxl `load_workbook(data_only=True)` and every cell's value;",
        "python-docx `Document` and every paragraph's and cell's text; pdfplumber `extract_words()` on every",
        "page. *floor*: lxml parsing the sheets and shared strings / word/document.xml and visiting every",
        "element; pypdfium2 `get_textpage().get_text_range()` on every page.",
        f"Acceptance: jixiao within {FLOOR_LIMIT:.0f}× the floor and never slower than the bare call.",
        "",
        "Times are wall medians; the last ratio is of CPU medians (this process's), which the load of a shared",
        "machine disturbs less.",
        "",
        "| format | file | size | jixiao (ms) | bare (ms) | floor (ms) | jixiao / bare | jixiao / floor | "
        "CPU: jixiao / floor | repeats |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Per format (sums of the medians):",
        "",
        "| format | jixiao (ms) | bare (ms) | floor (ms) | jixiao / bare | jixiao / floor | CPU: jixiao / bare | "
        "CPU: jixiao / floor | verdict (CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for fmt, (ours, bare, floor, ours_cpu, bare_cpu, floor_cpu) in totals.items():
        if not floor or not floor_cpu:
            continue
        met = ours_cpu / floor_cpu <= FLOOR_LIMIT and ours_cpu <= bare_cpu
        out.append(
            f"| {fmt} | {ours * 1000:.1f} | {bare * 1000:.1f} | {floor * 1000:.1f} | {ours / bare:.2f}× | "
            f"{ours / floor:.1f}× | {ours_cpu / bare_cpu:.2f}× | {ours_cpu / floor_cpu:.1f}× | "
            f"{'met' if met else '**not met**'} |"
        )
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-readers-") as folder:
        tmp = Path(folder)
        out += [
            "",
            "Read → extract → score → check (`pipeline.analyse`), warm process, median ms. Acceptance: a docx",
            "report under 20 ms, a 10-page PDF under 300 ms.",
            "",
            "| report | file | wall ms | CPU ms | repeats |",
            "|---|---|---:|---:|---:|",
            *end_to_end(tmp),
            "",
            "Peak memory of one read in a fresh process (resident MiB after the imports; the peak during the read,",
            "from /proc/self/status VmHWM reset before the read; the document itself is part of the peak).",
            "",
            "| file | size | cells | seconds | MiB before | MiB peak | MiB added |",
            "|---|---:|---:|---:|---:|---:|---:|",
            *peak_memory(tmp),
        ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
    print(run())
