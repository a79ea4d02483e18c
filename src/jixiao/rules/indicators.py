"""JX4xx — the indicator table and its weights: declared points against row points, the 100-point
total, the profile's level-1 split, row scores over their points, the indicator tree."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from jixiao.model.document import Provenance
from jixiao.model.findings import Issue, Severity
from jixiao.model.report import stem
from jixiao.model.scorecard import LevelSum
from jixiao.profiles.model import Profile
from jixiao.rules.common import evaluation_framework, fmt
from jixiao.rules.registry import Context, rule


def _row_evidence(ctx: Context, rows: tuple[int, ...], column: str = "weight") -> tuple[Provenance, ...]:
    out = []
    for i in rows:
        row = ctx.report.indicators[i]
        out.append(row.cells.get(column, row.provenance))
    return tuple(out)


def _declared_vs_rows(ctx: Context, sums: tuple[LevelSum, ...], level_label: str) -> Iterator[Issue]:
    tol = ctx.profile.tolerances.score
    for s in sums:
        if s.declared is None or abs(s.declared - s.weight) <= tol:
            continue
        if any(ctx.card.indicator_items[i].weight is None for i in s.rows):
            continue  # rows without points: JX409 / JX507 report that
        name = s.name.split("/")[-1]
        weights = [ctx.card.indicator_items[i].weight for i in s.rows]
        listing = "+".join(fmt(w) for w in weights if w is not None)
        message = f"{name}声明分值 {fmt(s.declared)} 分，但其下{level_label}分值合计 {fmt(s.weight)} 分（{listing}）"
        evidence = (*((s.declared_provenance,) if s.declared_provenance else ()), *_row_evidence(ctx, s.rows))
        yield Issue(message, (s.declared, s.weight), evidence)


@rule(code="JX401", name="level1-weights-mismatch", severity=Severity.ERROR, since="0.1")
def level1_weights_mismatch(ctx: Context) -> Iterator[Issue]:
    """一级指标声明的分值与其下三级指标分值之和不符。

    检查什么：
        表头“产出指标(50分)”一类声明的一级指标分值，是否等于其下各三级指标分值之和。
    为什么重要：
        分值是评分的权重；声明 30 分而实际分配 32 分，会让总分超过 100 分，得分失去可比性。
    示例：
        效益指标声明 30 分，其下各行分值 5+5+4+4+5+4+5 = 32 分。
    如何修改：
        调整三级指标分值使其合计等于声明分值，或改正声明分值并相应调整其他一级指标。
    """
    yield from _declared_vs_rows(ctx, ctx.card.level1, "三级指标")


@rule(code="JX402", name="level2-weights-mismatch", severity=Severity.ERROR, since="0.1")
def level2_weights_mismatch(ctx: Context) -> Iterator[Issue]:
    """二级指标声明的分值与其下三级指标分值之和不符。

    检查什么：
        二级指标（如“数量指标(20分)”）声明的分值，是否等于其下三级指标分值之和。
    为什么重要：
        与一级指标相同：分值分配不一致，得分就不可信。
    示例：
        数量指标声明 20 分，其下 5 行分值 4+4+4+4+5 = 21 分。
    如何修改：
        调整三级指标分值或二级指标的声明分值。
    """
    yield from _declared_vs_rows(ctx, ctx.card.level2, "三级指标")


@rule(code="JX403", name="weights-total-mismatch", severity=Severity.ERROR, since="0.1")
def weights_total_mismatch(ctx: Context) -> Iterator[Issue]:
    """预算执行分值加全部指标分值不等于总分值（通常 100 分）。

    检查什么：
        预算执行分值 + 各三级指标分值之和，是否等于总分行的分值（未写明时取评分规则的总分，默认
        100）。表中没有预算执行分值时，指标分值之和应等于总分，或 总分 − 执行分值。表中没有总分行、
        分值又少于总分时，多半是指标没有列全（或复制时被截去），报告为警告。
    为什么重要：
        总分值不是 100，得分和等次就不能按统一标准比较。
    示例：
        10（预算执行）+ 50 + 32 + 10 = 102，而总分分值为 100。
    如何修改：
        调整各级指标分值，使合计为 100 分。
    """
    card = ctx.card
    if not card.recomputable or card.weight_sum is None:
        return  # rows without points are JX409's (some) or JX507's (all) business
    stated_total = ctx.num("weight_total")
    expected = stated_total if stated_total is not None else ctx.profile.weights.total
    has_execution = card.execution is not None or ctx.num("execution_weight") is not None
    actual = card.weight_sum
    tol = ctx.profile.tolerances.score
    if not has_execution:
        # No execution block in the report: its indicators may carry all the points or all but the
        # execution points; only a sum matching neither is wrong.
        if abs(actual - expected) <= tol:
            return
        expected -= ctx.profile.weights.execution
    if abs(actual - expected) <= tol:
        return
    parts = []
    if has_execution:
        exec_w = card.execution.weight if card.execution is not None else ctx.num("execution_weight")
        if exec_w is not None:
            parts.append(f"{fmt(exec_w)}（预算执行）")
    parts += [f"{fmt(s.weight)}（{s.name}）" if s.name else fmt(s.weight) for s in card.level1]
    what = "总分值" if has_execution else "指标分值（总分减预算执行分值）"
    message = f"各项分值合计 {' + '.join(parts)} = {fmt(actual)} 分，不等于{what} {fmt(expected)} 分"
    if stated_total is None and actual < expected:
        # no 总分 row states the total and points are missing, not extra: rows left out (or cut off
        # when the form was copied) are likelier than an arithmetic error
        message += "；表中没有总分行，指标可能未列全"
        yield Issue(message, (expected, actual), ctx.ev("weight_total", "execution_weight"), Severity.WARNING)
        return
    yield Issue(message, (expected, actual), ctx.ev("weight_total", "execution_weight"))


@rule(code="JX404", name="level1-weights-differ-from-profile", severity=Severity.INFO, since="0.1")
def level1_weights_differ_from_profile(ctx: Context) -> Iterator[Issue]:
    """一级指标分值与所选评分规则的默认权重不同。

    检查什么：
        一级指标的分值（声明的，或其下各行之和）是否等于评分规则规定的权重（10号：产出 50、效益
        30、满意度 10）。规则未规定一级权重（如四川表）时、以及部门整体评价框架（投入/过程/产出/效果，
        决策/过程/产出/效益）的评分表不检查。
    为什么重要：
        10号允许“特殊情况”下调整一级权重；偏离默认值时审核人应确认有依据。
    示例：
        产出指标 60 分、效益指标 20 分，而规则为 50、30。
    如何修改：
        按规定权重分配，或在报告中说明调整依据。
    """
    wanted = {stem(k): v for k, v in ctx.profile.weights.level1.items()}
    if not wanted or evaluation_framework(ctx):
        return  # a 投入/过程/产出/效果 framework has its own weights
    weighted = {i.index for i in ctx.card.indicator_items if i.weight is not None}
    for s in ctx.card.level1:
        want = wanted.get(stem(s.name))
        if s.declared is None and not weighted.issuperset(s.rows):
            continue  # neither declared points nor points on every row: nothing to compare
        have = s.declared if s.declared is not None else s.weight
        if want is None or have == want:
            continue
        yield Issue(
            f"{s.name}分值 {fmt(have)} 分，评分规则“{ctx.profile.name}”规定为 {fmt(want)} 分",
            (have, want),
            (s.declared_provenance,) if s.declared_provenance else _row_evidence(ctx, s.rows[:1]),
        )


@rule(code="JX405", name="row-score-over-weight", severity=Severity.ERROR, since="0.1")
def row_score_over_weight(ctx: Context) -> Iterator[Issue]:
    """指标得分超过其分值。

    检查什么：
        每一行三级指标的得分是否超过该行分值。
    为什么重要：
        超额完成不加分（10号“记全部分值”为上限），得分大于分值是明显错误。
    示例：
        分值 4 分，得分 5 分。
    如何修改：
        得分改为不超过分值。
    """
    for item in ctx.card.indicator_items:
        if item.weight is None or item.stated is None or item.stated <= item.weight:
            continue
        yield Issue(
            f"指标“{item.name}”得分 {fmt(item.stated)} 分超过其分值 {fmt(item.weight)} 分",
            (item.stated, item.weight),
            _row_evidence(ctx, (item.index or 0,), "score"),
        )


class _Level2Check:
    """A profile's allowed level-2 stems per level-1 stem, and the verdicts already reached."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.allowed = {stem(k): {stem(v) for v in vs} for k, vs in profile.level2_allowed.items()}
        self.verdicts: dict[tuple[str, str], set[str] | None] = {}

    def disallowed(self, level1: str, level2: str) -> set[str] | None:
        """The allowed names when `level2` is not one of them under `level1`, else None."""
        key = (level1, level2)
        if key not in self.verdicts:
            k1, k2 = stem(level1), stem(level2)
            names = next((v for k, v in self.allowed.items() if k and k in k1), None)
            # A level-2 cell repeating its level-1 name (满意度指标 / 满意度指标) is a merged cell read
            # twice, not a misplaced indicator.
            ok = (
                names is None
                or not k2
                or k2 == k1
                # 经济成本指标 is a 成本指标 (101号 splits 成本 into 经济/社会/生态环境成本)
                or any(k2 == n or k2.startswith(n) or n.startswith(k2) or k2.endswith(n) for n in names)
            )
            self.verdicts[key] = None if ok else names
        return self.verdicts[key]


_LEVEL2: dict[int, _Level2Check] = {}


def _level2_check(profile: Profile) -> _Level2Check:
    """One checker per profile object (the same names recur in every report)."""
    check = _LEVEL2.get(id(profile))
    if check is None or check.profile is not profile:
        check = _LEVEL2[id(profile)] = _Level2Check(profile)
    return check


@rule(code="JX406", name="level2-not-allowed", severity=Severity.INFO, since="0.1")
def level2_not_allowed(ctx: Context) -> Iterator[Issue]:
    """二级指标名称不属于其一级指标的规定类别。

    检查什么：
        二级指标名称（去掉“指标”“目标”后）是否属于评分规则为该一级指标列出的类别（产出：数量、
        质量、时效、成本；效益：经济、社会、生态、可持续影响；满意度：服务对象满意度）；以类别名结尾的
        细分（经济成本、社会成本）属于该类别。
    为什么重要：
        指标体系框架是统一的，错放类别会使汇总和比较出错。
    示例：
        “满意度”二级指标放在“产出指标”下。
    如何修改：
        把指标移到正确的一级指标下，或改用规定的二级指标名称。
    """
    check = _level2_check(ctx.profile)
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(ctx.report.indicators):
        names = check.disallowed(row.level1, row.level2)
        if names is None or (row.level1, row.level2) in seen:
            continue
        seen.add((row.level1, row.level2))
        yield Issue(
            f"二级指标“{row.level2}”不属于“{row.level1}”的规定类别（{'、'.join(sorted(names))}）",
            (),
            _row_evidence(ctx, (i,), "level2"),
        )


@rule(code="JX407", name="level1-missing", severity=Severity.WARNING, since="0.1")
def level1_missing(ctx: Context) -> Iterator[Issue]:
    """缺少评分规则要求的一级指标（如满意度指标）。

    检查什么：
        指标表中是否有评分规则要求的一级指标（10号：满意度指标）；作为二级指标出现也算有，没有一二级
        栏的表中三级指标名称（如“受益对象满意度”）也算。部门整体评价框架（投入/过程/产出/效果）的评分表
        不检查。
    为什么重要：
        服务对象满意度是 10号规定的自评内容，缺少它的指标体系不完整。
    示例：
        指标表只有产出指标和效益指标。
    如何修改：
        补充服务对象满意度指标及其分值、得分。
    """
    if not ctx.report.indicators or evaluation_framework(ctx):
        return  # 投入/过程/产出/效果 has no 满意度 class of its own
    names = {stem(r.level1) for r in ctx.report.indicators} | {stem(r.level2) for r in ctx.report.indicators}
    # a table without level columns names the indicator only: 受益对象满意度 is the 满意度 indicator
    names |= {stem(r.level3) for r in ctx.report.indicators if not r.level1.strip() and not r.level2.strip()}
    for required in ctx.profile.weights.required_level1:
        key = stem(required)
        if not any(key in n for n in names):
            yield Issue(f"指标表缺少“{required}”", (), (ctx.report.indicators[0].provenance,))


@rule(code="JX408", name="indicator-count-mismatch", severity=Severity.WARNING, since="0.1")
def indicator_count_mismatch(ctx: Context) -> Iterator[Issue]:
    """所述绩效指标个数与指标表的行数不符。

    检查什么：
        报告写明的绩效指标个数，是否等于指标表中三级指标的行数（只比较文字写明的个数，不比较按某一张表
        的行数数出的个数）。
    为什么重要：
        个数不符说明表格有漏行或文字说明未随表格更新。
    示例：
        文字写“共设置 22 个指标”，表中只有 20 行。
    如何修改：
        核对指标表与文字说明。
    """
    stated = ctx.num("indicator_count")
    rows = len(ctx.report.indicators)
    if stated is None or not rows or stated == rows:
        return
    fact = ctx.fact("indicator_count")
    if fact is not None and not fact.provenance.text:
        return  # counted from one table's rows, not stated: a report of two tables has more rows
    yield Issue(f"报告写明绩效指标 {fmt(stated)} 个，指标表有 {rows} 行", (stated, rows), ctx.ev("indicator_count"))


@rule(code="JX409", name="row-weight-missing", severity=Severity.WARNING, since="0.1")
def row_weight_missing(ctx: Context) -> Iterator[Issue]:
    """指标表中部分行没有分值。

    检查什么：
        指标表中有的行写了分值、有的行没有。
    为什么重要：
        没有分值的行无法计分，总分也就无法重算。
    示例：
        22 行中 2 行分值为空。
    如何修改：
        为每一行填写分值。
    """
    items = ctx.card.indicator_items
    missing = [i.index or 0 for i in items if i.weight is None]
    if not missing or len(missing) == len(items):
        return
    names = "、".join(ctx.report.indicators[i].level3 or ctx.report.indicators[i].level2 for i in missing[:5])
    yield Issue(
        f"指标表 {len(items)} 行中有 {len(missing)} 行没有分值：{names}",
        (Decimal(len(missing)), Decimal(len(items))),
        _row_evidence(ctx, tuple(missing)),
    )
