"""JX1xx — funds and budget execution: 执行率, 执行得分, 年初 → 全年 changes, 追加, project funds."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from jixiao.model.document import Provenance
from jixiao.model.findings import Issue, Severity
from jixiao.model.report import FundsSource
from jixiao.rules.common import fmt, is_instruction, rate_issue
from jixiao.rules.registry import Context, rule
from jixiao.scoring.arith import HUNDRED, Figure, Verdict, check_rate, check_sum, exceeds, percent, quantize, shown


@rule(code="JX101", name="execution-rate-mismatch", severity=Severity.ERROR, since="0.1")
def execution_rate_mismatch(ctx: Context) -> Iterator[Issue]:
    """所述预算执行率与 全年执行数 ÷ 全年预算数 不符。

    检查什么：
        报告写明的预算执行率，是否等于 全年执行数 ÷ 全年预算数（调整后预算，不是年初预算），
        允许按报告的小数位四舍五入或截尾。
    为什么重要：
        执行率决定预算执行得分（默认 10 分），也是审核时首先看的数字；算错说明表格数字未经核对。
    示例：
        全年预算数 200、全年执行数 180，报告写“执行率 95%”，应为 90%。
    如何修改：
        用调整后的全年预算数重新计算执行率，并同步修改预算执行得分。
    """
    yield from rate_issue(
        ctx,
        "execution_rate",
        "预算执行率",
        ctx.figure("budget_executed"),
        ctx.figure("budget_adjusted"),
        "全年执行数",
        "全年预算数",
        ctx.ev("budget_executed", "budget_adjusted"),
    )


@rule(code="JX102", name="execution-score-mismatch", severity=Severity.WARNING, since="0.1")
def execution_score_mismatch(ctx: Context) -> Iterator[Issue]:
    """预算执行得分与 分值 × 执行率 不符。

    检查什么：
        报告写明的预算执行得分，是否等于 分值 × min(执行率, 100%)（按评分规则的小数位）。表中没有写分值、
        得分又高于评分规则的执行分值时不检查（表格另有分值，如湖北表“预算执行情况（20分）”）。
    为什么重要：
        执行得分计入总分，多给或少给都会改变总分和等次。
    示例：
        分值 10、执行率 85%，报告给 10 分，应为 8.5 分。
    如何修改：
        按“得分 = 分值 × 执行率（不超过 100%）”重算执行得分，并修改总分。
    """
    item = ctx.card.execution
    stated = ctx.num("execution_score")
    if item is None or item.result is None or stated is None:
        return
    if abs(stated - item.result) <= ctx.profile.tolerances.score:
        return
    if ctx.num("execution_weight") is None and item.weight is not None and stated > item.weight:
        return  # points not stated and the score above the profile's: the form has points of its own (湖北 20分)
    rate = ctx.card.execution_rate
    rate_text = "" if rate is None else f"、执行率 {fmt(shown(rate))}%"
    message = (
        f"预算执行得分应为 {fmt(item.result)} 分（分值 {fmt(item.weight or 0)}{rate_text}），报告写作 {fmt(stated)} 分"
    )
    # Every number the score is derived from: points, the stated and the computed rate, its amounts.
    inputs = [item.weight, ctx.num("execution_rate"), None if rate is None else shown(rate)]
    inputs += [ctx.num("budget_executed"), ctx.num("budget_adjusted")]
    numbers = (stated, item.result, *dict.fromkeys(v for v in inputs if v is not None))
    yield Issue(message, numbers, ctx.ev("execution_score", "execution_rate", "budget_executed", "budget_adjusted"))


@rule(code="JX103", name="budget-adjustment-large", severity=Severity.INFO, since="0.1")
def budget_adjustment_large(ctx: Context) -> Iterator[Issue]:
    """全年预算数较年初预算数变动过大（或年中新增），未说明调整原因。

    检查什么：
        |全年预算数 − 年初预算数| ÷ 年初预算数 是否超过评分规则的阈值（默认 20%，四川表任何调整都须
        说明）；年初预算为 0 而年中安排了资金也算。资金部分的“原因”栏写了原因时不报告；原因栏只有表格
        自带的填写说明时照常报告。预算大幅调减而执行率 100% 时，同时给出相对年初预算的执行比例。
    为什么重要：
        预算大幅调整说明年初预算编制不准或执行中有重大变化；四川等地要求对预算调整单独说明。调减后
        的预算执行 100%，并不说明年初安排的任务都完成了。（逐项列出的项目调整不在此列：报告列出它们，
        往往正是为了说明总额的调整。）
    示例：
        年初预算数 115.00、全年预算数 32.00（减少 72.17%），执行率 100%，仅为年初预算的 27.83%，
        未说明调整原因。
    如何修改：
        在资金部分的原因栏（或报告中）说明追加或调减的原因、金额和批准情况。
    """
    reason = ctx.fact("adjustment_reason")
    reason_text = str(reason.value).strip() if reason is not None else ""
    if reason_text and not is_instruction(reason_text):
        return
    tail = "（原因栏只有表格的填写说明）" if reason_text else ""
    initial, adjusted = ctx.num("budget_initial"), ctx.num("budget_adjusted")
    evidence = ctx.ev("budget_initial", "budget_adjusted", "adjustment_reason")
    if initial is not None and adjusted is not None:
        issue = _adjustment_issue(ctx, initial, adjusted, ctx.card.execution_rate, tail, evidence)
        if issue is not None:
            yield issue


def _adjustment_issue(  # noqa: PLR0917 — the adjustment and what explains or qualifies it
    ctx: Context,
    initial: Decimal,
    adjusted: Decimal,
    execution_rate: Decimal | None,
    tail: str,
    evidence: tuple[Provenance, ...],
) -> Issue | None:
    change = adjusted - initial
    if initial == 0:
        if adjusted <= 0:
            return None
        message = f"年初预算为 0，年中新增安排 {fmt(adjusted)}，未说明原因{tail}"
        return Issue(message, (initial, adjusted), evidence)
    rate = change / initial * HUNDRED
    threshold = ctx.profile.thresholds.budget_change_explain_above
    if abs(rate) <= threshold:
        return None
    word = "减少" if change < 0 else "增加"
    message = (
        f"全年预算数 {fmt(adjusted)} 较年初预算数 {fmt(initial)} {word} {fmt(abs(change))}"
        f"（{fmt(shown(abs(rate)))}%），超过 {fmt(threshold)}%，须说明调整原因{tail}"
    )
    numbers: tuple[Decimal, ...] = (initial, adjusted, change, shown(rate))
    if change < 0 and execution_rate is not None and execution_rate >= ctx.profile.thresholds.execution_explain_below:
        # Spending all of a budget cut by a quarter or more says little about the year's tasks.
        of_initial = adjusted * execution_rate / HUNDRED / initial * HUNDRED
        message += (
            f"；执行率 {fmt(shown(execution_rate))}% 只相对调减后的预算，相当于年初预算的 {fmt(shown(of_initial))}%"
        )
        numbers = (*numbers, shown(execution_rate), shown(of_initial))
    return Issue(message, numbers, evidence)


@rule(code="JX111", name="execution-score-over-weight", severity=Severity.ERROR, since="0.1")
def execution_score_over_weight(ctx: Context) -> Iterator[Issue]:
    """预算执行得分超过其分值。

    检查什么：
        资金部分（预算执行情况）的得分是否大于同一行的分值（权重）。
    为什么重要：
        执行率超过 100% 也不加分，得分最多等于分值；超过说明得分或分值填错，总分随之虚高。
    示例：
        年度资金总额行 分值 10、执行率 100%，得分写作 12。
    如何修改：
        得分改为 分值 × 执行率（不超过分值）。
    """
    weight, stated = ctx.num("execution_weight"), ctx.num("execution_score")
    if weight is None or stated is None or stated <= weight + ctx.profile.tolerances.score:
        return
    yield Issue(
        f"预算执行得分 {fmt(stated)} 分超过其分值 {fmt(weight)} 分",
        (stated, weight),
        ctx.ev("execution_score", "execution_weight"),
    )


@rule(code="JX112", name="funds-received-low", severity=Severity.INFO, since="0.1")
def funds_received_low(ctx: Context) -> Iterator[Issue]:
    """实际到位资金远少于全年预算数。

    检查什么：
        报告写明实际到位资金（资金到位）时，它占全年（调整后）预算数的比例是否低于评分规则的执行率
        说明阈值（默认 90%）。
    为什么重要：
        资金没有到位，执行率和产出都无从谈起；到位率低而报告不作说明，预算执行情况就看不清。
    示例：
        调整预算后项目预算 861.46 万元，实际到位资金 334.67 万元，到位率 38.85%，报告未作说明。
    如何修改：
        说明资金未到位的原因（下达时间、项目调整等）以及对项目实施的影响；到位数字有误的予以改正。
    """
    received, adjusted = ctx.num("funds_received"), ctx.num("budget_adjusted")
    if received is None or adjusted is None:
        return
    share = percent(received, adjusted)
    if share is None or share >= ctx.profile.thresholds.execution_explain_below:
        return
    rate = shown(share)
    yield Issue(
        f"实际到位资金 {fmt(received)} 万元，仅为全年预算数 {fmt(adjusted)} 万元的 {fmt(rate)}%",
        (received, adjusted, rate),
        ctx.ev("funds_received", "budget_adjusted"),
    )


@rule(code="JX104", name="budget-supplement-arithmetic", severity=Severity.WARNING, since="0.1")
def budget_supplement_arithmetic(ctx: Context) -> Iterator[Issue]:
    """年初预算数 + 追加预算 ≠ 全年预算数。

    检查什么：
        同时写明年初预算、追加预算和全年预算时，年初 + 追加 是否等于全年预算。
    为什么重要：
        三个数不能互相印证，说明其中之一抄错，或还有未说明的调减。
    示例：
        年初 73369.27 + 追加 2257.03 = 75626.30，与全年预算 75626.3 相符；若写 75262.3 则不符。
    如何修改：
        核对三个数；如另有调减，写明调减金额。
    """
    initial_f, supplement_f = ctx.figure("budget_initial"), ctx.figure("budget_supplement")
    adjusted_f = ctx.figure("budget_adjusted")
    if initial_f is None or supplement_f is None or adjusted_f is None:
        return
    if check_sum(adjusted_f, [initial_f, supplement_f], ctx.profile.tolerances.amount).ok:
        return
    initial, supplement, adjusted = initial_f.value, supplement_f.value, adjusted_f.value
    s = initial + supplement
    message = f"年初预算 {fmt(initial)} + 追加 {fmt(supplement)} = {fmt(s)}，与全年预算数 {fmt(adjusted)} 不符"
    yield Issue(
        message, (initial, supplement, adjusted, s), ctx.ev("budget_initial", "budget_supplement", "budget_adjusted")
    )


@rule(code="JX105", name="execution-below-threshold", severity=Severity.WARNING, since="0.1")
def execution_below_threshold(ctx: Context) -> Iterator[Issue]:
    """预算执行率低于阈值，须说明原因。

    检查什么：
        计算（或报告所述）的预算执行率是否低于评分规则的阈值（默认 90%），而资金部分的原因栏没有写明
        原因（只有表格自带的填写说明不算）。
    为什么重要：
        执行率偏低意味着资金闲置或项目未按计划实施；四川表要求执行率低于 90% 时说明原因。
    示例：
        全年预算 500、执行 400，执行率 80%。
    如何修改：
        说明未执行的原因和结转安排，并据实评价相关指标。
    """
    rate = ctx.card.execution_rate
    threshold = ctx.profile.thresholds.execution_explain_below
    if rate is None or rate >= threshold:
        return
    reason = ctx.fact("adjustment_reason")
    if reason is not None and str(reason.value).strip() and not is_instruction(str(reason.value)):
        return  # the 原因 cell explains it
    message = f"预算执行率 {fmt(shown(rate))}% 低于 {fmt(threshold)}%，须说明原因"
    yield Issue(message, (shown(rate), threshold), ctx.ev("execution_rate", "budget_executed", "budget_adjusted"))


@rule(code="JX106", name="executed-over-budget", severity=Severity.WARNING, since="0.1")
def executed_over_budget(ctx: Context) -> Iterator[Issue]:
    """全年执行数超过全年预算数。

    检查什么：
        全年执行数是否大于全年（调整后）预算数。
    为什么重要：
        超预算支出不合规，或说明预算数未按调整后的数字填写。
    示例：
        全年预算 100、执行 120，执行率 120%。
    如何修改：
        核对执行数与调整后预算数；如确有超支，说明资金来源和审批。
    """
    adjusted_figure, executed_figure = ctx.figure("budget_adjusted"), ctx.figure("budget_executed")
    if adjusted_figure is None or executed_figure is None:
        return
    if not exceeds(executed_figure, adjusted_figure, ctx.profile.tolerances.amount):
        return
    adjusted, executed = adjusted_figure.value, executed_figure.value
    rate = percent(executed, adjusted)
    rate_text = "" if rate is None else f"（{fmt(shown(rate))}%）"
    yield Issue(
        f"全年执行数 {fmt(executed)} 超过全年预算数 {fmt(adjusted)}{rate_text}",
        (executed, adjusted),
        ctx.ev("budget_executed", "budget_adjusted"),
    )


@rule(code="JX107", name="budget-zero", severity=Severity.WARNING, since="0.1")
def budget_zero(ctx: Context) -> Iterator[Issue]:
    """全年预算数为 0，无法计算执行率。

    检查什么：
        全年预算数写为 0（而执行数或年初预算不为 0）。
    为什么重要：
        预算数为 0 时执行率无从计算，通常是资金总额行漏填（如池州表“年度资金总额 0/0/0”）。
    示例：
        年度资金总额 0、0、0，而本年财政拨款 90、89.974、89.974。
    如何修改：
        填写年度资金总额行的全年预算数与执行数。
    """
    adjusted = ctx.num("budget_adjusted")
    if adjusted is None or adjusted != 0:
        return
    others = [v for v in (ctx.num("budget_executed"), ctx.num("budget_initial")) if v is not None and v != 0]
    if not others:
        return
    yield Issue(
        "全年预算数为 0，而执行数或年初预算数不为 0，无法计算执行率",
        (adjusted, *others),
        ctx.ev("budget_adjusted", "budget_executed", "budget_initial"),
    )


@rule(code="JX108", name="project-execution-rate-mismatch", severity=Severity.ERROR, since="0.1")
def project_execution_rate_mismatch(ctx: Context) -> Iterator[Issue]:
    """项目所述执行率与 执行数 ÷ 全年预算数 不符。

    检查什么：
        报告逐项列出的项目，其执行率是否等于 执行数 ÷ 全年预算数（允许四舍五入或截尾）。
    为什么重要：
        项目执行率是项目自评的第一项得分依据。
    示例：
        综治经费 全年预算 20、执行 19.8，执行率 99% 正确；写 98% 则错误。
    如何修改：
        按执行数 ÷ 调整后预算数重算。
    """
    for project in ctx.report.projects:
        stated, adjusted, executed = project.execution_rate, project.budget_adjusted, project.budget_executed
        if stated is None or adjusted is None or executed is None or adjusted == 0:
            continue
        text = project.provenance.text
        comparison = check_rate(
            Figure.printed(stated, text, rate=True), Figure.printed(executed, text), Figure.printed(adjusted, text)
        )
        if comparison is None or comparison.verdict is not Verdict.MISMATCH:
            continue
        c = shown(executed / adjusted * HUNDRED, stated)
        yield Issue(
            f"项目“{project.name}”执行率应为 {fmt(executed)} ÷ {fmt(adjusted)} = {fmt(c)}%，报告写作 {fmt(stated)}%",
            (executed, adjusted, stated, c),
            (project.provenance,),
        )


@rule(code="JX109", name="project-budget-arithmetic", severity=Severity.WARNING, since="0.1")
def project_budget_arithmetic(ctx: Context) -> Iterator[Issue]:
    """项目 年初预算 + 追加 ≠ 全年预算，或执行数超过全年预算。

    检查什么：
        逐项列出的项目：年初预算 + 追加 是否等于全年预算；执行数是否超过全年预算。
    为什么重要：
        项目资金数字相互矛盾时，项目执行率和得分都不可信。
    示例：
        年初 105 + 追加 74.8642 = 179.8642，而全年预算写作 197.8642（数字颠倒）。
    如何修改：
        核对项目的年初、追加、全年与执行数。
    """
    tol = ctx.profile.tolerances.amount
    for p in ctx.report.projects:
        text = p.provenance.text
        if p.budget_initial is not None and p.supplement is not None and p.budget_adjusted is not None:
            s = p.budget_initial + p.supplement
            parts = [Figure.printed(p.budget_initial, text), Figure.printed(p.supplement, text)]
            if not check_sum(Figure.printed(p.budget_adjusted, text), parts, tol).ok:
                yield Issue(
                    f"项目“{p.name}”年初 {fmt(p.budget_initial)} + 追加 {fmt(p.supplement)} = {fmt(s)}，"
                    f"与全年预算 {fmt(p.budget_adjusted)} 不符",
                    (p.budget_initial, p.supplement, p.budget_adjusted, s),
                    (p.provenance,),
                )
        if (
            p.budget_adjusted is not None
            and p.budget_executed is not None
            and exceeds(Figure.printed(p.budget_executed, text), Figure.printed(p.budget_adjusted, text), tol)
        ):
            yield Issue(
                f"项目“{p.name}”执行数 {fmt(p.budget_executed)} 超过全年预算 {fmt(p.budget_adjusted)}",
                (p.budget_executed, p.budget_adjusted),
                (p.provenance,),
            )


_FUNDS_COLUMNS = (
    ("budget_initial", "年初预算数"),
    ("budget_adjusted", "全年预算数"),
    ("budget_executed", "全年执行数"),
)


@rule(code="JX110", name="funds-sources-sum", severity=Severity.WARNING, since="0.1")
def funds_sources_sum(ctx: Context) -> Iterator[Issue]:
    """资金来源各行（财政拨款、上年结转、其他资金）之和与年度资金总额不符。

    检查什么：
        自评表资金部分，年初预算数、全年预算数、全年执行数各列：财政拨款 + 上年结转资金 + 其他资金
        （或表中列出的全部来源行）之和，是否等于年度资金总额（允许各数印刷精度内的舍入）。几列同时
        不符时合为一条，逐列列明。总额为 0 而来源行有数时为错误，并按来源行给出应有的执行率与执行得分。
    为什么重要：
        执行率和预算执行得分按年度资金总额计算；总额与来源对不上（例如总额行填 0 而财政拨款行
        填了 90 万元），执行得分就没有依据，审核时必被退回。
    示例：
        年度资金总额 0 / 0 / 0、执行得分 0，而其中财政拨款 90 / 89.974 / 89.974。
    如何修改：
        按来源行合计填写年度资金总额各列，再据此重算执行率与得分；若某来源另有说明，在表下注明。
    """
    sources = ctx.report.funds_sources
    if not sources:
        return
    columns: list[str] = []
    numbers: list[Decimal] = []
    evidence: list[Provenance] = []
    zero_total = False
    for key, label in _FUNDS_COLUMNS:
        total = ctx.figure(key)
        values = [getattr(source, key) for source in sources]
        if total is None or any(v is None for v in values):
            continue
        stated: list[Decimal] = [v for v in values if v is not None]
        figures = [_source_figure(source, key, v) for source, v in zip(sources, stated, strict=True)]
        if check_sum(total, figures, ctx.profile.tolerances.amount).ok:
            continue
        parts = sum(stated, Decimal(0))
        listing = " + ".join(f"{source.name} {fmt(v)}" for source, v in zip(sources, stated, strict=True))
        columns.append(f"{label}：{listing} = {fmt(parts)}，总额 {fmt(total.value)}")
        numbers += [*stated, total.value, parts]
        evidence += [*ctx.ev(key), *(source.cells[key] for source in sources if key in source.cells)]
        zero_total = zero_total or (total.value == 0 and parts > 0)
    if not columns:
        return
    message = f"年度资金总额与资金来源各行之和不符（{len(columns)} 列）：" + "；".join(columns)
    adjusted = [s.budget_adjusted for s in sources]
    executed = [s.budget_executed for s in sources]
    if zero_total and all(v is not None for v in (*adjusted, *executed)):
        # The 池州 case: a total row of zeros scores execution 0 although the sources were spent.
        budget = sum((v for v in adjusted if v is not None), Decimal(0))
        spent = sum((v for v in executed if v is not None), Decimal(0))
        weight = ctx.num("execution_weight") or ctx.profile.weights.execution
        if budget > 0:
            rate = spent / budget * HUNDRED
            points = quantize(weight * min(rate / HUNDRED, Decimal(1)), ctx.profile.scoring.decimals)
            message += f"；按来源行，执行率应为 {fmt(shown(rate))}%，预算执行得分应为 {fmt(points)} 分"
            numbers += [shown(rate), points]
    yield Issue(message, tuple(numbers), tuple(evidence), Severity.ERROR if zero_total else None)


def _source_figure(source: FundsSource, key: str, value: Decimal) -> Figure:
    cell = source.cells.get(key)
    return Figure.printed(value, cell.text if cell is not None else None)
