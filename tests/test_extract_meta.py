"""The report's identity: department, region (GB/T 2260 names), fiscal year, report date, kind."""

from __future__ import annotations

import pytest

from jixiao.extract.meta import find_department, find_fiscal_year, find_region, find_report_date, find_report_kind


@pytest.mark.parametrize(
    ("title", "department", "region"),
    [
        ("长沙市岳麓区教育局2022年度部门整体支出绩效自评报告", "长沙市岳麓区教育局", "湖南省长沙市岳麓区"),
        ("2022年度湘潭市雨湖区人民法院部门整体支出绩效自评报告", "湘潭市雨湖区人民法院", "湖南省湘潭市雨湖区"),
        ("中共新化县委宣传部2021年度整体支出绩效自评报告", "中共新化县委宣传部", "湖南省娄底市新化县"),
        ("湖南省财政厅2022年度部门整体支出绩效自评报告", "湖南省财政厅", "湖南省"),
        ("卢龙县公安局 部门绩效自评工作报告", "卢龙县公安局", "河北省秦皇岛市卢龙县"),
    ],
)
def test_department_and_region_from_the_title(title: str, department: str, region: str) -> None:
    found = find_department([title], {})
    assert found == department
    assert find_region(found, title)[0] == region


def test_a_shared_division_name_is_settled_by_the_places_the_text_names() -> None:
    assert find_region("朝阳区民政局", "北京市朝阳区民政局")[0] == "北京市朝阳区"
    assert find_region("朝阳区民政局", "长春市朝阳区民政局，吉林省长春市")[0] == "吉林省长春市朝阳区"


def test_department_from_a_label_or_a_signature() -> None:
    assert find_department(["封面", "单位名称：  衡阳市公安局"], {}) == "衡阳市公安局"
    assert find_department(["x"], {"部门(单位)名称": "青山县教育局"}) == "青山县教育局"
    assert find_department(
        ["关于2022年度部门整体支出绩效自评的报告", "正文", "白石县农业农村局", "2023年3月1日"], {}
    ) == ("白石县农业农村局")
    assert find_department(["一份没有单位的文字"], {}) is None


def test_year_date_and_kind() -> None:
    lines = ["2021年度新晃侗族自治县公安局整体支出绩效自评报告", "……", "2022年5月25日"]
    assert find_fiscal_year(lines) == 2021
    assert find_report_date(lines, {}) == "2022-05-25"
    assert find_report_date(["无日期"], {"填报日期": "2024年3月15日"}) == "2024-03-15"
    assert find_report_kind(lines, has_projects=False) == "department_overall"
    assert find_report_kind(["XX项目支出绩效自评表"], has_projects=False) == "project"
    assert find_report_kind(["卢龙县公安局 部门绩效自评工作报告"], has_projects=True) == "mixed"


def test_a_title_broken_over_two_lines() -> None:
    lines = ["附件1", "2022年度长沙市岳麓区教育局", "部门整体支出绩效自评报告", "一、基本情况"]
    assert find_department(lines, {}) == "长沙市岳麓区教育局"
