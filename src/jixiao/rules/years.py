"""JX7xx — years and comparisons: the prior year named in a comparison, the report date, the fiscal year."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from jixiao.model.findings import Issue, Severity
from jixiao.model.report import FACT_LABELS, Fact
from jixiao.rules.registry import Context, rule
from jixiao.scoring.arith import dec

_SUBJECTS = {
    "income": "收入",
    "expenditure": "支出",
    "three_public": "“三公”经费",
    "reception": "公务接待费",
    "vehicle": "公务用车费",
    "budget": "预算",
}


_AGAINST_BUDGET = re.compile(r"^\s*年?度?\s*(?:的)?\s*(?:预算|預算)")


def _comparisons(ctx: Context) -> list[tuple[str, Fact]]:
    out: list[tuple[str, Fact]] = []
    seen: set[tuple[str, int]] = set()
    stated = [(f.unit or "", f) for f in ctx.report.comparison_years]
    for key, subject in (("income_prior_year", "income"), ("expenditure_prior_year", "expenditure")):
        fact = ctx.fact(key)
        if fact is not None:
            stated.append((subject, fact))
    for subject, fact in stated:
        year = dec(fact.value)
        if year is None:
            continue
        mark = (subject, int(year))
        if mark not in seen:
            seen.add(mark)
            out.append((subject, fact))
    return out


@rule(code="JX701", name="comparison-year-wrong", severity=Severity.WARNING, since="0.1")
def comparison_year_wrong(ctx: Context) -> Iterator[Issue]:
    """同比比较的“上年”不是评价年度的前一年。

    检查什么：
        “较上年”“同比”一类比较中写明的基期年份，是否等于评价年度 − 1。“与2021年度预算相比”（2021 年度
        报告）是支出与本年预算的比较，不是同比，不报告。
    为什么重要：
        拿错年份作比较，增减额和增减率都失去意义，常是套用旧报告未改。
    示例：
        2021 年度报告写“收入较 2019 年减少 761.39 万元”，而支出比较写的是 2020 年。
    如何修改：
        改为与上一年度（评价年度 − 1）比较，并重算增减额和增减率。
    """
    year = ctx.report.unit.fiscal_year
    if year is None:
        return
    for subject, fact in _comparisons(ctx):
        prior = dec(fact.value)
        if prior is None or int(prior) == year - 1:
            continue
        if int(prior) == year and _AGAINST_BUDGET.search((fact.provenance.text or "").split(str(year), 1)[-1][:6]):
            continue  # 与2021年度预算相比: spending against the year's own budget, not a year-over-year change
        label = _SUBJECTS.get(subject) or FACT_LABELS.get(subject, "")
        yield Issue(
            f"{year} 年度报告中{label}的同比比较以 {int(prior)} 年为基期，应为 {year - 1} 年",
            (int(prior), year),
            (fact.provenance,),
        )


@rule(code="JX702", name="report-date-implausible", severity=Severity.WARNING, since="0.1")
def report_date_implausible(ctx: Context) -> Iterator[Issue]:
    """报告日期早于评价年度结束，或晚于其后两年。

    检查什么：
        报告日期是否在评价年度 12 月之后、两年之内（自评在年度结束后进行）。
    为什么重要：
        日期不合理通常是年度写错或套用旧模板，会使报告对应的年度存疑。
    示例：
        2022 年度自评报告，落款日期 2022 年 4 月 12 日。
    如何修改：
        核对评价年度和落款日期。
    """
    unit = ctx.report.unit
    if unit.fiscal_year is None or not unit.report_date:
        return
    try:
        date = dt.date.fromisoformat(unit.report_date)
    except ValueError:
        return
    year = unit.fiscal_year
    if date < dt.date(year, 12, 1) or date.year > year + 2:
        prov = unit.provenance.get("report_date")
        yield Issue(
            f"报告日期 {date.isoformat()} 与评价年度 {year} 年不合（应在 {year} 年末之后、{year + 2} 年底之前）",
            (date.year, year),
            (prov,) if prov else (),
        )


@rule(code="JX703", name="fiscal-year-missing", severity=Severity.INFO, since="0.1")
def fiscal_year_missing(ctx: Context) -> Iterator[Issue]:
    """报告没有写明评价年度。

    检查什么：
        标题或正文中找不到评价年度（如“2021年度”）。
    为什么重要：
        没有年度就无法选择评分规则，也无法核对同比比较的基期。
    示例：
        标题为“部门整体支出绩效自评报告”，没有年度。
    如何修改：
        在标题中写明评价年度。
    """
    if ctx.report.unit.fiscal_year is None:
        yield Issue("报告未写明评价年度", (), ())
