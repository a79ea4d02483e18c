"""Generated self-evaluation reports: internally consistent ones, and the same with one planted defect.

`consistent_report(seed, profile)` builds a typed `Report` whose every number agrees with every other
under the profile (parts add up, rates are the quotients rounded, weights add up to 100, scores follow
the formulas, the grade matches its band, comparisons name the prior year). `plant(report, defect)`
changes it in exactly one way; `DEFECTS` maps each defect to the rule codes that must then fire and
no others. The property tests and the scoring benchmark both use this module.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from jixiao.model.document import Provenance
from jixiao.model.report import (
    FACT_SECTIONS,
    DeclaredWeight,
    Fact,
    FactConflict,
    FundsSource,
    IndicatorRow,
    ParsedValue,
    Project,
    Report,
    Unit,
)
from jixiao.profiles.model import Profile

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
_REGIONS = ("湖南省长沙市", "四川省成都市", "河北省石家庄市", "江西省南昌市", "安徽省池州市")
_UNITS = ("个", "件", "人次", "天", "起", "%")
_LEVEL2 = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("社会效益指标", "经济效益指标", "生态效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}


def r2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class _Builder:
    """Builds one report; keeps a line counter so each fact gets its own provenance."""

    def __init__(self, seed: int, file: str) -> None:
        self.rng = random.Random(seed)
        self.file = file
        self.line = 0
        self.report = Report(source_path=file, source_sha256=f"{seed:064x}", source_format="txt")

    def prov(self, text: str) -> Provenance:
        self.line += 1
        return Provenance(file=self.file, line=self.line, text=text)

    def money(self, low: float, high: float) -> Decimal:
        return r2(Decimal(str(self.rng.uniform(low, high))))

    def fact(self, key: str, value: Decimal | int | str, unit: str | None = None) -> None:
        text = f"{value}{unit or ''}"
        # model_construct: the values are built right here, and 10,000 reports feed the benchmark
        fact = Fact.model_construct(value=value, unit=unit, provenance=self.prov(text))
        setattr(getattr(self.report, FACT_SECTIONS[key]), key, fact)


def _level1_split(profile: Profile, rng: random.Random) -> dict[str, Decimal]:
    if profile.weights.level1:
        return dict(profile.weights.level1)
    points = profile.weights.total - profile.weights.execution
    output = Decimal(rng.choice((50, 60, 70)))
    satisfaction = Decimal(10)
    return {"产出指标": output, "效益指标": points - output - satisfaction, "满意度指标": satisfaction}


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`parts` positive integers adding up to `total`."""
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _indicators(b: _Builder, profile: Profile) -> Decimal:
    """Indicator rows, declared level-1/level-2 points; returns the sum of row scores."""
    rng = b.rng
    total_score = Decimal(0)
    partial_budget = 2  # besides the fixed one, at most two more rows fall short
    for level1, points in _level1_split(profile, rng).items():
        n_rows = max(1, min(int(points) // 3, rng.randint(2, 6)))
        weights = _split(int(points), n_rows, rng) if n_rows > 1 else [int(points)]
        level2s = _LEVEL2[level1]
        b.report.declared_weights.append(
            DeclaredWeight(level=1, name=f"{level1}({points}分)", points=points, provenance=b.prov(level1))
        )
        by_level2: dict[str, Decimal] = {}
        for j, w_int in enumerate(weights):
            w = Decimal(w_int)
            level2 = level2s[j % len(level2s)]
            by_level2[level2] = by_level2.get(level2, Decimal(0)) + w
            # Fixed first rows so that every defect has a row to plant into; the rest at random.
            if level1 == "产出指标" and j < 2:
                kind, partial = "positive", j == 1
            elif level1 == "效益指标" and j == 0:
                kind, partial = "qualitative", False
            else:
                kinds = ("positive", "reverse", "equal") + (("qualitative",) if level1 != "产出指标" else ())
                # Random shortfalls only on small rows, so indicator scores stay ≥ 95% of their points.
                kind, partial = rng.choice(kinds), partial_budget > 0 and w <= 3 and rng.random() < 0.3
            row = _row(b, level1, level2, j=j, w=w, kind=kind, partial=partial)
            if row.score is not None and row.score < w:
                partial_budget -= 1
            b.report.indicators.append(row)
            total_score += row.score or Decimal(0)
        for level2, pts in by_level2.items():
            b.report.declared_weights.append(
                DeclaredWeight(level=2, name=level2, points=pts, provenance=b.prov(f"{level2}({pts}分)"))
            )
    return total_score


def _row(b: _Builder, level1: str, level2: str, *, j: int, w: Decimal, kind: str, partial: bool) -> IndicatorRow:
    rng = b.rng
    name = f"{level2[:2]}指标{j + 1}"
    reason = ""
    if kind == "qualitative":
        target = ParsedValue(text="效果明显，群众认可", direction="qualitative", qualitative="效果明显")
        if partial:
            actual = ParsedValue(text="部分达成年度指标", qualitative="部分达成年度指标", qualitative_tier=2)
            score = r2(w * Decimal("0.7"))
            reason = "部分工作受客观因素影响推迟，已制定改进措施"
        else:
            actual = ParsedValue(text="达成年度指标", qualitative="达成年度指标", qualitative_tier=1)
            score = w
    else:
        unit = rng.choice(_UNITS)
        t = Decimal(rng.randint(5, 500))
        if kind == "reverse":
            a = r2(t * Decimal(str(rng.uniform(0.8, 1.0))))
            target = ParsedValue(text=f"≤{t}{unit}", direction="<=", number=t, unit=unit)
            score = w
        elif kind == "equal":
            a = t
            target = ParsedValue(text=f"={t}{unit}", direction="=", number=t, unit=unit)
            score = w
        else:
            target = ParsedValue(text=f"≥{t}{unit}", direction=">=", number=t, unit=unit)
            if partial:
                share = Decimal(rng.randint(9500, 9900)) / Decimal(10000)
                a = r2(t * share)
                score = r2(w * a / t)
                reason = "年中任务调整，部分工作量顺延至下年度"
            else:
                a = r2(t * Decimal(str(rng.uniform(1.0, 1.25))))
                score = w
        actual = ParsedValue(text=f"{a}{unit}", number=a, unit=unit)
    prov = b.prov(name)
    cells = {col: b.prov(col) for col in ("target", "actual", "weight", "score", "deviation_reason")}
    return IndicatorRow.model_construct(
        level1=level1,
        level2=level2,
        level3=name,
        target=target,
        actual=actual,
        weight=w,
        score=score,
        deviation_reason=reason,
        provenance=prov,
        cells=cells,
    )


def consistent_report(seed: int, profile: Profile | None = None, fiscal_year: int | None = None) -> Report:
    """A report whose numbers agree with each other under `profile` (national-2020 by default), for
    `fiscal_year` (else a year drawn from the seed)."""
    from jixiao.profiles import get_profile

    b = _Builder(seed, f"generated/{seed}.txt")
    rng = b.rng
    drawn = rng.randint(2020, 2024)  # drawn even when given, so a seed gives the same numbers either way
    fy = fiscal_year or drawn
    b.report.unit = Unit(
        department=f"示例单位{seed}",
        region=rng.choice(_REGIONS),
        fiscal_year=fy,
        report_date=f"{fy + 1}-0{rng.randint(1, 9)}-{rng.randint(10, 28)}",
    )
    profile = profile or get_profile("national-2020")

    # funds: adjusted ≥ initial (追加 ≥ 0), execution 92–100%
    initial = b.money(100, 50000)
    supplement = r2(initial * Decimal(str(rng.uniform(0, 0.15))))
    adjusted = initial + supplement
    executed = r2(adjusted * Decimal(str(rng.uniform(0.92, 1.0))))
    rate = r2(executed / adjusted * HUNDRED)
    exec_w = profile.weights.execution
    exec_score = r2(exec_w * min(executed / adjusted, Decimal(1)))
    for key, value in (
        ("budget_initial", initial),
        ("budget_supplement", supplement),
        ("budget_adjusted", adjusted),
        ("budget_executed", executed),
    ):
        b.fact(key, value, "万元")
    b.fact("execution_rate", rate, "%")
    b.fact("execution_weight", exec_w)
    b.fact("execution_score", exec_score)
    # the funds block's source rows add up to its 年度资金总额 row
    carried = (r2(initial * Decimal("0.1")), r2(adjusted * Decimal("0.1")), r2(executed * Decimal("0.1")))
    for name, (a, d, e) in (
        ("当年财政拨款", (initial - carried[0], adjusted - carried[1], executed - carried[2])),
        ("上年结转资金", carried),
        ("其他资金", (Decimal(0), Decimal(0), Decimal(0))),
    ):
        b.report.funds_sources.append(
            FundsSource(name=name, budget_initial=a, budget_adjusted=d, budget_executed=e, provenance=b.prov(name))
        )

    # income and expenditure
    parts = {
        k: b.money(0, 3000)
        for k in ("carryover", "income_general_budget", "income_fund_budget", "income_special_account", "income_other")
    }
    income = sum(parts.values(), Decimal(0))
    for key, value in parts.items():
        b.fact(key, value, "万元")
    b.fact("income_total", income, "万元")
    personnel = r2(income * Decimal(str(rng.uniform(0.3, 0.5))))
    public = r2(income * Decimal(str(rng.uniform(0.1, 0.2))))
    project = r2(income * Decimal(str(rng.uniform(0.1, 0.25))))
    basic = personnel + public
    spending = basic + project
    for key, value in (
        ("personnel_expenditure", personnel),
        ("public_expenditure", public),
        ("basic_expenditure", basic),
        ("project_expenditure", project),
        ("expenditure_total", spending),
        ("balance_current_year", income - spending),
    ):
        b.fact(key, value, "万元")
    b.fact("basic_expenditure_share", r2(basic / spending * HUNDRED), "%")
    b.fact("project_expenditure_share", r2(project / spending * HUNDRED), "%")
    prior_income = r2(income * Decimal(str(rng.uniform(0.8, 1.2))))
    change = income - prior_income
    b.fact("income_change", change, "万元")
    b.fact("income_change_rate", r2(change / prior_income * HUNDRED), "%")
    b.fact("income_prior_year", fy - 1)
    b.report.comparison_years.append(Fact(value=fy - 1, unit="expenditure", provenance=b.prov(f"与{fy - 1}年相比")))

    # 三公: each item within its budget, with slack
    reception, vop, vpu, overseas = b.money(1, 30), b.money(10, 150), b.money(0, 40), b.money(0, 10)
    vehicle = vop + vpu
    rb, vb, ob = r2(reception * Decimal("1.2")) + 1, r2(vehicle * Decimal("1.1")) + 1, r2(overseas * Decimal("1.1"))
    total3, budget3 = reception + vehicle + overseas, rb + vb + ob
    for key, value in (
        ("reception", reception),
        ("reception_budget", rb),
        ("vehicle_operation", vop),
        ("vehicle_purchase", vpu),
        ("vehicle_total", vehicle),
        ("vehicle_budget", vb),
        ("overseas_travel", overseas),
        ("overseas_travel_budget", ob),
        ("three_public_total", total3),
        ("three_public_budget", budget3),
        ("three_public_saving", budget3 - total3),
    ):
        b.fact(key, value, "万元")
    b.fact("three_public_execution_rate", r2(total3 / budget3 * HUNDRED), "%")
    b.fact("three_public_saving_rate", r2((budget3 - total3) / budget3 * HUNDRED), "%")
    b.fact("reception_execution_rate", r2(reception / rb * HUNDRED), "%")
    b.fact("vehicle_execution_rate", r2(vehicle / vb * HUNDRED), "%")
    prior_reception = reception + b.money(0.5, 10)
    b.fact("reception_change", reception - prior_reception, "万元")
    b.fact("reception_change_rate", r2((reception - prior_reception) / prior_reception * HUNDRED), "%")

    # fixed assets, staff
    in_use, leased, other = b.money(100, 9000), b.money(0, 100), b.money(0, 100)
    for key, value in (
        ("fixed_assets_in_use", in_use),
        ("fixed_assets_leased", leased),
        ("fixed_assets_other", other),
        ("fixed_assets_total", in_use + leased + other),
    ):
        b.fact(key, value, "万元")
    b.fact("staff_authorized", rng.randint(20, 400), "人")

    # projects
    for k in range(rng.randint(1, 4)):
        p_init = b.money(5, 500)
        p_sup = b.money(0, 50)
        p_adj = p_init + p_sup
        p_exe = r2(p_adj * Decimal(str(rng.uniform(0.9, 1.0))))
        b.report.projects.append(
            Project(
                name=f"项目{k + 1}",
                budget_initial=p_init,
                supplement=p_sup,
                budget_adjusted=p_adj,
                budget_executed=p_exe,
                execution_rate=r2(p_exe / p_adj * HUNDRED),
                provenance=b.prov(f"项目{k + 1}"),
            )
        )

    # indicators, total, grade
    rows_score = _indicators(b, profile)
    b.fact("indicator_count", len(b.report.indicators), "个")
    b.fact("weight_total", profile.weights.total)
    self_score = exec_score + rows_score
    b.fact("self_score", self_score, "分")
    b.fact("grade", profile.grades.grade(self_score)[1])
    return b.report


# --- planted defects -------------------------------------------------------------------------------


def _set(report: Report, key: str, value: Decimal | int | str) -> None:
    fact = report.fact(key)
    assert fact is not None, key
    setattr(getattr(report, _section(key)), key, fact.model_copy(update={"value": value}))


def _section(key: str) -> str:
    from jixiao.model.report import FACT_SECTIONS

    return FACT_SECTIONS[key]


def _drop(report: Report, key: str) -> None:
    setattr(getattr(report, _section(key)), key, None)


def _v(report: Report, key: str) -> Decimal:
    value = report.value(key)
    assert isinstance(value, Decimal | int), key
    return Decimal(value)


def _rescore_execution(report: Report, executed: Decimal) -> None:
    """Change 执行数 and keep rate, execution score, total and grade consistent with it."""
    adjusted = _v(report, "budget_adjusted")
    weight = _v(report, "execution_weight")
    old_score = _v(report, "execution_score")
    new_score = r2(weight * min(executed / adjusted, Decimal(1)))
    _set(report, "budget_executed", executed)
    _set(report, "execution_rate", r2(executed / adjusted * HUNDRED))
    _set(report, "execution_score", new_score)
    _set(report, "self_score", _v(report, "self_score") - old_score + new_score)


def _row_of(report: Report, pred: Callable[[IndicatorRow], bool]) -> int:
    for i, row in enumerate(report.indicators):
        if pred(row):
            return i
    raise LookupError("no such row")


def _replace_row(report: Report, i: int, **update: object) -> None:
    report.indicators[i] = report.indicators[i].model_copy(update=update)


def _full_positive(row: IndicatorRow) -> bool:
    return row.target is not None and row.target.direction == ">=" and row.score == row.weight


def _d_execution_rate(r: Report) -> None:
    _set(r, "execution_rate", _v(r, "execution_rate") + Decimal("1.37"))


def _d_execution_score(r: Report) -> None:
    _set(r, "execution_score", _v(r, "execution_score") - 1)
    _set(r, "self_score", _v(r, "self_score") - 1)


def _d_budget_change(r: Report) -> None:
    adjusted = _v(r, "budget_adjusted")
    initial = r2(adjusted / Decimal("1.5"))
    _set(r, "budget_initial", initial)
    _set(r, "budget_supplement", adjusted - initial)


def _d_supplement(r: Report) -> None:
    _set(r, "budget_supplement", _v(r, "budget_supplement") + 10)


def _d_execution_low(r: Report) -> None:
    _rescore_execution(r, r2(_v(r, "budget_adjusted") * Decimal("0.85")))


def _d_execution_very_low(r: Report) -> None:
    _rescore_execution(r, r2(_v(r, "budget_adjusted") * Decimal("0.75")))


def _d_over_budget(r: Report) -> None:
    _rescore_execution(r, r2(_v(r, "budget_adjusted") * Decimal("1.05")))


def _d_income_parts(r: Report) -> None:
    _set(r, "income_general_budget", _v(r, "income_general_budget") + 100)


def _d_expenditure_parts(r: Report) -> None:
    project = _v(r, "project_expenditure") + 50
    _set(r, "project_expenditure", project)
    _set(r, "project_expenditure_share", r2(project / _v(r, "expenditure_total") * HUNDRED))


def _d_basic_parts(r: Report) -> None:
    _set(r, "personnel_expenditure", _v(r, "personnel_expenditure") + 20)


def _d_balance(r: Report) -> None:
    _set(r, "balance_current_year", _v(r, "balance_current_year") + 5)


def _d_share(r: Report) -> None:
    _set(r, "basic_expenditure_share", _v(r, "basic_expenditure_share") + Decimal("0.5"))


def _d_change_rate(r: Report) -> None:
    _set(r, "income_change_rate", _v(r, "income_change_rate") + Decimal("1.11"))


def _d_fixed_assets(r: Report) -> None:
    _set(r, "fixed_assets_in_use", _v(r, "fixed_assets_in_use") + 10)


def _recompute_sangong_rates(r: Report) -> None:
    total, budget = _v(r, "three_public_total"), _v(r, "three_public_budget")
    _set(r, "three_public_saving", budget - total)
    _set(r, "three_public_execution_rate", r2(total / budget * HUNDRED))
    _set(r, "three_public_saving_rate", r2((budget - total) / budget * HUNDRED))


def _d_sangong_over(r: Report) -> None:
    for key in (
        "reception_budget",
        "vehicle_budget",
        "overseas_travel_budget",
        "reception_execution_rate",
        "vehicle_execution_rate",
    ):
        _drop(r, key)
    _set(r, "three_public_budget", r2(_v(r, "three_public_total") * Decimal("0.95")))
    _recompute_sangong_rates(r)


def _d_vehicle_over(r: Report) -> None:
    vehicle, old_budget = _v(r, "vehicle_total"), _v(r, "vehicle_budget")
    new_budget = r2(vehicle * Decimal("0.9"))
    _set(r, "vehicle_budget", new_budget)
    _set(r, "vehicle_execution_rate", r2(vehicle / new_budget * HUNDRED))
    # keep the 三公 total within its budget: the difference moves to the overseas budget
    _set(r, "overseas_travel_budget", _v(r, "overseas_travel_budget") + old_budget - new_budget)
    _recompute_sangong_rates(r)


def _d_sangong_parts(r: Report) -> None:
    _set(r, "three_public_total", _v(r, "three_public_total") + 1)
    _recompute_sangong_rates(r)


def _d_reception_rate(r: Report) -> None:
    # More than the printed digits allow: 9.10 / 11.92 may stand for 76.17%–76.46%.
    _set(r, "reception_execution_rate", _v(r, "reception_execution_rate") + Decimal("1.37"))


def _d_saving(r: Report) -> None:
    saving = _v(r, "three_public_saving") + 1
    _set(r, "three_public_saving", saving)
    _set(r, "three_public_saving_rate", r2(saving / _v(r, "three_public_budget") * HUNDRED))


def _d_reception_change_rate(r: Report) -> None:
    _set(r, "reception_change_rate", _v(r, "reception_change_rate") + Decimal("1.11"))


def _d_declared_level2(r: Report) -> None:
    i = next(k for k, d in enumerate(r.declared_weights) if d.level == 2)
    d = r.declared_weights[i]
    r.declared_weights[i] = d.model_copy(update={"points": d.points + 1})


def _d_declared_level1(r: Report) -> None:
    i = next(k for k, d in enumerate(r.declared_weights) if d.level == 1)
    d = r.declared_weights[i]
    r.declared_weights[i] = d.model_copy(update={"points": d.points + 2})


def _d_total(r: Report) -> None:
    _set(r, "self_score", _v(r, "self_score") + 2)


def _d_weight_total(r: Report) -> None:
    _set(r, "weight_total", 90)


def _d_score_over_weight(r: Report) -> None:
    i = _row_of(r, _full_positive)
    row = r.indicators[i]
    assert row.weight is not None
    _replace_row(r, i, score=row.weight + 1)
    _set(r, "self_score", _v(r, "self_score") + 1)


def _d_score_not_earned(r: Report) -> None:
    i = _row_of(r, _full_positive)
    row = r.indicators[i]
    assert row.target is not None and row.target.number is not None and row.target.unit is not None
    a = r2(row.target.number * Decimal("0.9"))
    _replace_row(r, i, actual=ParsedValue(text=f"{a}{row.target.unit}", number=a, unit=row.target.unit))


def _d_qualitative_tier(r: Report) -> None:
    i = _row_of(r, lambda row: row.actual is not None and row.actual.qualitative_tier == 1)
    _replace_row(
        r,
        i,
        actual=ParsedValue(text="部分达成年度指标", qualitative="部分达成年度指标", qualitative_tier=2),
        deviation_reason="受客观因素影响",
    )


def _d_grade(r: Report) -> None:
    _set(r, "grade", "良")


def _d_grade_missing(r: Report) -> None:
    _drop(r, "grade")


def _d_score_missing(r: Report) -> None:
    _drop(r, "grade")
    _drop(r, "self_score")


def _d_no_weights(r: Report) -> None:
    for i in range(len(r.indicators)):
        _replace_row(r, i, weight=None)


def _d_one_weight_missing(r: Report) -> None:
    _replace_row(r, 0, weight=None)


def _d_no_table(r: Report) -> None:
    r.indicators.clear()
    r.declared_weights.clear()
    _drop(r, "indicator_count")


def _d_target_vague(r: Report) -> None:
    i = _row_of(r, lambda row: row.level1 == "产出指标" and _full_positive(row))
    _replace_row(
        r,
        i,
        target=ParsedValue(text="按时保质完成", direction="qualitative", vague=True),
        actual=ParsedValue(text="已完成", qualitative="已完成", qualitative_tier=1),
    )


def _d_actual_missing(r: Report) -> None:
    i = _row_of(r, _full_positive)
    _replace_row(r, i, actual=None)


def _d_unit_mismatch(r: Report) -> None:
    i = _row_of(r, lambda row: _full_positive(row) and row.target is not None and row.target.unit != "人")
    row = r.indicators[i]
    assert row.actual is not None and row.actual.number is not None
    _replace_row(r, i, actual=ParsedValue(text=f"{row.actual.number}人", number=row.actual.number, unit="人"))


def _d_unit_column(r: Report) -> None:
    i = _row_of(r, lambda row: row.target is not None and row.target.unit not in (None, "%"))
    _replace_row(r, i, unit_stated="%")


def _d_copied(r: Report) -> None:
    i = _row_of(r, lambda row: row.level1 != "产出指标")
    text = "达到全市平均水平"
    _replace_row(r, i, target=ParsedValue(text=text), actual=ParsedValue(text=text))


def _d_deviation_reason(r: Report) -> None:
    i = _row_of(r, lambda row: bool(row.deviation_reason))
    _replace_row(r, i, deviation_reason="")


def _d_count(r: Report) -> None:
    _set(r, "indicator_count", len(r.indicators) + 1)


def _d_level2_misplaced(r: Report) -> None:
    """A level-2 heading outside the allowed set: the whole group renamed, its points unchanged."""
    old = r.indicators[_row_of(r, lambda row: row.level1 == "产出指标")].level2
    for i, row in enumerate(r.indicators):
        if row.level1 == "产出指标" and row.level2 == old:
            _replace_row(r, i, level2="工作推进情况")
    for i, d in enumerate(r.declared_weights):
        if d.level == 2 and d.name == old:
            r.declared_weights[i] = d.model_copy(update={"name": "工作推进情况"})


def _d_unreadable(r: Report) -> None:
    i = _row_of(r, lambda row: row.level1 != "产出指标")
    _replace_row(r, i, actual=ParsedValue(text="详见附件3", flagged=True))


def _d_conflict(r: Report) -> None:
    fact = r.fact("income_total")
    assert fact is not None
    r.conflicts.append(FactConflict(key="income_total", kept=fact, other=fact.model_copy(update={"value": Decimal(1)})))


def _d_comparison_year(r: Report) -> None:
    assert r.unit.fiscal_year is not None
    _set(r, "income_prior_year", r.unit.fiscal_year - 2)


def _d_report_date(r: Report) -> None:
    r.unit = r.unit.model_copy(update={"report_date": f"{r.unit.fiscal_year}-06-30"})


def _d_fiscal_year(r: Report) -> None:
    r.unit = r.unit.model_copy(update={"fiscal_year": None})


def _d_funds_sources(r: Report) -> None:
    source = r.funds_sources[1]
    assert source.budget_adjusted is not None
    r.funds_sources[1] = source.model_copy(update={"budget_adjusted": source.budget_adjusted + 5})


def _d_project_rate(r: Report) -> None:
    p = r.projects[0]
    assert p.execution_rate is not None
    r.projects[0] = p.model_copy(update={"execution_rate": p.execution_rate - 2})


def _d_project_supplement(r: Report) -> None:
    p = r.projects[0]
    assert p.supplement is not None
    r.projects[0] = p.model_copy(update={"supplement": p.supplement + 3})


# defect → (how to plant it, the rule codes that must fire — and no other warning or error)
DEFECTS: dict[str, tuple[Callable[[Report], None], frozenset[str]]] = {
    "execution_rate": (_d_execution_rate, frozenset({"JX101"})),
    "execution_score": (_d_execution_score, frozenset({"JX102"})),
    "budget_change": (_d_budget_change, frozenset({"JX103"})),
    "supplement": (_d_supplement, frozenset({"JX104"})),
    "execution_low": (_d_execution_low, frozenset({"JX105"})),
    "executed_over_budget": (_d_over_budget, frozenset({"JX106"})),
    "funds_sources": (_d_funds_sources, frozenset({"JX110"})),
    "project_rate": (_d_project_rate, frozenset({"JX108"})),
    "project_supplement": (_d_project_supplement, frozenset({"JX109"})),
    "income_parts": (_d_income_parts, frozenset({"JX201"})),
    "expenditure_parts": (_d_expenditure_parts, frozenset({"JX202"})),
    "basic_parts": (_d_basic_parts, frozenset({"JX203"})),
    "balance": (_d_balance, frozenset({"JX204"})),
    "share": (_d_share, frozenset({"JX205"})),
    "change_rate": (_d_change_rate, frozenset({"JX206"})),
    "fixed_assets": (_d_fixed_assets, frozenset({"JX207"})),
    "sangong_over_budget": (_d_sangong_over, frozenset({"JX301"})),
    "vehicle_over_budget": (_d_vehicle_over, frozenset({"JX302"})),
    "sangong_parts": (_d_sangong_parts, frozenset({"JX303"})),
    "reception_rate": (_d_reception_rate, frozenset({"JX304"})),
    "saving": (_d_saving, frozenset({"JX305"})),
    "reception_change_rate": (_d_reception_change_rate, frozenset({"JX306"})),
    "declared_level1": (_d_declared_level1, frozenset({"JX401", "JX404"})),  # also off the profile's 50/30/10
    "declared_level2": (_d_declared_level2, frozenset({"JX402"})),
    "weight_total": (_d_weight_total, frozenset({"JX403", "JX510"})),  # 总分 分值 90 is also below the score
    "score_over_weight": (_d_score_over_weight, frozenset({"JX405"})),
    "level2_misplaced": (_d_level2_misplaced, frozenset({"JX406"})),
    "indicator_count": (_d_count, frozenset({"JX408"})),
    "one_weight_missing": (_d_one_weight_missing, frozenset({"JX409", "JX507"})),
    "total": (_d_total, frozenset({"JX501"})),
    "score_not_earned": (_d_score_not_earned, frozenset({"JX502"})),
    "qualitative_tier": (_d_qualitative_tier, frozenset({"JX503"})),
    "grade": (_d_grade, frozenset({"JX504"})),
    "grade_missing": (_d_grade_missing, frozenset({"JX505"})),
    "score_missing": (_d_score_missing, frozenset({"JX506"})),
    "no_weights": (_d_no_weights, frozenset({"JX507"})),
    "inflation": (_d_execution_very_low, frozenset({"JX105", "JX508"})),
    "target_vague": (_d_target_vague, frozenset({"JX601"})),
    "actual_missing": (_d_actual_missing, frozenset({"JX602"})),
    "unit_mismatch": (_d_unit_mismatch, frozenset({"JX603"})),
    "unit_column": (_d_unit_column, frozenset({"JX609"})),
    "copied": (_d_copied, frozenset({"JX604"})),
    "no_table": (_d_no_table, frozenset({"JX507", "JX605"})),
    "deviation_reason": (_d_deviation_reason, frozenset({"JX606"})),
    "conflict": (_d_conflict, frozenset({"JX607"})),
    "unreadable": (_d_unreadable, frozenset({"JX608"})),
    "comparison_year": (_d_comparison_year, frozenset({"JX701"})),
    "report_date": (_d_report_date, frozenset({"JX702"})),
    "fiscal_year": (_d_fiscal_year, frozenset({"JX703"})),
}


def plant(report: Report, defect: str) -> Report:
    """A copy of the report with one defect planted."""
    copy = report.model_copy(deep=True)
    DEFECTS[defect][0](copy)
    if defect != "funds_sources":
        _keep_sources_summing(copy)  # a defect in the totals is planted once, not again in the source rows
    return copy


def _keep_sources_summing(r: Report) -> None:
    """Let the first source row absorb a change a defect made to the funds totals."""
    if not r.funds_sources:
        return
    first, rest = r.funds_sources[0], r.funds_sources[1:]
    update: dict[str, Decimal] = {}
    for key in ("budget_initial", "budget_adjusted", "budget_executed"):
        total = r.value(key)
        if isinstance(total, Decimal):
            update[key] = total - sum((getattr(s, key) or Decimal(0) for s in rest), Decimal(0))
    r.funds_sources[0] = first.model_copy(update=update)
