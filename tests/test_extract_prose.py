"""Prose wordings of real reports (shared corpus and tests/corpus), each read as the fact it states.

Every case is a sentence as published (a number or a name may be cut), so that the reader is tested on
the wording units really use, not on the seeds' alone.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from builders import report_from_text

TITLE = "2021年度部门整体支出绩效自评报告\n"


def stated(tmp_path: Path, text: str, title: str = TITLE) -> dict[str, object]:
    return {k: f.value for k, f in report_from_text(tmp_path, title + text + "\n").facts().items()}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # headcounts in their forms
        ("至2019年12月,共有编制244名,实有人数691人,其中在编在职244人。", {"staff_authorized": 244}),
        ("现有编制人员205人。其中,局机关在职113人、离休2人、退休75人。", {"staff_authorized": 205}),
        ("我局实有编制数 63 人,2021 年末在职人数 57 人、离 退休人数 94 人。", {"staff_actual": 57}),
        # totals as numbered headings, and the parts of spending
        ("1、收入:792.22万元。同比上年度增加189.25万元,增加31.39%。", {"income_total": Decimal("792.22")}),
        (
            "2、支出:799.12万元。其中:人员经费支出434.89万元,公用经费支出77.4万元,项目支出286.83万元。",
            {
                "expenditure_total": Decimal("799.12"),
                "personnel_expenditure": Decimal("434.89"),
                "public_expenditure": Decimal("77.4"),
                "project_expenditure": Decimal("286.83"),
            },
        ),
        # budgets of a project
        ("是2024 年部门年初预算 1022.89 万元,年中调整预算为 1781.86 万元。", {"budget_adjusted": Decimal("1781.86")}),
        (
            "实施项目共15个(含2023年转列暂付性款项项目5个),年初批复预算8个项目985万元,调整预算后项目预算861.46万元。",
            {"budget_initial": Decimal(985), "budget_adjusted": Decimal("861.46"), "project_count": 15},
        ),
        (
            "2021年本专科生奖助学金项目实际下达预算2596万元,全年度实际总支出2595.6208 万元,项目预算执行率99%。",
            {"budget_adjusted": Decimal(2596), "execution_rate": Decimal(99)},
        ),
        (
            "2023年度我校教育专项工作经费项目财政资金总额16.20万元,全部为县级配套资金,拨付使用16.20万元,预算执行率100%。",
            {"budget_adjusted": Decimal("16.20"), "budget_executed": Decimal("16.20"), "execution_rate": Decimal(100)},
        ),
        # 三公 items in the Yunnan template's words
        (
            "公务用车运行维护支出273,702.10元,开支一般公共预算财政拨款的公务用车保有量为14辆。",
            {"vehicle_operation": Decimal("27.37021")},
        ),
        # grades
        (
            "部门绩效自评工作总体得分为84.47分,评级为“优”,预算执行总体规范。",
            {"self_score": Decimal("84.47"), "grade": "优"},
        ),
    ],
)
def test_wordings_of_real_reports(tmp_path: Path, sentence: str, expected: dict[str, object]) -> None:
    got = stated(tmp_path, sentence)
    assert {k: got.get(k) for k in expected} == expected


def test_a_thousands_separator_with_a_space_gives_no_wrong_amount(tmp_path: Path) -> None:
    got = stated(
        tmp_path,
        "公务用车购置及运行维护费1,646.4万元(公务用车购置费109.0万元、公务用车运行维护费1, 537.4万元)。",
    )
    assert got["vehicle_total"] == Decimal("1646.4")
    assert "vehicle_operation" not in got  # "1, 537.4" is not read as 537.4


def test_a_change_against_the_budget_is_not_the_change_on_last_year(tmp_path: Path) -> None:
    got = stated(
        tmp_path,
        "2021年“三公”经费支出共计9.07万元,较年初预算数减少10.93万元,下降54.65%, 较上年支出数减少0.71万元,下降7.83%。",
    )
    assert (got["three_public_change"], got["three_public_change_rate"]) == (Decimal("-0.71"), Decimal("-7.83"))
    assert (got["three_public_budget_variance"], got["three_public_budget_variance_rate"]) == (
        Decimal("-10.93"),
        Decimal("-54.65"),
    )
    assert "three_public_budget" not in got  # 10.93 is a difference, not the budget


def test_spending_against_its_own_budget_and_no_change(tmp_path: Path) -> None:
    text = (
        "1.因公出国(境)费支出0万元,与2021年度预算相比无增减。\n"
        "2.公务接待费支出5.21万元, 与2021年度预算相比,减少0.1万元,下降0.006%,下降的原因是厉行节约。\n"
    )
    got = stated(tmp_path, text, "2021年度“三公”经费支出决算情况说明\n")
    assert got["overseas_travel_budget_variance"] == 0
    assert (got["reception"], got["reception_budget_variance"], got["reception_budget_variance_rate"]) == (
        Decimal("5.21"),
        Decimal("-0.1"),
        Decimal("-0.006"),
    )


def test_a_budget_disclosure_states_budgets_and_their_changes(tmp_path: Path) -> None:
    text = (
        "2021年我镇“三公”经费预算为20万元,其中:因公出国(境)费0万元,公务接待费9万元,公务用车运行维护费11万元。\n"
        "2021年市本级“三公”经费预算总额为3136万元,较2020年的3178万元减少42万元,下降1.32%。"
    )
    got = stated(tmp_path, text, "2021年“三公”经费预算公开说明\n")
    assert got["three_public_budget"] == Decimal(20)
    assert (got["reception_budget"], got["vehicle_operation_budget"]) == (Decimal(9), Decimal(11))
    assert "reception" not in got and "three_public_total" not in got  # no actual spending is stated


def test_a_budget_compared_with_an_earlier_years_budget(tmp_path: Path) -> None:
    text = "(二)公务接待费支出预算为22.20万元,比2019年预算减少4.8万元,下降17.78%。"
    got = stated(tmp_path, text, "杜集经济开发区管委会2020年“三公”经费预算情况说明\n")
    assert (got["reception_budget_change"], got["reception_budget_change_rate"]) == (Decimal("-4.8"), Decimal("-17.78"))
    assert "reception_budget_variance" not in got


def test_last_years_totals_beside_this_years(tmp_path: Path) -> None:
    text = (
        "2023年度收入总计6462.57万元。收支较上年决算数减少570.58万元,主要原因是2022年收入总计7033.15万元,"
        "包括本年收入合计6925.14万元,使用年初结转和结余108.01万元。"
    )
    got = stated(tmp_path, text, "重庆市綦江区公路事务中心2023年度部门决算\n")
    assert got["income_total"] == Decimal("6462.57")
    assert "income_grand_total" not in got  # 7033.15 is 2022's


def test_grand_total_beside_the_years_total(tmp_path: Path) -> None:
    text = "2023年度收入總計434.72萬元,其中:本年收入合計434.16萬元,使用非財政撥款結余0.00萬元。"
    got = stated(tmp_path, text, "乌鲁木齐市政务服务中心2023年度部门决算\n")
    assert (got["income_grand_total"], got["income_total"]) == (Decimal("434.72"), Decimal("434.16"))


SANGONG_TITLE = "2023年某省某厅一般公共预算财政拨款“三公”经费支出决算情况说明\n"


def test_the_budget_inside_a_completion_rate_and_an_earlier_years_comparison(tmp_path: Path) -> None:
    # 广东 2023 wording: 完成全年预算X万元的Y%; beside the change on last year, one on 2019 (疫情前)
    got = stated(
        tmp_path,
        "某厅2023年度“三公”经费财政拨款支出决算为50.40万元,完成全年预算72.00万元的70.0%,比上年决算数增加"
        "20.40万元,增长68.0%;比2019年(疫情前)决算数减少19.60万元,降低28.0%。其中:公务接待费支出决算为"
        "18.00万元,完成预算36.00万元的50.0%,比上年决算数增加8.00万元,增长80.0%。",
        SANGONG_TITLE,
    )
    assert got["three_public_total"] == Decimal("50.40")
    assert (got["three_public_budget"], got["three_public_execution_rate"]) == (Decimal("72.00"), Decimal("70.0"))
    assert (got["three_public_change"], got["three_public_change_rate"]) == (Decimal("20.40"), Decimal("68.0"))
    assert "three_public_budget_change_rate" not in got
    assert (got["reception_budget"], got["reception_execution_rate"]) == (Decimal("36.00"), Decimal("50.0"))


def test_a_change_on_an_earlier_year_alone_is_still_read_as_the_change(tmp_path: Path) -> None:
    # no change on last year beside it: the comparison year is wrong (JX701), the change is still stated
    got = stated(tmp_path, "2021年度收入总计5028.61万元,与2019年相比,减少761.39万元,减少13.15%。")
    assert (got["income_change"], got["income_change_rate"]) == (Decimal("-761.39"), Decimal("-13.15"))


def test_an_amount_compared_with_last_years_budget_is_a_budget(tmp_path: Path) -> None:
    # 百色 2024 wording: no title says it is a budget; the comparison with 上年年初预算 does
    got = stated(
        tmp_path,
        "公务接待费638万元,比上年年初预算减少317万元。公务用车运行维护费2505万元,比上年年初预算减少174万元。",
        "根据百色市本级2024年预算,2024年市本级一般公共预算安排的“三公”经费支出预算安排情况如下:\n",
    )
    assert (got["reception_budget"], got["reception_budget_change"]) == (Decimal(638), Decimal(-317))
    assert got["vehicle_operation_budget"] == Decimal(2505)
    assert "reception" not in got and "vehicle_operation" not in got


def test_a_share_of_the_whole_named_after_its_subject(tmp_path: Path) -> None:
    # 寻甸 2022 wording: 占总支出决算的77.90% is 公务接待费's share, 总支出 is the whole, not a new subject
    got = stated(
        tmp_path,
        "其中:因公出国(境)费支出决算0元,占总支出决算的0%;公务接待费支出决算4,895.00元,占总支出决算的77.90%。",
        "2022年度“三公”经费决算情况说明\n",
    )
    assert (got["reception"], got["reception_share"], got["overseas_travel_share"]) == (
        Decimal("0.4895"),
        Decimal("77.90"),
        Decimal(0),
    )
    assert "expenditure_total" not in got


def test_income_from_special_accounts_is_read_in_prose(tmp_path: Path) -> None:
    facts = stated(tmp_path, "收入合计3319.31万元，上年结转174万元，纳入专户管理的非税收入拨款1300.94万元。")
    assert facts["income_special_account"] == Decimal("1300.94")
