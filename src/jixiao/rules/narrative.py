"""JX6xx — targets and narrative: unquantified or missing targets, unit mismatches, actuals copied from
targets, missing indicator tables, missing deviation explanations, facts stated twice differently."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from jixiao.model.document import Provenance
from jixiao.model.findings import Issue, Severity
from jixiao.model.report import FACT_LABELS, FactConflict, IndicatorRow, fact_kind, json_number, stem
from jixiao.rules.common import evaluation_framework, fmt, is_instruction, printed_number, short_text
from jixiao.rules.registry import Context, rule
from jixiao.rules.scores import marked_down_though_met
from jixiao.scoring.arith import dec, number_in_unit, printed_half, shown
from jixiao.scoring.engine import qualitative_tier

_MONEY = {"元", "万元", "亿元"}
# Percent written as a word is a unit too ("≥100百分比"), whatever the value parser made of it.
_PERCENT_WORD = re.compile(r"\d\s*(?:百分比|百分点|％)")


def _has_unit(row: IndicatorRow) -> bool:
    target = row.target
    if target is None:
        return False
    return bool(target.unit or row.unit_stated.strip() or _PERCENT_WORD.search(target.text))


@rule(code="JX601", name="target-not-quantified", severity=Severity.WARNING, since="0.1")
def target_not_quantified(ctx: Context) -> Iterator[Issue]:
    """产出指标的指标值没有量化（无数字、无单位，或用语含糊）。

    检查什么：
        产出指标（数量、质量、时效、成本）各行的年度指标值是否含有数字和计量单位；“控制在预算内”
        “基本完成”“社会治安秩序稳定”之类没有可衡量数值的写法，或只有数字没有单位，视为未量化。部门整体
        评价框架（投入/过程/产出/效果）的评分表只有分值和得分，不检查。
    为什么重要：
        10号要求绩效指标可衡量；没有数值的指标无法判断是否完成，得分也就无法复核。
    示例：
        数量指标“扫黑除恶推进有力”，没有任何数量。
    如何修改：
        为每项产出指标写明指标值和计量单位，如“破获案件 ≥1200 起”“完成时间 ≤12 月 31 日”。
    """
    if evaluation_framework(ctx):
        return  # a 投入/过程/产出/效果 scoring table grades criteria; it states no targets
    rows = []
    for i, row in enumerate(ctx.report.indicators):
        if "产出" not in stem(row.level1):
            continue
        target = row.target
        # A number without a unit measures nothing either (checklist 21: target or unit missing).
        if target is None or target.number is None or target.vague or not _has_unit(row):
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
    """自评表未填完：有指标值没有完成值，有分值没有得分。

    检查什么：
        指标表中写了年度指标值、但实际完成值为空的行；写了分值、但得分为空的行；写了预算执行分值、
        但执行得分为空。一张表中的这些空栏合为一条，逐项列明。
    为什么重要：
        没有完成值就无法判断指标是否完成，没有得分就无法汇总总分；表没有填完，自评结论没有依据。
    示例：
        四川表两项指标“=100%”的完成值和得分都为空，预算执行得分也为空（分值 10、60、30）。
    如何修改：
        填写每项指标的实际完成值（数字和单位，或完成情况描述）和得分，以及预算执行得分。
    """
    if not ctx.report.is_self_evaluation():
        return  # a 绩效目标表 sets targets; nothing is completed yet
    no_actual: list[IndicatorRow] = []
    no_score: list[IndicatorRow] = []
    for row in ctx.report.indicators:
        has_target = row.target is not None and row.target.text.strip()
        if has_target and row.has_column("actual") and not (row.actual is not None and row.actual.text.strip()):
            no_actual.append(row)  # a 绩效目标 table with no 完成值 column leaves nothing blank
        if row.weight is not None and row.score is None:
            no_score.append(row)
    weight, execution_score = ctx.num("execution_weight"), ctx.num("execution_score")
    blank_execution = weight is not None and execution_score is None and bool(no_score)
    if not no_actual and not no_score:
        return
    parts = []
    if no_actual:
        parts.append("完成值未填：" + "、".join(_row_name(r) for r in no_actual))
    if no_score:
        parts.append("得分未填：" + "、".join(f"{_row_name(r)}（分值 {fmt(r.weight or 0)}）" for r in no_score))
    if blank_execution and weight is not None:
        parts.append(f"预算执行得分未填（分值 {fmt(weight)}）")
    numbers = tuple(r.weight for r in no_score if r.weight is not None)
    evidence = tuple(r.cells.get("actual", r.provenance) for r in no_actual) + tuple(
        r.cells.get("score", r.provenance) for r in no_score
    )
    if blank_execution:
        numbers = (*(() if weight is None else (weight,)), *numbers)
        evidence = (*ctx.ev("execution_weight"), *evidence)
    yield Issue("自评表未填完：" + "；".join(parts), numbers, evidence)


def _row_name(row: IndicatorRow) -> str:
    return f"“{row.level3 or row.level2 or row.level1}”"


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
        的 130% 以上（阈值由评分规则给出；没有分值的表也算）时是否说明原因（info：指标可能定得过低）。
        部门整体评价框架（投入/过程/产出/效果）的评分表没有偏差原因栏，不检查。
    为什么重要：
        10号要求对未完成或偏离较大的指标分析原因、提出改进措施。
    示例：
        分值 4、得分 3，偏差原因空白；指标值 5 起，完成 11 起（220%），未作说明。
    如何修改：
        在偏差原因栏写明原因和改进措施；指标值明显偏低的，下年度调高。
    """
    at = ctx.profile.thresholds.completion_explain_at
    if evaluation_framework(ctx):
        return  # a 投入/过程/产出/效果 scoring table has no 偏差原因 column: its deductions are argued in the text
    for item in ctx.card.indicator_items:
        row = ctx.report.indicators[item.index or 0]
        if row.deviation_reason.strip() or not row.has_column("reason"):
            continue  # explained, or the form has no 偏差原因 column to explain in
        evidence = (row.cells.get("deviation_reason", row.provenance),)
        if marked_down_though_met(ctx, item):
            continue  # JX512 names the contradiction and the missing reason at once
        if item.weight is not None and item.stated is not None and item.stated < item.weight:
            yield Issue(
                f"指标“{item.name}”得分 {fmt(item.stated)} 分低于分值 {fmt(item.weight)} 分，未写偏差原因",
                (item.stated, item.weight),
                evidence,
            )
        elif item.completion is not None and item.completion >= at:
            compared = tuple(v.number for v in (row.actual, row.target) if v is not None and v.number is not None)
            yield Issue(
                f"指标“{item.name}”完成值达指标值的 {fmt(shown(item.completion))}%（≥{fmt(at)}%），未说明偏差原因",
                (*compared, shown(item.completion), at),
                evidence,
                Severity.INFO,
            )


@rule(code="JX607", name="fact-stated-twice", severity=Severity.WARNING, since="0.1")
def fact_stated_twice(ctx: Context) -> Iterator[Issue]:
    """同一数字在报告中两处写法不同。

    检查什么：
        同一项数据（如三公经费合计、收入合计）在报告的两处出现且数值不同。不算两处写法的：表格模板的
        填写说明中的数字（“预算执行率未达到90%的需说明原因”）、“其中”之后所列的分项（“项目21个……其中，
        本级项目8个”）、同一句话里的另一个数字（那是另一项数据）、按表格行数数出的个数。
    为什么重要：
        读者无法判断哪一个是对的；通常一处是旧稿未更新。
    示例：
        表格中三公经费 161.51，正文写 161.58。
    如何修改：
        核对后统一为正确的数字。
    """
    for conflict in _distinct_conflicts(ctx):
        if _ten_thousand_times(conflict) is not None:
            continue  # JX610's finding: the unit, not the number, is wrong
        if not _two_statements(conflict):
            continue
        a, b = conflict.kept, conflict.other
        numbers = tuple(n for n in (dec(a.value), dec(b.value)) if n is not None)
        label = FACT_LABELS.get(conflict.key, conflict.key)
        yield Issue(
            f"“{label}”在报告中两处数值不同：{json_number(a.value)} 与 {json_number(b.value)}",
            numbers,
            (a.provenance, b.provenance),
        )


def _two_statements(conflict: FactConflict) -> bool:
    """Whether both values are the document's own statements of the fact: not a count of table rows
    (no text), not a number in the form's instructions ("预算执行率未达到90%的需说明原因"), not a part
    listed after 其中 ("其中,本级项目8个" under 项目21个), and not a second number of the same sentence
    (one sentence does not state one fact twice: the other number is another figure's)."""
    a, b = conflict.kept, conflict.other
    ta, tb = a.provenance.text, b.provenance.text
    if not ta or not tb:
        return False
    if ta == tb and all(_printed(dec(f.value)).search(ta) for f in (a, b)):
        return False
    return not any(is_instruction(t) or _after_which(t, dec(f.value)) for t, f in ((ta, a), (tb, b)))


_NOTHING = re.compile(r"(?!)")


def _printed(value: Decimal | None) -> re.Pattern[str]:
    """The number as printed, not part of a longer one."""
    return _NOTHING if value is None else printed_number(fmt(abs(value)))


def _after_which(text: str, value: Decimal | None) -> bool:
    """Whether `value` is printed after 其中 in `text`: a part of a whole, not the whole."""
    at = text.find("其中")
    if at < 0 or value is None:
        return False
    digits = _printed(value)
    return digits.search(text[at:]) is not None and digits.search(text[:at]) is None


def _distinct_conflicts(ctx: Context) -> list[FactConflict]:
    """Each clash once: the same two values read twice (a table and its text export) are one defect."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for c in ctx.report.conflicts:
        mark = (c.key, str(c.kept.value), str(c.other.value))
        if mark not in seen:
            seen.add(mark)
            out.append(c)
    return out


_TEN_THOUSAND = Decimal(10000)


def _ten_thousand_times(conflict: FactConflict) -> tuple[Decimal, Decimal] | None:
    """(larger, smaller) when two statements of an amount differ by a factor of 10⁴ (元 against 万元),
    the smaller within its printed digits: 12345.67 元 written as 1.23 万元 still counts."""
    if fact_kind(conflict.key) != "money":
        return None
    a, b = dec(conflict.kept.value), dec(conflict.other.value)
    if a is None or b is None or a == 0 or b == 0:
        return None
    (big, _), (small, small_fact) = sorted(
        ((a, conflict.kept), (b, conflict.other)), key=lambda pair: abs(pair[0]), reverse=True
    )
    if abs(big / _TEN_THOUSAND - small) <= printed_half(small, small_fact.provenance.text):
        return big, small
    return None


@rule(code="JX610", name="amount-unit-off-by-ten-thousand", severity=Severity.WARNING, since="0.1")
def amount_unit_off_by_ten_thousand(ctx: Context) -> Iterator[Issue]:
    """同一金额两处相差一万倍（元与万元混写）。

    检查什么：
        同一项金额在报告两处出现，数值相差约 10⁴ 倍，例如表中“12.5”万元、正文写“12.5万元”而实为
        125000 元，或把元为单位的数字填进万元栏。
    为什么重要：
        单位错一级，金额就差一万倍，执行率、占比和得分都会随之出错；这类错误读数时最难发现。
    示例：
        表中公务接待费 43400（单位栏为万元），正文写“公务接待费 4.34 万元”。
    如何修改：
        核对该金额的单位，统一按万元填列（元 ÷ 10000）。
    """
    for conflict in _distinct_conflicts(ctx):
        pair = _ten_thousand_times(conflict)
        if pair is None:
            continue
        big, small = pair
        label = FACT_LABELS.get(conflict.key, conflict.key)
        yield Issue(
            f"“{label}”两处分别为 {fmt(big)} 与 {fmt(small)}，相差一万倍，疑为元与万元混写",
            (big, small),
            (conflict.kept.provenance, conflict.other.provenance),
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


@rule(code="JX611", name="template-text-left", severity=Severity.WARNING, since="0.1")
def template_text_left(ctx: Context) -> Iterator[Issue]:
    """表中留着模板的填写说明，没有填写实际内容。

    检查什么：
        年度目标完成情况、评价结论、存在问题、改进措施、指标的完成值和偏差原因等栏，写的是表格模板自带
        的说明文字，如“（200字以内）”“对照年度目标，说明相关任务目标的完成情况”“结合自评情况，说明
        项目自评总分”。
    为什么重要：
        说明文字不是自评内容：该写的结论、问题和措施实际上是空的，报告等于没有填完。
    示例：
        年度目标完成情况栏写着“对照年度目标,说明相关任务目标的完成情况(100字以内)”。
    如何修改：
        删去说明文字，按要求写明实际完成情况、评价结论、存在问题和改进措施。
    """
    places: list[tuple[str, Provenance]] = []
    for target in ctx.report.targets:
        for text in (target.expected, target.achieved):
            if text and is_instruction(text):
                places.append((text, target.provenance))
    for section in ctx.report.sections:
        if section.text and is_instruction(section.text):
            places.append((section.text, section.provenance))
    for row in ctx.report.indicators:
        for column, text in (
            ("actual", row.actual.text if row.actual else ""),
            ("deviation_reason", row.deviation_reason),
        ):
            if text and is_instruction(text):
                places.append((text, row.cells.get(column, row.provenance)))
    if not places:
        return
    examples = "；".join(f"“{short_text(text)}”" for text, _ in places[:3])
    yield Issue(
        f"{len(places)} 处填写的是模板的说明文字而不是实际内容，如 {examples}",
        (len(places),),
        tuple(prov.with_text(text) if prov.text is None else prov for text, prov in places),
    )


@rule(code="JX612", name="numeric-target-answered-in-words", severity=Severity.INFO, since="0.1")
def numeric_target_answered_in_words(ctx: Context) -> Iterator[Issue]:
    """数值型指标值的完成值只写了“完成”一类文字。

    检查什么：
        指标值是带单位的数字（如“≤30万元”“≥95%”），完成值却只写“完成”“已完成”“达到”之类没有数字
        的文字。
    为什么重要：
        没有完成的数值，就无法判断是否真正达到指标值（成本是否控制在 30 万元以内），得分也无法复核。
    示例：
        成本指标“成本控制数”指标值 ≤30 万元，完成值“完成”。
    如何修改：
        写明实际完成的数值和单位，如“29.6万元”。
    """
    for row in ctx.report.indicators:
        t, a = row.target, row.actual
        if t is None or a is None or t.number is None or t.direction == "qualitative" or not _has_unit(row):
            continue
        if a.number is not None or not a.text.strip() or a.flagged:
            continue
        yield Issue(
            f"指标“{row.level3 or row.level2}”指标值“{t.text}”是数值，完成值却写作“{a.text.strip()}”，无法核对是否达到",
            (t.number,),
            (row.cells.get("actual", row.provenance), row.cells.get("target", row.provenance)),
        )


_TO_WAN = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}
_BUDGET_KEYS = (("budget_adjusted", "全年预算数"), ("budget_initial", "年初预算数"), ("budget_executed", "全年执行数"))


@rule(code="JX615", name="quantity-target-in-money", severity=Severity.INFO, since="0.1")
def quantity_target_in_money(ctx: Context) -> Iterator[Issue]:
    """数量指标的指标值是一笔金额（元、万元），不是产出的数量。

    检查什么：
        产出指标下“数量指标”各行的指标值是否以元、万元、亿元为单位；金额与资金部分的预算数或执行数
        （按印刷精度换算为万元）相同时一并指出。
    为什么重要：
        数量指标衡量做了多少事（件、人次、公里）；把资金数额写成数量指标，等于用“花了多少钱”代替
        “完成了多少”，指标完成就只是钱花完了。金额属于成本指标。
    示例：
        数量指标“卫片执法补助经费”指标值 ﹦72890 元，即项目预算 7.29 万元。
    如何修改：
        数量指标改写为产出的数量（如“核查卫片图斑 ≥120 个”），金额列入成本指标。
    """
    for row in ctx.report.indicators:
        t = row.target
        if t is None or t.number is None or t.unit not in _TO_WAN or "数量" not in stem(row.level2):
            continue
        amount = t.number * _TO_WAN[t.unit]
        same = next(
            (
                (label, f)
                for key, label in _BUDGET_KEYS
                if (f := ctx.figure(key)) is not None and f.interval()[0] <= amount <= f.interval()[1]
            ),
            None,
        )
        tail = "" if same is None else f"，即{same[0]} {fmt(same[1].value)} 万元"
        yield Issue(
            f"数量指标“{row.level3 or row.level2}”的指标值“{t.text}”是金额{tail}，不是产出的数量",
            (t.number,) if same is None else (t.number, same[1].value),
            (row.cells.get("target", row.provenance),),
        )
