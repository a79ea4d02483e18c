"""Who reports, where, for which year: read from the header rows and titles real reports print.

Every fixture below is a line of a report in the corpus (../shared/corpus/real), flattened as it was
published: several label/value cells on one line, a cell per line, or OCR text with no separators.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import report_from_text
from jixiao.extract.meta import (
    find_budget_code,
    find_department,
    find_fiscal_year,
    find_implementing_unit,
    find_project,
    find_region,
)

from_text = report_from_text


def test_two_cells_of_one_line_are_two_units() -> None:
    lines = ["项目支出绩效自评表", "(2021年度)", "项目名称 禁毒经费", "主管部门 宣城市公安局 实施单位 禁毒支队"]
    assert find_department(lines, {}) == "宣城市公安局"
    assert find_implementing_unit(lines, {}) == "禁毒支队"
    assert find_project(lines, {}) == ("禁毒经费", None)


def test_codes_written_before_names_are_split_off() -> None:
    line = (
        "附件: 项目支出绩效自评表 (2022年度) 项目名称 委托业务项目 主管部门 219-池州市贵池区棠溪镇人民政府 "
        "实施单位 219001-池州市贵池区棠溪镇人民政府"
    )
    assert find_department([line], {}) == "池州市贵池区棠溪镇人民政府"
    assert find_implementing_unit([line], {}) == "池州市贵池区棠溪镇人民政府"
    assert find_budget_code([line], {}) == "219"
    cell_per_line = ["项目名称 |", "51000021R000000019951-工资性支出 |", "主管部门 |", "青神县发展和改革局本级 |"]
    assert find_project(cell_per_line, {}) == ("工资性支出", "51000021R000000019951")
    # 本级 is the bureau's own budget level, not part of its name
    assert find_department(cell_per_line, {}) == "青神县发展和改革局"


def test_a_labelled_budget_code_with_spaced_label() -> None:
    lines = ["部门(单位)名称:  岳阳市城市管理监督指挥中心", "预 算 编 码:   906017", "评价方式:部门(单位)绩效自评"]
    assert find_department(lines, {}) == "岳阳市城市管理监督指挥中心"
    assert find_budget_code(lines, {}) == "906017"


def test_a_table_row_holds_label_value_cells() -> None:
    # real/010 as a table row: the pair reader gives 实施单位 → "永德县明朗中学 | 项目资金 (元)"
    pairs = {"主管部门": "永德县教育体育局", "实施单位": "永德县明朗中学 | 项目资金 (元) |"}
    assert find_department([], pairs) == "永德县教育体育局"
    assert find_implementing_unit([], pairs) == "永德县明朗中学"


def test_a_seal_mark_and_a_bare_department() -> None:
    assert find_department(["2019年度部门整体支出绩效自评报告", "单位名称(盖章)衡山县公安局"], {}) == "衡山县公安局"
    lines = [
        "石狮市公安局看守所2022年专项资金绩效自评报告及自评表",
        "专项名称 基本业务费",
        "主管部门 公安局 实施单位 石狮市看守所",
    ]
    # 主管部门 "公安局" names no place: the title's unit that contains it does
    assert find_department(lines, {}) == "石狮市公安局"
    assert find_implementing_unit(lines, {}) == "石狮市看守所"


def test_ocr_text_without_separators() -> None:
    glued = (
        "1、银川市本级部门项目支出绩效自评表(2021年)项目名称初中公用经费主管部门银川市教育局实施第位自评得分98"
        "财政审1度评分银川市第六中学项Fl资金(万兀)年度资金总额"
    )
    assert find_department([glued], {}) == "银川市教育局"
    # a glued name that names no place is no department: 主管部门 is blank, 财政处室 the next header
    blank = (
        "1、部门整体绩效自评表主管部门财政处室自评总分(分)97.6部门联系人曾雪莲联系电话"
        "部门预算执行情况年初预算数全年预算数"
    )
    assert find_department([blank], {}) is None


def test_title_words_are_never_a_unit() -> None:
    assert find_department(["部门整体绩效自评表主管部门"], {}) is None


@pytest.mark.parametrize(
    ("department", "region"),
    [
        ("红河州数据发展中心", "云南省红河哈尼族彝族自治州"),
        ("湘西州财政局", "湖南省湘西土家族苗族自治州"),
        ("新晃县公安局", "湖南省怀化市新晃侗族自治县"),
        ("杜集区政府办", "安徽省淮北市杜集区"),
    ],
)
def test_autonomous_divisions_by_their_short_names(department: str, region: str) -> None:
    assert find_region(department, "")[0] == region


def test_a_real_name_wins_over_a_short_one() -> None:
    # 红河县 is a county of 红河州, not a short name of the prefecture
    assert find_region("红河县教育局", "")[0] == "云南省红河哈尼族彝族自治州红河县"


@pytest.mark.parametrize(
    ("lines", "year"),
    [
        (["# source: http://example", "三亚市公安局2017年整体支出绩效评价报告", "2018-12-04 10:31"], 2017),
        (["部门预算项目支出绩效自评表(2023年度) |", "2022年度结转"], 2023),
        (["2019年度鹿寨县“三公”经费支出决算情况", "2018年度……"], 2019),
    ],
)
def test_fiscal_year_from_the_title(lines: list[str], year: int) -> None:
    assert find_fiscal_year(lines) == year


def test_extract_keeps_department_and_implementing_unit_apart(tmp_path: Path) -> None:
    report = from_text(
        tmp_path,
        "宣城市公安局禁毒项目绩效支出自评表\n项目支出绩效自评表\n(2021年度)\n项目名称 禁毒经费\n"
        "主管部门 宣城市公安局 实施单位 禁毒支队\n",
    )
    unit = report.unit
    assert (unit.department, unit.implementing_unit, unit.region) == ("宣城市公安局", "禁毒支队", "安徽省宣城市")
    assert (unit.division_code, unit.fiscal_year, unit.report_kind) == ("341800", 2021, "project")


@pytest.mark.parametrize(
    ("lines", "department"),
    [
        # a 政协 names its place after the 中国人民政治协商会议 it belongs to
        (
            ["中国人民政治协商会议云南省寻甸回族彝族自治县委员会2022年度“三公”经费决算情况说明"],
            "中国人民政治协商会议云南省寻甸回族彝族自治县委员会",
        ),
        # the unit on a line of its own over the title that names no unit
        (
            ["重庆市潼南区玉溪镇人民政府", "2022年度部门决算情况说明", "一、部门基本情况", *["(一)职能职责。"] * 6],
            "重庆市潼南区玉溪镇人民政府",
        ),
        # its budget code written before it
        (["2023年贯塘乡人民政府决算编制说明", "411001-衡山县贯塘乡人民政府2023年部门决算公开"], "衡山县贯塘乡人民政府"),
    ],
)
def test_a_unit_named_before_its_year_or_its_title(lines: list[str], department: str) -> None:
    assert find_department(lines, {}) == department
    assert find_region(department, "")[0] is not None


def test_a_pages_footer_links_are_no_signature() -> None:
    lines = ["2024年一般公共预算“三公”经费支出预算为14.01万元。", "国务院部门网站", "地方政府网站", "其他网站"]
    assert find_department(lines, {}) is None
