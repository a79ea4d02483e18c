"""One document through the stages: read → extract → score → check, and the same for many files,
in parallel and cached by content hash.

`analyse(path)` is the pipeline for one file; `check_paths(paths)` runs it over files and folders,
reusing a cached result when the file's bytes, the profiles, the rule selection and jixiao's code are
unchanged, and listing a file that cannot be read with its error instead of stopping.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao import __version__, ingest
from jixiao.errors import JixiaoError
from jixiao.extract import extract, report_json
from jixiao.ingest.limits import DEFAULT_LIMITS, document_guard, limit_memory
from jixiao.model.document import Document, Format, Source
from jixiao.model.findings import Finding, Severity
from jixiao.model.report import Report
from jixiao.model.scorecard import Scorecard
from jixiao.profiles import Profile, available_profiles, get_profile, select_profile
from jixiao.rules import check, select_rules
from jixiao.scoring import score

ProfileArg = str | Path | Profile | None
# Reads a report that is already typed (an extract JSON, a filled entry template); None for a document.
ReportLoader = Callable[[Path], Report | None]
DOCUMENT_SUFFIXES = (".txt", ".docx", ".doc", ".xlsx", ".xls", ".pdf", ".html", ".htm", ".wps", ".et")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")  # scans, read by OCR
CHECKED_SUFFIXES = frozenset(DOCUMENT_SUFFIXES + IMAGE_SUFFIXES)
CACHE_ENV = "JIXIAO_CACHE_DIR"


@dataclass(slots=True)
class Analysis:
    """Everything the pipeline produced for one file."""

    document: Document
    report: Report
    scorecard: Scorecard
    findings: list[Finding]
    profile: str

    def to_dict(self, full: bool = False) -> dict[str, Any]:
        """One entry of the contract's `reports` list (`jixiao check --format json`); `full` adds the
        report as `jixiao extract` gives it and the document as `jixiao parse` gives it (the review's
        per-report JSON, so findings can be shown beside the cells and lines they point to)."""
        out: dict[str, Any] = {
            "source": {"path": self.document.source.path, "sha256": self.document.source.sha256},
            "profile": self.profile,
            "unit": {
                "department": self.report.unit.department,
                "project_name": self.report.unit.project_name,
                "fiscal_year": self.report.unit.fiscal_year,
                "report_kind": self.report.unit.report_kind,
            },
            "score": self.scorecard.summary_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "scorecard": self.scorecard.to_dict(),
        }
        if full:
            out["report"] = report_json(self.report)
            out["document"] = self.document.to_dict()
        return out

    @property
    def has_error(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self.findings)


def _profile_for(report: Report, profile: ProfileArg) -> Profile:
    return profile if isinstance(profile, Profile) else select_profile(report, profile)


def analyse(
    path: str | Path,
    profile: ProfileArg = None,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    loader: ReportLoader | None = None,
) -> Analysis:
    """Read, extract, score and check one file, refused as too complex past JIXIAO_MAX_SECONDS."""
    with document_guard(path):
        prepared = loader(Path(path)) if loader is not None else None
        if prepared is not None:
            report = prepared
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            fmt: Format = "xlsx" if Path(path).suffix.lower() == ".xlsx" else "json"
            document = Document(Source(str(path), digest, fmt), [])
        else:
            document = ingest.read(path)
            report = extract(document)
        chosen = _profile_for(report, profile)
        card = score(report, chosen)
        findings = check(report, card, chosen, select, ignore)
    return Analysis(document, report, card, findings, chosen.id)


# --- many files: expansion, cache, process pool ----------------------------------------------------


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus report files found in named folders (hidden files skipped)."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in CHECKED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            out.append(path)
    return out


def default_cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "jixiao") / "check"


def _code_fingerprint() -> str:
    """Changes whenever jixiao's code changes (version plus each module's size and mtime)."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for py in sorted(root.rglob("*.py")):
        st = py.stat()
        h.update(f"{py.relative_to(root)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def _settings_fingerprint(profile: ProfileArg, select: Sequence[str] | None, ignore: Sequence[str] | None) -> str:
    h = hashlib.sha256(_code_fingerprint().encode())
    if isinstance(profile, Profile):
        h.update(profile.model_dump_json().encode())
    else:
        h.update(str(profile).encode())
        if profile is not None and Path(str(profile)).is_file():
            h.update(Path(str(profile)).read_bytes())
        for p in available_profiles().values():  # auto-selection may pick any of them
            h.update(p.model_dump_json().encode())
    h.update(json.dumps([list(select or []), list(ignore or [])]).encode())
    return h.hexdigest()[:24]


def _check_one(
    path: str,
    profile: ProfileArg,
    select: list[str] | None,
    ignore: list[str] | None,
    *,
    loader: ReportLoader | None = None,
    full: bool = False,
) -> dict[str, Any]:
    """One file's result dict; a file that cannot be read gives its error instead (the batch goes on)."""
    try:
        result = analyse(path, profile, select, ignore, loader).to_dict(full)
    except JixiaoError as exc:
        return {"source": {"path": path}, "error": exc.one_line(), "kind": getattr(exc, "kind", "error")}
    except Exception as exc:  # the batch boundary: one file's bug must not stop the others
        reason = f"内部错误 / internal error: {type(exc).__name__}: {exc}"
        return {"source": {"path": path}, "error": f"{path}: {reason}", "kind": "internal"}
    result["source"]["path"] = path
    return result


def check_paths(
    paths: Iterable[str | Path],
    profile: ProfileArg = None,
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    jobs: int = 1,
    cache_dir: Path | None = None,
    loader: ReportLoader | None = None,
    full: bool = False,
    broker: str | None = None,
    queue: str | None = None,
) -> list[dict[str, Any]]:
    """Check files and folders: results in input order, cached by content hash, in parallel when jobs > 1,
    or on Celery workers (`jixiao worker`) when `broker` names Redis or RabbitMQ (on `queue`);
    `full` adds each report's extraction and document (`Analysis.to_dict`)."""
    files = expand(paths)
    if profile is not None and not isinstance(profile, Profile):
        profile = get_profile(profile)  # a bad profile stops the whole batch, before any file
    select_rules(select, ignore)  # an unknown selector stops it too
    sel, ign = list(select or []), list(ignore or [])
    settings = _settings_fingerprint(profile, sel, ign) + ("-full" if full else "") if cache_dir is not None else ""
    results: list[dict[str, Any] | None] = [None] * len(files)
    todo: list[tuple[int, str, Path | None]] = []
    for i, path in enumerate(files):
        cached_at: Path | None = None
        if cache_dir is not None:
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                digest = ""
            if digest:
                cached_at = cache_dir / f"{digest}-{settings}.json"
                if cached_at.is_file():
                    cached = json.loads(cached_at.read_text(encoding="utf-8"))
                    cached["source"]["path"] = str(path)
                    cached["cached"] = True
                    results[i] = cached
                    continue
        todo.append((i, str(path), cached_at))
    if broker:
        done = _on_workers(todo, profile, sel, ign, broker=broker, queue=queue, full=full)
    elif jobs > 1 and len(todo) > 1:
        done = _in_pool(todo, profile, sel, ign, jobs, loader=loader, full=full)
    else:
        done = [(i, at, _check_one(p, profile, sel, ign, loader=loader, full=full)) for i, p, at in todo]
    for i, at, result in done:
        results[i] = result
        if at is not None and "error" not in result:
            at.parent.mkdir(parents=True, exist_ok=True)
            tmp = at.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
            tmp.replace(at)  # atomic: a concurrent reader never sees half a file
    return [r for r in results if r is not None]


def _in_pool(
    todo: list[tuple[int, str, Path | None]],
    profile: ProfileArg,
    sel: list[str],
    ign: list[str],
    jobs: int,
    *,
    loader: ReportLoader | None = None,
    full: bool = False,
) -> list[tuple[int, Path | None, dict[str, Any]]]:
    """Run files in worker processes with capped memory; a file whose worker dies is retried alone,
    so the batch goes on and the file that killed it is named."""
    done: list[tuple[int, Path | None, dict[str, Any]]] = []
    orphans: list[tuple[int, str, Path | None]] = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(todo)), initializer=limit_memory) as pool:
        futures = [
            (i, p, at, pool.submit(_check_one, p, profile, sel, ign, loader=loader, full=full)) for i, p, at in todo
        ]
        for i, p, at, future in futures:
            result = _result(future)
            if result is None:
                orphans.append((i, p, at))
            else:
                done.append((i, at, result))
    for i, p, at in orphans:
        with ProcessPoolExecutor(max_workers=1, initializer=limit_memory) as alone:
            result = _result(alone.submit(_check_one, p, profile, sel, ign, loader=loader, full=full))
        if result is None:
            reason = "处理该文件的进程意外退出 / the worker process died while reading the file"
            result = {"source": {"path": p}, "error": f"{p}: {reason}", "kind": "internal"}
        done.append((i, at, result))
    return done


# --- Celery workers ---------------------------------------------------------------------------------


def _task_settings(profile: ProfileArg, sel: list[str], ign: list[str], full: bool) -> dict[str, Any]:
    """The batch's settings as JSON: a profile travels whole, so a worker needs no profile file."""
    chosen = profile.model_dump(mode="json") if isinstance(profile, Profile) else None
    return {"profile": chosen, "select": sel, "ignore": ign, "full": full}


def check_bytes(name: str, data: bytes, settings: dict[str, Any], loader: ReportLoader | None = None) -> dict[str, Any]:
    """The worker's task: one file sent as bytes, checked from a private copy, its row naming the
    original path (the copy's path is replaced by it in every provenance)."""
    profile = Profile.model_validate(settings["profile"]) if settings.get("profile") else None
    with tempfile.TemporaryDirectory(prefix="jixiao-task-") as tmp:
        local = Path(tmp) / (Path(name).name or "report")
        local.write_bytes(data)
        sel, ign = settings.get("select") or None, settings.get("ignore") or None
        row = _check_one(str(local), profile, sel, ign, loader=loader, full=bool(settings.get("full")))
    text = json.dumps(row, ensure_ascii=False)
    return dict(json.loads(text.replace(json.dumps(str(local))[1:-1], json.dumps(name)[1:-1])))


def worker_app(broker: str, queue: str | None = None, loader: ReportLoader | None = None) -> Any:
    """The Celery app `jixiao worker` runs and `check_paths(broker=…)` sends to (Celery is imported
    only here: a run without a broker does not pay for it); `loader` as for `check_paths`."""
    from jixiao import workers

    return workers.make_app(broker, functools.partial(check_bytes, loader=loader), queue or workers.DEFAULT_QUEUE)


def _on_workers(
    todo: list[tuple[int, str, Path | None]],
    profile: ProfileArg,
    sel: list[str],
    ign: list[str],
    *,
    broker: str,
    queue: str | None,
    full: bool,
) -> list[tuple[int, Path | None, dict[str, Any]]]:
    """Each file a Celery task; files past the size limit are refused here, without sending them."""
    from jixiao import workers

    app = worker_app(broker, queue)
    cached_at = {i: at for i, _p, at in todo}
    done: list[tuple[int, Path | None, dict[str, Any]]] = []
    jobs: list[workers.Job] = []
    for i, p, at in todo:
        try:
            too_big = Path(p).stat().st_size > DEFAULT_LIMITS.max_file_bytes
            data = b"" if too_big else Path(p).read_bytes()
        except OSError:
            too_big, data = True, b""  # unreadable here: _check_one names the reason
        if too_big:
            done.append((i, at, _check_one(p, profile, sel, ign, full=full)))
        else:
            jobs.append(workers.Job(i, p, data))
    try:
        for i, row in workers.run(app, jobs, _task_settings(profile, sel, ign, full)):
            done.append((i, cached_at[i], row))
    finally:
        app.close()
    return done


def _result(future: Future[dict[str, Any]]) -> dict[str, Any] | None:
    try:
        return future.result()
    except BrokenProcessPool:
        return None


def exit_code(results: Sequence[dict[str, Any]]) -> int:
    """The contract's exit code: 1 when any error finding, else 2 when a file could not be read, else 0."""
    if any(f["severity"] == "error" for r in results for f in r.get("findings", [])):
        return 1
    if not results or any("error" in r for r in results):
        return 2
    return 0
