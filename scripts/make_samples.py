"""Generate the bundled fictional sample reports under src/jixiao/samples/ (and their labels).

Each sample is one Python data description below (units, funds, indicators, sentences). From it
this script builds a neutral layout (paragraphs and span-aware grids) and writes that layout as
.docx (python-docx, real gridSpan/vMerge merges, A4 landscape, CJK fonts), .xlsx (openpyxl merged
ranges), .txt (the tab-cell export format of Word that the seeds use), .html and .pdf (LibreOffice
from the .docx when `soffice` exists, else reportlab with a CJK font). The label of each file
(labels/<file>.label.json, same shape as ../shared/seeds/labels) is derived from the same data, so
labels and documents cannot drift apart. Every sample is internally consistent except the defects
planted on purpose, which are marked `PLANTED` below and listed in the labels' expected_findings.

Run: .venv/bin/python scripts/make_samples.py [--pdf-engine auto|soffice|reportlab] [--out DIR]
The generated files are committed, so the package never needs LibreOffice at run time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "jixiao" / "samples"

D = Decimal
CENT = Decimal("0.01")


def r2(value: Decimal) -> Decimal:
    """Round to 2 decimals, half up (how forms round money and scores)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return f"{r2(value):.2f}"


def pct(part: Decimal, whole: Decimal) -> Decimal:
    return r2(part / whole * 100)


def num_json(value: Decimal) -> float | int:
    """A label number: integers stay integers, the rest keep their stated decimals."""
    return int(value) if value == value.to_integral_value() else float(value)


# ---------------------------------------------------------------------------------------------
# The neutral layout: paragraphs and grids whose merged cells are stored once, with their spans.


@dataclass
class GCell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False
    align: str = "center"  # "center" | "left"
    number: Decimal | None = None  # written as a number in workbooks


@dataclass
class Grid:
    widths_mm: list[float]
    cells: list[GCell] = field(default_factory=list)
    font_pt: float = 9

    @property
    def n_cols(self) -> int:
        return len(self.widths_mm)

    @property
    def n_rows(self) -> int:
        return max(c.row + c.rowspan for c in self.cells)

    def put(self, row: int, col: int, text: str, rs: int = 1, cs: int = 1, **kw: Any) -> GCell:
        cell = GCell(row, col, text, rs, cs, **kw)
        self.cells.append(cell)
        return cell

    def complete(self) -> Grid:
        """Check that no two cells overlap and fill every uncovered position with an empty cell."""
        covered: dict[tuple[int, int], GCell] = {}
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    if (r, c) in covered or c >= self.n_cols:
                        raise ValueError(f"cell {cell.text!r} overlaps or leaves the grid at {(r, c)}")
                    covered[(r, c)] = cell
        for r in range(self.n_rows):
            for c in range(self.n_cols):
                if (r, c) not in covered:
                    self.cells.append(GCell(r, c, ""))
        self.cells.sort(key=lambda x: (x.row, x.col))
        return self

    def anchor_at(self) -> dict[tuple[int, int], GCell]:
        return {(c.row, c.col): c for c in self.cells}

    def owner(self) -> dict[tuple[int, int], GCell]:
        out: dict[tuple[int, int], GCell] = {}
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    out[(r, c)] = cell
        return out


@dataclass
class Para:
    text: str
    kind: str = "body"  # "title" | "subtitle" | "heading" | "body" | "note" | "right"


Block = Para | Grid


@dataclass
class Sample:
    stem: str
    title: str  # used by html <title>
    blocks: list[Block]
    label: dict[str, Any]
    formats: tuple[str, ...]
    landscape: bool = True


# ---------------------------------------------------------------------------------------------
# Sample (a): a national 项目支出绩效自评表 for a project of a county education bureau.


@dataclass
class IndicatorRow:
    level1: str
    level2: str
    level3: str
    target: str
    actual: str
    weight: Decimal
    score: Decimal
    reason: str = ""


PROJECT = {
    "stem": "project_qingshan_school_repair_2023",
    "fiscal_year": 2023,
    "region": "湖南省云溪市青山县",
    "project_name": "2023年义务教育薄弱学校校舍维修改造项目",
    "department": "青山县教育局",
    "implementer": "青山县教育局",
    # (row label, 年初预算数, 全年预算数, 全年执行数) in 万元; the first row is the total of the others.
    "funds": [
        ("年度资金总额", D("320.00"), D("350.00"), D("337.75")),
        ("其中：财政拨款", D("300.00"), D("330.00"), D("318.75")),
        ("上年结转资金", D("20.00"), D("20.00"), D("19.00")),
        ("其他资金", D("0"), D("0"), D("0")),
    ],
    "execution_weight": D("10"),
    "goal_expected": (
        "完成全县15所义务教育薄弱学校校舍维修改造，维修改造面积不少于12000平方米，更新课桌椅2000套，"
        "消除校舍安全隐患，改善学生学习生活条件。"
    ),
    "goal_actual": (
        "完成15所学校校舍维修改造，实际维修改造面积12680平方米，更新课桌椅1850套，"
        "校舍安全隐患整改率100%，项目于12月20日全部完工并通过验收。"
    ),
    "level1_points": {"产出指标": D(50), "效益指标": D(30), "满意度指标": D(10)},
    "indicators": [
        IndicatorRow("产出指标", "数量指标", "维修改造校舍面积", "≥12000平方米", "12680平方米", D(8), D(8)),
        IndicatorRow("产出指标", "数量指标", "完成维修改造学校数量", "=15所", "15所", D(7), D(7)),
        IndicatorRow(
            "产出指标",
            "数量指标",
            "更新课桌椅套数",
            "≥2000套",
            "1850套",
            D(7),
            D("6.48"),
            "部分课桌椅供货延迟，已督促供应商于次年3月底前交付到位。",
        ),
        # PLANTED: 得分 6.5 above its 分值 6 (the 产出 block still stays under its 50 points).
        IndicatorRow("产出指标", "质量指标", "工程验收合格率", "≥95%", "100%", D(6), D("6.5")),
        IndicatorRow("产出指标", "质量指标", "校舍安全隐患整改率", "100%", "100%", D(6), D(6)),
        IndicatorRow("产出指标", "时效指标", "项目完工时间", "12月底前", "12月20日", D(6), D(6)),
        IndicatorRow("产出指标", "成本指标", "项目总成本", "≤350万元", "337.75万元", D(5), D(5)),
        IndicatorRow("产出指标", "成本指标", "课桌椅单套采购成本", "≤600元", "580元", D(5), D(5)),
        IndicatorRow(
            "效益指标",
            "社会效益指标",
            "校园安全事故发生率",
            "下降5%以上",
            "下降4%",
            D(10),
            D(8),
            "部分学校围墙改造受雨季影响推迟，下一年度优先安排围墙及消防通道整治。",
        ),
        IndicatorRow("效益指标", "社会效益指标", "学生学习生活条件改善", "达成预期指标", "达成预期指标", D(10), D(10)),
        IndicatorRow("效益指标", "可持续影响指标", "校舍使用年限延长", "≥10年", "10年", D(10), D(10)),
        IndicatorRow("满意度指标", "服务对象满意度指标", "学生满意度", "≥90%", "93.5%", D(5), D(5)),
        IndicatorRow(
            "满意度指标",
            "服务对象满意度指标",
            "家长满意度",
            "≥90%",
            "88%",
            D(5),
            D("4.89"),
            "施工期间部分学校临时调整教室，家长有意见；今后施工安排在寒暑假进行。",
        ),
    ],
    "grade": "优",
    "filler": "填表人：李明华　　填报日期：2024年3月15日　　联系电话：0745-5550123　　单位负责人：王建国",
    "report_date": "2024-03-15",
}


def level_label(name: str, points: Decimal) -> str:
    return f"{name}\n({points}分)"


def indicator_rows(grid: Grid, top: int, col: int, rows: Sequence[IndicatorRow], points: dict[str, Decimal]) -> int:
    """Write indicator rows from `top` at column `col` (level 1), merging level-1/2 cells down."""
    r = top
    i = 0
    while i < len(rows):
        l1 = rows[i].level1
        j = i
        while j < len(rows) and rows[j].level1 == l1:
            j += 1
        grid.put(r, col, level_label(l1, points[l1]), rs=j - i)
        k = i
        while k < j:
            l2 = rows[k].level2
            m = k
            while m < j and rows[m].level2 == l2:
                m += 1
            grid.put(r + (k - i), col + 1, l2, rs=m - k)
            k = m
        for n, row in enumerate(rows[i:j]):
            rr = r + n
            grid.put(rr, col + 2, row.level3, align="left")
            grid.put(rr, col + 3, row.target)
            grid.put(rr, col + 4, row.actual)
            grid.put(rr, col + 5, str(row.weight), number=row.weight)
            grid.put(rr, col + 6, str(row.score), number=row.score)
            grid.put(rr, col + 7, row.reason, cs=grid.n_cols - col - 7, align="left")
        r += j - i
        i = j
    return r


def build_project() -> Sample:
    p = PROJECT
    rows: list[IndicatorRow] = p["indicators"]
    funds = p["funds"]
    total = funds[0]
    for k in (1, 2, 3):  # the total row is the sum of the source rows in every column
        assert total[k] == sum(f[k] for f in funds[1:]), total
    rate = pct(total[3], total[2])
    exec_score = r2(p["execution_weight"] * min(total[3] / total[2], D(1)))
    for name, points in p["level1_points"].items():
        assert sum(x.weight for x in rows if x.level1 == name) == points, name
    stated_total = exec_score + sum(x.score for x in rows)
    capped_total = exec_score + sum(min(x.score, x.weight) for x in rows)

    g = Grid(widths_mm=[20, 22, 26, 48, 30, 30, 18, 18, 27, 27])
    g.put(0, 0, "项目名称", bold=True)
    g.put(0, 1, p["project_name"], cs=9)
    g.put(1, 0, "主管部门", bold=True)
    g.put(1, 1, p["department"], cs=4)
    g.put(1, 5, "实施单位", bold=True)
    g.put(1, 6, p["implementer"], cs=4)
    g.put(2, 0, "项目资金\n（万元）", rs=5, bold=True)
    g.put(2, 1, "", cs=3)
    for i, head in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]):
        g.put(2, 4 + i, head, bold=True)
    for n, (name, initial, adjusted, executed) in enumerate(funds):
        r = 3 + n
        g.put(r, 1, name, cs=3, align="left")
        g.put(r, 4, money(initial), number=initial)
        g.put(r, 5, money(adjusted), number=adjusted)
        g.put(r, 6, money(executed), number=executed)
        g.put(r, 8, f"{pct(executed, adjusted)}%" if adjusted else "—")
        if n == 0:
            g.put(r, 7, str(p["execution_weight"]), number=p["execution_weight"])
            g.put(r, 9, str(exec_score), number=exec_score)
        else:
            g.put(r, 7, "—")
            g.put(r, 9, "—")
    g.put(7, 0, "年度\n总体\n目标", rs=2, bold=True)
    g.put(7, 1, "预期目标", cs=4, bold=True)
    g.put(7, 5, "实际完成情况", cs=5, bold=True)
    g.put(8, 1, p["goal_expected"], cs=4, align="left")
    g.put(8, 5, p["goal_actual"], cs=5, align="left")
    g.put(9, 0, "绩\n效\n指\n标", rs=len(rows) + 1, bold=True)
    heads = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    for i, head in enumerate(heads):
        g.put(9, 1 + i, head, bold=True)
    g.put(9, 8, "偏差原因分析及改进措施", cs=2, bold=True)
    end = indicator_rows(g, 10, 1, rows, p["level1_points"])
    g.put(end, 0, "总分", cs=6, bold=True)
    g.put(end, 6, "100", number=D(100))
    g.put(end, 7, str(stated_total), number=stated_total)
    g.put(end, 8, "", cs=2)
    g.put(end + 1, 0, "自评等级", cs=6, bold=True)
    g.put(end + 1, 6, p["grade"], cs=4)
    g.complete()

    blocks: list[Block] = [
        Para("附件1", "note"),
        Para("项目支出绩效自评表", "title"),
        Para(f"（{p['fiscal_year']}年度）", "subtitle"),
        g,
        Para(p["filler"], "body"),
    ]
    planted = next(x for x in rows if x.score > x.weight)
    label = {
        "department": p["department"],
        "region": p["region"],
        "fiscal_year": p["fiscal_year"],
        "report_date": p["report_date"],
        "report_kind": "project",
        "format": "table",
        "project": {"name": p["project_name"], "department": p["department"], "implementer": p["implementer"]},
        "facts": {
            "budget_initial": num_json(total[1]),
            "budget_adjusted": num_json(total[2]),
            "budget_executed": num_json(total[3]),
            "execution_rate": f"{rate}%",
            "execution_weight": num_json(p["execution_weight"]),
            "execution_score": num_json(exec_score),
            "self_score": num_json(stated_total),
            "grade": p["grade"],
            "indicator_count": len(rows),
        },
        "funds": [
            {
                "source": name,
                "budget_initial": num_json(a),
                "budget_adjusted": num_json(b),
                "budget_executed": num_json(c),
                "execution_rate": f"{pct(c, b)}%" if b else None,
            }
            for name, a, b, c in funds
        ],
        "indicator_weights_declared": {k: num_json(v) for k, v in p["level1_points"].items()},
        "indicators": [indicator_json(x) for x in rows],
        "expected_findings": [
            {
                "what": (
                    f"{planted.level3} 得分 {planted.score} is above its 分值 {planted.weight} (planted defect); "
                    f"capping it gives a total of {capped_total} instead of the stated {stated_total}"
                ),
                "severity": "error",
                "key_numbers": [str(planted.weight), str(planted.score)],
            }
        ],
        "notes": (
            f"Consistent otherwise: funds rows add up to the total in every column; execution "
            f"{money(total[3])}/{money(total[2])} = {rate}% gives {exec_score} of 10; level-3 weights add up "
            f"to 50/30/10; proportional scores 1850/2000x7 = 6.48, 4/5x10 = 8, 88/90x5 = 4.89; the stated 总分 "
            f"{stated_total} is the execution score plus the row scores as stated; both totals map to 优."
        ),
    }
    return Sample(p["stem"], "项目支出绩效自评表", blocks, label, ("docx", "xlsx", "pdf"))


def indicator_json(x: IndicatorRow) -> dict[str, Any]:
    return {
        "level1": x.level1,
        "level2": x.level2,
        "level3": x.level3,
        "target": x.target,
        "actual": x.actual,
        "weight": num_json(x.weight),
        "score": num_json(x.score),
        "deviation_reason": x.reason,
    }


# ---------------------------------------------------------------------------------------------
# Sample (b): a Hunan Template B 部门整体支出绩效自评表 for a city transport bureau (consistent).

DEPARTMENT_TABLE = {
    "stem": "dept_table_yunxi_transport_2023",
    "fiscal_year": 2023,
    "region": "湖南省云溪市",
    "department": "云溪市交通运输局",
    "budget": (D("8650.40"), D("9120.80"), D("8985.62")),  # 年初, 全年, 执行 (万元)
    "execution_weight": D("10"),
    # 按收入性质分 (adds up to 年初预算数) and 按支出性质分 (adds up to 全年执行数)
    "income": [
        ("一般公共预算", "income_general_budget", D("8120.40")),
        ("政府性基金拨款", "income_fund_budget", D("380.00")),
        ("纳入专户管理的非税收入拨款", "income_special_account", D("150.00")),
        ("其他资金", "income_other", D("0")),
    ],
    "spending": [
        ("基本支出", "basic_expenditure", D("3260.18")),
        ("项目支出", "project_expenditure", D("5725.44")),
    ],
    "goal_expected": [
        "1.完成农村公路提质改造120公里以上，改造危桥8座，保障国省干线和农村公路日常养护；",
        "2.提升公路路况水平，国省干线公路优良路率达到85%以上；",
        "3.推进城乡客运一体化，建制村通客车率保持100%，新能源公交车占比达到60%以上；",
        "4.持续改善群众出行条件，群众出行满意度达到90%以上。",
    ],
    "goal_actual": (
        "1.完成农村公路提质改造126.5公里，改造危桥8座，完成公路养护1520公里。"
        "2.国省干线公路优良路率87.3%，治超检测站点运行率96%。"
        "3.建制村通客车率100%，新能源公交车占比62%，全市道路交通事故起数同比下降6.8%。"
        "4.群众出行满意度92.6%，货运企业满意度86%。"
    ),
    "level1_points": {"产出指标": D(50), "效益指标": D(30), "满意度指标": D(10)},
    "indicators": [
        IndicatorRow("产出指标", "数量指标", "1.农村公路提质改造里程", "≥120公里", "126.5公里", D(5), D(5)),
        IndicatorRow("产出指标", "数量指标", "2.危桥改造数量", "≥8座", "8座", D(5), D(5)),
        IndicatorRow("产出指标", "数量指标", "3.公路日常养护里程", "≥1500公里", "1520公里", D(5), D(5)),
        IndicatorRow("产出指标", "质量指标", "1.新改建农村公路交工验收合格率", "100%", "100%", D(5), D(5)),
        IndicatorRow("产出指标", "质量指标", "2.国省干线公路优良路率", "≥85%", "87.3%", D(5), D(5)),
        IndicatorRow("产出指标", "质量指标", "3.治超检测站点运行率", "≥95%", "96%", D(5), D(5)),
        IndicatorRow("产出指标", "时效指标", "1.重点建设项目完工时间", "12月底前", "12月25日", D(5), D(5)),
        IndicatorRow("产出指标", "时效指标", "2.资金支付及时率", "≥95%", "97.2%", D(5), D(5)),
        IndicatorRow("产出指标", "成本指标", "1.人员经费", "≤2300万元", "2286.45万元", D(5), D(5)),
        IndicatorRow("产出指标", "成本指标", "2.日常公用经费", "≤980万元", "973.73万元", D(5), D(5)),
        IndicatorRow("效益指标", "经济效益指标", "1.降低群众出行成本", "达成预期指标", "达成预期指标", D(8), D(8)),
        IndicatorRow("效益指标", "社会效益指标", "1.道路交通事故起数", "下降5%以上", "下降6.8%", D(8), D(8)),
        IndicatorRow("效益指标", "社会效益指标", "2.建制村通客车率", "100%", "100%", D(7), D(7)),
        IndicatorRow("效益指标", "生态效益指标", "1.新能源公交车占比", "≥60%", "62%", D(7), D(7)),
        IndicatorRow("满意度指标", "服务对象满意度指标", "1.群众出行满意度", "≥90%", "92.6%", D(5), D(5)),
        IndicatorRow("满意度指标", "服务对象满意度指标", "2.货运企业满意度", "≥85%", "86%", D(5), D(5)),
    ],
    "filler": "填表人：周晓燕      填报日期：2024年4月10日       联系电话：0745-5550188     单位分管负责人签字：",
    "report_date": "2024-04-10",
}


def build_department_table() -> Sample:
    p = DEPARTMENT_TABLE
    initial, adjusted, executed = p["budget"]
    rows: list[IndicatorRow] = p["indicators"]
    assert sum(x[2] for x in p["income"]) == initial
    assert sum(x[2] for x in p["spending"]) == executed
    basic = p["spending"][0][2]
    cost_rows = [x for x in rows if x.level2 == "成本指标"]
    assert sum(D(x.actual.removesuffix("万元")) for x in cost_rows) == basic  # 人员 + 公用 = 基本支出
    for name, points in p["level1_points"].items():
        assert sum(x.weight for x in rows if x.level1 == name) == points, name
    rate = pct(executed, adjusted)
    exec_score = r2(p["execution_weight"] * min(executed / adjusted, D(1)))
    total = exec_score + sum(x.score for x in rows)

    g = Grid(widths_mm=[14, 24, 28, 52, 32, 32, 18, 18, 48])
    g.put(0, 0, "市级预算部门名称", cs=2, bold=True)
    g.put(0, 2, p["department"], cs=7, align="left")
    g.put(1, 0, "年度预\n算申请\n（万元）", rs=7, bold=True)
    g.put(1, 1, "", cs=2)
    for i, head in enumerate(["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]):
        g.put(1, 3 + i, head, bold=True)
    g.put(2, 1, "年度资金总额", cs=2)
    g.put(2, 3, money(initial), number=initial)
    g.put(2, 4, money(adjusted), number=adjusted)
    g.put(2, 5, money(executed), number=executed)
    g.put(2, 6, str(p["execution_weight"]), number=p["execution_weight"])
    g.put(2, 7, f"{rate}%")
    g.put(2, 8, str(exec_score), number=exec_score)
    g.put(3, 1, "按收入性质分：", cs=4, align="left")
    g.put(3, 5, "按支出性质分：", cs=4, align="left")
    for n, (name, _key, amount) in enumerate(p["income"]):
        prefix = "其中：" if n == 0 else ""
        g.put(4 + n, 1, f"{prefix}{name}：{money(amount)}", cs=4, align="left")
    for n, (name, _key, amount) in enumerate(p["spending"]):
        prefix = "其中：" if n == 0 else ""
        g.put(4 + n, 5, f"{prefix}{name}：{money(amount)}", cs=4, align="left")
    for n in range(len(p["spending"]), len(p["income"])):
        g.put(4 + n, 5, "", cs=4)
    g.put(8, 0, "年度总体目标", rs=2, bold=True)
    g.put(8, 1, "预期目标", cs=4, bold=True)
    g.put(8, 5, "实际完成情况", cs=4, bold=True)
    g.put(9, 1, "\n".join(p["goal_expected"]), cs=4, align="left")
    g.put(9, 5, p["goal_actual"], cs=4, align="left")
    g.put(10, 0, "绩\n效\n指\n标", rs=len(rows) + 1, bold=True)
    for i, head in enumerate(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]):
        g.put(10, 1 + i, head, bold=True)
    g.put(10, 8, "偏差原因分析及改进措施", bold=True)
    end = indicator_rows(g, 11, 1, rows, p["level1_points"])
    g.put(end, 0, "总分", cs=6, bold=True)
    g.put(end, 6, "100", number=D(100))
    g.put(end, 7, str(total), number=total)
    g.put(end, 8, "")
    g.complete()

    blocks: list[Block] = [
        Para("附件2", "note"),
        Para(f"{p['fiscal_year']}年度部门整体支出绩效自评表", "title"),
        g,
        Para(p["filler"], "body"),
    ]
    facts: dict[str, Any] = {
        "budget_initial": num_json(initial),
        "budget_adjusted": num_json(adjusted),
        "budget_executed": num_json(executed),
        "execution_rate": f"{rate}%",
        "execution_weight": num_json(p["execution_weight"]),
        "execution_score": num_json(exec_score),
    }
    facts.update({key: num_json(v) for _n, key, v in p["income"]})
    facts.update({key: num_json(v) for _n, key, v in p["spending"]})
    facts.update({"self_score": num_json(total), "indicator_count": len(rows)})
    label = {
        "department": p["department"],
        "region": p["region"],
        "fiscal_year": p["fiscal_year"],
        "report_date": p["report_date"],
        "report_kind": "department_overall",
        "format": "table",
        "facts": facts,
        "indicator_weights_declared": {k: num_json(v) for k, v in p["level1_points"].items()},
        "indicators": [indicator_json(x) for x in rows],
        "expected_findings": [
            {"what": f"no grade (评价等次) is stated; {total} points maps to 优", "severity": "info", "key_numbers": []}
        ],
        "notes": (
            "Internally consistent on purpose (a control sample): income parts add up to 年初预算数, 基本 + 项目 = "
            f"全年执行数, 人员经费 + 日常公用经费 = 基本支出, weights 10 + 50 + 30 + 10 = 100, "
            f"{money(executed)}/{money(adjusted)} = {rate}% gives {exec_score}, every row at full points."
        ),
    }
    return Sample(p["stem"], label["department"] + "部门整体支出绩效自评表", blocks, label, ("docx", "txt"))


# ---------------------------------------------------------------------------------------------
# Sample (c): a narrative 部门整体支出绩效自评报告 with money facts in sentences.

NARRATIVE = {
    "stem": "dept_narrative_baishi_agriculture_2023",
    "fiscal_year": 2023,
    "prior_year": 2022,
    "region": "湖南省云溪市白石县",
    "department": "白石县农业农村局",
    "staff_authorized": 68,
    "staff_actual": 64,
    "official_vehicles": 6,
    "income_total": D("3256.80"),
    "income_prior": D("3041.40"),
    "income_fiscal_appropriation": D("3156.80"),
    "income_other": D("100.00"),
    "expenditure_total": D("3198.45"),
    "expenditure_prior": D("3284.70"),
    "personnel_expenditure": D("1052.60"),
    "public_expenditure": D("233.72"),
    "projects": [
        ("高标准农田建设", D("1120.00")),
        ("农村人居环境整治", D("365.50")),
        ("动物疫病防控", D("128.63")),
        ("基层农技推广体系建设", D("186.00")),
        ("种粮大户补贴", D("112.00")),
    ],
    "budget_initial": D("2980.50"),
    "budget_adjusted": D("3320.60"),
    "three_public": {  # (budget, spent, prior-year spending)
        "overseas_travel": (D("0"), D("0"), None),
        "reception": (D("12.00"), D("9.46"), D("10.74")),
        "vehicle": (D("33.00"), D("29.16"), None),
    },
    "execution_weight": D("10"),
    "score_parts": [("产出指标", D("47.50")), ("效益指标", D("28.37")), ("满意度指标", D("8.00"))],
    "grade": "优",
    "report_date": "2024-03-28",
    # PLANTED: the expenditure change rate is stated with two digits swapped (2.63% is right).
    "planted_expenditure_change_rate": D("2.36"),
}


NARRATIVE_FORMATS: tuple[str, ...] = ("txt", "html")


def build_narrative() -> Sample:
    p = NARRATIVE
    year, prior = p["fiscal_year"], p["prior_year"]
    inc, exp = p["income_total"], p["expenditure_total"]
    assert p["income_fiscal_appropriation"] + p["income_other"] == inc
    basic = p["personnel_expenditure"] + p["public_expenditure"]
    project = sum(a for _n, a in p["projects"])
    assert basic + project == exp
    inc_change = inc - p["income_prior"]
    exp_change = exp - p["expenditure_prior"]  # negative: a decrease
    inc_rate = pct(inc_change, p["income_prior"])
    exp_rate_true = pct(-exp_change, p["expenditure_prior"])
    exp_rate_stated = p["planted_expenditure_change_rate"]
    assert exp_rate_true != exp_rate_stated
    basic_share, project_share = pct(basic, exp), pct(project, exp)
    tp = p["three_public"]
    tp_budget = sum(v[0] for v in tp.values())
    tp_spent = sum(v[1] for v in tp.values())
    rec_budget, rec_spent, rec_prior = tp["reception"]
    assert rec_prior is not None
    veh_budget, veh_spent, _ = tp["vehicle"]
    rec_change = rec_spent - rec_prior
    b_init, b_adj = p["budget_initial"], p["budget_adjusted"]
    exec_rate = pct(exp, b_adj)
    exec_score = r2(p["execution_weight"] * min(exp / b_adj, D(1)))
    self_score = exec_score + sum(s for _n, s in p["score_parts"])
    balance = inc - exp
    dept = p["department"]

    project_list = "；".join(f"{name}{money(a)}万元" for name, a in p["projects"])
    parts_text = "，".join(f"{name}得分{s}分" for name, s in p["score_parts"])
    paragraphs: list[Para] = [
        Para(f"{year}年度{dept}部门整体支出绩效自评报告", "title"),
        Para("一、部门（单位）基本概况", "heading"),
        Para(
            f"{dept}为{p['region']}人民政府工作部门，内设办公室、计划财务股、农田建设管理股、畜牧水产股等8个股室。"
            f"全局编制人数{p['staff_authorized']}人，实有人数{p['staff_actual']}人；"
            f"公务用车保有量{p['official_vehicles']}辆。"
        ),
        Para(
            "主要职能：统筹研究和组织实施全县“三农”工作发展规划，负责种植业、畜牧业、渔业行业管理，"
            "负责高标准农田建设和农村人居环境整治，负责动物疫病防控和农业技术推广等工作。"
        ),
        Para("二、部门整体支出绩效状况", "heading"),
        Para("（一）收支情况", "heading"),
        Para(
            f"{year}年度收入总计{money(inc)}万元，与{prior}年相比，增长{money(inc_change)}万元，增长{inc_rate}%，"
            f"主要是因为高标准农田建设项目资金增加。其中：财政拨款收入{money(p['income_fiscal_appropriation'])}万元，"
            f"其他收入{money(p['income_other'])}万元。"
        ),
        Para(
            f"{year}年度支出总计{money(exp)}万元，与{prior}年相比，减少{money(-exp_change)}万元，"
            f"减少{exp_rate_stated}%，主要是因为压减一般性支出。其中：基本支出{money(basic)}万元，"
            f"占{basic_share}%；项目支出{money(project)}万元，占{project_share}%。"
            f"基本支出中，人员支出{money(p['personnel_expenditure'])}万元，公用支出{money(p['public_expenditure'])}万元。"
            f"收支相抵，当年结余{money(balance)}万元。"
        ),
        Para("（二）预算执行情况", "heading"),
        Para(
            f"本年年初预算数{money(b_init)}万元，年中追加预算{money(b_adj - b_init)}万元，"
            f"全年预算数{money(b_adj)}万元，"
            f"全年执行数{money(exp)}万元，预算执行率{exec_rate}%。"
        ),
        Para("（三）项目支出情况", "heading"),
        Para(f"本年度共实施项目{len(p['projects'])}个，项目支出{money(project)}万元，分别为：{project_list}。"),
        Para("（四）“三公”经费控制情况", "heading"),
        Para(
            f"“三公”经费年初预算数{money(tp_budget)}万元，全年支出{money(tp_spent)}万元，"
            f"完成预算的{pct(tp_spent, tp_budget)}%，节约{money(tp_budget - tp_spent)}万元，"
            f"节约率{pct(tp_budget - tp_spent, tp_budget)}%。"
        ),
        Para("其中：因公出国（境）费预算为0万元，支出为0万元，本年无因公出国（境）费支出。"),
        Para(
            f"公务接待费预算为{money(rec_budget)}万元，支出{money(rec_spent)}万元，"
            f"完成预算的{pct(rec_spent, rec_budget)}%，"
            f"与上年相比减少{money(-rec_change)}万元，减少{pct(-rec_change, rec_prior)}%。"
        ),
        Para(
            f"公务用车购置及运行维护费预算为{money(veh_budget)}万元，支出{money(veh_spent)}万元，"
            f"完成预算的{pct(veh_spent, veh_budget)}%，其中公务用车运行维护费{money(veh_spent)}万元，购置费0万元。"
        ),
        Para("三、绩效目标完成情况", "heading"),
        Para(
            "全年新建高标准农田1.2万亩，完成农村户厕改造860户，重大动物疫病免疫密度保持在90%以上，"
            "未发生区域性重大动物疫情；开展农技培训42期，培训农民3100人次。"
        ),
        Para("四、自评结论", "heading"),
        Para(
            f"经综合评价，{dept}{year}年度部门整体支出绩效自评得分为{self_score}分，评价等次为{p['grade']}。"
            f"其中：预算执行得分{exec_score}分，{parts_text}。"
        ),
        Para("五、存在的问题及改进措施", "heading"),
        Para("部分项目前期准备不充分，资金支付进度前慢后快；下一步将加强项目储备，按月调度支付进度。"),
        Para(dept, "right"),
        Para(f"{year + 1}年3月28日", "right"),
    ]
    facts: dict[str, Any] = {
        "staff_authorized": p["staff_authorized"],
        "staff_actual": p["staff_actual"],
        "official_vehicles": p["official_vehicles"],
        "income_total": num_json(inc),
        "income_change": num_json(inc_change),
        "income_change_rate": f"{inc_rate}%",
        "income_fiscal_appropriation": num_json(p["income_fiscal_appropriation"]),
        "income_other": num_json(p["income_other"]),
        "expenditure_total": num_json(exp),
        "expenditure_change": num_json(exp_change),
        "expenditure_change_rate": f"-{exp_rate_stated}%",
        "basic_expenditure": num_json(basic),
        "basic_expenditure_share": f"{basic_share}%",
        "project_expenditure": num_json(project),
        "project_expenditure_share": f"{project_share}%",
        "personnel_expenditure": num_json(p["personnel_expenditure"]),
        "public_expenditure": num_json(p["public_expenditure"]),
        "balance_current_year": num_json(balance),
        "budget_initial": num_json(b_init),
        "budget_supplement": num_json(b_adj - b_init),
        "budget_adjusted": num_json(b_adj),
        "budget_executed": num_json(exp),
        "execution_rate": f"{exec_rate}%",
        "project_count": len(p["projects"]),
        "three_public_budget": num_json(tp_budget),
        "three_public_total": num_json(tp_spent),
        "three_public_execution_rate": f"{pct(tp_spent, tp_budget)}%",
        "three_public_saving": num_json(tp_budget - tp_spent),
        "three_public_saving_rate": f"{pct(tp_budget - tp_spent, tp_budget)}%",
        "overseas_travel_budget": 0,
        "overseas_travel": 0,
        "reception_budget": num_json(rec_budget),
        "reception": num_json(rec_spent),
        "reception_execution_rate": f"{pct(rec_spent, rec_budget)}%",
        "reception_change": num_json(rec_change),
        "reception_change_rate": f"-{pct(-rec_change, rec_prior)}%",
        "vehicle_budget": num_json(veh_budget),
        "vehicle_total": num_json(veh_spent),
        "vehicle_execution_rate": f"{pct(veh_spent, veh_budget)}%",
        "vehicle_operation": num_json(veh_spent),
        "vehicle_purchase": 0,
        "execution_score": num_json(exec_score),
        "self_score": num_json(self_score),
        "grade": p["grade"],
    }
    label = {
        "department": dept,
        "region": p["region"],
        "fiscal_year": year,
        "report_date": p["report_date"],
        "report_kind": "department_overall",
        "format": "narrative",
        "facts": facts,
        "projects": [{"name": n, "amount": num_json(a)} for n, a in p["projects"]],
        "expected_findings": [
            {
                "what": (
                    f"支出 decreased by {money(-exp_change)} from {money(p['expenditure_prior'])} "
                    f"({money(exp)} + {money(-exp_change)}), which is {exp_rate_true}%, but the report says "
                    f"{exp_rate_stated}% (planted defect)"
                ),
                "severity": "error",
                "key_numbers": [str(exp_rate_stated), str(exp_rate_true)],
            },
            {
                "what": f"the stated score {self_score} has no indicator table behind it, so it cannot be recomputed",
                "severity": "warning",
                "key_numbers": [str(self_score)],
            },
        ],
        "notes": (
            f"Verified by construction: {money(inc_change)}/{money(p['income_prior'])} = {inc_rate}%; "
            f"basic {money(basic)} + project {money(project)} = {money(exp)}; "
            f"shares {basic_share}% + {project_share}%; "
            f"三公 {money(tp_spent)}/{money(tp_budget)}; 接待 {money(-rec_change)}/{money(rec_prior)}; "
            f"execution {money(exp)}/{money(b_adj)} = {exec_rate}% gives {exec_score}; "
            f"{exec_score} + parts = {self_score} → 优; the project amounts add up to 项目支出."
        ),
    }
    return Sample(p["stem"], f"{year}年度{dept}部门整体支出绩效自评报告", paragraphs, label, NARRATIVE_FORMATS, False)


# ---------------------------------------------------------------------------------------------
# Writers


def write_txt(blocks: Iterable[Block], path: Path) -> None:
    """The tab-cell export of Word: one line per cell starting with a tab; a blank line between rows.

    Mirrors Word's w:tc structure: a horizontally merged cell is one cell; a vertically merged cell
    repeats as an empty continuation cell on the rows it covers.
    """
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Para):
            out.append(block.text)
            continue
        if out and out[-1]:
            out.append("")  # the export leaves an empty paragraph before a table
        owner = block.owner()
        for r in range(block.n_rows):
            if r:
                out.append("")
            c = 0
            while c < block.n_cols:
                cell = owner[(r, c)]
                if cell.row == r:
                    paras = cell.text.split("\n") if cell.text else [""]
                    out.append("\t" + paras[0])
                    for extra in paras[1:]:
                        out.extend(["", extra])
                else:
                    out.append("\t")
                c += cell.colspan
        out.extend(["", ""])
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def write_html(sample: Sample, path: Path) -> None:
    """A government web page: site chrome around the article body."""
    body: list[str] = []
    for block in sample.blocks:
        if isinstance(block, Grid):
            body.append(html_table(block))
        elif block.kind == "title":
            body.append(f"<h1>{html.escape(block.text)}</h1>")
        elif block.kind == "heading":
            body.append(f"<h3>{html.escape(block.text)}</h3>")
        elif block.kind == "right":
            body.append(f'<p style="text-align:right">{html.escape(block.text)}</p>')
        else:
            body.append(f"<p>{html.escape(block.text)}</p>")
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>{html.escape(sample.title)}_白石县人民政府</title></head>
<body>
<div class="header"><a href="/">白石县人民政府</a> <a href="/zwgk/">政务公开</a> <a href="/bsfw/">办事服务</a>
<a href="/hdjl/">互动交流</a></div>
<div class="breadcrumb">当前位置：首页 &gt; 政务公开 &gt; 财政信息 &gt; 绩效评价</div>
<div class="article">
<div class="info">发布时间：2024-04-02 来源：白石县农业农村局 浏览次数：128</div>
{chr(10).join(body)}
</div>
<div class="share">分享到：微信 微博</div>
<div class="footer">主办单位：白石县人民政府办公室 版权所有 网站标识码：0000000000</div>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")


def html_table(grid: Grid) -> str:
    rows: list[list[GCell]] = [[] for _ in range(grid.n_rows)]
    for cell in grid.cells:
        rows[cell.row].append(cell)
    out = ['<table border="1">']
    for row in rows:
        tds = []
        for c in row:
            span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else ""
            )
            tds.append(f"<td{span}>{html.escape(c.text).replace(chr(10), '<br>')}</td>")
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


CJK_FONT = "宋体"
TITLE_FONT = "黑体"


def _set_run_font(run: Any, name: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)


def stable_zip(path: Path) -> None:
    """Rewrite a zip with fixed timestamps, so regenerating an unchanged sample changes no byte."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, raw in entries:
            data = raw
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time whatever we set
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", raw)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, data)


def write_docx(sample: Sample, path: Path) -> None:
    """A Word document with real merges (gridSpan / vMerge), fixed column widths and CJK fonts."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    if sample.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(15))
    section.top_margin = section.bottom_margin = Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = CJK_FONT
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FONT)

    for block in sample.blocks:
        if isinstance(block, Para):
            para = document.add_paragraph()
            if block.kind == "title":
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _set_run_font(para.add_run(block.text), TITLE_FONT, 16, bold=True)
            elif block.kind == "subtitle":
                para.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _set_run_font(para.add_run(block.text), CJK_FONT, 12)
            elif block.kind == "heading":
                _set_run_font(para.add_run(block.text), TITLE_FONT, 12, bold=True)
            elif block.kind == "right":
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _set_run_font(para.add_run(block.text), CJK_FONT, 10.5)
            else:
                if block.kind == "body" and len(block.text) > 40:
                    para.paragraph_format.first_line_indent = Pt(21)
                _set_run_font(para.add_run(block.text), CJK_FONT, 10.5)
            continue
        add_docx_table(document, block)
    fixed = dt.datetime(2024, 1, 1)
    document.core_properties.created = document.core_properties.modified = fixed
    document.core_properties.author = document.core_properties.last_modified_by = "jixiao"
    document.save(str(path))
    stable_zip(path)


def add_docx_table(document: Any, grid: Grid) -> Any:
    """Add `grid` as a Word table, merging each spanned cell once (python-docx writes gridSpan/vMerge)."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm
    from docx.table import _Cell

    table = document.add_table(rows=grid.n_rows, cols=grid.n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, width in enumerate(grid.widths_mm):
        table.columns[i].width = Mm(width)
    # python-docx's table.cell() rebuilds the whole cell list on each call: take the plain grid once.
    plain = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
    for cell in grid.cells:
        target = plain[cell.row][cell.col]
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(plain[cell.row + cell.rowspan - 1][cell.col + cell.colspan - 1])
        target.width = Mm(sum(grid.widths_mm[cell.col : cell.col + cell.colspan]))
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        lines = cell.text.split("\n")
        first = target.paragraphs[0]
        for extra in target.paragraphs[1:]:  # merge() keeps the covered cells' empty paragraphs
            extra._element.getparent().remove(extra._element)
        for n, line in enumerate(lines):
            para = first if n == 0 else target.add_paragraph()
            para.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.align == "left" else WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.space_after = 0
            if line:
                _set_run_font(para.add_run(line), CJK_FONT, grid.font_pt, bold=cell.bold)
    return table


def merge(sheet: Any, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    """sheet.merge_cells without its overlap check (linear in the merges made so far) and without
    its edge-border pass (write_xlsx styles every covered cell itself): on a 5000-row sheet those
    two took minutes. The grid was checked for overlaps when it was completed."""
    from openpyxl.cell.cell import MergedCell
    from openpyxl.worksheet.cell_range import CellRange
    from openpyxl.worksheet.merge import MergedCellRange

    coord = CellRange(min_col=first_col, min_row=first_row, max_col=last_col, max_row=last_row).coord
    merged = MergedCellRange(sheet, coord)
    sheet.merged_cells.ranges.add(merged)
    for row in range(first_row, last_row + 1):
        for col in range(first_col, last_col + 1):
            if (row, col) != (first_row, first_col):
                sheet._cells[row, col] = MergedCell(sheet, row, col)


def write_xlsx(sample: Sample, path: Path) -> None:
    """A workbook laid out like the form: title rows merged across, then the grid with merged ranges."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sample.title[:31]
    grid = next(b for b in sample.blocks if isinstance(b, Grid))
    n_cols = grid.n_cols
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    # Named styles: one registration per style instead of hashing a new Font/Alignment per cell.
    styles: dict[tuple[str, bool], str] = {}
    for align in ("center", "left"):
        for bold in (False, True):
            style = NamedStyle(name=f"jixiao-{align}{'-bold' if bold else ''}")
            style.font = Font(name=CJK_FONT, size=10, bold=bold)
            style.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
            style.border = border
            workbook.add_named_style(style)
            styles[(align, bold)] = style.name
    row = 1
    for block in sample.blocks:
        if isinstance(block, Para):
            cell = sheet.cell(row=row, column=1, value=block.text)
            size = 16 if block.kind == "title" else 11
            cell.font = Font(
                name=TITLE_FONT if block.kind == "title" else CJK_FONT, size=size, bold=block.kind == "title"
            )
            horizontal = "center" if block.kind in ("title", "subtitle") else "left"
            cell.alignment = Alignment(horizontal=horizontal, vertical="center")
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=n_cols)
            if block.kind == "title":
                sheet.row_dimensions[row].height = 28
            row += 1
            continue
        top = row
        for gc in block.cells:
            cell = sheet.cell(row=top + gc.row, column=1 + gc.col)
            cell.value = float(gc.number) if gc.number is not None else (gc.text or None)
            if gc.number is None and gc.text.startswith("="):
                cell.data_type = "s"  # a target such as "=15所" is text, not a formula
            cell.style = styles[(gc.align, gc.bold)]  # before number_format, which the style resets
            if gc.number is not None and "." in gc.text:  # show the decimals the form shows
                cell.number_format = "0." + "0" * len(gc.text.split(".")[1])
            if gc.rowspan > 1 or gc.colspan > 1:
                merge(sheet, top + gc.row, 1 + gc.col, top + gc.row + gc.rowspan - 1, gc.col + gc.colspan)
        for gc in block.cells:  # borders on every covered position too, or merged cells print open
            for r in range(gc.row, gc.row + gc.rowspan):
                for c in range(gc.col, gc.col + gc.colspan):
                    if (r, c) != (gc.row, gc.col):
                        sheet.cell(row=top + r, column=1 + c).style = styles[("center", False)]
        for gc in block.cells:  # long texts need taller rows
            width_chars = sum(block.widths_mm[gc.col : gc.col + gc.colspan]) / 2.0
            lines = sum(max(1, int(len(part) / max(width_chars / 1.8, 1)) + 1) for part in gc.text.split("\n"))
            if gc.rowspan == 1 and lines > 1:
                current = sheet.row_dimensions[top + gc.row].height or 15
                sheet.row_dimensions[top + gc.row].height = max(current, 14 * lines)
        row = top + block.n_rows
    for i, width in enumerate(grid.widths_mm):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width / 2.0
    sheet.page_setup.orientation = "landscape" if sample.landscape else "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_area = f"A1:{get_column_letter(n_cols)}{row - 1}"
    workbook.properties.created = workbook.properties.modified = dt.datetime(2024, 1, 1)
    workbook.properties.creator = "jixiao"
    workbook.save(str(path))
    stable_zip(path)


def pdf_with_soffice(docx_path: Path, pdf_path: Path) -> None:
    """Convert through LibreOffice headless, with a private profile so parallel runs do not collide."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RuntimeError("soffice not found")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(docx_path),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
        shutil.move(str(Path(tmp) / (docx_path.stem + ".pdf")), pdf_path)


def cjk_ttf() -> tuple[str, int]:
    """A CJK TrueType font file reportlab can embed (wqy-microhei first, then Noto via fc-match)."""
    candidates = [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ]
    for candidate in candidates:
        if Path(candidate).exists():
            return candidate, 0
    raise RuntimeError("no CJK TrueType font found; install fonts-wqy-microhei")


def register_cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "CJK"
    if name not in pdfmetrics.getRegisteredFontNames():
        path, index = cjk_ttf()
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    return name


def pdf_story(blocks: Sequence[Block], width_pt: float, font: str) -> list[Any]:
    """Reportlab flowables for the layout: paragraphs and tables with SPAN for merged cells."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import Spacer
    from reportlab.platypus import Table as RLTable

    body = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=22, alignment=1)
    cell_style = ParagraphStyle("cell", parent=body, fontSize=7.5, leading=9, alignment=1)
    left_style = ParagraphStyle("left", parent=cell_style, alignment=0)
    story: list[Any] = []
    for block in blocks:
        if isinstance(block, Para):
            style = title if block.kind in ("title", "subtitle") else body
            story.append(RLParagraph(html.escape(block.text), style))
            story.append(Spacer(1, 4))
            continue
        data: list[list[Any]] = [[""] * block.n_cols for _ in range(block.n_rows)]
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONTNAME", (0, 0), (-1, -1), font),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ]
        for cell in block.cells:
            style = left_style if cell.align == "left" else cell_style
            data[cell.row][cell.col] = RLParagraph(html.escape(cell.text).replace("\n", "<br/>"), style)
            if cell.rowspan > 1 or cell.colspan > 1:
                end = (cell.col + cell.colspan - 1, cell.row + cell.rowspan - 1)
                commands.append(("SPAN", (cell.col, cell.row), end))
        scale = width_pt / sum(block.widths_mm)
        table = RLTable(data, colWidths=[w * scale for w in block.widths_mm], repeatRows=0)
        table.setStyle(commands)
        story.append(table)
        story.append(Spacer(1, 6))
    return story


def pdf_with_reportlab(sample: Sample, pdf_path: Path) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    font = register_cjk_font()
    size = landscape(A4) if sample.landscape else A4
    doc = SimpleDocTemplate(
        str(pdf_path), pagesize=size, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm, bottomMargin=15 * mm
    )
    doc.build(pdf_story(sample.blocks, size[0] - 30 * mm, font))


def write_pdf(sample: Sample, docx_path: Path, pdf_path: Path, engine: str) -> str:
    if engine in ("auto", "soffice") and shutil.which("soffice"):
        pdf_with_soffice(docx_path, pdf_path)
        return "soffice"
    if engine == "soffice":
        raise RuntimeError("soffice not found")
    pdf_with_reportlab(sample, pdf_path)
    return "reportlab"


# ---------------------------------------------------------------------------------------------


def build_all() -> list[Sample]:
    return [build_project(), build_department_table(), build_narrative()]


def write_sample(sample: Sample, out: Path, pdf_engine: str) -> list[Path]:
    """Write every format of one sample and one label per written file; return the files."""
    out.mkdir(parents=True, exist_ok=True)
    labels = out / "labels"
    labels.mkdir(exist_ok=True)
    written: list[Path] = []
    docx_path = out / f"{sample.stem}.docx"
    tmp_docx: Path | None = None
    for fmt in sample.formats:
        path = out / f"{sample.stem}.{fmt}"
        if fmt == "docx":
            write_docx(sample, path)
        elif fmt == "xlsx":
            write_xlsx(sample, path)
        elif fmt == "txt":
            write_txt(sample.blocks, path)
        elif fmt == "html":
            write_html(sample, path)
        elif fmt == "pdf":
            source = docx_path
            if not source.exists():
                tmp_docx = Path(tempfile.mkdtemp()) / f"{sample.stem}.docx"
                write_docx(sample, tmp_docx)
                source = tmp_docx
            engine = write_pdf(sample, source, path, pdf_engine)
            print(f"  pdf by {engine}")
        written.append(path)
    if tmp_docx is not None:
        shutil.rmtree(tmp_docx.parent, ignore_errors=True)
    for path in written:
        (labels / f"{path.name}.label.json").write_text(label_text(sample, path.name), encoding="utf-8")
    return written


def label_text(sample: Sample, file_name: str) -> str:
    """The label file of one written file of a sample (seed-label shape plus the file's own name)."""
    label = {"document": file_name, **sample.label, "file_format": file_name.rsplit(".", 1)[1]}
    return json.dumps(label, ensure_ascii=False, indent=2) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SAMPLES)
    parser.add_argument("--pdf-engine", choices=["auto", "soffice", "reportlab"], default="auto")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1704067200")
    for sample in build_all():
        for path in write_sample(sample, args.out, args.pdf_engine):
            print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
