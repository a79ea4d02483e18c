"""Check results as text for a terminal (grouped by report, with evidence locations) and as SARIF 2.1.0.

Both take the JSON result dicts of `jixiao check` (the contract's `reports` entries), so that cached
results and fresh ones print the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jixiao import __version__
from jixiao.model.document import place_parts
from jixiao.rules.registry import all_rules

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_MARK = {"error": "错误", "warning": "警告", "info": "提示"}


def location_text(ev: dict[str, Any]) -> str:
    """Where a piece of evidence is, in words: 第3页 · 表2 第16行第6列 · 第141行 “…”."""
    parts = place_parts(ev)
    text = " ".join(str(ev.get("text") or "").split())
    if text:
        short = text if len(text) <= 40 else text[:39] + "…"
        parts.append(f"“{short}”")
    return " · ".join(parts) or "（全文）"


def _num(value: Any) -> str:
    return str(value)


def _explanation(card: dict[str, Any]) -> list[str]:
    """The scorecard item by item: name, inputs, formula, result."""
    lines = ["  计分过程 / how the score was computed:"]
    for item in card.get("items", []):
        inputs = "，".join(f"{k} {v}" for k, v in item["inputs"].items() if v is not None)
        stated = "" if item.get("stated") is None else f"（报告 {item['stated']}）"
        result = "—" if item["result"] is None else item["result"]
        lines.append(f"    {item['name']}: {inputs} → {result}{stated}  [{item['formula']}]")
    return lines


_KIND_NAMES = {"department_overall": "部门整体", "project": "项目支出", "mixed": "部门整体及项目"}


def _identity(report: dict[str, Any] | None) -> str:
    """临湘市公安局 2021年度 部门整体: who and which year the result is about."""
    if not report:
        return ""
    parts = [report.get("department") or "", report.get("project_name") or ""]
    if report.get("fiscal_year"):
        parts.append(f"{report['fiscal_year']}年度")
    parts.append(_KIND_NAMES.get(str(report.get("report_kind")), ""))
    text = " ".join(p for p in parts if p)
    return f"  {text}" if text else ""


def as_text(results: list[dict[str, Any]], explain: bool = False) -> str:
    """Readable output: one block per report, findings by severity, each with its numbers and evidence;
    with `explain`, each report's scorecard item by item."""
    lines: list[str] = []
    totals = {"error": 0, "warning": 0, "info": 0}
    unreadable = 0
    for result in results:
        path = result["source"]["path"]
        if "error" in result:
            unreadable += 1
            reason = str(result["error"]).removeprefix(f"{path}: ")  # the header names the file already
            lines += [f"== {path}", f"  读取失败 / unreadable: {reason}", ""]
            continue
        s = result["score"]
        score = (
            f"得分 所述 {s['stated'] if s['stated'] is not None else '—'} / 重算 "
            f"{s['computed'] if s['computed'] is not None else '—'}，等次 所述 {s['grade_stated'] or '—'} / "
            f"重算 {s['grade_computed'] or '—'}"
        )
        lines.append(f"== {path}{_identity(result.get('unit'))}  [评分规则 {result['profile']}]  {score}")
        if explain and "scorecard" in result:
            lines += _explanation(result["scorecard"])
        if not result["findings"]:
            lines.append("  未发现问题 / no findings")
        for f in result["findings"]:
            totals[f["severity"]] += 1
            lines.append(f"  {f['code']} {_MARK[f['severity']]}  {f['message']}")
            if f["numbers"]:
                lines.append(f"        数字: {', '.join(_num(n) for n in f['numbers'])}")
            for ev in f["evidence"][:4]:
                lines.append(f"        位置: {location_text(ev)}")
            if len(f["evidence"]) > 4:
                lines.append(f"        …另有 {len(f['evidence']) - 4} 处")
        lines.append("")
    summary = f"共 {len(results)} 份报告：错误 {totals['error']}，警告 {totals['warning']}，提示 {totals['info']}" + (
        f"，读取失败 {unreadable}" if unreadable else ""
    )
    lines.append(summary)
    return "\n".join(lines)


def as_sarif(results: list[dict[str, Any]]) -> dict[str, Any]:
    """SARIF 2.1.0: one run, the rule registry as the driver's rules, one result per finding."""
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    driver = {
        "name": "jixiao",
        "version": __version__,
        "rules": [
            {
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.sections["检查什么"]},
                "help": {"text": r.doc()},
                "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity.value]},
                "properties": {"since": r.since, "theme": r.theme},
            }
            for r in rules
        ],
    }
    sarif_results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    for result in results:
        uri = Path(result["source"]["path"]).as_posix()
        if "error" in result:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": result["error"]},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}}}],
                }
            )
            continue
        for f in result["findings"]:
            locations = []
            for ev in f["evidence"] or [{}]:
                physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
                if ev.get("line"):
                    physical["region"] = {"startLine": ev["line"]}
                    if ev.get("text"):
                        physical["region"]["snippet"] = {"text": ev["text"]}
                location: dict[str, Any] = {"physicalLocation": physical}
                if ev:
                    location["message"] = {"text": location_text(ev)}
                locations.append(location)
            entry: dict[str, Any] = {
                "ruleId": f["code"],
                "level": _SARIF_LEVEL[f["severity"]],
                "message": {"text": f["message"]},
                "locations": locations,
                "properties": {"numbers": f["numbers"], "evidence": f["evidence"], "profile": result["profile"]},
            }
            if f["code"] in index:
                entry["ruleIndex"] = index[f["code"]]
            sarif_results.append(entry)
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "results": sarif_results,
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
    }
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
