"""One review: inputs collected, each distinct content checked once (cached by SHA-256), years
compared, the reviewer's controls applied, and the output folder written atomically.

The output folder is built in a temporary folder beside it and swapped in at the end, so a review
interrupted half-way leaves the previous output as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao import pipeline
from jixiao.errors import JixiaoError
from jixiao.profiles import Profile, get_profile
from jixiao.review.cache import ResultCache
from jixiao.review.controls import Controls
from jixiao.review.dashboard import write_dashboard
from jixiao.review.inputs import InputFailure, InputFile, collect
from jixiao.review.sample import draw
from jixiao.review.workbook import write_workbook
from jixiao.review.years import comparison_rows, cross_year_findings

Result = dict[str, Any]
Progress = Callable[[int, int], None]  # (files done, files in all)
CACHE_FILE = "review.sqlite"
SUMMARY = "summary.json"  # also marks a folder as a review's output, which a later review may replace
_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(slots=True)
class ReviewResult:
    """What a review produced: per-report results (controls applied), failures, and where it wrote."""

    out: Path
    results: list[Result]
    failures: list[dict[str, Any]]
    comparisons: list[dict[str, Any]]
    sample: list[tuple[Result, str, float]]
    exit_code: int
    read: int = 0  # files read this time (the rest came from the cache)
    dashboard: Path | None = None  # index.html, once written


def default_cache_path() -> Path:
    return pipeline.default_cache_dir().parent / CACHE_FILE


def _digest(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def run_review(
    paths: Sequence[Path],
    out: Path,
    *,
    profile: str | Path | None = None,
    controls: Controls | None = None,
    jobs: int = 1,
    cache_path: Path | None = None,
    sample_size: int = 20,
    seed: int = 0,
    progress: Progress | None = None,
    broker: str | None = None,
    queue: str | None = None,
    loader: pipeline.ReportLoader | None = None,
) -> ReviewResult:
    """Review files, folders and zips into `out` (review.xlsx, index.html, reports/<sha>.json); the
    files are read in a process pool, or on Celery workers when `broker` names one (as `check_paths`)."""
    controls = controls or Controls()
    controls.codes()  # an unknown --select/--ignore stops the review before any file is read
    chosen: Profile | None = get_profile(profile) if profile is not None else None
    out = out.resolve()
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    staging = Path(tempfile.mkdtemp(prefix="jixiao-review-"))
    try:
        files, refused = collect(list(paths), staging)
        dispatch = Dispatch(chosen, jobs, broker, queue, loader)
        raw, failures, read = _check_all(files, dispatch, cache_path, progress)
        failures = [f.to_dict() for f in refused] + failures
        across = cross_year_findings(raw)
        for result in raw:
            found = across.get(result["source"]["sha256"])
            if found:
                result["findings"] = sorted(
                    [*result["findings"], *found], key=lambda f: (_RANK[f["severity"]], f["code"])
                )
        results = controls.apply(raw)
        comparisons = comparison_rows(results)
        sample = draw(results, sample_size, seed)
        review = ReviewResult(out, results, failures, comparisons, sample, controls.exit_code(results, failures), read)
        _write(build, review)
        _swap(build, out)
        review.dashboard = out / "index.html"
        return review
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(build, ignore_errors=True)


@dataclass(frozen=True, slots=True)
class Dispatch:
    """How the files not in the cache are read: `pipeline.check_paths`'s settings."""

    profile: Profile | None
    jobs: int = 1
    broker: str | None = None
    queue: str | None = None
    loader: pipeline.ReportLoader | None = None

    def check(self, paths: list[Path]) -> list[Result]:
        return pipeline.check_paths(
            paths,
            self.profile,
            jobs=self.jobs,
            full=True,
            broker=self.broker,
            queue=self.queue,
            loader=self.loader,
        )


def _check_all(
    files: list[InputFile], dispatch: Dispatch, cache_path: Path | None, progress: Progress | None
) -> tuple[list[Result], list[dict[str, Any]], int]:
    """Each distinct content once: from the cache, else read in parallel; duplicates noted."""
    first: dict[str, InputFile] = {}
    also: dict[str, list[str]] = {}
    failures: list[dict[str, Any]] = []
    for file in files:
        digest = _digest(file.path)
        if digest is None:
            failures.append(
                InputFailure(file.shown, "文件无法打开 / the file cannot be opened", "unreadable").to_dict()
            )
        elif digest in first:
            also[digest].append(file.shown)
            reason = f"与 {first[digest].shown} 内容相同，只列一次 / same content as {first[digest].shown}, listed once"
            failures.append(InputFailure(file.shown, reason, "duplicate").to_dict())
        else:
            first[digest] = file
            also[digest] = []
    # every rule runs; the controls choose what is shown
    settings = pipeline._settings_fingerprint(dispatch.profile, [], [])
    cache = ResultCache(cache_path, settings) if cache_path is not None else None
    known = cache.get_many(list(first)) if cache is not None else {}
    todo = [(digest, file) for digest, file in first.items() if digest not in known]
    total, done = len(first), len(first) - len(todo)
    if progress:
        progress(done, total)
    fresh: dict[str, Result] = {}
    # the pool runs chunk by chunk so the progress bar moves; ~20 chunks, each a pool start (~50 ms)
    chunk = min(max(4 * dispatch.jobs, len(todo) // 20), 100)
    for start in range(0, len(todo), chunk):
        part = todo[start : start + chunk]
        checked = dispatch.check([f.path for _, f in part])
        found = dict(zip((digest for digest, _ in part), checked, strict=True))
        if cache is not None:
            cache.put_many(found)  # chunk by chunk: an interrupted review keeps what it read
        fresh |= found
        done += len(part)
        if progress:
            progress(done, total)
    if cache is not None:
        cache.close()
    results: list[Result] = []
    for digest, file in first.items():
        result = known.get(digest) or fresh[digest]
        if "error" in result:
            reason = result["error"].replace(str(file.path), file.shown)
            failures.append({"path": file.shown, "error": reason, "kind": result.get("kind", "unreadable")})
            continue
        result = _named(result, file.shown, digest)
        result["also_at"] = also[digest]
        results.append(result)
    return results, failures, len(todo)


def _named(result: Result, shown: str, digest: str) -> Result:
    """The result under the name the reviewer gave (a zip member's archive!member, not its staging
    path; this file's path, not the one its content had when it was cached), provenance included."""
    read_as = result["source"]["path"]
    if read_as != shown:
        text = json.dumps(result, ensure_ascii=False)
        result = json.loads(
            text.replace(json.dumps(read_as, ensure_ascii=False)[1:-1], json.dumps(shown, ensure_ascii=False)[1:-1])
        )
    result["source"]["sha256"] = digest
    return result


def _write(build: Path, review: ReviewResult) -> None:
    reports = build / "reports"
    reports.mkdir()
    for result in review.results:
        text = json.dumps(result, ensure_ascii=False, default=str)
        (reports / f"{result['source']['sha256']}.json").write_text(text, encoding="utf-8")
    write_workbook(build / "review.xlsx", review.results, review.failures, review.comparisons, review.sample)
    summary = {
        "reports": len(review.results),
        "failures": len(review.failures),
        "exit_code": review.exit_code,
        "findings": sum(len(r["findings"]) for r in review.results),
    }
    (build / SUMMARY).write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    write_dashboard(review.results, review.failures, build / "index.html")


class OutputInTheWay(JixiaoError):
    def __init__(self, out: Path, reason_zh: str, reason_en: str) -> None:
        super().__init__(f"{out}: {reason_zh}", f"{out}: {reason_en}")


def _check_replaceable(out: Path) -> None:
    """The output folder is replaced whole: only an empty folder or an earlier review's output may be."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputInTheWay(out, "输出位置已有同名文件", "the output path is a file")
    if any(out.iterdir()) and not (out / SUMMARY).is_file():
        raise OutputInTheWay(
            out,
            "输出文件夹不是空的，也不是 jixiao review 的输出，不予覆盖",
            "the output folder is neither empty nor a jixiao review output; not replaced",
        )


def _swap(build: Path, out: Path) -> None:
    """Put the finished folder in place: the old output is moved aside first and removed last."""
    build.chmod(0o755)  # mkdtemp makes it private; the output is for colleagues
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    build.rename(out)
    shutil.rmtree(old, ignore_errors=True)
