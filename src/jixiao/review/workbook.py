"""review.xlsx: the reviewer's workbook, one sheet per question (openpyxl, write-only data).

Numbers are written as numbers with number formats, headers are frozen and filtered, and colours are
conditional formats (so they follow a reviewer's own edits and sorting).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from jixiao.review.controls import finding_key
from jixiao.rules import all_rules

Result = dict[str, Any]
SCORE, RATE, MONEY, COUNT = "0.00", '0.00"%"', "#,##0.00", "0"
RED = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
AMBER = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
GREEN = PatternFill("solid", start_color="C6EFCE", end_color="C6EFCE")
BOLD = Font(bold=True)
LINK = Font(color="0563C1", underline="single")
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
KIND_ZH = {"department_overall": "部门整体", "project": "项目", "mixed": "混合"}


def page_link(sha256: str) -> str:
    """The report's page in the dashboard beside the workbook."""
    return f"index.html#r/{sha256}"


def place(evidence: dict[str, Any]) -> str:
    """Where a finding's evidence is in the document, in the document's own terms."""
    parts: list[str] = []
    if evidence.get("sheet"):
        parts.append(f"工作表“{evidence['sheet']}”")
    if evidence.get("page") is not None:
        parts.append(f"第{evidence['page']}页")
    if evidence.get("table") is not None:
        parts.append(f"表{evidence['table'] + 1}")
    if evidence.get("row") is not None:
        parts.append(f"第{evidence['row'] + 1}行")
    if evidence.get("col") is not None:
        parts.append(f"第{evidence['col'] + 1}列")
    if evidence.get("line") is not None and evidence.get("row") is None:
        parts.append(f"第{evidence['line']}行（文本）")
    if not parts and evidence.get("block") is not None:
        parts.append(f"第{evidence['block'] + 1}段")
    return " ".join(parts)


def _unit(result: Result) -> dict[str, Any]:
    unit: dict[str, Any] = result["report"]["report"]["unit"]
    return unit


def _unit_name(result: Result) -> str:
    unit = _unit(result)
    return str(unit.get("implementing_unit") or unit.get("department") or "")


def _count(result: Result, severity: str) -> int:
    return sum(1 for f in result["findings"] if f["severity"] == severity)


def _difference(result: Result) -> float | None:
    stated, computed = result["score"].get("stated"), result["score"].get("computed")
    if stated is None or computed is None:
        return None
    return float(Decimal(str(computed)) - Decimal(str(stated)))


class _Sheet:
    """One sheet, streamed (openpyxl's write-only mode: a 1,000-report review writes 100,000 cells):
    a bold frozen header with a filter, column widths and number formats by column."""

    def __init__(self, book: Workbook, title: str, columns: Sequence[tuple[str, int, str | None]]) -> None:
        # a WriteOnlyWorksheet: its stubs lack what it borrows from Worksheet (filters, conditional formats)
        self.ws: Any = book.create_sheet(title)
        self.formats = [fmt for _, _, fmt in columns]
        self.headers = [name for name, _, _ in columns]
        for i, (_, width, _) in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.ws.freeze_panes = "A2"
        self.ws.append([self._cell(name, font=BOLD) for name in self.headers])
        self.rows = 1

    def _cell(self, value: Any, fmt: str | None = None, font: Font | None = None) -> Cell:
        cell = WriteOnlyCell(self.ws, value=float(value) if isinstance(value, Decimal) else value)
        if fmt is not None:
            cell.number_format = fmt
        if font is not None:
            cell.font = font
        return cell

    def add(self, values: Iterable[Any], link: str | None = None) -> None:
        """One row; `link` makes the 页面 column a hyperlink to it."""
        row: list[Any] = [
            self._cell(v, fmt) if fmt is not None and v is not None else v
            for v, fmt in zip(values, self.formats, strict=True)
        ]
        if link is not None:
            at = self.headers.index("页面")
            row[at] = self._cell(row[at], font=LINK)
            row[at].hyperlink = link
        self.ws.append(row)
        self.rows += 1

    def column(self, name: str) -> str:
        return get_column_letter(self.headers.index(name) + 1)

    def colour(self, name: str, operator: str, value: str, fill: PatternFill) -> None:
        col = self.column(name)
        self.ws.conditional_formatting.add(
            f"{col}2:{col}{max(self.rows, 2)}",
            CellIsRule(operator=operator, formula=[value], fill=fill),  # type: ignore[no-untyped-call]
        )

    def close(self) -> None:
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.formats))}{self.rows}"


def write_workbook(
    out: Path,
    results: list[Result],
    failures: list[dict[str, Any]],
    comparisons: list[dict[str, Any]],
    sample: list[tuple[Result, str, float]],
) -> Path:
    """Write review.xlsx to `out` (the caller makes the folder atomic)."""
    book = Workbook(write_only=True)
    _summary(book, results)
    _ranking(book, results)
    _findings(book, results)
    _rule_counts(book, results)
    _indicators(book, results)
    _three_public(book, results)
    _years(book, comparisons)
    _sample(book, sample)
    _failures(book, failures)
    book.save(out)
    return out


def _summary(book: Workbook, results: list[Result]) -> None:
    sheet = _Sheet(
        book,
        "汇总",
        [
            ("文件", 40, None),
            ("单位", 30, None),
            ("单位编码", 12, None),
            ("年度", 8, COUNT),
            ("报告类型", 10, None),
            ("项目名称", 24, None),
            ("评分规则", 22, None),
            ("自评得分", 10, SCORE),
            ("复算得分", 10, SCORE),
            ("得分差", 9, SCORE),
            ("自评等次", 9, None),
            ("复算等次", 9, None),
            ("预算执行率", 11, RATE),
            ("错误", 7, COUNT),
            ("警告", 7, COUNT),
            ("提示", 7, COUNT),
            ("已接受", 8, COUNT),
            ("相同内容的其他文件", 30, None),
            ("页面", 10, None),
            ("SHA-256", 20, None),
        ],
    )
    for result in results:
        unit, score = _unit(result), result["score"]
        sheet.add(
            [
                result["source"]["path"],
                _unit_name(result),
                unit.get("code"),
                unit.get("fiscal_year"),
                KIND_ZH.get(unit.get("report_kind") or "", unit.get("report_kind")),
                unit.get("project_name"),
                result["profile"],
                score.get("stated"),
                score.get("computed"),
                _difference(result),
                score.get("grade_stated"),
                score.get("grade_computed"),
                result["scorecard"].get("execution_rate"),
                _count(result, "error"),
                _count(result, "warning"),
                _count(result, "info"),
                result.get("suppressed", 0),
                "；".join(result.get("also_at", [])),
                "打开",
                result["source"]["sha256"],
            ],
            link=page_link(result["source"]["sha256"]),
        )
    sheet.colour("错误", "greaterThan", "0", RED)
    sheet.colour("警告", "greaterThan", "0", AMBER)
    col = sheet.column("得分差")
    sheet.ws.conditional_formatting.add(
        f"{col}2:{col}{max(sheet.rows, 2)}",
        FormulaRule(formula=[f"ABS({col}2)>=1"], fill=AMBER),  # type: ignore[no-untyped-call]
    )
    sheet.close()


def _ranking(book: Workbook, results: list[Result]) -> None:
    sheet = _Sheet(
        book,
        "排名",
        [
            ("名次", 6, COUNT),
            ("单位", 30, None),
            ("年度", 8, COUNT),
            ("项目名称", 24, None),
            ("复算得分", 10, SCORE),
            ("自评得分", 10, SCORE),
            ("复算等次", 9, None),
            ("错误", 7, COUNT),
            ("警告", 7, COUNT),
            ("文件", 40, None),
        ],
    )
    ranked = sorted(
        results,
        key=lambda r: (r["score"].get("computed") is None, -(r["score"].get("computed") or 0), _count(r, "error")),
    )
    for rank, result in enumerate(ranked, start=1):
        score = result["score"]
        sheet.add(
            [
                rank,
                _unit_name(result),
                _unit(result).get("fiscal_year"),
                _unit(result).get("project_name"),
                score.get("computed"),
                score.get("stated"),
                score.get("grade_computed"),
                _count(result, "error"),
                _count(result, "warning"),
                result["source"]["path"],
            ]
        )
    sheet.colour("错误", "greaterThan", "0", RED)
    sheet.close()


def _findings(book: Workbook, results: list[Result]) -> None:
    names = {r.code: r.name for r in all_rules()}
    sheet = _Sheet(
        book,
        "问题清单",
        [
            ("文件", 40, None),
            ("单位", 28, None),
            ("年度", 8, COUNT),
            ("编码", 8, None),
            ("级别", 7, None),
            ("规则", 28, None),
            ("说明", 70, None),
            ("数值", 24, None),
            ("位置", 28, None),
            ("原文", 50, None),
            ("发现标识", 24, None),
            ("SHA-256", 20, None),
        ],
    )
    for result in results:
        for finding in result["findings"]:
            evidence = finding.get("evidence", [])
            sheet.add(
                [
                    result["source"]["path"],
                    _unit_name(result),
                    _unit(result).get("fiscal_year"),
                    finding["code"],
                    SEVERITY_ZH.get(finding["severity"], finding["severity"]),
                    names.get(finding["code"], ""),
                    finding["message"],
                    "、".join(str(n) for n in finding.get("numbers", [])),
                    "；".join(filter(None, (place(e) for e in evidence))),
                    "；".join(str(e.get("text") or "") for e in evidence if e.get("text"))[:2000],
                    finding_key(finding),
                    result["source"]["sha256"],
                ]
            )
    sheet.colour("级别", "equal", '"错误"', RED)
    sheet.colour("级别", "equal", '"警告"', AMBER)
    sheet.close()


def _rule_counts(book: Workbook, results: list[Result]) -> None:
    sheet = _Sheet(
        book,
        "规则统计",
        [
            ("编码", 8, None),
            ("规则", 32, None),
            ("级别", 8, None),
            ("发现数", 9, COUNT),
            ("涉及报告数", 11, COUNT),
            ("摘要", 60, None),
        ],
    )
    findings: Counter[str] = Counter()
    reports: dict[str, set[str]] = defaultdict(set)
    for result in results:
        for finding in result["findings"]:
            findings[finding["code"]] += 1
            reports[finding["code"]].add(result["source"]["sha256"])
    rules = {r.code: r for r in all_rules()}
    for code, count in sorted(findings.items(), key=lambda kv: (-kv[1], kv[0])):
        r = rules.get(code)
        sheet.add(
            [
                code,
                r.name if r else "",
                SEVERITY_ZH.get(r.severity.value, "") if r else "",
                count,
                len(reports[code]),
                r.summary if r else "",
            ]
        )
    sheet.close()


def _indicators(book: Workbook, results: list[Result]) -> None:
    sheet = _Sheet(
        book,
        "指标",
        [
            ("单位", 28, None),
            ("年度", 8, COUNT),
            ("项目名称", 24, None),
            ("一级指标", 12, None),
            ("二级指标", 12, None),
            ("三级指标", 30, None),
            ("年度指标值", 20, None),
            ("实际完成值", 20, None),
            ("分值", 7, SCORE),
            ("得分", 7, SCORE),
            ("偏差原因", 30, None),
            ("位置", 20, None),
            ("文件", 40, None),
        ],
    )
    for result in results:
        for row in result["report"]["indicators"]:
            sheet.add(
                [
                    _unit_name(result),
                    _unit(result).get("fiscal_year"),
                    _unit(result).get("project_name"),
                    row.get("level1"),
                    row.get("level2"),
                    row.get("level3"),
                    row.get("target"),
                    row.get("actual"),
                    row.get("weight"),
                    row.get("score"),
                    row.get("deviation_reason"),
                    place(row.get("provenance", {})),
                    result["source"]["path"],
                ]
            )
    sheet.close()


THREE_PUBLIC = (
    ("“三公”经费合计", "three_public_total", MONEY),
    ("“三公”经费预算", "three_public_budget", MONEY),
    ("执行率", "three_public_execution_rate", RATE),
    ("较上年增减", "three_public_change", MONEY),
    ("公务接待费", "reception", MONEY),
    ("公务接待费预算", "reception_budget", MONEY),
    ("公务用车费", "vehicle_total", MONEY),
    ("运行维护费", "vehicle_operation", MONEY),
    ("购置费", "vehicle_purchase", MONEY),
    ("公务用车费预算", "vehicle_budget", MONEY),
    ("因公出国（境）费", "overseas_travel", MONEY),
    ("因公出国（境）费预算", "overseas_travel_budget", MONEY),
)


def _three_public(book: Workbook, results: list[Result]) -> None:
    columns = [("单位", 28, None), ("年度", 8, COUNT)] + [(label, 12, fmt) for label, _, fmt in THREE_PUBLIC]
    sheet = _Sheet(book, "三公", [*columns, ("文件", 40, None)])
    for result in results:
        facts = result["report"]["facts"]
        if not any(key in facts for _, key, _ in THREE_PUBLIC):
            continue
        values = [facts.get(key) for _, key, _ in THREE_PUBLIC]
        sheet.add([_unit_name(result), _unit(result).get("fiscal_year"), *values, result["source"]["path"]])
    sheet.colour("执行率", "greaterThan", "100", RED)
    sheet.close()


def _years(book: Workbook, comparisons: list[dict[str, Any]]) -> None:
    sheet = _Sheet(
        book,
        "跨年对比",
        [
            ("单位", 28, None),
            ("年度", 8, COUNT),
            ("上年", 8, COUNT),
            ("项目", 16, None),
            ("本年", 12, MONEY),
            ("上年数", 12, MONEY),
            ("增减", 12, MONEY),
            ("增减率", 10, RATE),
        ],
    )
    for row in comparisons:
        sheet.add(
            [
                row["unit"],
                row["year"],
                row["prior_year"],
                row["measure"],
                row["value"],
                row["prior_value"],
                row["change"],
                row["change_rate"],
            ]
        )
    sheet.colour("增减", "lessThan", "0", GREEN)
    sheet.close()


def _sample(book: Workbook, sample: list[tuple[Result, str, float]]) -> None:
    sheet = _Sheet(
        book,
        "抽查",
        [
            ("序号", 6, COUNT),
            ("单位", 28, None),
            ("年度", 8, COUNT),
            ("分数段", 12, None),
            ("复算得分", 10, SCORE),
            ("错误", 7, COUNT),
            ("抽样权重", 9, SCORE),
            ("文件", 40, None),
            ("页面", 10, None),
        ],
    )
    for i, (result, band, weight) in enumerate(sample, start=1):
        sheet.add(
            [
                i,
                _unit_name(result),
                _unit(result).get("fiscal_year"),
                band,
                result["score"].get("computed"),
                _count(result, "error"),
                weight,
                result["source"]["path"],
                "打开",
            ],
            link=page_link(result["source"]["sha256"]),
        )
    sheet.colour("错误", "greaterThan", "0", RED)
    sheet.close()


def _failures(book: Workbook, failures: list[dict[str, Any]]) -> None:
    sheet = _Sheet(book, "读取失败", [("文件", 50, None), ("原因", 90, None), ("类别", 14, None)])
    for failure in failures:
        sheet.add([failure["path"], failure["error"], failure["kind"]])
    sheet.close()


__all__ = ["page_link", "place", "write_workbook"]
