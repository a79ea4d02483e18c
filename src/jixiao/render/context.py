"""The rendering context: one Report turned into the names that form templates use.

Templates (xlsx cells and docx text) refer to `unit.*`, `f.<vocabulary key>`, and loop over
`targets`, `indicators`, `evaluators`, `projects`. Values stay typed (Decimal, int) so that a cell
holding a single expression becomes a number in Excel; text output goes through `finalize`, which
prints Decimals without trailing zeros or exponents. A cell whose value is `MERGE` is merged into
the cell above it (一级/二级 indicators merged vertically, section labels spanning their rows).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import jinja2

from jixiao.model.report import IndicatorRow, ParsedValue, Report

# A private-use character: never in real text, so it can mark "merge with the cell above".
MERGE = "\ue000"

DIRECTION_SYMBOLS = {">=": "≥", ">": ">", "=": "=", "<=": "≤", "<": "<", "qualitative": "定性"}


def fmt_number(value: Decimal | int | float) -> str:
    """57954.30 → '57954.3', 100 → '100', without exponent notation."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    return str(value)


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return fmt_number(value)
    return value


def pct(value: Any) -> str:
    """A percent number as written on the forms: 100 → '100%'."""
    if value is None or value == "" or isinstance(value, jinja2.Undefined):
        return ""
    if isinstance(value, Decimal | int | float):
        return f"{fmt_number(value)}%"
    return str(value)


def money(value: Any) -> str:
    """An amount as the forms print it in Word: at least two decimals (4839.50), every stated one kept."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        number = Decimal(value)
        exponent = number.normalize().as_tuple().exponent
        decimals = -exponent if isinstance(exponent, int) else 0
        return f"{number:.2f}" if decimals <= 2 else format(number.normalize(), "f")
    return "" if value is None or isinstance(value, jinja2.Undefined) else str(value)


def ratio(value: Any) -> Decimal | None:
    """A percent number as the fraction an Excel % cell holds: 95.06 → 0.9506 (shown 95.06%)."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Decimal(value) / 100
    return None


def cn_date(value: Any) -> str:
    """ISO date → 2022年8月15日 (as the forms print it)."""
    if not value or isinstance(value, jinja2.Undefined):
        return ""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value))
    if not match:
        return str(value)
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"


def make_env() -> jinja2.Environment:
    """The Jinja environment shared by the xlsx and docx renderers."""
    env = jinja2.Environment(undefined=jinja2.ChainableUndefined, finalize=_finalize, autoescape=False)
    env.filters["pct"] = pct
    env.filters["cn_date"] = cn_date
    env.filters["ratio"] = ratio
    env.filters["money"] = money
    return env


def level_label(name: str, points: Decimal | None) -> str:
    """产出指标 + 50 → '产出指标(50分)', the official forms' level-1 cell."""
    if points is None:
        return name
    return f"{name}({fmt_number(points)}分)"


def _value_text(value: ParsedValue | None) -> str:
    return "" if value is None else value.text


_POINTS_SUFFIX = re.compile(r"\s*[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")


def _bare(name: str) -> str:
    """'产出指标(50分)' → '产出指标': declared weights may keep the points in their name."""
    return _POINTS_SUFFIX.sub("", name)


def _indicator_items(report: Report) -> list[dict[str, Any]]:
    points1 = {_bare(w.name): w.points for w in report.declared_weights if w.level == 1}
    points2 = {_bare(w.name): w.points for w in report.declared_weights if w.level == 2}
    items: list[dict[str, Any]] = []
    previous: IndicatorRow | None = None
    for row in report.indicators:
        same1 = previous is not None and previous.level1 == row.level1
        same2 = same1 and previous is not None and previous.level2 == row.level2
        target = row.target
        split = _sichuan_target(target)
        items.append(
            {
                "head": MERGE,
                "level1": row.level1,
                "level2": row.level2,
                "level1_cell": MERGE if same1 else level_label(row.level1, points1.get(row.level1)),
                "level2_cell": MERGE if same2 else level_label(row.level2, points2.get(row.level2)),
                # forms without points on their headings (Template A) use the bare names
                "level1_plain": MERGE if same1 else row.level1,
                "level2_plain": MERGE if same2 else row.level2,
                "level3": row.level3,
                "target": _value_text(target),
                "actual": _value_text(row.actual),
                "weight": row.weight,
                "score": row.score,
                "deviation_reason": row.deviation_reason,
                "direction": split[0],
                "target_number": split[1],
                "target_unit": split[2],
                "goal": _goal_text(row),
            }
        )
        previous = row
    return items


def _goal_text(row: IndicatorRow) -> str:
    """Template A's 绩效目标 cell: one text for the indicator and its target ("指标：…" as the form writes)."""
    target = _value_text(row.target)
    if target and (not row.level3 or row.level3 in target):
        return target
    text = f"指标：{row.level3}" if row.level3 else ""
    return f"{text}，目标值：{target}" if target else text


def _sichuan_target(target: ParsedValue | None) -> tuple[str, Decimal | str, str]:
    """指标性质 / 指标值 / 度量单位, split only where the three give back the target's text exactly;
    otherwise the whole text stays in 指标值 (下降2%以上 is not ≥ 2 %)."""
    if target is None:
        return "", "", ""
    if target.number is not None and target.direction not in (None, "qualitative"):
        symbol = DIRECTION_SYMBOLS[target.direction]
        unit = target.unit or ""
        number = fmt_number(target.number)
        if "".join(target.text.split()) in (f"{symbol}{number}{unit}", f"{symbol}{number}"):
            return symbol, target.number, unit
    return "", target.text, ""


def _section(report: Report, *keywords: str) -> str:
    for section in report.sections:
        if any(k in section.heading for k in keywords):
            return section.text
    return ""


# The funds block's source rows as the forms name them; a source row is matched by the words of its name.
_FUNDS_ROLES: dict[str, tuple[str, ...]] = {
    "carryover": ("上年结转",),
    "special": ("专户",),
    "unit": ("单位资金", "单位自有"),
    "other": ("其他",),
    "fiscal": ("财政拨款", "财政资金", "财政补助"),
}


def _funds_rows(report: Report) -> dict[str, dict[str, Decimal | None]]:
    """Each stated source row under its role (fiscal, carryover, special, unit, other), first one kept."""
    rows: dict[str, dict[str, Decimal | None]] = {}
    for source in report.funds_sources:
        role = next((r for r, words in _FUNDS_ROLES.items() if any(w in source.name for w in words)), None)
        if role is not None and role not in rows:
            rows[role] = {
                "budget_initial": source.budget_initial,
                "budget_adjusted": source.budget_adjusted,
                "budget_executed": source.budget_executed,
            }
    return rows


def _evaluators(report: Report) -> list[dict[str, Any]]:
    details = {e.name: e for e in report.evaluator_details}
    names = report.evaluators or [e.name for e in report.evaluator_details]
    out = []
    for name in names:
        detail = details.get(name)
        title, affiliation = (detail.title, detail.affiliation) if detail else ("", "")
        out.append({"head": MERGE, "name": name, "title": title, "affiliation": affiliation})
    return out


def build_context(report: Report) -> dict[str, Any]:
    """Everything a form template may refer to; a field the report does not state is empty."""
    unit = report.unit
    facts = {key: fact.value for key, fact in report.facts().items()}
    texts = report.texts
    return {
        "unit": {
            "implementing_unit": unit.implementing_unit or "",
            "contact_person": unit.contact_person or "",
            "contact_phone": unit.contact_phone or "",
            "form_filler": unit.form_filler or "",
            "department": unit.department or "",
            "region": unit.region or "",
            "code": unit.code or "",
            "fiscal_year": unit.fiscal_year or "",
            "report_date": unit.report_date or "",
            "project_name": unit.project_name or "",
            "report_kind": unit.report_kind,
        },
        "f": facts,
        "targets": [{"head": MERGE, "expected": t.expected, "achieved": t.achieved} for t in report.targets],
        "indicators": _indicator_items(report),
        "evaluators": _evaluators(report),
        "fs": _funds_rows(report),
        "projects": [p.model_dump() | {"head": MERGE} for p in report.projects],
        "sec": {
            "duties": texts.duties or _section(report, "职能", "职责"),
            "work": texts.annual_work or _section(report, "主要工作", "工作内容"),
            "results": texts.performance_overview or _section(report, "运行情况", "成绩", "成效"),
            "overview": texts.review_summary or "\n".join(f"{s.heading}\n{s.text}" for s in report.sections),
        },
        # Sichuan's three texts as written: never a sentence made up from the score
        "texts": {"conclusion": texts.conclusion, "problems": texts.problems, "improvements": texts.improvements},
        "MERGE": MERGE,
    }
