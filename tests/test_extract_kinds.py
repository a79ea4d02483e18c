"""Documents of the self-evaluation family are read as what they are; only a document with no budget
content at all is refused. Fixtures are lines of the corpus's real documents (../shared/corpus/real)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from builders import report_from_text
from jixiao.errors import NotASelfEvaluation
from jixiao.extract.meta import find_document_kind, find_report_kind
from jixiao.profiles import get_profile
from jixiao.rules import check
from jixiao.scoring import score

# real/026: a county's 三公 disclosure, two sentences and no title
SANGONG_PROSE = (
    "2019年度“三公”经费财政拨款支出预算为44.52万元,2019年实际支出“三公经费”决算为22.62万元。"
    "其中公务接待费为20.10万元,占88.86%;公务用车运行维护费为2.52万元,占11.14%。"
    "本年度“三公经费”决算数未超过2019年预算数。\n"
)
# real/025, as published: traditional characters, pinyin after some of them
SANGONG_TRADITIONAL = (
    "一、2021年度一般公共預算財政撥款“三公”經(jīng)費支出決算表\n單位:萬元\n"
    "(一)一般公共預算財政撥款“三公”經(jīng)費支出決算總體情況說明。\n"
    "杜集區(qū)政府辦2021年度一般公共預算財政撥款“三公”經(jīng)費支出預算為49.9萬元,支出決算為7.69萬元,"
    "完成預算的15.41%。\n"
)


from_text = report_from_text


@pytest.mark.parametrize(
    ("lines", "kind"),
    [
        (
            ["2019年度鹿寨县“三公”经费支出决算情况", "根据中央和自治区关于推进政府预算信息公开"],
            "three_public_disclosure",
        ),
        (["关于2023年度预算绩效情况的说明", "一、预算绩效管理工作开展情况"], "final_accounts_explanation"),
        (["岳阳楼区2023年部门整体绩效目标表", "指标值类型 指标值 计量单位"], "performance_targets"),
        (["2023年度项目支出绩效目标申报表"], "performance_targets"),
        (["洪江市财政局2024年度部门决算", "第一部分 部门概况"], "final_accounts_explanation"),
        (["2021年度部门决算绩效自评报告"], "department_overall"),
        (["部门整体支出及项目支出绩效评价报告", "一、基本情况"], "mixed"),
        (["部门预算项目支出绩效自评表(2023年度) |", "项目名称 |"], "project"),
        (["丰都县公安局2022年度辅警人员经费绩效自评工作报告", "一、基本情况", "(一)项目背景、内容。"], "project"),
        (["儋州市公安局 2017年度部门整体支出绩效评价报告"], "department_overall"),
        (["天津市雪亮工程转移支付2020年度绩效自评报告"], "project"),
        (["项目绩效目标完成情况表 (2019 年度) |", "|||||", "项目名称 | 公务用车运行维护项目 | ||||"], "project"),
        # the title names neither: the opening says what was evaluated …
        (
            [
                "武山县消防救援大队2024年度部门预算",
                "执行情况绩效自评整改报告",
                "根据要求,我单位对照2024年度预算绩效目标,对部门整体支出及项目支出执行情况开展了全面自评。",
            ],
            "mixed",
        ),
        # … and a document it cites does not
        (
            [
                "红河州公安局2020年度预算绩效管理工作自评报告",
                "根据《红河州财政局关于开展2021年度州级部门整体支出和项目支出绩效自评和财政评价工作的通知》等相关规定",
                "一、部门基本情况",
            ],
            "department_overall",
        ),
        # a fund named in the title is evaluated as a project (雅安 2024, 遂宁 2021) …
        (["雅安市名山区林业局2024年度林业草原改革发展资金绩效评价表", "审批"], "project"),
        (["食品监管补助资金区域绩效目标自评表", "资金情况(万元)"], "project"),
        # … and so is a transfer fund whose report opens with its targets' allocation (西平 2022)
        (
            [
                "为做好2022年财政衔接推进乡村振兴资金绩效管理工作,现将自评总结报告如下:",
                "一、绩效目标分解下达情况",
            ],
            "project",
        ),
        # an 整体 title whose opening covers the projects too (许昌 2022)
        (
            [
                "河湖水系2022年整体绩效自评总结报告",
                "许昌市某中心2022年整体和项目支出绩效自评总结报告 一 绩效管理工作开展情况。",
            ],
            "mixed",
        ),
    ],
)
def test_report_kind_from_the_title(lines: list[str], kind: str) -> None:
    document_kind = find_document_kind(lines)
    if kind in ("department_overall", "project", "mixed"):
        assert (document_kind, find_report_kind(lines, has_projects=False)) == ("self_evaluation", kind)
    else:
        assert document_kind == kind


def test_a_three_public_disclosure_is_read_not_refused(tmp_path: Path) -> None:
    report = from_text(tmp_path, SANGONG_PROSE)
    assert (report.unit.document_kind, report.unit.report_kind) == ("three_public_disclosure", "department_overall")
    assert not report.is_self_evaluation()
    assert report.value("three_public_budget") == Decimal("44.52")
    assert report.value("three_public_total") == Decimal("22.62")
    assert report.unit.fiscal_year == 2019


def test_a_traditional_disclosure_reads_as_simplified(tmp_path: Path) -> None:
    report = from_text(tmp_path, SANGONG_TRADITIONAL)
    unit = report.unit
    assert (unit.document_kind, unit.fiscal_year, unit.department) == ("three_public_disclosure", 2021, "杜集区政府办")
    assert unit.region == "安徽省淮北市杜集区"
    assert report.value("three_public_budget") == Decimal("49.9")
    assert report.value("three_public_total") == Decimal("7.69")


def test_no_score_or_indicator_table_is_asked_of_a_disclosure(tmp_path: Path) -> None:
    report = from_text(tmp_path, SANGONG_PROSE)
    profile = get_profile("national-2020")
    found = {f.code for f in check(report, score(report, profile), profile)}
    assert not found & {"JX506", "JX605"}
    # the same text, called a self-evaluation, is asked for them
    report.unit.document_kind = "self_evaluation"
    found = {f.code for f in check(report, score(report, profile), profile)}
    assert {"JX506", "JX605"} <= found


@pytest.mark.parametrize(
    "text",
    [
        "房屋租赁合同\n甲方：张三\n乙方：李四\n第一条 租金每月3000元，按季度支付。\n第二条 租期两年。\n",
        "第一章\n他从口袋里掏出三百元钱，买了一张去北京的车票。\n窗外的雨下了一整夜。\n",
    ],
)
def test_a_document_with_no_budget_content_is_refused(tmp_path: Path, text: str) -> None:
    with pytest.raises(NotASelfEvaluation):
        from_text(tmp_path, text)
