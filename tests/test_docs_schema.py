"""The published JSON Schema and facts vocabulary are generated from the model and kept current."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from jixiao.model.report import FACT_SECTIONS

ROOT = Path(__file__).resolve().parents[1]


def test_generated_docs_are_current() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_schema.py"), "--check"],
        check=False,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr


def test_schema_describes_every_fact_and_the_vocabulary_lists_every_key() -> None:
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text(encoding="utf-8"))
    section_props = {name: set(definition.get("properties", {})) for name, definition in schema["$defs"].items()}
    for key, section in FACT_SECTIONS.items():
        class_name = {"three_public": "ThreePublic", "fixed_assets": "FixedAssets"}.get(section, section.title())
        assert key in section_props[class_name], key
    vocabulary = (ROOT / "docs" / "facts.md").read_text(encoding="utf-8")
    for key in FACT_SECTIONS:
        assert f"`{key}`" in vocabulary
