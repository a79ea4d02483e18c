"""Consistency rules over a typed report: the registry, selection like a linter, and the runner.

`check(report, scorecard, profile, select, ignore) -> list[Finding]` runs the chosen rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from jixiao.model.findings import Finding
from jixiao.model.report import Report
from jixiao.model.scorecard import Scorecard
from jixiao.profiles.model import Profile
from jixiao.rules.registry import (
    REGISTRY,
    SECTIONS,
    Context,
    Rule,
    UnknownRule,
    all_rules,
    get_rule,
    rule,
    run_rules,
    select_rules,
)

__all__ = [
    "REGISTRY",
    "SECTIONS",
    "Context",
    "Rule",
    "UnknownRule",
    "all_rules",
    "check",
    "get_rule",
    "rule",
    "rules_for",
    "run_rules",
    "select_rules",
]


def rules_for(profile: Profile, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> list[Rule]:
    """The rules to run: --select replaces the profile's selection, --ignore adds to the profile's."""
    chosen = list(select) if select else list(profile.rules.select)
    dropped = [*profile.rules.ignore, *(ignore or [])]
    return select_rules(chosen, dropped)


def check(
    report: Report,
    card: Scorecard,
    profile: Profile,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
) -> list[Finding]:
    """Run the selected rules over one report and its scorecard."""
    return run_rules(Context(report, card, profile), rules_for(profile, select, ignore))
