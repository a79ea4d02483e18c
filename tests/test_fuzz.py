"""The quick fuzz set of `make test`: a few hundred seeded mutations of the bundled samples, each read or
refused with one line naming the file, within its deadline, the file unchanged (scripts/fuzz.py runs the
long set of `make fuzz`). Valid but unusual packages, which Office opens, must be read, not refused.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from jixiao import ingest
from jixiao.samples.mutations import UNUSUAL, Mutation

ROOT = Path(__file__).resolve().parents[1]
QUICK_CASES = 300
CASE_DEADLINE_S = 20


def _load_fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz", ROOT / "scripts" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["fuzz"] = module
    spec.loader.exec_module(module)
    return module


fuzz = _load_fuzz()
ALL_FORMATS = list(fuzz.SHARE)


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="session")
def seeds(workdir: Path) -> dict[str, list[Path]]:
    return fuzz.seed_files(workdir)


@pytest.mark.parametrize(("fmt", "seed"), fuzz.plan(QUICK_CASES, ALL_FORMATS))
def test_mutated_file_is_read_or_refused_in_one_line(
    fmt: str, seed: int, seeds: dict[str, list[Path]], workdir: Path
) -> None:
    if fmt not in seeds:
        pytest.skip(f"no {fmt} seed (LibreOffice missing)")
    case = fuzz.run_case(fmt, seed, seeds[fmt], workdir, CASE_DEADLINE_S)
    assert case.outcome in fuzz.PASSING, f"{case.mutation}: {case.outcome}: {case.detail}"


def test_plan_is_deterministic_and_covers_every_format() -> None:
    cases = fuzz.plan(200, ALL_FORMATS)
    assert cases == fuzz.plan(200, ALL_FORMATS) and len(set(cases)) == 200
    assert {fmt for fmt, _ in cases} == set(ALL_FORMATS)


def _texts(path: Path) -> list[str]:
    document = ingest.read(path)
    return [b.text for b in document.paragraphs()] + [c.text for t in document.tables() for c in t.cells]


@pytest.mark.parametrize(
    ("fmt", "variant"), [(fmt, m) for fmt, ms in UNUSUAL.items() for m in ms], ids=lambda v: getattr(v, "__name__", v)
)
def test_valid_but_unusual_file_is_read_as_the_original(
    fmt: str, variant: Mutation, seeds: dict[str, list[Path]], tmp_path: Path
) -> None:
    if fmt not in seeds:
        pytest.skip(f"no {fmt} seed (LibreOffice missing)")
    import random

    original = seeds[fmt][0]
    unusual = tmp_path / f"unusual.{fmt}"
    unusual.write_bytes(variant(original.read_bytes(), random.Random(0)))
    assert unusual.read_bytes() != original.read_bytes()
    assert _texts(unusual) == _texts(original)


def test_splice_section_keeps_the_other_sections() -> None:
    page = "# Benchmarks\n\n## Scoring\n\n42 ms\n\n## Hostile files (fuzzing)\n\nold\n\n## Rendering\n\n1 s\n"
    out = fuzz.splice_section(page, "## Hostile files (fuzzing)\n\nnew\n")
    assert "old" not in out and "new" in out and "42 ms" in out and "## Rendering\n\n1 s" in out
    assert fuzz.splice_section("# Benchmarks\n", "## Hostile files (fuzzing)\n\nnew\n").endswith("new\n")
