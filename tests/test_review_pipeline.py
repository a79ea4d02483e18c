"""The per-report JSON of the review: `check_paths(full=True)` adds the extraction and the document,
and `jixiao check`'s own entries stay as they were."""

from __future__ import annotations

from pathlib import Path

from jixiao import pipeline, service

SAMPLE = Path(pipeline.__file__).parent / "samples" / "project_qingshan_school_repair_2023.docx"


def test_full_result_holds_the_extraction_and_the_document() -> None:
    (plain,) = pipeline.check_paths([SAMPLE])
    (full,) = pipeline.check_paths([SAMPLE], full=True)
    assert "report" not in plain and "document" not in plain
    assert full["report"] == service.extract_json(SAMPLE)
    assert full["document"] == service.parse_json(SAMPLE)
    assert {k: v for k, v in full.items() if k not in ("report", "document")} == plain


def test_full_and_plain_results_are_cached_apart(tmp_path: Path) -> None:
    pipeline.check_paths([SAMPLE], cache_dir=tmp_path)
    (full,) = pipeline.check_paths([SAMPLE], cache_dir=tmp_path, full=True)
    assert "report" in full and not full.get("cached")
    (again,) = pipeline.check_paths([SAMPLE], cache_dir=tmp_path, full=True)
    assert again["cached"] and "document" in again
