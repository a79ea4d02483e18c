"""JX2xx — income and expenditure: parts against totals, shares, balances, year-over-year rates,
fixed assets."""

from __future__ import annotations

from collections.abc import Iterator

from jixiao.model.findings import Issue, Severity
from jixiao.rules.common import fmt, parts_issue, prior_label, rate_issue, read_apart
from jixiao.rules.registry import Context, rule
from jixiao.scoring.arith import check_sum


@rule(code="JX201", name="income-parts-sum", severity=Severity.ERROR, since="0.1")
def income_parts_sum(ctx: Context) -> Iterator[Issue]:
    """各项收入之和与收入合计不符。

    检查什么：
        上年结转 + 一般公共预算拨款 + 政府性基金拨款 + 专户管理非税收入 + 其他收入 是否等于收入合计
        （允许各数自身的舍入误差）。分项未全部写明时，只在已列分项之和已超过合计时报告。
    为什么重要：
        收入表是整体支出评价的基础，合计与分项不符说明表格有漏项或抄错。
    示例：
        上年结转 697.37 + 公共财政拨款 11736.32 + 政府基金拨款 632.9 = 13066.59，而收入合计写作 13166.59。
    如何修改：
        逐项核对收入表，补齐漏填的分项或改正合计。
    """
    yield from parts_issue(
        ctx,
        "income_total",
        "收入合计",
        [
            ("carryover", "上年结转"),
            ("income_general_budget", "一般公共预算拨款"),
            ("income_fund_budget", "政府性基金拨款"),
            ("income_special_account", "专户管理非税收入"),
            ("income_other", "其他收入"),
        ],
        require_all=False,
    )


@rule(code="JX202", name="expenditure-parts-sum", severity=Severity.ERROR, since="0.1")
def expenditure_parts_sum(ctx: Context) -> Iterator[Issue]:
    """基本支出 + 项目支出 ≠ 支出合计。

    检查什么：
        基本支出与项目支出之和是否等于支出合计。
    为什么重要：
        支出按性质只分基本与项目两类，两者之和必须等于合计。
    示例：
        基本支出 4696.24 + 项目支出 42 = 4738.24，而支出合计写作 4783.24。
    如何修改：
        核对支出表或决算数，改正分项或合计。
    """
    yield from parts_issue(
        ctx,
        "expenditure_total",
        "支出合计",
        [("basic_expenditure", "基本支出"), ("project_expenditure", "项目支出")],
    )


@rule(code="JX203", name="basic-expenditure-parts-sum", severity=Severity.ERROR, since="0.1")
def basic_expenditure_parts_sum(ctx: Context) -> Iterator[Issue]:
    """人员支出 + 公用支出（或按经济分类的三项）≠ 基本支出。

    检查什么：
        人员支出 + 公用支出 是否等于基本支出；工资福利支出 + 商品和服务支出 + 对个人和家庭的补助
        是否等于基本支出（均写明时）。
    为什么重要：
        基本支出的分项之和必须等于基本支出，否则人员、公用经费的控制情况无法评价。
    示例：
        人员支出 4839.5 + 公用支出 2070.76 = 6910.26，而基本支出写作 6901.26。
    如何修改：
        核对基本支出的分项。
    """
    yield from parts_issue(
        ctx,
        "basic_expenditure",
        "基本支出",
        [("personnel_expenditure", "人员支出"), ("public_expenditure", "公用支出")],
    )
    yield from parts_issue(
        ctx,
        "basic_expenditure",
        "基本支出",
        [
            ("basic_wages_welfare", "工资福利支出"),
            ("basic_goods_services", "商品和服务支出"),
            ("basic_household_subsidies", "对个人和家庭的补助"),
        ],
    )


@rule(code="JX204", name="balance-arithmetic", severity=Severity.WARNING, since="0.1")
def balance_arithmetic(ctx: Context) -> Iterator[Issue]:
    """收入合计 − 支出合计 ≠ 当年结余。

    检查什么：
        同时写明收入合计、支出合计和当年结余时，收入 − 支出 是否等于当年结余。
    为什么重要：
        结余是收支之差，对不上说明收入、支出或结余有一项填错。
    示例：
        收入 5028.61 − 支出 4738.24 = 290.37，而当年结余写作 0。
    如何修改：
        核对收支表和结余数。
    """
    income, spending = ctx.figure("income_total"), ctx.figure("expenditure_total")
    balance = ctx.figure("balance_current_year")
    if income is None or spending is None or balance is None:
        return
    if check_sum(balance, [income, spending.negated()], ctx.profile.tolerances.amount).ok:
        return
    diff = income.value - spending.value
    yield Issue(
        f"收入合计 {fmt(income.value)} − 支出合计 {fmt(spending.value)} = {fmt(diff)}，"
        f"与当年结余 {fmt(balance.value)} 不符",
        (income.value, spending.value, balance.value, diff),
        ctx.ev("income_total", "expenditure_total", "balance_current_year"),
    )


@rule(code="JX205", name="expenditure-share-mismatch", severity=Severity.ERROR, since="0.1")
def expenditure_share_mismatch(ctx: Context) -> Iterator[Issue]:
    """基本（项目）支出占比与金额不符。

    检查什么：
        报告所述基本支出占比、项目支出占比，是否等于 分项 ÷ 支出合计（允许四舍五入或截尾）。
    为什么重要：
        文字中的百分比常由手工计算，与旁边的金额矛盾会让读者不知以哪个为准。
    示例：
        基本支出 4696.24 ÷ 支出合计 4738.24 = 99.11%，报告写“基本支出占 91.11%”。
    如何修改：
        按金额重新计算占比。
    """
    total = ctx.figure("expenditure_total")
    for key, part_key, label in (
        ("basic_expenditure_share", "basic_expenditure", "基本支出"),
        ("project_expenditure_share", "project_expenditure", "项目支出"),
    ):
        yield from rate_issue(
            ctx,
            key,
            f"{label}占比",
            ctx.figure(part_key),
            total,
            label,
            "支出合计",
            ctx.ev(part_key, "expenditure_total"),
        )


def _change_rate(ctx: Context, subject: str, label: str, current_key: str) -> Iterator[Issue]:
    change, current = ctx.figure(f"{subject}_change"), ctx.figure(current_key)
    if change is None or current is None:
        return
    if any(read_apart(ctx, current_key, f"{subject}{suffix}") for suffix in ("_change", "_change_rate")):
        return  # the change is another item's, or another year's
    prior = current.minus(change)
    yield from rate_issue(
        ctx,
        f"{subject}_change_rate",
        f"{label}增减率",
        change,
        prior,
        "增减额",
        prior_label(current, change),
        ctx.ev(f"{subject}_change", current_key),
        also=(current.value,),
    )


@rule(code="JX206", name="change-rate-mismatch", severity=Severity.ERROR, since="0.1")
def change_rate_mismatch(ctx: Context) -> Iterator[Issue]:
    """收入（支出）增减率与增减额不符。

    检查什么：
        增减率是否等于 增减额 ÷ 上年数，上年数 = 本年数 − 增减额（允许四舍五入或截尾；符号按
        增加/减少）。
    为什么重要：
        同比数字是评价资金变化的依据，算错会误导对预算安排的判断。
    示例：
        收入 5028.61，减少 761.39：应为 761.39 ÷ (5028.61 + 761.39) = 13.15%，报告写“减少 15.14%”
        （误以本年数 5028.61 为分母）。
    如何修改：
        用上年数作分母重新计算增减率。
    """
    yield from _change_rate(ctx, "income", "收入", "income_total")
    yield from _change_rate(ctx, "expenditure", "支出", "expenditure_total")


@rule(code="JX207", name="fixed-assets-parts-sum", severity=Severity.ERROR, since="0.1")
def fixed_assets_parts_sum(ctx: Context) -> Iterator[Issue]:
    """在用 + 出租 + 其他固定资产 ≠ 固定资产合计。

    检查什么：
        固定资产分项之和是否等于合计；分项未全部写明时，只在已列分项之和超过合计时报告。
    为什么重要：
        固定资产利用率（在用 ÷ 合计）以此为分母。
    示例：
        在用 8137.2 + 出租 100 = 8237.2，而固定资产合计写作 8137.2。
    如何修改：
        核对资产表。
    """
    yield from parts_issue(
        ctx,
        "fixed_assets_total",
        "固定资产合计",
        [
            ("fixed_assets_in_use", "在用固定资产"),
            ("fixed_assets_leased", "出租固定资产"),
            ("fixed_assets_other", "其他固定资产"),
        ],
        require_all=False,
    )
