"""Property tests over generated reports: a consistent report gives no error or warning (and under
the default profile no finding at all); one planted defect gives exactly the findings for that defect."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.model.findings import Severity
from jixiao.profiles import available_profiles, get_profile
from jixiao.rules import all_rules, check
from jixiao.samples.generator import DEFECTS, consistent_report, plant
from jixiao.scoring import score

PROFILES = sorted(available_profiles())
seeds = st.integers(min_value=0, max_value=2**32)
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(seed=seeds)
def test_consistent_report_has_no_finding_under_the_default_profile(seed: int) -> None:
    profile = get_profile("national-2020")
    report = consistent_report(seed, profile)
    card = score(report, profile)
    assert check(report, card, profile) == []
    # the engine reproduces the stated total and grade of a consistent report
    assert card.recomputable
    assert card.computed_total == card.stated_total
    assert card.grade_computed == card.grade_stated


@FAST
@given(seed=seeds, profile_id=st.sampled_from(PROFILES))
def test_consistent_report_has_no_error_or_warning_under_any_profile(seed: int, profile_id: str) -> None:
    profile = get_profile(profile_id)
    report = consistent_report(seed, profile)
    findings = check(report, score(report, profile), profile)
    assert [f for f in findings if f.severity is not Severity.INFO] == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=seeds, defect=st.sampled_from(sorted(DEFECTS)))
def test_one_planted_defect_gives_exactly_its_findings(seed: int, defect: str) -> None:
    profile = get_profile("national-2020")
    report = plant(consistent_report(seed, profile), defect)
    card = score(report, profile)
    findings = check(report, card, profile)
    expected = set(DEFECTS[defect][1])
    # A defect that lowers the recomputed total below the stated grade's band is also, rightly, a grade finding.
    total, grade = card.computed_total, card.grade_stated
    if total is not None and grade and profile.grades.band_of(grade) != profile.grades.grade(total)[0]:
        expected.add("JX504")
    # A defect that raises the stated total past 100 is also, rightly, a total above the maximum.
    if card.stated_total is not None and card.stated_total > profile.weights.total + profile.tolerances.score:
        expected.add("JX510")
    got = {f.code for f in findings if f.severity is not Severity.INFO or f.code in expected}
    assert got == expected, [f.message for f in findings]
    for f in findings:
        assert f.message and all(isinstance(e.line, int) for e in f.evidence)


def test_every_rule_except_the_internal_one_has_a_defect_or_a_unit_test() -> None:
    planted = {code for _, codes in DEFECTS.values() for code in codes}
    # see test_rules.py and test_rules_checking.py
    unit_tested_only = {
        *("JX000", "JX107", "JX111", "JX407", "JX509", "JX510", "JX511", "JX512"),
        *("JX307", "JX308", "JX610", "JX611", "JX612", "JX613", "JX614", "JX615"),
        *("JX112", "JX309"),  # tests/test_rules_prose_facts.py
        *("JX711", "JX712", "JX713", "JX714"),  # across years: tests/test_review.py, on two reports
    }
    assert {r.code for r in all_rules()} - planted <= unit_tested_only
