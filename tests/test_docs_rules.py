"""docs/rules.md is generated from the registry: it must be current, and every rule's doc complete."""

from __future__ import annotations

from pathlib import Path

from jixiao.rules import SECTIONS, all_rules
from jixiao.rules.docs import rules_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def test_rules_md_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == rules_markdown(), "docs/rules.md is stale: run `make docs`"


def test_every_rule_doc_has_every_section_with_content() -> None:
    for r in all_rules():
        missing = [s for s in SECTIONS if len(r.sections.get(s, "").strip()) < 4]
        assert not missing, f"{r.code} lacks {missing}"


def test_every_rule_is_in_the_docs_with_its_sections() -> None:
    text = DOC.read_text(encoding="utf-8")
    for r in all_rules():
        block = text.split(f"### {r.code}\n", 1)[1].split("\n### ", 1)[0]
        for section in SECTIONS:
            assert f"**{section}**" in block, (r.code, section)
        assert r.name in block


def test_profiles_md_is_current_and_lists_every_builtin_profile() -> None:
    from jixiao.profiles import available_profiles
    from jixiao.profiles.docs import profiles_markdown

    doc = DOC.parent / "profiles.md"
    text = doc.read_text(encoding="utf-8")
    assert text == profiles_markdown(), "docs/profiles.md is stale: run `make docs`"
    for pid in ("national-2020", "hunan-dept", "sichuan-510000_0013zp", "hebei"):
        assert pid in available_profiles() and f"`{pid}`" in text
