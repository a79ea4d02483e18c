"""The review's offline dashboard: one `index.html` with its data and a vendored ECharts inline.

The page opens from disk (file://) with no server and no network. The list of reports is one JSON blob
the page renders from; each report's page (`#r/<sha256>`) has its own JSON, parsed only when opened,
holding its findings and the excerpts of the document they point to (`excerpts.py`). Every text from a
report is data, never markup: the JSON is made safe to sit inside a <script> element, and the page's
script puts text in with `textContent` only.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections import Counter
from importlib import resources
from pathlib import Path, PurePath
from typing import Any

from jixiao.model.document import place_parts
from jixiao.review.excerpts import DocumentIndex, Located, excerpts

SEVERITIES = ("error", "warning", "info")
REPORT_KINDS = {"department_overall": "部门整体", "project": "项目", "mixed": "混合"}
DOCUMENT_KINDS = {"self_evaluation": "自评报告"}  # others are shown as the extractor names them


def write_dashboard(reports: list[dict[str, Any]], failures: list[dict[str, Any]], out: Path) -> Path:
    """Write the dashboard into the folder `out` (or to `out` itself when it names an .html file)."""
    target = out if out.suffix.lower() in (".html", ".htm") else out / "index.html"
    html = dashboard_html(reports, failures)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Atomic: a reader never sees half a page, and a failed write leaves the previous one.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".index-", suffix=".html.tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(html)
        Path(temporary).chmod(0o644)  # mkstemp's 0600 would hide the page from the colleague it is for
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def dashboard_html(reports: list[dict[str, Any]], failures: list[dict[str, Any]]) -> str:
    """The whole page as text."""
    summary = {
        "reports": [summary_row(report) for report in reports],
        "rules": rule_counts(reports),
        "failures": [
            {"path": str(f.get("path", "")), "error": str(f.get("error", "")), "kind": str(f.get("kind", ""))}
            for f in failures
        ],
    }
    pages = "\n".join(
        f'<script type="application/json" class="jx-report" data-sha="{_sha(report)}">'
        f"{script_json(report_page(report))}</script>"
        for report in reports
    )
    static = resources.files("jixiao.review") / "static"
    template = (static / "dashboard.html").read_text(encoding="utf-8")
    parts = {
        "/*CSS*/": (static / "dashboard.css").read_text(encoding="utf-8"),
        "/*ECHARTS*/": (static / "vendor" / "echarts.common.min.js").read_text(encoding="utf-8"),
        "/*APP*/": (static / "dashboard.js").read_text(encoding="utf-8"),
        "<!--SUMMARY-->": script_json(summary),
        "<!--PAGES-->": pages,
    }
    for placeholder, text in parts.items():
        before, found, after = template.partition(placeholder)
        if not found:
            raise ValueError(f"dashboard.html has no {placeholder}")
        template = before + text + after  # not str.replace: the inserted text may hold a placeholder
    return template


def script_json(value: Any) -> str:
    """JSON that can sit inside <script>: no '<', '>' or '&' survives to end the element early."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sha(report: dict[str, Any]) -> str:
    sha = str((report.get("source") or {}).get("sha256") or "")
    return "".join(ch for ch in sha if ch.isalnum())  # a hash is hex; anything else is not kept


def _unit(report: dict[str, Any]) -> dict[str, Any]:
    """The identity (unit, year, kinds): the typed report's unit, else the contract's `document`."""
    extracted = report.get("report") or {}
    return dict((extracted.get("report") or {}).get("unit") or extracted.get("document") or {})


def _number(value: Any) -> float | None:
    """A finite number as a float, else None (JSON has no NaN, and a chart cannot place one)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def indicator_score_rate(report: dict[str, Any]) -> float | None:
    """指标得分率: the indicators' stated scores over their points, in percent (None without both)."""
    rows = (report.get("report") or {}).get("indicators") or []
    pairs = [(_number(r.get("score")), _number(r.get("weight"))) for r in rows]
    scored = [(s, w) for s, w in pairs if s is not None and w is not None and w > 0]
    total = sum(w for _, w in scored)
    return round(100 * sum(s for s, _ in scored) / total, 2) if total else None


def execution_rate(report: dict[str, Any]) -> float | None:
    """预算执行率 as stated, else as recomputed from the funds."""
    facts = (report.get("report") or {}).get("facts") or {}
    stated = _number(facts.get("execution_rate"))
    if stated is not None:
        return stated
    computed = _number((report.get("scorecard") or {}).get("execution_rate"))
    return round(computed, 2) if computed is not None else None


def summary_row(report: dict[str, Any]) -> dict[str, Any]:
    """One line of the list (and one point of the charts)."""
    unit = _unit(report)
    score = report.get("score") or {}
    stated, computed = _number(score.get("stated")), _number(score.get("computed"))
    severities = Counter(str(f.get("severity")) for f in report.get("findings") or [])
    path = str((report.get("source") or {}).get("path") or "")
    document_kind = str(unit.get("document_kind") or "")
    return {
        "sha": _sha(report),
        "path": path,
        "file": PurePath(path).name,
        "unit": unit.get("department") or unit.get("implementing_unit") or "",
        "project": unit.get("project_name") or "",
        "year": unit.get("fiscal_year"),
        "kind": REPORT_KINDS.get(str(unit.get("report_kind")), str(unit.get("report_kind") or "")),
        "doc_kind": DOCUMENT_KINDS.get(document_kind, document_kind),
        "profile": report.get("profile") or "",
        "stated": stated,
        "computed": computed,
        "diff": round(stated - computed, 2) if stated is not None and computed is not None else None,
        "grade_stated": score.get("grade_stated") or "",
        "grade_computed": score.get("grade_computed") or "",
        "execution": execution_rate(report),
        "indicators": indicator_score_rate(report),
        "errors": severities["error"],
        "warnings": severities["warning"],
        "infos": severities["info"],
        "codes": sorted({str(f.get("code")) for f in report.get("findings") or []}),
        "also_at": [str(p) for p in report.get("also_at") or []],  # the review's other paths of this content
        "accepted": int(report.get("suppressed") or 0),  # findings a baseline accepted (not listed)
    }


def rule_counts(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings by rule and severity, the most frequent rule first, each with the rule's summary."""
    from jixiao.rules import all_rules

    summaries = {rule.code: rule.summary for rule in all_rules()}
    counts: dict[str, Counter[str]] = {}
    for report in reports:
        for finding in report.get("findings") or []:
            counts.setdefault(str(finding.get("code")), Counter())[str(finding.get("severity"))] += 1
    rows = [
        {"code": code, "summary": summaries.get(code, ""), **{s: c[s] for s in SEVERITIES}}
        for code, c in counts.items()
    ]
    return sorted(rows, key=lambda row: (-sum(row[s] for s in SEVERITIES), row["code"]))


def report_page(report: dict[str, Any]) -> dict[str, Any]:
    """What one report's page shows: its findings, each with the keys of the places it points to."""
    index = DocumentIndex(report.get("document"))
    targets: list[Located] = []
    findings: list[dict[str, Any]] = []
    for finding in report.get("findings") or []:
        evidence = []
        for item in finding.get("evidence") or []:
            located = index.locate(item)
            if located is not None:
                targets.append(located)
            evidence.append(
                {
                    "text": str(item.get("text") or ""),
                    "where": _evidence_where(item),
                    "key": located.key if located else None,
                    "block": located.block if located else None,
                }
            )
        findings.append(
            {
                "code": str(finding.get("code", "")),
                "severity": str(finding.get("severity", "")),
                "message": str(finding.get("message", "")),
                "numbers": [n for n in finding.get("numbers") or [] if _number(n) is not None],
                "evidence": evidence,
            }
        )
    order = {severity: rank for rank, severity in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: order.get(f["severity"], len(order)))  # stable: the rules' order within one
    return {"findings": findings, "excerpts": excerpts(index, targets)}


def _evidence_where(evidence: dict[str, Any]) -> str:
    """第1页 表1 第14行第8列（文本第225行）: the evidence's place as a reader counts (from 1); the
    line of a text file is the flattened table's source, named after the cell it was rebuilt into."""
    parts = place_parts({**evidence, "line": None})
    if evidence.get("line") is not None:
        parts.append(f"（文本第{evidence['line']}行）")
    return " ".join(parts)
