"""JX5xx — scores and grades: the stated total against the row scores, recomputed scores, qualitative
tiers, grade against band, missing or unrecomputable scores, scores inflated against spending."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from jixiao.model.findings import Issue, Severity
from jixiao.model.report import GradeBand, legend_grade
from jixiao.model.scorecard import ScoreItem
from jixiao.rules.common import fmt
from jixiao.rules.registry import Context, rule
from jixiao.scoring.arith import HUNDRED, quantize, shown
from jixiao.scoring.engine import score_in_tier

_TIER_NAMES = {1: "达成年度指标", 2: "部分达成", 3: "未达成"}


@rule(code="JX501", name="total-score-mismatch", severity=Severity.ERROR, since="0.1")
def total_score_mismatch(ctx: Context) -> Iterator[Issue]:
    """所述总分与各项得分之和不符。

    检查什么：
        总分（自评得分）是否等于 预算执行得分 + 各三级指标得分 之和（均取报告所写）。
    为什么重要：
        总分决定等次；与明细不符时，要么总分被改过，要么明细填错。
    示例：
        各行得分合计 10 + 50 + 32 + 10 = 102，总分写 100。
    如何修改：
        以明细为准重算总分，或改正明细。
    """
    stated, summed = ctx.card.stated_total, ctx.card.stated_score_sum
    if stated is None or summed is None or abs(stated - summed) <= ctx.profile.tolerances.score:
        return
    yield Issue(
        f"总分写作 {fmt(stated)} 分，但预算执行得分与各指标得分合计 {fmt(summed)} 分",
        (stated, summed),
        ctx.ev("self_score", "execution_score"),
    )


@rule(code="JX502", name="row-score-recomputed-differs", severity=Severity.WARNING, since="0.1")
def row_score_recomputed_differs(ctx: Context) -> Iterator[Issue]:
    """指标得分与按评分规则重算的得分不符。

    检查什么：
        有数字的指标，按方向重算得分：正向 分值 × min(完成值/指标值, 1)；反向按评分规则所选公式；
        “=”按评分规则。与所写得分相差超过容差（默认 0.01 分）时报告。
    为什么重要：
        自评得分应当有公式可循；偏高的得分是复核中最常见的扣分点。
    示例：
        指标值 ≥100 件，完成 80 件，分值 5：应得 4 分，写 5 分。
    如何修改：
        按公式改正得分，或在偏差原因中说明依据。
    """
    tol = ctx.profile.tolerances.score
    for item in ctx.card.indicator_items:
        if not item.recomputed or item.tier is not None or item.result is None or item.stated is None:
            continue
        if abs(item.result - item.stated) <= tol or (item.weight is not None and item.stated > item.weight):
            continue  # a score above its points is JX405's finding
        if marked_down_though_met(ctx, item):
            continue  # JX512's
        row = ctx.report.indicators[item.index or 0]
        yield Issue(
            f"指标“{item.name}”（指标值 {item.inputs.get('指标值')}，完成值 {item.inputs.get('完成值')}，"
            f"分值 {fmt(item.weight or 0)}）按“{item.formula}”应得 {fmt(item.result)} 分，"
            f"报告写作 {fmt(item.stated)} 分",
            (item.stated, item.result),
            (row.cells.get("score", row.provenance),),
        )


@rule(code="JX503", name="qualitative-tier-mismatch", severity=Severity.ERROR, since="0.1")
def qualitative_tier_mismatch(ctx: Context) -> Iterator[Issue]:
    """定性指标的完成档次与得分不在同一档。

    检查什么：
        定性指标写“达成年度指标”应得分值的 80%–100%，“部分达成”60%–80%，“未达成”0–60%（区间
        由评分规则给出）；得分不在该档区间内时报告。
    为什么重要：
        10号对定性指标的评分区间有明确规定，档次与得分矛盾说明评分随意。
    示例：
        完成情况“部分达成”，分值 10，得 10 分（应在 6–8 分之间）。
    如何修改：
        按完成档次改正得分，或改正完成情况的描述。
    """
    for item in ctx.card.indicator_items:
        if item.tier is None or item.stated is None or item.weight is None:
            continue
        if score_in_tier(item.stated, item.tier, item.weight, ctx.profile):
            continue
        low, high = item.inputs.get("区间下限"), item.inputs.get("区间上限")
        row = ctx.report.indicators[item.index or 0]
        yield Issue(
            f"指标“{item.name}”完成情况属“{_TIER_NAMES[item.tier]}”档（{fmt(quantize(Decimal(str(low)), 2))}–"
            f"{fmt(quantize(Decimal(str(high)), 2))} 分），得分却为 {fmt(item.stated)} 分",
            (item.stated, item.weight),
            (row.cells.get("score", row.provenance), row.cells.get("actual", row.provenance)),
        )


@rule(code="JX504", name="grade-band-mismatch", severity=Severity.WARNING, since="0.1")
def grade_band_mismatch(ctx: Context) -> Iterator[Issue]:
    """所述等次与得分所在的等次区间不符。

    检查什么：
        评价等次是否与所述总分及重算总分所在的区间一致。报告自己列了等次标准（如“80分≤总分<90，
        良”）时按报告的标准，不符为 error（报告自相矛盾）；否则按评分规则的区间（默认 优 ≥90、良 ≥80、
        中 ≥60、差 <60），不符的级别由评分规则定（默认 warning：与外部规定不符，而非报告自相矛盾）。
        优秀/良好/合格/不合格、好/较好/一般/差 视为同档。
    为什么重要：
        等次是结果应用的依据，与分数矛盾会导致错误的奖惩。
    示例：
        自评得分 84.47 分，等次写“优”；按 10号 的区间 84.47 分为“良”。
    如何修改：
        按分数所在区间改正等次，或核对分数。
    """
    grade = ctx.card.grade_stated
    if not grade:
        return
    legend = ctx.report.grade_bands
    if legend:
        yield from _against_legend(ctx, grade)
        return
    grades = ctx.profile.grades
    band = grades.band_of(grade)
    if band is None:
        yield Issue(f"等次“{grade}”不是评分规则“{ctx.profile.name}”中的等次名称", (), ctx.ev("grade"))
        return
    severity = Severity(grades.mismatch_severity)
    for total, label, level in (
        (ctx.card.stated_total, "所述总分", severity),
        (ctx.card.computed_total, "重算总分", Severity.WARNING),
    ):
        if total is None:
            continue
        want_band, want_label = grades.grade(total)
        if want_band != band:
            yield Issue(
                f"{label} {fmt(total)} 分按评分规则“{ctx.profile.name}”的区间对应等次“{want_label}”，报告写作“{grade}”",
                (total,),
                ctx.ev("grade", "self_score"),
                level,
            )
            return


def _against_legend(ctx: Context, grade: str) -> Iterator[Issue]:
    """A stated grade against the legend the document itself states: a mismatch is a contradiction."""
    grades = ctx.profile.grades
    for total, label, level in (
        (ctx.card.stated_total, "所述总分", Severity.ERROR),
        (ctx.card.computed_total, "重算总分", Severity.WARNING),
    ):
        if total is None:
            continue
        band = legend_grade(ctx.report.grade_bands, total)
        if band is None or band.label == grade.strip():
            continue
        same = grades.band_of(band.label)
        if same is not None and same == grades.band_of(grade):
            continue  # 优秀 in the legend, 优 in the grade cell
        yield Issue(
            f"{label} {fmt(total)} 分按报告所列等次标准（{_band_text(band)}）应为“{band.label}”，报告写作“{grade}”",
            (total,),
            (*ctx.ev("grade", "self_score"), band.provenance),
            level,
        )
        return


def _band_text(band: GradeBand) -> str:
    upper = "" if band.max is None else f"<{fmt(band.max)}"
    return f"{fmt(band.min)}分≤总分{upper}为{band.label}"


@rule(code="JX505", name="grade-missing", severity=Severity.INFO, since="0.1")
def grade_missing(ctx: Context) -> Iterator[Issue]:
    """写了总分但没有写评价等次。

    检查什么：
        报告有自评得分而没有评价等次：按报告自己列的等次标准（有时）或评分规则的区间推出应有的等次。
    为什么重要：
        等次是自评结论的一部分；缺少时由审核人按区间补定。这只是提示，不是等次不符。
    示例：
        总分 80.06 分，绩效评级栏空白，表下注明“80分≤总分<90，良”：应为“良”。
    如何修改：
        按等次标准补写等次。
    """
    total = ctx.card.stated_total
    if ctx.card.grade_stated or total is None:
        return
    own = legend_grade(ctx.report.grade_bands, total)
    if own is not None:
        yield Issue(
            f"写明总分 {fmt(total)} 分但未写评价等次，按报告所列等次标准（{_band_text(own)}）应为“{own.label}”",
            (total,),
            (*ctx.ev("self_score"), own.provenance),
        )
        return
    _, label = ctx.profile.grades.grade(total)
    yield Issue(f"写明总分 {fmt(total)} 分但未写评价等次，按区间应为“{label}”", (total,), ctx.ev("self_score"))


@rule(code="JX506", name="score-missing", severity=Severity.WARNING, since="0.1")
def score_missing(ctx: Context) -> Iterator[Issue]:
    """报告没有写自评得分（或等次）。

    检查什么：
        报告没有写自评（综合）得分；或写了等次却没有得分。
    为什么重要：
        自评结论缺失，审核人无从判断自评是否合理，也无法汇总排名。
    示例：
        叙述式报告只写工作成效，没有“自评得分××分，等次为×”。
    如何修改：
        按评分规则计算并写明自评得分和等次。
    """
    if ctx.card.stated_total is not None or not ctx.report.is_self_evaluation():
        return  # only a self-evaluation states a score
    if ctx.card.grade_stated:
        yield Issue(f"写明等次“{ctx.card.grade_stated}”但没有自评得分", (), ctx.ev("grade"))
        return
    yield Issue("报告未写自评得分，也未写评价等次", (), ())


@rule(code="JX507", name="score-not-recomputable", severity=Severity.WARNING, since="0.1")
def score_not_recomputable(ctx: Context) -> Iterator[Issue]:
    """所述得分没有带分值的指标表支撑，无法重算。

    检查什么：
        报告写了自评得分，却没有列出各指标的分值（和得分），得分无从复核。
    为什么重要：
        没有明细的分数无法复核，复核时只能视为未评分。
    示例：
        “综合考评得分 98.6 分，等次优”，报告中没有指标表。
    如何修改：
        附上绩效自评表：各级指标、指标值、完成值、分值和得分。
    """
    if ctx.card.stated_total is None or ctx.card.recomputable:
        return
    why = "指标表没有分值" if ctx.report.indicators else "报告中没有指标表"
    yield Issue(
        f"自评得分 {fmt(ctx.card.stated_total)} 分无法重算：{why}",
        (ctx.card.stated_total,),
        ctx.ev("self_score"),
    )


@rule(code="JX508", name="score-outruns-spending", severity=Severity.WARNING, since="0.1")
def score_outruns_spending(ctx: Context) -> Iterator[Issue]:
    """指标得分接近满分而预算执行率偏低（虚高）。

    检查什么：
        启用厂商“红色预警”时：(指标得分/指标分值 − 执行得分/执行分值) ÷ (指标得分/指标分值) 超过
        阈值（默认 5%）。未启用时：指标得分率 ≥ 95% 而执行率 < 80%（阈值由评分规则给出）。
    为什么重要：
        钱没花出去，指标却全部完成，通常说明指标定得过低或自评打分偏高。
    示例：
        指标得分 90/90，执行率 60%（执行得分 6/10）。
    如何修改：
        核实指标完成情况，据实评分，或说明资金结转与指标完成的关系。
    """
    card = ctx.card
    execution = card.execution
    items = [i for i in card.indicator_items if i.weight is not None and i.stated is not None]
    if execution is None or execution.result is None or not execution.weight or not items:
        return
    points = sum((i.weight or Decimal(0) for i in items), Decimal(0))
    got = sum((i.stated or Decimal(0) for i in items), Decimal(0))
    if points == 0 or got == 0:
        return
    share = got / points
    exec_share = execution.result / execution.weight
    vendor, thresholds = ctx.profile.vendor, ctx.profile.thresholds
    if vendor.red_warning:
        gap = (share - exec_share) / share * HUNDRED
        if gap <= vendor.red_warning_gap:
            return
        message = (
            f"指标得分率 {fmt(shown(share * HUNDRED))}%（{fmt(got)}/{fmt(points)}）高于执行得分率 "
            f"{fmt(shown(exec_share * HUNDRED))}%，差距 {fmt(shown(gap))}% "
            f"超过 {fmt(vendor.red_warning_gap)}%（红色预警）"
        )
        yield Issue(
            message,
            (got, points, execution.result, execution.weight, shown(gap)),
            (execution.provenance,) if execution.provenance else (),
        )
        return
    rate = card.execution_rate
    if (
        rate is None
        or share * HUNDRED < thresholds.inflation_indicator_share
        or rate >= thresholds.inflation_execution_below
    ):
        return
    message = (
        f"指标得分率 {fmt(shown(share * HUNDRED))}%（{fmt(got)}/{fmt(points)}）接近满分，而预算执行率仅 "
        f"{fmt(shown(rate))}%（低于 {fmt(thresholds.inflation_execution_below)}%）"
    )
    yield Issue(message, (got, points, shown(rate)), (execution.provenance,) if execution.provenance else ())


@rule(code="JX509", name="total-over-execution-cap", severity=Severity.WARNING, since="0.1")
def total_over_execution_cap(ctx: Context) -> Iterator[Issue]:
    """执行率偏低时总分超过封顶分（可选规则）。

    检查什么：
        启用“执行率封顶”时（默认关闭）：执行率 70%–80% 总分不超过 89，60%–70% 不超过 79，
        低于 60% 不超过 69，低于 50% 不超过 59（档位由评分规则给出）。
    为什么重要：
        部分省份的一体化系统按执行率限制总分，超过上限的自评在系统中不能通过。
    示例：
        执行率 65%，总分 92 分，上限 79 分。
    如何修改：
        按上限调整总分与等次。
    """
    vendor = ctx.profile.vendor
    rate, stated = ctx.card.execution_rate, ctx.card.stated_total
    if not vendor.execution_caps or rate is None or stated is None:
        return
    caps = [c.cap for c in vendor.caps if rate < c.below]
    if not caps or stated <= min(caps):
        return
    cap = min(caps)
    yield Issue(
        f"预算执行率 {fmt(shown(rate))}% 时总分不得超过 {fmt(cap)} 分，报告写作 {fmt(stated)} 分",
        (shown(rate), cap, stated),
        ctx.ev("self_score", "execution_rate", "budget_executed"),
    )


@rule(code="JX510", name="score-above-total", severity=Severity.ERROR, since="0.1")
def score_above_total(ctx: Context) -> Iterator[Issue]:
    """自评得分超过总分值。

    检查什么：
        自评（综合）得分是否大于总分行的分值（未写明时取评分规则的总分，默认 100 分）。
    为什么重要：
        超额完成不加分，总分不可能超过满分；超过说明分值或得分填错。
    示例：
        “自评得分 102 分”，满分 100 分。
    如何修改：
        核对各项得分，得分不超过其分值，总分不超过满分。
    """
    stated = ctx.card.stated_total
    if stated is None:
        return
    total = ctx.num("weight_total")
    ceiling = total if total is not None else ctx.profile.weights.total
    if stated > ceiling + ctx.profile.tolerances.score:
        yield Issue(
            f"自评得分 {fmt(stated)} 分超过总分值 {fmt(ceiling)} 分",
            (stated, ceiling),
            ctx.ev("self_score", "weight_total"),
        )


@rule(code="JX511", name="total-above-itemised-maximum", severity=Severity.ERROR, since="0.1")
def total_above_itemised_maximum(ctx: Context) -> Iterator[Issue]:
    """所述总分超过各项得分加上未评分项最多可得分之和。

    检查什么：
        指标表有的行写了得分、有的行没有时：已写得分之和 + 未写得分各行的分值（最多可得）+ 预算执行
        得分（未写时取其分值），是否仍小于所述总分。
    为什么重要：
        即使未评分的各项都按满分计，总分也达不到所写的数，这个总分不可能由表中的得分得出。
    示例：
        项目决策 10 + 项目管理 24 + 项目产出 29 + 社会效益 13 + 可持续影响 8 = 84，满意度（分值 10）
        未写得分，最多 94 分，而自评得分写作 98 分。
    如何修改：
        补填未评分行的得分，按明细重算总分。
    """
    stated = ctx.card.stated_total
    rows = ctx.report.indicators
    if stated is None or not rows or all(r.score is not None for r in rows):
        return  # every row scored: JX501 compares the sum itself
    if any(r.score is None and r.weight is None for r in rows):
        return  # a row with neither score nor points: no maximum can be named
    scored = [r.score for r in rows if r.score is not None]
    open_points = [r.weight for r in rows if r.score is None and r.weight is not None]
    execution = ctx.num("execution_score")
    if execution is None:
        execution = ctx.num("execution_weight")
    if execution is None and ctx.card.execution is not None:
        execution = ctx.card.execution.weight
    most = sum((*scored, *open_points), execution or Decimal(0))
    if stated <= most + ctx.profile.tolerances.score:
        return
    listing = " + ".join(fmt(v) for v in scored)
    execution_text = "" if execution is None else f"预算执行 {fmt(execution)} + "
    message = (
        f"自评得分写作 {fmt(stated)} 分，但{execution_text}已评分各行 {listing} 加上未评分各行的分值 "
        f"{' + '.join(fmt(v) for v in open_points)}，最多只有 {fmt(most)} 分"
    )
    numbers = (stated, *scored, *open_points, most)
    yield Issue(message, numbers, ctx.ev("self_score"))


def marked_down_though_met(ctx: Context, item: ScoreItem) -> bool:
    """A row whose result meets its target (the formula gives full points) scored below its points with
    no 偏差原因: JX512's finding, which JX502 and JX606 leave to it."""
    if not item.recomputed or item.result is None or item.weight is None or item.stated is None:
        return False
    if item.tier is not None or item.result < item.weight:
        return False
    row = ctx.report.indicators[item.index or 0]
    return item.stated < item.weight - ctx.profile.tolerances.score and not row.deviation_reason.strip()


@rule(code="JX512", name="met-target-marked-down", severity=Severity.WARNING, since="0.1")
def met_target_marked_down(ctx: Context) -> Iterator[Issue]:
    """指标已完成却未得满分，也没有写偏差原因。

    检查什么：
        完成值达到指标值（正向指标 完成值 ≥ 指标值，反向指标不超过指标值，时间指标按时完成），按公式
        应得满分，而得分低于分值，偏差原因栏又为空。
    为什么重要：
        完成了却扣分、又不说明理由，说明得分是随意给的，或完成值没有如实填写；复核时无从判断。
    示例：
        时效指标“资金到位及时率”指标值 ≧100%，完成值 100%，分值 10，得 7 分，偏差原因空白。
    如何修改：
        按完成情况给满分；确有扣分理由（质量问题、程序瑕疵等）的，在偏差原因栏写明。
    """
    for item in ctx.card.indicator_items:
        if not marked_down_though_met(ctx, item):
            continue
        row = ctx.report.indicators[item.index or 0]
        target = row.target.text if row.target else ""
        actual = row.actual.text if row.actual else ""
        # The finding compares the result with the target, then the score with the points: all four.
        compared = tuple(v.number for v in (row.target, row.actual) if v is not None and v.number is not None)
        yield Issue(
            f"指标“{item.name}”完成值“{actual}”已达到指标值“{target}”，按公式应得满分 {fmt(item.weight or 0)} 分，"
            f"却只得 {fmt(item.stated or 0)} 分，且未写偏差原因",
            (*compared, item.weight or Decimal(0), item.stated or Decimal(0)),
            (row.cells.get("score", row.provenance), row.cells.get("actual", row.provenance)),
        )
