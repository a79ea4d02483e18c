"""The use cases, shared by the CLI, the web app and the task queue: the one facade over the core."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao import extract, ingest
from jixiao.ingest.limits import document_guard
from jixiao.model.document import Document
from jixiao.model.report import Report

if TYPE_CHECKING:
    from jixiao.review import ReviewResult


def parse_document(path: str | Path) -> Document:
    """Read one file into the document layer."""
    return ingest.read(path)


def parse_json(path: str | Path) -> dict[str, Any]:
    return parse_document(path).to_dict()


def extract_report(path: str | Path) -> Report:
    """Read one file and extract its typed self-evaluation report (within the document's deadline)."""
    with document_guard(path):
        return extract.extract(ingest.read(path))


def extract_json(path: str | Path) -> dict[str, Any]:
    """`jixiao extract --format json`: the contract's shape plus the full typed report."""
    return extract.report_json(extract_report(path))


# --- checking: scoring profiles and consistency rules (jixiao check / rules / rule) ----------------


def check_files(
    paths: list[str | Path],
    profile: str | None = None,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    jobs: int = 1,
    use_cache: bool = True,
    broker: str | None = None,
    queue: str | None = None,
) -> list[dict[str, Any]]:
    """Check files and folders: one result dict per report (or its read error), cached by content hash;
    on Celery workers when `broker` is a Redis or RabbitMQ URL."""
    from jixiao import pipeline
    from jixiao.render.api import prepared_report

    cache = pipeline.default_cache_dir() if use_cache else None
    return pipeline.check_paths(
        paths,
        profile,
        select=select,
        ignore=ignore,
        jobs=jobs,
        cache_dir=cache,
        loader=prepared_report,
        broker=broker,
        queue=queue,
    )


def run_worker(broker: str, queue: str | None = None, concurrency: int = 1) -> None:
    """`jixiao worker`: take files from the broker's queue and check them until stopped."""
    from jixiao import pipeline, workers
    from jixiao.render.api import prepared_report

    chosen = queue or workers.DEFAULT_QUEUE
    workers.start_worker(pipeline.worker_app(broker, chosen, loader=prepared_report), chosen, concurrency)


def check_report_output(
    results: list[dict[str, Any]],
    format: str,
    explain: bool = False,
    *,
    severity: str = "info",
    fail_on: str = "error",
    baseline: Path | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> tuple[str, int]:
    """`jixiao check` output in text, json or sarif, with the reviewer's controls applied, and the
    exit code (bit 1: a finding at or above `fail_on`; bit 2: a file could not be read)."""
    import json

    from jixiao.review.controls import Baseline, Controls
    from jixiao.rules.formats import as_sarif, as_text

    controls = Controls(select, ignore, severity, fail_on, Baseline.load(baseline) if baseline else None)
    shown = controls.apply(results)
    if format == "json":
        text = json.dumps({"reports": shown}, ensure_ascii=False, indent=2)
    elif format == "sarif":
        text = json.dumps(as_sarif(shown), ensure_ascii=False, indent=2)
    else:
        text = as_text(shown, explain)
    return text, controls.exit_code(shown)


# --- the batch review (jixiao review) ---------------------------------------------------------------


def review_files(
    paths: list[Path],
    out: Path,
    profile: str | None = None,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    severity: str = "info",
    fail_on: str = "error",
    baseline: Path | None = None,
    accept_reason: str | None = None,
    jobs: int = 1,
    use_cache: bool = True,
    sample_size: int = 20,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    broker: str | None = None,
    queue: str | None = None,
) -> ReviewResult:
    """Review files, folders and zips into `out`; with `accept_reason`, every finding reported is
    added to the baseline (accepted once, with that reason) after the review."""
    from jixiao.render.api import prepared_report
    from jixiao.review import Baseline, Controls, default_cache_path, run_review

    accepted = Baseline.load(baseline) if baseline else None
    controls = Controls(select, ignore, severity, fail_on, accepted)
    review = run_review(
        paths,
        out,
        profile=profile,
        controls=controls,
        jobs=jobs,
        cache_path=default_cache_path() if use_cache else None,
        sample_size=sample_size,
        seed=seed,
        progress=progress,
        broker=broker,
        queue=queue,
        loader=prepared_report,
    )
    if accepted is not None and accept_reason:
        for result in review.results:
            for finding in result["findings"]:
                accepted.accept(result["source"]["sha256"], finding, accept_reason, result["source"]["path"])
        accepted.save()
    return review


def accept_findings(baseline: Path, report: Path, keys: list[str], reason: str) -> list[dict[str, Any]]:
    """Accept findings of one report into the baseline, by their keys (问题清单's 发现标识). `report` is
    a report file (checked now, cache used) or a review's `reports/<sha>.json` (its findings as
    reviewed, across-years ones included). Returns the findings accepted."""
    import json

    from jixiao.pipeline import check_paths, default_cache_dir
    from jixiao.review.controls import Baseline, UnknownFinding, finding_key

    result: dict[str, Any] | None = None
    if report.suffix.lower() == ".json":
        with contextlib.suppress(ValueError, OSError):
            data = json.loads(report.read_text(encoding="utf-8"))
            result = data if isinstance(data, dict) and "findings" in data else None
    if result is None:
        (result,) = check_paths([report], cache_dir=default_cache_dir())
    if "error" in result:
        raise UnknownFinding(report, keys, result["error"])
    by_key = {finding_key(f): f for f in result["findings"]}
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise UnknownFinding(report, missing, "、".join(sorted(by_key)) or "无 / none")
    accepted = Baseline.load(baseline)
    for key in keys:
        accepted.accept(result["source"]["sha256"], by_key[key], reason, str(result["source"]["path"]))
    accepted.save()
    return [by_key[k] for k in keys]


def list_rules() -> list[dict[str, str]]:
    """Every rule: code, name, default severity, since, theme and summary."""
    from jixiao.rules import all_rules

    return [
        {
            "code": r.code,
            "name": r.name,
            "severity": r.severity.value,
            "since": r.since,
            "theme": r.theme,
            "summary": r.summary,
        }
        for r in all_rules()
    ]


def rule_doc(code: str) -> str:
    """One rule's documentation (what it checks, why it matters, an example, the fix)."""
    from jixiao.rules import get_rule

    return get_rule(code).doc()


def list_profiles() -> list[dict[str, Any]]:
    """The scoring profiles available (built-in and from JIXIAO_PROFILE_DIR)."""
    from jixiao.profiles import available_profiles

    return [
        {
            "id": p.id,
            "name": p.name,
            "regions": p.applies.regions,
            "years": [p.applies.year_from, p.applies.year_to],
            "default": p.default,
            "path": p.path,
        }
        for p in available_profiles().values()
    ]


# --- official outputs: forms, narrative report, entry template (jixiao forms/render/template/import) ----


def load_report(path: str | Path) -> Report:
    """A report from any readable report file, or from a JSON written by `jixiao extract`."""
    from jixiao.render.api import report_from_json

    report = report_from_json(Path(path))
    return report if report is not None else extract_report(path)


def list_forms() -> list[dict[str, Any]]:
    """The forms and narrative outlines `render` can write."""
    from jixiao.render.api import catalog

    return catalog()


def render_output(report_path: str | Path, form_id: str, to: str, out: str | Path, profile: str | None = None) -> Path:
    """Render one form or narrative report from a report file."""
    from jixiao.render.api import render

    return render(load_report(report_path), form_id, to, out, profile)


def render_output_checked(
    report_path: str | Path, form_id: str, to: str, out: str | Path, profile: str | None = None
) -> tuple[Path, list[str]]:
    """Render like `render_output`, with a warning when the form is for another kind of report."""
    from jixiao.render.api import kind_warning, render

    report = load_report(report_path)
    warning = kind_warning(report, form_id)
    return render(report, form_id, to, out, profile), [warning] if warning else []


def write_entry_template(form_id: str, out: str | Path, report_path: str | Path | None = None) -> Path:
    """The Excel entry template for a form (pre-filled from a report when one is given)."""
    from jixiao.render.api import write_entry_template

    return write_entry_template(form_id, out, load_report(report_path) if report_path else None)


def import_entry(path: str | Path) -> Report:
    """Read a filled entry template back into a typed report (ImportProblems lists every problem)."""
    from jixiao.render.api import import_entry

    return import_entry(path)


def import_entry_json(path: str | Path) -> dict[str, Any]:
    return extract.report_json(import_entry(path))


# --- the synthetic corpus (jixiao samples generate) -------------------------------------------------


def generate_samples(n: int, out: str | Path, *, seed: int = 0, defect_share: float = 0.3, jobs: int = 1) -> Path:
    """Write `n` fictional reports with planted defects and their ground truth; returns the truth file."""
    from jixiao.samples.corpus import generate

    return generate(n, out, seed=seed, defect_share=defect_share, jobs=jobs)


def load_ground_truth(corpus: str | Path) -> dict[str, Any]:
    """The ground truth of a generated corpus (ground-truth.json)."""
    from jixiao.samples.corpus import load_ground_truth

    return load_ground_truth(corpus)
