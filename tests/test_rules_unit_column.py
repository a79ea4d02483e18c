"""JX609: a target's own unit against the form's 计量单位 column (the 岳阳楼区 "28.8万元" with "%" case)."""

from __future__ import annotations

from pathlib import Path

from jixiao.pipeline import analyse

FORM = (
    "2023年度部门预算项目支出绩效自评表\n\n"
    "\t一级指标\n\t二级指标\n\t三级指标\n\t指标性质\n\t指标值\n\t度量单位\n\t完成值\n\t权重\n\t得分\n\n"
    "\t产出指标\n\t数量指标\n\t补助人数\n\t≥\n\t1200\n\t人\n\t1250人\n\t30\n\t30\n\n"
    "\t产出指标\n\t成本指标\n\t人均补助标准\n\t≤\n\t{value}\n\t{unit}\n\t28.8万元\n\t30\n\t30\n"
)


def findings(tmp_path: Path, value: str, unit: str) -> list[tuple[str, str]]:
    path = tmp_path / "form.txt"
    path.write_text(FORM.format(value=value, unit=unit), encoding="utf-8")
    return [(f.code, f.message) for f in analyse(path).findings if f.code == "JX609"]


def test_a_value_whose_unit_contradicts_the_unit_column(tmp_path: Path) -> None:
    assert findings(tmp_path, "28.8万元", "%") == [
        ("JX609", "指标“人均补助标准”的指标值“≤28.8万元”带单位“万元”，与计量单位栏“%”不一致")
    ]


def test_a_bare_number_takes_the_column_unit_and_convertible_money_is_fine(tmp_path: Path) -> None:
    assert findings(tmp_path, "28.8", "万元") == []
    assert findings(tmp_path, "288000元", "万元") == []
    report = analyse(tmp_path / "form.txt").report
    assert report.indicators[0].target is not None and report.indicators[0].target.text == "≥1200人"
    assert report.indicators[0].unit_stated == "人"
