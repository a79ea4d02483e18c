"""`make fuzz`: seeded mutations of the bundled samples through the whole pipeline, counted by outcome.

Each case damages one sample (jixiao.samples.mutations), writes it to a temporary file and runs
`pipeline.analyse` on it in a worker process whose memory is capped (JIXIAO_MAX_MEMORY_MB, 2 GiB)
under the document deadline. A case passes when the file is read, or refused with one line naming it,
within the deadline, and the input file is unchanged. Anything else is counted: a traceback (an
exception that is not a refusal, or a refusal caused by jixiao's own code), a hang past the deadline,
a worker that died, a refusal on several lines, an input changed. The figures replace the section
"Hostile files (fuzzing)" of docs/benchmarks.md; the other sections stay as `make bench` wrote them.

The .xls and .doc seeds are the bundled .xlsx and .docx converted by LibreOffice once (skipped when it
is missing).

Usage: .venv/bin/python scripts/fuzz.py [--cases 10000] [--jobs 2] [--seconds 30] [--no-write]
"""

from __future__ import annotations

import argparse
import hashlib
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jixiao.errors import ReaderFailed, TooComplex, UnreadableFile  # noqa: E402 — after the path set-up
from jixiao.ingest.limits import document_guard, limit_memory  # noqa: E402
from jixiao.samples.mutations import MUTATIONS, mutate  # noqa: E402

SAMPLES = ROOT / "src" / "jixiao" / "samples"
SECTION = "## Hostile files (fuzzing)"
PASSING = ("read", "refused")
# cases per format in every 100: the formats users send most, and those with the most structure
SHARE = {"docx": 24, "xlsx": 22, "pdf": 16, "html": 14, "txt": 8, "xls": 10, "doc": 6}


@dataclass(frozen=True, slots=True)
class Case:
    """The outcome of one mutated file."""

    fmt: str
    seed: int
    mutation: str
    outcome: str  # read, refused, traceback, hang, died, multiline, changed
    seconds: float
    detail: str = ""
    peak_mb: float = 0.0


def seed_files(workdir: Path) -> dict[str, list[Path]]:
    """The bundled samples by format, plus .xls and .doc made from them by LibreOffice when it exists."""
    found: dict[str, list[Path]] = {
        fmt: sorted(SAMPLES.glob(f"*.{fmt}")) for fmt in ("docx", "xlsx", "pdf", "html", "txt")
    }
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    for source_fmt, fmt in (("xlsx", "xls"), ("docx", "doc")):
        out = workdir / "seeds" / fmt
        made = sorted(out.glob(f"*.{fmt}"))
        if not made and soffice is not None:
            out.mkdir(parents=True, exist_ok=True)
            profile = (workdir / "lo-profile").as_uri()
            command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt, "--outdir"]
            sources = [str(p) for p in found[source_fmt]]
            subprocess.run([*command, str(out), *sources], capture_output=True, timeout=300, check=False)
            made = sorted(out.glob(f"*.{fmt}"))
        found[fmt] = made
    return {fmt: paths for fmt, paths in found.items() if paths}


def plan(n: int, formats: list[str]) -> list[tuple[str, int]]:
    """n cases spread over the formats by SHARE, each with its own seed."""
    weights = [SHARE[f] for f in formats]
    cases: list[tuple[str, int]] = []
    counters = Counter[str]()
    for i in range(n):
        slot = i % sum(weights)
        for fmt, weight in zip(formats, weights, strict=True):
            if slot < weight:
                cases.append((fmt, counters[fmt]))
                counters[fmt] += 1
                break
            slot -= weight
    return cases


def run_case(fmt: str, seed: int, sources: list[Path], workdir: Path, seconds: int) -> Case:
    """Mutate one sample and run the pipeline on it; never raises for the file's sake."""
    from jixiao.pipeline import analyse

    source = sources[seed % len(sources)]
    data, mutation = mutate(source.read_bytes(), fmt, seed)
    path = workdir / f"case-{fmt}-{seed}.{fmt}"
    path.write_bytes(data)
    before = hashlib.sha256(data).hexdigest()
    started = time.monotonic()
    outcome, detail = "read", ""
    try:
        with document_guard(path, seconds):
            analyse(path)
    except TooComplex as exc:
        outcome, detail = ("hang" if "JIXIAO_MAX_SECONDS" in exc.reason_en else "refused"), exc.one_line()
    except ReaderFailed as exc:
        outcome, detail = ("traceback" if exc.origin == "jixiao" else "refused"), exc.one_line()
    except UnreadableFile as exc:
        outcome, detail = "refused", exc.one_line()
    except Exception as exc:  # the point: anything else is a traceback users would see
        outcome, detail = "traceback", f"{type(exc).__name__}: {exc}"
    spent = time.monotonic() - started
    if outcome == "refused" and ("\n" in detail or not detail.startswith(str(path))):
        outcome = "multiline"
    if hashlib.sha256(path.read_bytes()).hexdigest() != before:
        outcome = "changed"
    path.unlink(missing_ok=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Case(fmt, seed, mutation, outcome, spent, " ".join(detail.split())[:300], peak)


def run_all(
    cases: list[tuple[str, int]], seeds: dict[str, list[Path]], workdir: Path, jobs: int, seconds: int
) -> list[Case]:
    """Every case in worker processes with capped memory; a worker stuck past twice the deadline is a hang."""
    results: list[Case] = []
    pending = list(cases)
    while pending:
        pool = ProcessPoolExecutor(max_workers=jobs, initializer=limit_memory)
        running: dict[Future[Case], tuple[str, int, float]] = {}
        broken = False
        try:
            while (pending or running) and not broken:
                while pending and len(running) < jobs * 2:
                    fmt, seed = pending.pop(0)
                    future = pool.submit(run_case, fmt, seed, seeds[fmt], workdir, seconds)
                    running[future] = (fmt, seed, time.monotonic())
                finished, _ = wait(running, timeout=seconds, return_when=FIRST_COMPLETED)
                for future in finished:
                    fmt, seed, _started = running.pop(future)
                    try:
                        results.append(future.result())
                    except BrokenProcessPool:
                        results.append(Case(fmt, seed, "?", "died", 0.0, "worker process died"))
                        broken = True
                # queued futures start late: only those running for 3× the deadline count as stuck
                stuck = [f for f, (_, _, t) in running.items() if time.monotonic() - t > 3 * seconds + 30]
                if stuck:
                    for future in stuck:
                        fmt, seed, t = running.pop(future)
                        results.append(Case(fmt, seed, "?", "hang", time.monotonic() - t, "worker stuck, killed"))
                    broken = True
        finally:
            if broken:
                for fmt, seed, _ in running.values():
                    pending.insert(0, (fmt, seed))  # not their fault: run them again in a fresh pool
                for process in list(getattr(pool, "_processes", {}).values()):
                    process.kill()
            pool.shutdown(wait=not broken, cancel_futures=True)
    return results


def section(results: list[Case], seconds: int, jobs: int, wall: float) -> str:
    """The markdown section of docs/benchmarks.md."""
    by_outcome = Counter(c.outcome for c in results)
    formats = sorted({c.fmt for c in results}, key=list(SHARE).index)
    failures = [c for c in results if c.outcome not in PASSING]
    slowest = max(results, key=lambda c: c.seconds)
    peak = max(c.peak_mb for c in results)
    lines = [
        SECTION,
        "",
        f"`make fuzz` (`scripts/fuzz.py`): {len(results)} seeded mutations of the bundled samples "
        "(flipped bytes, cut files, zip directories that lie, members removed or doubled, XML edited inside "
        "valid containers, huge spans and merged ranges, deep nesting, garbage in PDF page boxes and OLE "
        f"directories), each through read → extract → score → check in one of {jobs} worker processes capped "
        f"at 2 GiB, under a {seconds} s deadline. "
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.python_implementation()} "
        f"{platform.python_version()}, {wall:.0f} s wall.",
        "",
        "| format | cases | read | refused (one line) | tracebacks | hangs past the deadline | workers died | other |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for fmt in [*formats, "all"]:
        rows = [c for c in results if fmt in ("all", c.fmt)]
        count = Counter(c.outcome for c in rows)
        other = sum(v for k, v in count.items() if k not in ("read", "refused", "traceback", "hang", "died"))
        lines.append(
            f"| {fmt} | {len(rows)} | {count['read']} | {count['refused']} | {count['traceback']} | {count['hang']} "
            f"| {count['died']} | {other} |"
        )
    lines += [
        "",
        f"Peak memory of a worker: {peak:.0f} MiB. Slowest case: {slowest.seconds:.1f} s "
        f"({slowest.fmt} seed {slowest.seed}, {slowest.mutation}, {slowest.outcome}). "
        f"Mutations: {', '.join(sorted({c.mutation for c in results}))}.",
        "",
    ]
    if failures:
        lines += ["Failures (first 20):", ""]
        lines += [f"- {c.fmt} seed {c.seed} ({c.mutation}): {c.outcome}: {c.detail}" for c in failures[:20]]
        lines.append("")
    else:
        lines += [f"All {by_outcome['read'] + by_outcome['refused']} cases read or refused with one line.", ""]
    return "\n".join(lines)


def splice_section(page: str, text: str) -> str:
    """The page with its fuzzing section replaced (or appended), the other sections untouched."""
    pattern = re.compile(re.escape(SECTION) + r"\n.*?(?=\n## |\Z)", re.DOTALL)
    if pattern.search(page):
        return pattern.sub(lambda _: text.rstrip("\n") + "\n", page, count=1)
    return page.rstrip("\n") + "\n\n" + text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=30, help="the deadline of one case")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave docs/benchmarks.md")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="jixiao-fuzz-"))
    try:
        seeds = seed_files(workdir)
        cases = plan(args.cases, [f for f in SHARE if f in seeds and f in MUTATIONS])
        started = time.monotonic()
        results = run_all(cases, seeds, workdir, args.jobs, args.seconds)
        text = section(results, args.seconds, args.jobs, time.monotonic() - started)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print(text)
    if not args.no_write:
        page = args.out.read_text(encoding="utf-8") if args.out.is_file() else "# Benchmarks\n"
        args.out.write_text(splice_section(page, text), encoding="utf-8")
        print(f"wrote {args.out}", file=sys.stderr)
    return 0 if all(c.outcome in PASSING for c in results) else 1


if __name__ == "__main__":
    sys.exit(main())
