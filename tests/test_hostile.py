"""Every file of ../shared/hostile (each one hung, exhausted or crashed a reader once) through the real
`jixiao extract` command: read, or refused with one line naming the file, within the deadline, in a
process capped at 2 GiB, never a traceback, the file unchanged.

They are regression fixtures for root causes, not special cases: tests/test_fuzz.py and
tests/test_limits.py test the same causes on variants of their own.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = ROOT.parent / "shared" / "hostile"
FILES = sorted(p for p in HOSTILE.glob("*") if p.suffix != ".md") if HOSTILE.is_dir() else []
DEADLINE_S = 20
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = pytest.mark.skipif(not FILES, reason="../shared/hostile is not beside the repository")


def _extract(path: Path) -> tuple[int, str, str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "JIXIAO_MAX_SECONDS": str(DEADLINE_S)}
    env["JIXIAO_MAX_MEMORY_MB"] = "2048"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "extract", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=DEADLINE_S * 3,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


@pytest.mark.parametrize("path", FILES, ids=[p.name[:60] for p in FILES])
def test_hostile_file_is_read_or_refused_in_one_line(path: Path) -> None:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    code, out, err, seconds = _extract(path)
    assert "Traceback" not in err, err[-2000:]
    assert seconds < DEADLINE_S + 10, f"{seconds:.1f} s"
    if code == 0:
        assert out.lstrip().startswith("{") and not err.strip(), err
    else:
        assert code == 2, (code, err[-500:])
        (line,) = err.strip().splitlines()
        assert str(path) in line and " / " in line and CJK.search(line), line
        assert "Aborted" not in line
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize("path", [p for p in FILES if p.suffix == ".docx"], ids=lambda p: p.name[:60])
def test_docx_with_unbounded_spans_is_read_with_a_warning(path: Path) -> None:
    """A span of 10⁹ columns is a damaged number, not a reason to lose the report: read it as 1000."""
    from jixiao import ingest

    document = ingest.read(path)
    assert any(re.search(r"w:grid(Span|Before|After) .* read as 1000", w) for w in document.warnings)
    assert all(t.n_rows * t.n_cols <= 1_000_000 for t in document.tables())


def test_a_batch_mixing_every_hostile_file_with_good_reports_loses_no_good_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A finance bureau's folder: every reproducer beside the bundled samples, checked in parallel. Each bad
    file is listed with its one-line reason (or read), and every good report keeps its result."""
    import shutil
    from importlib import resources

    from jixiao.pipeline import check_paths

    samples = Path(str(resources.files("jixiao") / "samples"))
    good = sorted(p for p in samples.iterdir() if p.is_file() and p.suffix in (".docx", ".xlsx", ".pdf", ".txt"))
    folder = tmp_path / "batch"
    folder.mkdir()
    for path in [*FILES, *good]:
        shutil.copy(path, folder / path.name)
    monkeypatch.setenv("JIXIAO_MAX_SECONDS", str(DEADLINE_S))
    results = check_paths([folder], jobs=2)
    by_name = {Path(r["source"]["path"]).name: r for r in results}
    assert len(by_name) == len(FILES) + len(good)
    for path in good:
        assert "error" not in by_name[path.name], by_name[path.name]
        assert by_name[path.name]["findings"] is not None
    for path in FILES:
        result = by_name[path.name]
        if "error" in result:
            assert "\n" not in result["error"] and path.name in result["error"], result["error"]
