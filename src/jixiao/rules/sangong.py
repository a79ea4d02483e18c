"""JX3xx — 三公经费: spending against budgets, parts against totals, rates and savings."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from jixiao.model.findings import Issue, Severity
from jixiao.rules.common import fmt, parts_issue, prior_label, rate_issue, read_apart
from jixiao.rules.registry import Context, rule
from jixiao.scoring.arith import (
    HUNDRED,
    Figure,
    Verdict,
    check_rate,
    check_sum,
    exceeds,
    percent,
    plain,
    quantize,
    shown,
)

_ITEMS = (
    ("reception", "reception_budget", "公务接待费"),
    ("vehicle_total", "vehicle_budget", "公务用车费"),
    ("vehicle_operation", "vehicle_operation_budget", "公务用车运行维护费"),
    ("vehicle_purchase", "vehicle_purchase_budget", "公务用车购置费"),
    ("overseas_travel", "overseas_travel_budget", "因公出国（境）费"),
)


def _over(ctx: Context, key: str, budget_key: str, label: str) -> Iterator[Issue]:
    spent_figure, budget_figure = ctx.figure(key), ctx.figure(budget_key)
    if spent_figure is None or budget_figure is None or not exceeds(spent_figure, budget_figure):
        return
    if read_apart(ctx, key, budget_key):
        return  # a year's spending against another year's budget
    spent, budget = spent_figure.value, budget_figure.value
    over = spent - budget
    rate = percent(spent, budget)
    rate_text = "（预算为 0）" if rate is None else f"，控制率 {fmt(shown(rate))}%"
    over_text = "" if rate is None else f"（超出预算的 {fmt(shown(rate - HUNDRED))}%）"
    numbers: tuple[Decimal, ...] = (
        (spent, budget, over) if rate is None else (spent, budget, shown(rate), over, shown(rate - HUNDRED))
    )
    yield Issue(
        f"{label}支出 {fmt(spent)} 超过预算 {fmt(budget)}{rate_text}，超支 {fmt(over)}{over_text}",
        numbers,
        ctx.ev(key, budget_key),
    )


@rule(code="JX301", name="sangong-over-budget", severity=Severity.WARNING, since="0.1")
def sangong_over_budget(ctx: Context) -> Iterator[Issue]:
    """三公经费支出超过预算。

    检查什么：
        “三公”经费合计是否超过“三公”经费预算（控制率 > 100%）。
    为什么重要：
        三公经费须严控在预算以内，超支是审计和绩效评价的重点问题。
    示例：
        三公经费支出 161.58 万元，预算 160 万元，控制率 100.99%。
    如何修改：
        说明超支原因和审批依据；如数字有误，改正支出或预算数。
    """
    yield from _over(ctx, "three_public_total", "three_public_budget", "“三公”经费")


@rule(code="JX302", name="sangong-item-over-budget", severity=Severity.WARNING, since="0.1")
def sangong_item_over_budget(ctx: Context) -> Iterator[Issue]:
    """三公经费某一分项支出超过其预算。

    检查什么：
        公务接待费、公务用车费（运行维护、购置）、因公出国（境）费，各自是否超过其预算。
    为什么重要：
        即使合计未超，分项超支也违反分项控制要求。
    示例：
        公务用车费 157.24 万元，预算 130 万元，控制率 120.95%。
    如何修改：
        说明超支原因，或改正分项支出、预算数。
    """
    for key, budget_key, label in _ITEMS:
        yield from _over(ctx, key, budget_key, label)


@rule(code="JX303", name="sangong-parts-sum", severity=Severity.ERROR, since="0.1")
def sangong_parts_sum(ctx: Context) -> Iterator[Issue]:
    """三公经费分项之和与合计不符（支出或预算）。

    检查什么：
        公务接待费 + 公务用车费 + 因公出国（境）费 是否等于三公经费合计；运行维护费 + 购置费 是否
        等于公务用车费；各分项预算之和是否等于三公经费预算。分项未全部写明时，只在已列分项之和
        超过合计时报告。
    为什么重要：
        三公经费的合计与分项通常出现在不同段落或表格，对不上说明有一处抄错。
    示例：
        公务接待费 4.34 + 公务用车费 157.24 + 出国费 0 = 161.58，而三公经费合计写作 161.51。
    如何修改：
        核对三公经费表与文字说明。
    """
    vehicle = "vehicle_total" if ctx.fact("vehicle_total") is not None else None
    parts = [("reception", "公务接待费")]
    if vehicle:
        parts.append(("vehicle_total", "公务用车费"))
    else:
        parts += [("vehicle_operation", "公务用车运行维护费"), ("vehicle_purchase", "公务用车购置费")]
    parts.append(("overseas_travel", "因公出国（境）费"))
    yield from parts_issue(ctx, "three_public_total", "“三公”经费合计", parts, require_all=False)
    yield from parts_issue(
        ctx,
        "vehicle_total",
        "公务用车费",
        [("vehicle_operation", "运行维护费"), ("vehicle_purchase", "购置费")],
    )
    yield from parts_issue(
        ctx,
        "three_public_budget",
        "“三公”经费预算",
        [
            ("reception_budget", "公务接待费预算"),
            ("vehicle_budget", "公务用车费预算"),
            ("overseas_travel_budget", "因公出国（境）费预算"),
        ],
        require_all=False,
    )


def _sangong_budget(ctx: Context) -> tuple[Figure | None, str]:
    """The 三公 budget as stated, else spending + saving (节约额 is budget − spending)."""
    budget = ctx.figure("three_public_budget")
    if budget is not None:
        return budget, "预算"
    total, saving = ctx.figure("three_public_total"), ctx.figure("three_public_saving")
    if total is not None and saving is not None:
        return total.plus(saving), "预算（支出 + 节约额）"
    return None, "预算"


@rule(code="JX304", name="sangong-rate-mismatch", severity=Severity.ERROR, since="0.1")
def sangong_rate_mismatch(ctx: Context) -> Iterator[Issue]:
    """三公经费执行率（控制率）、节约率与金额不符。

    检查什么：
        三公经费、公务接待费、公务用车费的执行率（控制率）是否等于 支出 ÷ 预算；节约率是否等于
        节约额 ÷ 预算（允许按所述小数位四舍五入或截尾：161.58 ÷ 160 = 100.9875%，写 100.98% 或
        100.99% 都算对）。未写预算时以 支出 + 节约额 为预算，此时不符只报 warning（节约额也可能是与上年比）。
    为什么重要：
        百分比常是手算后写进文字的，与旁边的金额矛盾说明有一处写错。
    示例：
        公务接待费 4.34 万元、预算 30 万元，执行率应为 14.47%，报告写 14.57%。
    如何修改：
        用金额重新计算百分比，改正文字。
    """
    budget, budget_label = _sangong_budget(ctx)
    # A budget derived from 节约额 assumes the saving is against the budget, not the prior year:
    # a mismatch then is only likely, not certain.
    derived = Severity.WARNING if ctx.num("three_public_budget") is None else None
    yield from rate_issue(
        ctx,
        "three_public_execution_rate",
        "“三公”经费执行率",
        ctx.figure("three_public_total"),
        budget,
        "支出",
        budget_label,
        ctx.ev("three_public_total", "three_public_budget", "three_public_saving"),
        derived,
    )
    yield from rate_issue(
        ctx,
        "three_public_saving_rate",
        "“三公”经费节约率",
        ctx.figure("three_public_saving"),
        budget,
        "节约额",
        budget_label,
        ctx.ev("three_public_saving", "three_public_budget", "three_public_total"),
        derived,
    )
    for key, spent_key, budget_key, label in (
        ("reception_execution_rate", "reception", "reception_budget", "公务接待费执行率"),
        ("vehicle_execution_rate", "vehicle_total", "vehicle_budget", "公务用车费执行率"),
    ):
        yield from rate_issue(
            ctx,
            key,
            label,
            ctx.figure(spent_key),
            ctx.figure(budget_key),
            "支出",
            "预算",
            ctx.ev(spent_key, budget_key),
        )


@rule(code="JX305", name="sangong-saving-mismatch", severity=Severity.ERROR, since="0.1")
def sangong_saving_mismatch(ctx: Context) -> Iterator[Issue]:
    """三公经费节约额 ≠ 预算 − 支出。

    检查什么：
        同时写明三公经费预算、支出和节约额时，节约额是否等于 预算 − 支出。
    为什么重要：
        节约额是预算与支出之差，对不上说明其中一个数字写错。
    示例：
        预算 691.60、支出 327.74，节约额应为 363.86。
    如何修改：
        核对预算、支出与节约额。
    """
    budget_figure, total_figure = ctx.figure("three_public_budget"), ctx.figure("three_public_total")
    saving_figure = ctx.figure("three_public_saving")
    if budget_figure is None or total_figure is None or saving_figure is None:
        return
    if check_sum(saving_figure, [budget_figure, total_figure.negated()], ctx.profile.tolerances.amount).ok:
        return
    budget, total, saving = budget_figure.value, total_figure.value, saving_figure.value
    expected = budget - total
    yield Issue(
        f"“三公”经费节约额应为 预算 {fmt(budget)} − 支出 {fmt(total)} = {fmt(expected)}，报告写作 {fmt(saving)}",
        (budget, total, saving, expected),
        ctx.ev("three_public_saving", "three_public_budget", "three_public_total"),
    )


@rule(code="JX306", name="sangong-change-rate-mismatch", severity=Severity.ERROR, since="0.1")
def sangong_change_rate_mismatch(ctx: Context) -> Iterator[Issue]:
    """三公经费（公务接待费）增减率与增减额不符。

    检查什么：
        增减率是否等于 增减额 ÷ 上年数，上年数 = 本年数 − 增减额（允许四舍五入；截尾为 info）。预算较上年
        预算的增减率（“三公”经费、公务接待费、公务用车费预算）同样检查，上年预算 = 本年预算 − 增减额。
        本年数按其末位四舍五入（3923 万元 ±0.5）时，同样位数的增减额（332）也是两个取整数之差，按同样的
        末位计入容差。
    为什么重要：
        三公经费的同比变化是整体支出评价的共性指标（“三公经费变动率”）。
    示例：
        公务接待费 4.34，较上年减少 7.44：应为 7.44 ÷ (4.34 + 7.44) = 63.16%，报告写“下降 171.43%”
        （误以本年数为分母）。
    如何修改：
        以上年数为分母重新计算。
    """
    for subject, current_key, label in (
        ("three_public", "three_public_total", "“三公”经费"),
        ("reception", "reception", "公务接待费"),
        ("three_public_budget", "three_public_budget", "“三公”经费预算"),
        ("reception_budget", "reception_budget", "公务接待费预算"),
        ("vehicle_budget", "vehicle_budget", "公务用车费预算"),
    ):
        change, current = ctx.figure(f"{subject}_change"), ctx.figure(current_key)
        if change is None or current is None or _apart(ctx, subject, current_key):
            continue
        change = change.rounded_like(current)
        yield from rate_issue(
            ctx,
            f"{subject}_change_rate",
            f"{label}增减率",
            change,
            current.minus(change),
            "增减额",
            prior_label(current, change),
            ctx.ev(f"{subject}_change", current_key),
            also=(current.value,),
        )


def _apart(ctx: Context, subject: str, current_key: str) -> bool:
    """A change, or its rate, read beside another item's amount or in another year's sentence."""
    return any(read_apart(ctx, current_key, f"{subject}{suffix}") for suffix in ("_change", "_change_rate"))


@rule(code="JX309", name="sangong-share-mismatch", severity=Severity.ERROR, since="0.1")
def sangong_share_mismatch(ctx: Context) -> Iterator[Issue]:
    """三公经费分项所占比重与金额不符。

    检查什么：
        “公务接待费××万元，占××%”一类的比重，是否等于 分项 ÷ “三公”经费合计（按所列数字的印刷精度；
        截尾而非四舍五入的只作提示）。三项比重都写明而合计不是 100% 时，一并列出各项比重及其合计。
    为什么重要：
        比重是读者比较各项开支的依据，与金额对不上说明有一处写错。
    示例：
        公务接待费 5.21、公务用车费 2.48，合计 7.69；公务用车费占 2.48 ÷ 7.69 = 32.2497%，四舍五入应为
        32.25%，报告写 32.24%（截尾，提示）。
    如何修改：
        按 分项 ÷ 合计 重新计算比重，四舍五入到所写的小数位。
    """
    total = ctx.figure("three_public_total")
    items = (
        ("reception_share", "reception", "公务接待费"),
        ("vehicle_share", "vehicle_total", "公务用车费"),
        ("overseas_travel_share", "overseas_travel", "因公出国（境）费"),
    )
    shares = [ctx.num(key) for key, _, _ in items]
    stated = [v for v in shares if v is not None]
    # every share stated and not adding up to 100: each finding names them all (67.75 + 32.24 = 99.99)
    shares_sum = sum(stated, Decimal(0)) if len(stated) == len(items) and sum(stated) != 100 else None
    also = (*stated, shares_sum) if shares_sum is not None else ()
    for share_key, item_key, label in items:
        yield from rate_issue(
            ctx,
            share_key,
            f"{label}占比",
            ctx.figure(item_key),
            total,
            label,
            "“三公”经费合计",
            ctx.ev(item_key, "three_public_total"),
            also=also,
        )


_AGAINST_BUDGET = (
    ("three_public", "three_public_total", "three_public_budget", "“三公”经费"),
    ("reception", "reception", "reception_budget", "公务接待费"),
    ("vehicle", "vehicle_total", "vehicle_budget", "公务用车费"),
    ("overseas_travel", "overseas_travel", "overseas_travel_budget", "因公出国（境）费"),
)


def _said(change: Decimal | None, rate: Decimal | None) -> str:
    """A change against the budget in the report's words: 减少 9.69，下降 65.03% / 无变化."""
    if not change and not rate:
        return "无变化"
    down = (change or rate or Decimal(0)) < 0
    parts = []
    if change is not None:
        parts.append(f"{'减少' if down else '增加'} {fmt(abs(change))}")
    if rate is not None:
        parts.append(f"{'下降' if down else '增长'} {fmt(abs(rate))}%")
    return "，".join(parts)


@rule(code="JX307", name="sangong-budget-change-mismatch", severity=Severity.ERROR, since="0.1")
def sangong_budget_change_mismatch(ctx: Context) -> Iterator[Issue]:
    """三公经费（分项）“与预算相比”的增减额、增减率与预算数、支出数不符。

    检查什么：
        报告写“与××年度预算相比，减少××万元，下降××%”或“与预算相比无变化（无增减）”时：增减额是否等于
        支出 − 预算，增减率是否等于 (支出 − 预算) ÷ 预算（按各数的印刷精度）。增减额与增减率有一处不符即
        报告一条，写明应有的两个数；增减率只是截尾而非四舍五入（0.28 ÷ 1.8 = 15.56% 写作 15%）为 info。
    为什么重要：
        同一句话里的预算数、支出数和“与预算相比”的说法互相矛盾，读者无法判断哪一个是真的；“无变化”
        而实际少花了八成，是照抄上年文字的典型痕迹。
    示例：
        公务接待费预算 14.9 万元、支出 5.21 万元，报告写“与预算相比，减少 0.1 万元，下降 0.006%”，应为
        减少 9.69 万元、下降 65.03%；公务用车费预算 15、支出 2.48，报告写“与预算相比无变化”。
    如何修改：
        按 支出 − 预算 重写增减额，按其 ÷ 预算 重写增减率；确无变化的才写“无变化”。
    """
    for prefix, spent_key, budget_key, label in _AGAINST_BUDGET:
        keys = (f"{prefix}_budget_variance", f"{prefix}_budget_variance_rate", spent_key, budget_key)
        change, rate = ctx.figure(f"{prefix}_budget_variance"), ctx.figure(f"{prefix}_budget_variance_rate")
        spent, budget = ctx.figure(spent_key), ctx.figure(budget_key)
        if spent is None or budget is None or (change is None and rate is None):
            continue
        difference = spent.minus(budget)
        change_ok = change is None or check_sum(change, [difference], ctx.profile.tolerances.amount).ok
        rate_check = None if rate is None or budget.value == 0 else check_rate(rate, difference, budget)
        rate_ok = rate_check is None or rate_check.ok
        if change_ok and rate_ok:
            if rate is not None and rate_check is not None and rate_check.verdict is Verdict.TRUNCATED:
                yield _truncated_variance(ctx, label, spent, budget, difference, rate, keys)
            continue
        computed_rate = percent(difference.value, budget.value)
        should = _said(difference.value, None if computed_rate is None else shown(computed_rate))
        stated = _said(None if change is None else change.value, None if rate is None else rate.value)
        stated_numbers = tuple(f.value for f in (change, rate) if f is not None)
        computed = (difference.value,) if computed_rate is None else (difference.value, shown(computed_rate))
        yield Issue(
            f"{label}预算 {fmt(budget.value)}、支出 {fmt(spent.value)}，与预算相比应为{should}，报告写作{stated}",
            (budget.value, spent.value, *stated_numbers, *computed),
            ctx.ev(*keys),
        )


def _truncated_variance(  # noqa: PLR0917 — the sentence's figures, in its order
    ctx: Context, label: str, spent: Figure, budget: Figure, difference: Figure, rate: Figure, keys: tuple[str, ...]
) -> Issue:
    """A rate against the budget that truncates the quotient instead of rounding it: a note."""
    computed = difference.value / budget.value * HUNDRED
    d = rate.decimals
    longer = plain(quantize(computed, d + 2))
    rounded = plain(quantize(computed, d))
    message = (
        f"{label}较预算增减率写作 {fmt(rate.value)}%，是（支出 {fmt(spent.value)} − 预算 {fmt(budget.value)}）÷ 预算 = "
        f"{fmt(longer)}% 截尾所得，四舍五入应为 {fmt(rounded)}%"
    )
    numbers = (budget.value, spent.value, difference.value, rate.value, longer, rounded)
    return Issue(message, numbers, ctx.ev(*keys), Severity.INFO)


_CHANGE_PARTS = (
    ("reception", "公务接待费"),
    ("vehicle", "公务用车费"),
    ("overseas_travel", "因公出国（境）费"),
)
_VEHICLE_PARTS = (("vehicle_operation", "公务用车运行维护费"), ("vehicle_purchase", "公务用车购置费"))


def _change_parts(ctx: Context, suffix: str) -> tuple[list[tuple[str, Figure]], list[str]]:
    """The items' stated changes (公务用车 as one, else its two parts) and the items whose change is not stated."""
    stated: list[tuple[str, Figure]] = []
    missing: list[str] = []
    for prefix, label in _CHANGE_PARTS:
        figure = ctx.figure(f"{prefix}{suffix}")
        if figure is None and prefix == "vehicle":
            halves = [(lab, ctx.figure(f"{p}{suffix}")) for p, lab in _VEHICLE_PARTS]
            if any(f is not None for _, f in halves):
                stated += [(lab, f) for lab, f in halves if f is not None]
                missing += [lab for lab, f in halves if f is None]
                continue
        if figure is None:
            missing.append(label)
        else:
            stated.append((label, figure))
    return stated, missing


@rule(code="JX308", name="sangong-change-parts-sum", severity=Severity.WARNING, since="0.1")
def sangong_change_parts_sum(ctx: Context) -> Iterator[Issue]:
    """三公经费分项的增减额之和与“三公”经费合计的增减额不符。

    检查什么：
        报告写明“三公”经费合计较上年（或预算较上年预算）的增减额，又写明各分项的增减额时：公务接待费、
        公务用车费（或其运行维护费与购置费）、因公出国（境）费的增减额之和，是否等于合计的增减额（按各数的
        印刷精度）。分项都写明而不符为 warning；有分项未写明增减额时，差额只能是未写明的分项，报告为
        info，写明差额。
    为什么重要：
        合计等于分项之和，合计的增减也就等于分项增减之和；对不上说明有一处增减额写错，或有一项的变化
        没有交代。
    示例：
        “三公”经费同比减少 63.96 万元，其中公务用车购置费减少 54.2 万元、运行维护费增加 53.81 万元、公务
        接待费减少 60.14 万元：−54.2 + 53.81 − 60.14 = −60.53，差 3.43 万元，因公出国（境）费的增减未写明。
    如何修改：
        核对各分项的增减额与合计的增减额，并写明每一分项的变化。
    """
    for suffix, what in (("_change", "较上年增减额"), ("_budget_change", "预算较上年预算增减额")):
        if ctx.num(f"three_public{suffix}") is None:
            continue
        total = ctx.figure(f"three_public{suffix}")
        stated, missing = _change_parts(ctx, suffix)
        if total is None or len(stated) < 2:
            continue
        comparison = check_sum(total, (f for _, f in stated), ctx.profile.tolerances.amount)
        if comparison.ok:
            continue
        summed = sum((f.value for _, f in stated), Decimal(0))
        gap = total.value - summed
        listing = " + ".join(f"{label} {fmt(f.value)}" for label, f in stated)
        message = f"分项{what} {listing} = {fmt(summed)}，与“三公”经费{what} {fmt(total.value)} 不符（差 {fmt(gap)}）"
        numbers = (total.value, *(f.value for _, f in stated), summed, gap)
        keys = [f"three_public{suffix}", *(f"{p}{suffix}" for p, _ in (*_CHANGE_PARTS, *_VEHICLE_PARTS))]
        if missing:
            message += f"；{'、'.join(missing)}的增减额未写明，差额 {fmt(gap)} 只能是未写明的分项"
            yield Issue(message, numbers, ctx.ev(*keys), Severity.INFO)
        else:
            yield Issue(message, numbers, ctx.ev(*keys))
