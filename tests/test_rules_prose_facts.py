"""Rules over facts read from real sentences: received funds against the budget (JX112), the shares of
the 三公 items against their amounts (JX309). Each case is read from the report's own wording."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from builders import report_from_text
from jixiao.model.findings import Finding, Severity
from jixiao.profiles import get_profile
from jixiao.rules import check
from jixiao.scoring import score


def findings(tmp_path: Path, text: str, code: str) -> list[Finding]:
    report = report_from_text(tmp_path, text)
    profile = get_profile("national-2020")
    return [f for f in check(report, score(report, profile), profile) if f.code == code]


FUNDS = (
    "红河州数据发展中心2024年度项目支出绩效单位自评报告\n"
    "2024年,红河州数据发展中心实施项目共15个,年初批复预算8个项目985万元,调整预算后项目预算{adjusted}万元,"
    "年中增加8个项目,实际到位资金{received}万元。\n"
)


def test_funds_received_far_below_the_budget_is_noted(tmp_path: Path) -> None:
    [found] = findings(tmp_path, FUNDS.format(adjusted="861.46", received="334.67"), "JX112")
    assert found.severity is Severity.INFO
    assert found.numbers == (Decimal("334.67"), Decimal("861.46"), Decimal("38.85"))


def test_funds_received_near_the_budget_is_no_finding(tmp_path: Path) -> None:
    assert not findings(tmp_path, FUNDS.format(adjusted="861.46", received="850"), "JX112")


SHARES = (
    "杜集区政府办2021年度一般公共预算财政拨款“三公”经费支出决算情况说明\n"
    "杜集区政府办2021年度一般公共预算财政拨款“三公”经费支出决算中,因公出国(境)费支出决算0万元,占0%;"
    "公务接待费支出决算5.21万元,占{reception}%;公务用车购置及运行维护费支出决算2.48万元,占{vehicle}%。"
    "“三公”经费支出决算为7.69万元。\n"
)


def test_a_share_truncated_instead_of_rounded_is_an_info(tmp_path: Path) -> None:
    # 2.48 ÷ 7.69 = 32.2497%: 32.24% is truncated; 5.21 ÷ 7.69 = 67.75% is right
    found = findings(tmp_path, SHARES.format(reception="67.75", vehicle="32.24"), "JX309")
    assert [(f.severity, f.numbers[:3]) for f in found] == [
        (Severity.INFO, (Decimal("2.48"), Decimal("7.69"), Decimal("32.24")))
    ]
    # every share is stated and they add up to 99.99: the finding names them all
    assert {Decimal("67.75"), Decimal("99.99")} <= set(found[0].numbers)


def test_a_share_that_is_not_the_items_share_is_an_error(tmp_path: Path) -> None:
    found = findings(tmp_path, SHARES.format(reception="57.75", vehicle="32.25"), "JX309")
    assert [f.severity for f in found] == [Severity.ERROR]
    assert Decimal("57.75") in found[0].numbers and Decimal("67.75") in found[0].numbers
