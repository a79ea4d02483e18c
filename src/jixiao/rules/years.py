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


# --- across years: run by `jixiao review` on two reports of one unit (jixiao.review.years), not by
# `check` on one report; registered here so that codes, docs and --select/--ignore treat them like the others.


@rule(code="JX711", name="targets-copied-from-last-year", severity=Severity.INFO, since="0.1")
def targets_copied_from_last_year(ctx: Context) -> Iterator[Issue]:
    """绩效指标的年度指标值与上年报告完全相同。

    检查什么：
        跨年规则：由 jixiao review 在同一单位相邻两个年度的报告之间运行。
        同名三级指标的年度指标值（目标）与上一年度报告逐字相同的各行，列在一条发现中。
    为什么重要：
        目标年年照抄，说明绩效目标没有随当年任务和预算重新设定，评价失去对照。
    示例：
        2023 年与 2022 年的“培训人次 ≥500人次”“满意度 ≥90%”等 8 项指标值完全相同。
    如何修改：
        按当年任务与资金重新设定指标值；确需沿用的，在偏差说明中写明理由。
    """
    return iter(())


@rule(code="JX712", name="indicator-names-copied-from-last-year", severity=Severity.INFO, since="0.1")
def indicator_names_copied_from_last_year(ctx: Context) -> Iterator[Issue]:
    """三级指标名称与上年报告完全相同。

    检查什么：
        跨年规则：由 jixiao review 在同一单位相邻两个年度的报告之间运行。
        本年全部三级指标名称（至少 3 项）与上一年度报告的指标名称集合完全相同。
    为什么重要：
        指标体系原样照搬，常是套用上年报告而未根据当年项目内容设计指标。
    示例：
        2023 年 12 项三级指标的名称与 2022 年逐一相同。
    如何修改：
        按当年项目的产出和效益重新梳理指标；沿用的指标核对其指标值与完成值是否为当年数据。
    """
    return iter(())


@rule(code="JX713", name="narrative-copied-from-last-year", severity=Severity.WARNING, since="0.1")
def narrative_copied_from_last_year(ctx: Context) -> Iterator[Issue]:
    """叙述段落与上年报告逐字相同。

    检查什么：
        跨年规则：由 jixiao review 在同一单位相邻两个年度的报告之间运行。
        本年报告中 50 字以上的段落与上一年度报告的某一段逐字相同（空白不计）。三个以上单位共有的
        段落是表式说明文字，不报告。
    为什么重要：
        照抄上年的情况说明、问题和改进措施，说明自评没有反映当年实际。
    示例：
        2023 年报告“存在的问题”一段与 2022 年报告一字不差。
    如何修改：
        按当年的实际情况重写该段；仍未解决的老问题应写明进展和原因。
    """
    return iter(())


@rule(code="JX714", name="prior-year-figure-differs", severity=Severity.WARNING, since="0.1")
def prior_year_figure_differs(ctx: Context) -> Iterator[Issue]:
    """本年报告所写的上年数与上年报告不符。

    检查什么：
        跨年规则：由 jixiao review 在同一单位相邻两个年度的报告之间运行。
        由本年的数额和“较上年增减”推出的上年数（本年数 − 增减额），与上一年度报告所写的同一数额
        （收入合计、支出合计、“三公”经费及其各项）比较，超出两者印刷位数所允许的误差即报告。
    为什么重要：
        同比增减的基数与上年报告不一致，增减额和增减率就无从核实，常是基数取错或上年数据改过未说明。
    示例：
        2023 年报告写“收入合计 3256.8 万元，较上年增加 215.4 万元”，推出上年 3041.4 万元；2022 年报告
        写收入合计 3100 万元。
    如何修改：
        核对上年决算数，按上年报告（或其更正）重算增减额与增减率；上年数有调整的写明原因。
    """
    return iter(())
