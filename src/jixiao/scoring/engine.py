"""Report + Profile → Scorecard: the execution score, each indicator's score, level sums, the total and
the grade, each with its inputs, formula (in Chinese, for reviewers) and result.

Formulas follow domain.md §1.1–§1.2 and checklist B: positive min(a/t,1)×w; reverse by the profile's
choice (pmkpi linear decline to 0 at 2×target, or target/actual); "=" as positive (target 0: a ≤ 0 gets
full points) or exact; qualitative tiers with a default share; execution w×min(rate,1); optional vendor
caps by execution rate and −2 at completion ≥130%.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from jixiao.model.document import Provenance
from jixiao.model.report import DeclaredWeight, IndicatorRow, ParsedValue, Report, legend_grade, stem
from jixiao.model.scorecard import LevelSum, Scorecard, ScoreItem
from jixiao.profiles.model import Profile
from jixiao.scoring.arith import HUNDRED, num, number_in_unit, quantize

ZERO = Decimal(0)
ONE = Decimal(1)
_MONEY_FACTOR = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000)}


def score(report: Report, profile: Profile) -> Scorecard:
    """Re-score a report under a profile."""
    execution, rate = execution_item(report, profile)
    items = tuple(indicator_item(i, row, profile) for i, row in enumerate(report.indicators))
    level1, level2 = level_sums(report, items)
    stated_total = num(report, "self_score")
    grade_fact = report.fact("grade")
    grade_stated = None if grade_fact is None else str(grade_fact.value)

    recomputable = bool(items) and all(i.weight is not None for i in items)
    all_items: list[ScoreItem] = [] if execution is None else [execution]
    all_items.extend(items)

    exec_weight = execution.weight if execution is not None else num(report, "execution_weight")
    exec_stated = num(report, "execution_score")
    weight_sum: Decimal | None = None
    stated_sum: Decimal | None = None
    computed_total: Decimal | None = None
    weights = [i.weight for i in items if i.weight is not None]
    if weights:
        weight_sum = sum(weights, exec_weight or ZERO)
        stated_rows = [i.stated for i in items]
        if all(s is not None for s in stated_rows):
            exec_part = exec_stated if exec_stated is not None else (execution.result if execution else None)
            stated_sum = sum((s for s in stated_rows if s is not None), exec_part or ZERO)
    # A row that cannot be scored (its 完成值 blank) leaves the total unknown, not that row at 0.
    if recomputable and all(i.result is not None for i in items):
        exec_score = execution.result if execution is not None and execution.result is not None else exec_stated
        computed_total = sum((i.result for i in items if i.result is not None), exec_score or ZERO)
        inputs: dict[str, Decimal | int | str | None] = {
            "预算执行得分": exec_score,
            "指标得分合计": computed_total - (exec_score or ZERO),
        }
        total_item = ScoreItem("总分", "total", inputs, "预算执行得分 + Σ 指标得分", computed_total)
        all_items.append(total_item)
        cap_item = _execution_cap(computed_total, rate, profile)
        if cap_item is not None and cap_item.result is not None:
            all_items.append(cap_item)
            computed_total = cap_item.result

    basis = computed_total if computed_total is not None else stated_total
    grade_computed: str | None = None
    if basis is not None:
        # The document's own grading legend, when it states one, comes before the profile's bands.
        own = legend_grade(report.grade_bands, basis)
        grade_computed = own.label if own is not None else profile.grades.grade(basis)[1]
        listed = [(b.label, b.min) for b in report.grade_bands] or [(b.label, b.min) for b in profile.grades.bands]
        bands = "、".join(f"{label} ≥{low}" for label, low in listed)
        inputs_g: dict[str, Decimal | int | str | None] = {"总分": basis, "等次": grade_computed}
        all_items.append(ScoreItem("等次", "grade", inputs_g, f"按等次区间（{bands}）", None))
    return Scorecard(
        profile=profile.id,
        stated_total=stated_total,
        computed_total=computed_total,
        grade_stated=grade_stated,
        grade_computed=grade_computed,
        recomputable=recomputable,
        execution=execution,
        execution_rate=rate,
        indicator_items=items,
        level1=level1,
        level2=level2,
        weight_sum=weight_sum,
        stated_score_sum=stated_sum,
        items=tuple(all_items),
    )


# --- budget execution ----------------------------------------------------------------------------


def execution_item(report: Report, profile: Profile) -> tuple[ScoreItem | None, Decimal | None]:
    """执行率 = 全年执行数 / 全年预算数 (adjusted, not 年初); score = w × min(rate, 100%)."""
    adjusted, executed = num(report, "budget_adjusted"), num(report, "budget_executed")
    stated_rate = num(report, "execution_rate")
    weight = num(report, "execution_weight")
    if weight is None:
        weight = profile.weights.execution
    fact = report.fact("budget_executed") or report.fact("execution_rate")
    prov = fact.provenance if fact is not None else None
    stated_score = num(report, "execution_score")
    inputs: dict[str, Decimal | int | str | None] = {"全年预算数": adjusted, "全年执行数": executed, "分值": weight}
    if adjusted is not None and executed is not None:
        if adjusted == 0:
            item = ScoreItem(
                "预算执行", "execution", inputs, "全年预算数为 0，无法计算执行率", None, prov, weight, stated_score
            )
            return item, None
        rate = executed / adjusted * HUNDRED
        formula = "执行率 = 全年执行数 / 全年预算数；得分 = 分值 × min(执行率, 100%)"
    elif stated_rate is not None:
        rate = stated_rate
        inputs = {"执行率（报告所述）": stated_rate, "分值": weight}
        formula = "得分 = 分值 × min(执行率, 100%)（执行率取报告所述）"
    else:
        return None, None
    result = quantize(weight * min(rate / HUNDRED, ONE), profile.scoring.decimals)
    return ScoreItem("预算执行", "execution", inputs, formula, result, prov, weight, stated_score), rate


def _execution_cap(total: Decimal, rate: Decimal | None, profile: Profile) -> ScoreItem | None:
    vendor = profile.vendor
    if not vendor.execution_caps or rate is None:
        return None
    caps = [c.cap for c in vendor.caps if rate < c.below]
    if not caps or total <= min(caps):
        return None
    cap = min(caps)
    inputs: dict[str, Decimal | int | str | None] = {"总分": total, "执行率": quantize(rate, 2), "上限": cap}
    return ScoreItem("执行率封顶", "cap", inputs, "执行率低于阈值时总分不超过上限（可选规则）", cap)


# --- indicators ----------------------------------------------------------------------------------


def qualitative_tier(value: ParsedValue | None, profile: Profile) -> int | None:
    """The tier (1–3) a qualitative value names, from the parser or from the profile's tier words."""
    if value is None:
        return None
    if value.qualitative_tier is not None:
        return value.qualitative_tier
    text = (value.qualitative or "").strip()
    if not text:
        return None
    # Longest word first: "部分达成" must not match tier 1's "达成".
    pairs = sorted(
        ((word, i + 1) for i, tier in enumerate(profile.scoring.qualitative) for word in tier.words),
        key=lambda p: -len(p[0]),
    )
    for word, tier in pairs:
        if word in text:
            return tier
    return None


def _units_factor(target: ParsedValue, actual: ParsedValue) -> Decimal | None:
    """Factor turning the actual's unit into the target's; None when the units cannot be compared."""
    tu, au = target.unit, actual.unit
    if not tu or not au or tu == au:
        return ONE
    if tu in _MONEY_FACTOR and au in _MONEY_FACTOR:
        return _MONEY_FACTOR[au] / _MONEY_FACTOR[tu]
    return None


def _completion(target: ParsedValue | None, actual: ParsedValue | None) -> Decimal | None:
    """完成值 ÷ 指标值 in percent (reverse: 指标值 ÷ 完成值) for plain numbers in comparable units."""
    if target is None or actual is None or target.number is None or actual.number is None:
        return None
    if target.direction == "qualitative" or target.change is not None or actual.change is not None:
        return None
    factor = _units_factor(target, actual)
    if factor is None:
        return None
    t, a = target.number, actual.number * factor
    if target.direction in ("<=", "<"):
        return t / a * HUNDRED if a > 0 else None
    return a / t * HUNDRED if t > 0 else None


def indicator_item(index: int, row: IndicatorRow, profile: Profile) -> ScoreItem:
    """One indicator row scored by its direction."""
    name = row.level3 or row.level2 or row.level1
    w, stated = row.weight, row.score
    prov = row.provenance
    target, actual = row.target, row.actual
    inputs: dict[str, Decimal | int | str | None] = {
        "指标值": target.text if target else None,
        "完成值": actual.text if actual else None,
        "分值": w,
    }
    if w is None:
        # No points to score, but how far the result went past its target is still known.
        completion = _completion(target, actual)
        return ScoreItem(
            name, "indicator", inputs, "无分值，无法计分", None, prov, None, stated, False, index, None, completion
        )
    quantitative = (
        target is not None
        and actual is not None
        and target.number is not None
        and actual.number is not None
        and target.direction != "qualitative"
    )
    if quantitative and target is not None and actual is not None:
        factor = _units_factor(target, actual)
        if factor is None and target.unit:
            # The actual's text may hold several values; take the one in the target's unit.
            again = number_in_unit(actual.text, target.unit)
            if again is not None:
                actual = actual.model_copy(update={"number": again, "unit": target.unit})
                factor = ONE
        if factor is not None:
            return _quantitative(
                index=index,
                name=name,
                row=row,
                target=target,
                actual=actual,
                factor=factor,
                w=w,
                profile=profile,
                inputs=inputs,
                prov=prov,
            )
        formula = f"指标值单位“{target.unit}”与完成值单位“{actual.unit}”不一致，无法计算，沿用自评得分"
        return ScoreItem(name, "indicator", inputs, formula, stated, prov, w, stated, False, index)
    tier = qualitative_tier(actual, profile)
    if tier is not None:
        return _qualitative(
            index=index, name=name, tier=tier, w=w, stated=stated, profile=profile, inputs=inputs, prov=prov
        )
    formula = "指标值或完成值无可计算的数字，无法重算，沿用自评得分"
    return ScoreItem(name, "indicator", inputs, formula, stated, prov, w, stated, False, index)


def _quantitative(
    *,
    index: int,
    name: str,
    row: IndicatorRow,
    target: ParsedValue,
    actual: ParsedValue,
    factor: Decimal,
    w: Decimal,
    profile: Profile,
    inputs: dict[str, Decimal | int | str | None],
    prov: Provenance,
) -> ScoreItem:
    assert target.number is not None and actual.number is not None
    t = abs(target.number) if target.change else target.number
    a = actual.number * factor
    if target.change is not None:
        # "下降2%以上": compare magnitudes of the change; a change the other way counts against it.
        a = abs(a)
        if actual.change is not None and actual.change != target.change:
            a = -a
    inputs.update({"t": t, "a": a})
    direction = target.direction or ">="
    sc = profile.scoring
    completion: Decimal | None = a / t * HUNDRED if t > 0 else None
    if sc.negative_actual_zero and a < 0:
        raw, formula = ZERO, "完成值为负，得 0 分"
    elif direction in ("<=", "<"):
        raw, formula = _reverse(t, a, w, sc.reverse_formula)
        completion = t / a * HUNDRED if a > 0 else None
    elif direction == "=" and sc.equal_formula == "exact":
        if t == 0:
            raw, formula = (w if a == 0 else ZERO), "“=”指标：指标值为 0 时完成值须为 0"
        else:
            raw = w * max(ZERO, ONE - abs(a - t) / t)
            formula = "“=”指标（严格）：得分 = 分值 × max(0, 1 − |a − t| / t)"
    elif t == 0:
        ok = a <= 0 if direction == "=" else a >= 0
        raw, formula = (
            (w if ok else ZERO),
            "指标值为 0：完成值" + ("≤ 0" if direction == "=" else "≥ 0") + " 得满分，否则 0 分",
        )
    else:
        raw = w * min(a / t, ONE)
        kind = "“=”指标（按正向计）" if direction == "=" else "正向指标"
        formula = f"{kind}：得分 = 分值 × min(a / t, 1)"
    if sc.cap_at_weight:
        raw = min(raw, w)
    result = quantize(raw, sc.decimals)
    vendor = profile.vendor
    if (
        vendor.deviation_deduction
        and completion is not None
        and direction not in ("<=", "<")
        and completion >= vendor.deviation_at
    ):
        result = max(ZERO, result - vendor.deviation_points)
        formula += f"；完成值达指标值 {vendor.deviation_at}% 以上视为偏离，扣 {vendor.deviation_points} 分（可选规则）"
    return ScoreItem(name, "indicator", inputs, formula, result, prov, w, row.score, True, index, None, completion)


def _reverse(t: Decimal, a: Decimal, w: Decimal, formula: str) -> tuple[Decimal, str]:
    if a <= t:
        return w, "反向指标：完成值不高于指标值，得满分"
    if formula == "target_over_actual":
        if t <= 0:
            return ZERO, "反向指标：指标值为 0 而完成值大于 0，得 0 分"
        return w * t / a, "反向指标：得分 = 分值 × t / a"
    if t <= 0 or a >= 2 * t:
        return ZERO, "反向指标（线性）：完成值达到指标值 2 倍及以上，得 0 分"
    return w * (ONE - (a - t) / t), "反向指标（线性）：得分 = 分值 × (1 − (a − t) / t)"


def tier_range(tier: int, w: Decimal, profile: Profile) -> tuple[Decimal, Decimal]:
    spec = profile.scoring.qualitative[tier - 1]
    return spec.min * w, spec.max * w


def score_in_tier(score: Decimal, tier: int, w: Decimal, profile: Profile) -> bool:
    """Tier 1 is [0.8w, w]; the others are half-open [min, max)."""
    low, high = tier_range(tier, w, profile)
    return low <= score <= high if tier == 1 else low <= score < high


def _qualitative(
    *,
    index: int,
    name: str,
    tier: int,
    w: Decimal,
    stated: Decimal | None,
    profile: Profile,
    inputs: dict[str, Decimal | int | str | None],
    prov: Provenance,
) -> ScoreItem:
    low, high = tier_range(tier, w, profile)
    inputs.update({"档次": tier, "区间下限": low, "区间上限": high})
    if stated is not None and score_in_tier(stated, tier, w, profile):
        formula = f"定性指标第 {tier} 档，自评得分在该档区间内，采用自评得分"
        result = stated
    else:
        share = profile.scoring.qualitative[tier - 1].default
        result = quantize(w * share, profile.scoring.decimals)
        formula = f"定性指标第 {tier} 档，按该档默认比例 {share} × 分值"
    return ScoreItem(name, "indicator", inputs, formula, result, prov, w, stated, True, index, tier)


# --- level sums ----------------------------------------------------------------------------------


def level_sums(report: Report, items: tuple[ScoreItem, ...]) -> tuple[tuple[LevelSum, ...], tuple[LevelSum, ...]]:
    """Points and scores per level-1 and level-2 heading, with the points declared on the heading."""
    declared1: dict[str, DeclaredWeight] = {}
    declared2: dict[str, DeclaredWeight] = {}
    for d in report.declared_weights:
        (declared1 if d.level == 1 else declared2)[stem(d.name)] = d
    # One pass over the rows (this runs for every report): per heading its display name, rows,
    # points, stated score (None once a row has none) and computed score.
    acc1: dict[str, _Acc] = {}
    acc2: dict[tuple[str, str], _Acc] = {}
    for i, row in enumerate(report.indicators):
        item = items[i]
        k1 = stem(row.level1)
        a1 = acc1.get(k1)
        if a1 is None:
            a1 = acc1[k1] = _Acc(row.level1)
        a1.add(i, item)
        if row.level2:
            k2 = (k1, stem(row.level2))
            a2 = acc2.get(k2)
            if a2 is None:
                a2 = acc2[k2] = _Acc(f"{row.level1}/{row.level2}")
            a2.add(i, item)
    l1 = tuple(a.level_sum(1, declared1.get(k)) for k, a in acc1.items())
    l2 = tuple(a.level_sum(2, declared2.get(k[1])) for k, a in acc2.items())
    return l1, l2


class _Acc:
    __slots__ = ("computed", "name", "rows", "stated", "weight")

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: list[int] = []
        self.weight = ZERO
        self.stated: Decimal | None = ZERO
        self.computed = ZERO

    def add(self, i: int, item: ScoreItem) -> None:
        self.rows.append(i)
        if item.weight is not None:
            self.weight += item.weight
        if item.stated is None:
            self.stated = None
        elif self.stated is not None:
            self.stated += item.stated
        if item.result is not None:
            self.computed += item.result

    def level_sum(self, level: Literal[1, 2], declared: DeclaredWeight | None) -> LevelSum:
        return LevelSum(
            level=level,
            name=self.name,
            weight=self.weight,
            score_stated=self.stated,
            score_computed=self.computed,
            rows=tuple(self.rows),
            declared=declared.points if declared else None,
            declared_provenance=declared.provenance if declared else None,
        )
