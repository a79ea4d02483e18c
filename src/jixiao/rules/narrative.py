"""JX6xx — targets and narrative: unquantified or missing targets, unit mismatches, actuals copied from
targets, missing indicator tables, missing deviation explanations, facts stated twice differently."""

from __future__ import annotations

from collections.abc import Iterator

from jixiao.model.findings import Issue, Severity
from jixiao.model.report import json_number
from jixiao.rules.common import fmt
from jixiao.rules.registry import Context, rule
from jixiao.scoring.arith import dec, number_in_unit, shown, stem
from jixiao.scoring.engine import qualitative_tier

_MONEY = {"元", "万元", "亿元"}


@rule(code="JX601", name="target-not-quantified", severity=Severity.WARNING, since="0.1")
def target_not_quantified(ctx: Context) -> Iterator[Issue]:
    """产出指标的指标值没有量化（无数字、无单位，或用语含糊）。

    检查什么：
        产出指标（数量、质量、时效、成本）各行的年度指标值是否含有数字和计量单位；“控制在预算内”
        “基本完成”“社会治安秩序稳定”之类没有可衡量数值的写法，或只有数字没有单位，视为未量化。
    为什么重要：
        10号要求绩效指标可衡量；没有数值的指标无法判断是否完成，得分也就无法复核。
    示例：
        数量指标“扫黑除恶推进有力”，没有任何数量。
    如何修改：
        为每项产出指标写明指标值和计量单位，如“破获案件 ≥1200 起”“完成时间 ≤12 月 31 日”。
    """
    rows = []
    for i, row in enumerate(ctx.report.indicators):
        if "产出" not in stem(row.level1):
            continue
        target = row.target
        # A number without a unit measures nothing either (checklist 21: target or unit missing).
        if target is None or target.number is None or target.vague or not target.unit:
            rows.append(i)
    if not rows:
        return
    by_level2: dict[str, int] = {}
    for i in rows:
        name = ctx.report.indicators[i].level2 or ctx.report.indicators[i].level1
        by_level2[name] = by_level2.get(name, 0) + 1
    groups = "、".join(f"{k} {v} 项" for k, v in by_level2.items())
    examples = "；".join(
        f"“{(r.target.text if r.target else '') or r.level3}”" for r in (ctx.report.indicators[i] for i in rows[:3])
    )
    total = sum(1 for r in ctx.report.indicators if "产出" in stem(r.level1))
    evidence = tuple(ctx.report.indicators[i].cells.get("target", ctx.report.indicators[i].provenance) for i in rows)
    yield Issue(
        f"产出指标中有 {len(rows)} 项（共 {total} 项）指标值未量化：{groups}，如 {examples}",
        (len(rows), total),
        evidence,
    )


@rule(code="JX602", name="actual-missing", severity=Severity.WARNING, since="0.1")
def actual_missing(ctx: Context) -> Iterator[Issue]:
    """指标有指标值却没有填写实际完成值。

    检查什么：
        指标表中写了年度指标值、但实际完成值为空的行。
    为什么重要：
        没有完成值就无法判断指标是否完成，得分没有依据。
    示例：
        “破获案件 1200 起”，完成值空白，得分 4 分。
    如何修改：
        填写实际完成值（数字和单位，或完成情况描述）。
    """
    if not ctx.report.is_self_evaluation():
        return  # a 绩效目标表 sets targets; nothing is completed yet
    for i, row in enumerate(ctx.report.indicators):
        has_target = row.target is not None and row.target.text.strip()
        has_actual = row.actual is not None and row.actual.text.strip()
        if has_target and not has_actual:
            yield Issue(
                f"指标“{row.level3 or row.level2}”有指标值“{row.target.text if row.target else ''}”但没有完成值",
                (),
                (row.cells.get("actual", row.provenance),),
            )
            del i


@rule(code="JX603", name="unit-mismatch", severity=Severity.WARNING, since="0.1")
def unit_mismatch(ctx: Context) -> Iterator[Issue]:
    """指标值与完成值的计量单位不一致。

    检查什么：
        同一指标的指标值和完成值都带单位、且单位不同又不能换算（元与万元可换算）。
    为什么重要：
        单位不同的两个数无法比较，得分无法计算；也常是把金额写成百分比一类的笔误（如“28.8万元”配“%”）。
    示例：
        指标值“≥95%”，完成值“1005 起”。
    如何修改：
        统一计量单位，或改正写错的单位。
    """
    for row in ctx.report.indicators:
        t, a = row.target, row.actual
        if t is None or a is None or not t.unit or not a.unit or t.unit == a.unit:
            continue
        if t.unit in _MONEY and a.unit in _MONEY:
            continue
        if t.number is None or a.number is None or number_in_unit(a.text, t.unit) is not None:
            continue
        yield Issue(
            f"指标“{row.level3 or row.level2}”指标值单位“{t.unit}”（{t.text}）与完成值单位“{a.unit}”（{a.text}）不一致",
            (t.number, a.number),
            (row.cells.get("target", row.provenance), row.cells.get("actual", row.provenance)),
        )


@rule(code="JX604", name="actual-copies-target", severity=Severity.WARNING, since="0.1")
def actual_copies_target(ctx: Context) -> Iterator[Issue]:
    """完成值照抄指标值。

    检查什么：
        实际完成值与年度指标值的文字完全相同，且既不是数字（恰好达到数值目标不算），也不是定性档次的
        规范写法（如“达成预期指标”）。
    为什么重要：
        照抄指标值不是完成情况，说明没有据实统计完成结果。
    示例：
        指标值“达到全市平均值”，完成值“达到全市平均值”。
    如何修改：
        写明实际达到的数值或事实（如“破案率 85.3%，全市平均 82.1%”）。
    """
    for row in ctx.report.indicators:
        t, a = row.target, row.actual
        if t is None or a is None or not t.text.strip() or t.text.strip() != a.text.strip():
            continue
        # Reaching a numeric target exactly ("100%" → "100%") is a result; so is the official
        # qualitative wording of a tier (达成预期指标).
        if t.number is not None or qualitative_tier(a, ctx.profile) is not None:
            continue
        yield Issue(
            f"指标“{row.level3 or row.level2}”的完成值照抄指标值“{t.text.strip()}”",
            (),
            (row.cells.get("actual", row.provenance),),
        )


@rule(code="JX605", name="no-indicator-table", severity=Severity.WARNING, since="0.1")
def no_indicator_table(ctx: Context) -> Iterator[Issue]:
    """报告没有绩效指标表，绩效目标未量化。

    检查什么：
        报告中没有可识别的绩效指标（一级/二级/三级指标、指标值、完成值）。
    为什么重要：
        自评要对照年初批复的绩效目标逐项评价；只有文字叙述时，完成情况和得分都无法核对。
    示例：
        叙述式报告只列举工作成绩，未列绩效指标及其完成值。
    如何修改：
        附上绩效自评表，逐项写明指标值、完成值、分值和得分。
    """
    if ctx.report.indicators or not ctx.report.is_self_evaluation():
        return  # a 三公 disclosure or a 决算 explanation has no indicator table
    yield Issue("报告未附绩效指标表，绩效目标没有量化的指标值，完成情况无法逐项核对", (), ())


@rule(code="JX606", name="deviation-unexplained", severity=Severity.WARNING, since="0.1")
def deviation_unexplained(ctx: Context) -> Iterator[Issue]:
    """指标未完成（或完成值远超指标值）却没有偏差原因分析。

    检查什么：
        得分低于分值（未完成）的行，“偏差原因分析及改进措施”是否为空（warning）；完成值达到指标值
        的 130% 以上（阈值由评分规则给出）时是否说明原因（info：指标可能定得过低）。
    为什么重要：
        10号要求对未完成或偏离较大的指标分析原因、提出改进措施。
    示例：
        分值 4、得分 3，偏差原因空白；指标值 5 起，完成 11 起（220%），未作说明。
    如何修改：
        在偏差原因栏写明原因和改进措施；指标值明显偏低的，下年度调高。
    """
    at = ctx.profile.thresholds.completion_explain_at
    for item in ctx.card.indicator_items:
        row = ctx.report.indicators[item.index or 0]
        if row.deviation_reason.strip():
            continue
        evidence = (row.cells.get("deviation_reason", row.provenance),)
        if item.weight is not None and item.stated is not None and item.stated < item.weight:
            yield Issue(
                f"指标“{item.name}”得分 {fmt(item.stated)} 分低于分值 {fmt(item.weight)} 分，未写偏差原因",
                (item.stated, item.weight),
                evidence,
            )
        elif item.completion is not None and item.completion >= at:
            yield Issue(
                f"指标“{item.name}”完成值达指标值的 {fmt(shown(item.completion))}%（≥{fmt(at)}%），未说明偏差原因",
                (shown(item.completion), at),
                evidence,
                Severity.INFO,
            )


@rule(code="JX607", name="fact-stated-twice", severity=Severity.WARNING, since="0.1")
def fact_stated_twice(ctx: Context) -> Iterator[Issue]:
    """同一数字在报告中两处写法不同。

    检查什么：
        同一项数据（如三公经费合计、收入合计）在报告的两处出现且数值不同。
    为什么重要：
        读者无法判断哪一个是对的；通常一处是旧稿未更新。
    示例：
        表格中三公经费 161.51，正文写 161.58。
    如何修改：
        核对后统一为正确的数字。
    """
    for conflict in ctx.report.conflicts:
        a, b = conflict.kept, conflict.other
        numbers = tuple(n for n in (dec(a.value), dec(b.value)) if n is not None)
        yield Issue(
            f"“{conflict.key}”在报告中两处数值不同：{json_number(a.value)} 与 {json_number(b.value)}",
            numbers,
            (a.provenance, b.provenance),
        )


@rule(code="JX608", name="value-unreadable", severity=Severity.INFO, since="0.1")
def value_unreadable(ctx: Context) -> Iterator[Issue]:
    """指标值或完成值无法读取（已标记，未作猜测）。

    检查什么：
        指标表中被标记为“无法解析”的指标值或完成值（如“见附件”“详见说明”、乱码或无法识别的数字写法）。
    为什么重要：
        读不出的数字不能参与计分和勾稽，这些行的得分只能沿用自评得分，需要人工核对。
    示例：
        完成值写作“详见附件3”。
    如何修改：
        在表中直接写明数值和计量单位。
    """
    for row in ctx.report.indicators:
        for column, value in (("target", row.target), ("actual", row.actual)):
            if value is not None and value.flagged:
                label = "指标值" if column == "target" else "完成值"
                yield Issue(
                    f"指标“{row.level3 or row.level2}”的{label}“{value.text}”无法读取，需人工核对",
                    (),
                    (row.cells.get(column, row.provenance),),
                )


@rule(code="JX609", name="unit-column-mismatch", severity=Severity.WARNING, since="0.1")
def unit_column_mismatch(ctx: Context) -> Iterator[Issue]:
    """指标值自带的单位与“计量单位（度量单位）”栏不一致。

    检查什么：
        有计量单位栏的表（四川表、绩效目标表）：指标值本身写了单位，而与计量单位栏不同、又不能换算
        （元与万元可换算）。
    为什么重要：
        数值与单位互相矛盾时，指标值的含义不明，完成情况无法比较；常见笔误如指标值“28.8万元”、
        计量单位却填“%”。
    示例：
        指标值“28.8万元”，计量单位“%”。
    如何修改：
        指标值只写数字，单位统一填在计量单位栏，并改正填错的一方。
    """
    for row in ctx.report.indicators:
        t = row.target
        column = row.unit_stated.replace("％", "%")
        if t is None or not column or not t.unit or t.unit == column:
            continue
        if t.unit in _MONEY and column in _MONEY:
            continue
        yield Issue(
            f"指标“{row.level3 or row.level2}”的指标值“{t.text}”带单位“{t.unit}”，"
            f"与计量单位栏“{row.unit_stated}”不一致",
            (t.number,) if t.number is not None else (),
            (row.cells.get("target", row.provenance), row.cells.get("unit", row.provenance)),
        )
