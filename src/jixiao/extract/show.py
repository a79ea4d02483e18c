"""A readable text view of `jixiao extract` output for the terminal."""

from __future__ import annotations

from typing import Any

from jixiao.model.document import place_parts
from jixiao.model.report import FACT_SECTIONS

_FACT_NAMES_ZH = {
    "staff_authorized": "编制人数",
    "staff_actual": "实有人数",
    "income_total": "收入合计",
    "carryover": "上年结转",
    "income_general_budget": "一般公共预算拨款",
    "income_fund_budget": "政府性基金拨款",
    "income_special_account": "专户管理非税收入拨款",
    "income_other": "其他收入",
    "expenditure_total": "支出合计",
    "basic_expenditure": "基本支出",
    "project_expenditure": "项目支出",
    "personnel_expenditure": "人员支出",
    "public_expenditure": "公用支出",
    "three_public_total": "三公经费合计",
    "three_public_budget": "三公经费预算",
    "reception": "公务接待费",
    "reception_budget": "公务接待费预算",
    "vehicle_total": "公务用车费",
    "vehicle_budget": "公务用车费预算",
    "budget_initial": "年初预算数",
    "budget_adjusted": "全年预算数",
    "budget_executed": "全年执行数",
    "execution_rate": "预算执行率",
    "self_score": "自评得分",
    "grade": "评价等次",
}


def _where(prov: dict[str, Any]) -> str:
    """第2页，表1 第3行第4列: the same words `check` and the narrative report use (counted from 1)."""
    return "，".join(place_parts(prov))


def extraction_as_text(data: dict[str, Any]) -> str:
    doc = data["document"]
    lines = [
        f"# {data['source']['path']}",
        f"单位：{doc['department'] or '—'}  地区：{doc['region'] or '—'}  年度：{doc['fiscal_year'] or '—'}  "
        f"报告日期：{doc['report_date'] or '—'}  类型：{doc['report_kind']}  版式：{doc['layout']}",
        "",
        "事实（万元 / %）:",
    ]
    order = list(FACT_SECTIONS)
    for key in sorted(data["facts"], key=order.index):
        name = _FACT_NAMES_ZH.get(key, key)
        lines.append(f"  {name:<12} {key:<32} {data['facts'][key]!s:<14} {_where(data['provenance'][key])}")
    if data["indicators"]:
        lines.append("")
        lines.append(f"绩效指标（{len(data['indicators'])} 项）:")
        for row in data["indicators"]:
            lines.append(
                f"  {row['level1']} / {row['level2']} / {row['level3']}  目标 {row['target']}  "
                f"完成 {row['actual']}  分值 {row['weight']}  得分 {row['score']}"
            )
    if data["projects"]:
        lines.append("")
        lines.append(f"项目（{len(data['projects'])} 个）:")
        for p in data["projects"]:
            amounts = ", ".join(
                f"{k}={p[k]}"
                for k in (
                    "budget_initial",
                    "budget_adjusted",
                    "budget_executed",
                    "execution_rate",
                    "amount",
                    "supplement",
                )
                if p[k] is not None
            )
            lines.append(f"  {p['name']}  {amounts}")
    if data["evaluators"]:
        lines.append("")
        lines.append("评价人员：" + "、".join(data["evaluators"]))
    for conflict in data["conflicts"]:
        lines.append(f"! 同一事实两处数值不同：{conflict['key']} {conflict['kept']} 与 {conflict['other']}")
    for warning in data["warnings"]:
        lines.append(f"! {warning}")
    return "\n".join(lines)
