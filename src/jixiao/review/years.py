"""Across years: reports of one unit in consecutive years, compared.

Reports are matched by the unit's code when both state one, else by the unit's name (a project report
also by its project's name); a report is compared with the reports of the same unit for the year
before. This gives the 跨年对比 rows (income, spending, 三公 and scores, this year against last) and
the findings of the across-years rules JX711–JX714 (registered in `jixiao.rules.years`), added to the
later report's findings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from jixiao.model.report import json_number
from jixiao.rules import get_rule
from jixiao.scoring.arith import Figure, check_sum, dec

Result = dict[str, Any]

COMPARED = (
    ("income_total", "收入合计"),
    ("expenditure_total", "支出合计"),
    ("three_public_total", "“三公”经费合计"),
    ("reception", "公务接待费"),
    ("vehicle_total", "公务用车费"),
    ("overseas_travel", "因公出国（境）费"),
)
# the amounts whose stated change against last year gives last year's amount
CHANGES = (
    ("income_total", "income_change", "收入合计"),
    ("expenditure_total", "expenditure_change", "支出合计"),
    ("three_public_total", "three_public_change", "“三公”经费合计"),
    ("reception", "reception_change", "公务接待费"),
    ("vehicle_total", "vehicle_change", "公务用车费"),
    ("overseas_travel", "overseas_travel_change", "因公出国（境）费"),
)
MIN_PARAGRAPH = 50  # characters: shorter lines are headings and form labels
TEMPLATE_UNITS = 3  # a paragraph shared by this many units is the form's own wording
_SPACE = re.compile(r"\s+")
_NAME_NOISE = re.compile(r"[\s（）()“”\"'·•]")


def _identity(result: Result) -> tuple[str, str, str, str]:
    """(unit code, unit name, report kind, project name), each normalised; empty when not stated."""
    unit = result["report"]["report"]["unit"]
    name = _NAME_NOISE.sub("", unit.get("implementing_unit") or unit.get("department") or "")
    project = _NAME_NOISE.sub("", unit.get("project_name") or "")
    return (str(unit.get("code") or ""), name, unit.get("report_kind") or "", project)


def unit_key(result: Result) -> tuple[str, ...] | None:
    """Which unit (and, for a project report, which project) a report is about; None when unnamed."""
    code, name, kind, project = _identity(result)
    return (f"code:{code}" if code else name, kind, project) if code or name else None


def same_unit(a: Result, b: Result) -> bool:
    """The same unit by code when both state one, else by name; and the same kind and project."""
    code_a, name_a, *rest_a = _identity(a)
    code_b, name_b, *rest_b = _identity(b)
    if rest_a != rest_b:
        return False
    if code_a and code_b:
        return code_a == code_b
    return bool(name_a) and name_a == name_b


def year_of(result: Result) -> int | None:
    year = result["report"]["document"].get("fiscal_year")
    return int(year) if year is not None else None


def pairs(results: list[Result]) -> Iterator[tuple[Result, Result]]:
    """(this year's report, last year's report) for every unit with reports of consecutive years."""
    by_code: dict[tuple[str, int], list[Result]] = defaultdict(list)
    by_name: dict[tuple[str, int], list[Result]] = defaultdict(list)
    for result in results:
        code, name, _, _ = _identity(result)
        year = year_of(result)
        if year is None:
            continue
        if code:
            by_code[code, year].append(result)
        if name:
            by_name[name, year].append(result)
    for current in results:
        year = year_of(current)
        if year is None:
            continue
        code, name, _, _ = _identity(current)
        candidates = by_code.get((code, year - 1), []) + by_name.get((name, year - 1), [])
        seen: set[int] = set()
        for prior in candidates:
            if id(prior) not in seen and same_unit(current, prior):
                seen.add(id(prior))
                yield current, prior


def comparison_rows(results: list[Result]) -> list[dict[str, Any]]:
    """跨年对比: for each pair, each amount and score this year, last year, the change and its rate."""
    rows: list[dict[str, Any]] = []
    for current, prior in pairs(results):
        now, before = current["report"]["facts"], prior["report"]["facts"]
        measures = [(label, dec(now.get(key)), dec(before.get(key))) for key, label in COMPARED]
        measures.append(("自评得分", dec(current["score"].get("stated")), dec(prior["score"].get("stated"))))
        measures.append(("复算得分", dec(current["score"].get("computed")), dec(prior["score"].get("computed"))))
        for label, this, last in measures:
            if this is None and last is None:
                continue
            change = this - last if this is not None and last is not None else None
            rate = change / last * 100 if change is not None and last else None
            rows.append(
                {
                    "unit": _unit_name(current),
                    "year": year_of(current),
                    "prior_year": year_of(prior),
                    "measure": label,
                    "value": this,
                    "prior_value": last,
                    "change": change,
                    "change_rate": rate,
                    "sha256": current["source"]["sha256"],
                    "prior_sha256": prior["source"]["sha256"],
                }
            )
    return rows


def _unit_name(result: Result) -> str:
    unit = result["report"]["report"]["unit"]
    return str(unit.get("implementing_unit") or unit.get("department") or "")


def cross_year_findings(results: list[Result]) -> dict[str, list[dict[str, Any]]]:
    """The across-years findings, by the SHA-256 of the (later) report they belong to."""
    template = _template_paragraphs(results)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for current, prior in pairs(results):
        found = [
            *_targets_copied(current, prior),
            *_names_copied(current, prior),
            *_narrative_copied(current, prior, template),
            *_prior_figures_differ(current, prior),
        ]
        out[current["source"]["sha256"]].extend(found)
    return dict(out)


def _finding(code: str, message: str, numbers: list[Any], evidence: list[dict[str, Any]]) -> dict[str, Any]:
    rule = get_rule(code)
    return {
        "code": code,
        "severity": rule.severity.value,
        "message": message,
        "numbers": [json_number(n) if isinstance(n, Decimal) else n for n in numbers],
        "evidence": evidence,
    }


def _place(provenance: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in provenance.items() if k != "file"}


def _rows(result: Result) -> list[dict[str, Any]]:
    return [row for row in result["report"]["indicators"] if row.get("level3")]


def _targets_copied(current: Result, prior: Result) -> Iterator[dict[str, Any]]:
    last = {(row["level3"], row["target"]) for row in _rows(prior) if row.get("target")}
    same = [row for row in _rows(current) if row.get("target") and (row["level3"], row["target"]) in last]
    if same:
        names = "、".join(f"“{row['level3']} {row['target']}”" for row in same[:5])
        more = f"等 {len(same)} 项" if len(same) > 5 else f"共 {len(same)} 项"
        yield _finding(
            "JX711",
            f"{year_of(current)} 年的指标值与 {year_of(prior)} 年报告完全相同：{names}{more}",
            [len(same), len(_rows(current)), year_of(prior)],
            [_place(row["provenance"]) for row in same],
        )


def _names_copied(current: Result, prior: Result) -> Iterator[dict[str, Any]]:
    names = [row["level3"] for row in _rows(current)]
    if len(set(names)) >= 3 and set(names) == {row["level3"] for row in _rows(prior)}:
        yield _finding(
            "JX712",
            f"{year_of(current)} 年全部 {len(set(names))} 项三级指标名称与 {year_of(prior)} 年报告相同",
            [len(set(names)), year_of(prior)],
            [_place(_rows(current)[0]["provenance"])],
        )


def _paragraphs(result: Result) -> Iterator[tuple[str, dict[str, Any]]]:
    for block in result["document"]["blocks"]:
        if block["kind"] == "paragraph":
            text = _SPACE.sub("", block["text"])
            if len(text) >= MIN_PARAGRAPH:
                yield text, {"block": block["index"], **_place(block.get("provenance", {})), "text": block["text"]}


def _template_paragraphs(results: list[Result]) -> set[str]:
    """Paragraphs found in the reports of several units: the form's printed wording, not a copy."""
    units: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for result in results:
        key = unit_key(result)
        for text, _ in _paragraphs(result):
            units[text].add(key or (result["source"]["sha256"],))
    return {text for text, seen in units.items() if len(seen) >= TEMPLATE_UNITS}


def _narrative_copied(current: Result, prior: Result, template: set[str]) -> Iterator[dict[str, Any]]:
    last = {text for text, _ in _paragraphs(prior)}
    copied = [(text, place) for text, place in _paragraphs(current) if text in last and text not in template]
    if copied:
        first = copied[0][0]
        excerpt = first[:30] + "…" if len(first) > 30 else first
        yield _finding(
            "JX713",
            f"{len(copied)} 段叙述与 {year_of(prior)} 年报告逐字相同，如“{excerpt}”",
            [len(copied), year_of(prior)],
            [place for _, place in copied],
        )


def _figure(result: Result, key: str) -> Figure | None:
    value = dec(result["report"]["facts"].get(key))
    if value is None:
        return None
    text = result["report"]["provenance"].get(key, {}).get("text")
    return Figure.printed(value, text)


def _prior_figures_differ(current: Result, prior: Result) -> Iterator[dict[str, Any]]:
    for amount_key, change_key, label in CHANGES:
        this, change, last = _figure(current, amount_key), _figure(current, change_key), _figure(prior, amount_key)
        if this is None or change is None or last is None:
            continue
        implied = this.minus(change)
        if check_sum(last, [implied]).ok:
            continue
        provenance = current["report"]["provenance"]
        yield _finding(
            "JX714",
            f"{label}：本年 {_show(this.value)} 万元、较上年增减 {_show(change.value)} 万元，推出上年为 "
            f"{_show(implied.value)} 万元，而 {year_of(prior)} 年报告为 {_show(last.value)} 万元",
            [this.value, change.value, implied.value, last.value],
            [_place(provenance[k]) for k in (amount_key, change_key) if k in provenance],
        )


def _show(value: Decimal) -> str:
    return format(value.normalize(), "f")
