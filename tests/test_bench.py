"""The `make bench` harness: sections are collected, the page is rewritten whole, verdicts are right."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module
    spec.loader.exec_module(module)
    return module


def test_extra_sections_come_from_bench_modules(bench: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "bench_scoring.py").write_text('def run() -> str:\n    return "## Scoring\\n\\n42 ms\\n"\n')
    (tmp_path / "bench_norun.py").write_text("X = 1\n")
    (tmp_path / "helper.py").write_text("raise SystemExit('not a bench module')\n")
    sections = dict(bench.extra_sections(tmp_path))
    assert sorted(sections) == ["norun", "scoring"]
    assert sections["scoring"]() == "## Scoring\n\n42 ms\n"
    assert "has no `run() -> str`" in sections["norun"]()


def test_page_is_rewritten_whole_and_a_failing_section_is_reported(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom() -> str:
        raise RuntimeError("reader missing")

    monkeypatch.setattr(bench, "SECTIONS", [("fake", lambda: "## Fake\n\nfast\n"), ("boom", boom)])
    monkeypatch.setattr(bench, "extra_sections", list)
    out = tmp_path / "benchmarks.md"
    out.write_text("stale content from an earlier run\n")
    assert bench.main(["--out", str(out)]) == 1
    page = out.read_text()
    assert "stale content" not in page
    assert page.startswith("# Benchmarks")
    assert "## Machine" in page and "- CPU: " in page and "Python 3.11" in page
    assert page.count("## Fake") == 1
    assert "## boom\n\nThis section failed" in page
    assert bench.main(["--out", str(out), "--only", "fake"]) == 0
    assert "## boom" not in out.read_text()


def test_document_layer_verdicts(bench: ModuleType) -> None:
    timing = bench.Timing
    rows = [
        timing("docx", "a.docx", 1024, 0.100, 0.120, 5, 60, open_only=0.060),
        timing("pdf", "b.pdf", 2048, 1.000, 1.800, 3, 900),
        timing("xlsx", "c.xlsx", 4096, 0.200, 0.300, 5, 100),
        timing("xlsx", "d.xlsx", 4096, 0.200, 0.700, 5, 100),
        timing("txt", "e.txt", 100, 0.001, 0.010, 15, 50),
    ]
    page = bench.document_layer_markdown(rows, ["- `f.pdf`: ScannedPdf: no text layer"])
    assert "| docx | a.docx | 1 KiB | 60 | 100.0 | 120.0 | 1.20× | 2000.0 | 5 |" in page
    assert "| docx | 1 | 100.0 | 120.0 | 1.20× | goal met |" in page
    assert "| pdf | 1 | 1000.0 | 1800.0 | 1.80× | required met |" in page
    assert "| xlsx | 2 | 400.0 | 1000.0 | 2.50× | **over 2×** |" in page
    assert "a.docx 60.0 ms (jixiao 2.00×)" in page  # against python-docx opening the file alone
    assert "no parser can" in page  # the txt note appears when text is over 2×
    assert "f.pdf`: ScannedPdf" in page
    assert "| html |" not in page  # a format without files gets no row


def test_synthetic_table_has_the_promised_merges(bench: ModuleType) -> None:
    grid = bench.indicator_grid(120, block=50, sub=5)
    level1 = [c for c in grid.cells if c.col == 0 and c.row > 0]
    assert [(c.row, c.rowspan) for c in level1] == [(1, 50), (51, 50), (101, 20)]
    assert sum(1 for c in grid.cells if c.col == 1 and c.rowspan == 5) == 24
    assert all(c.colspan == 2 for c in grid.cells if c.col == 7)
    assert grid.n_rows == 121 and grid.n_cols == 9
