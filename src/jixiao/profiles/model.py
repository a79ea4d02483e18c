"""The scoring profile as a validated pydantic model: everything that varies by province and year.

A profile file is TOML; an unknown key, weights that do not add up or bands out of order are
rejected on load (see `loader.py`, which turns validation errors into `InvalidProfile`).
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from jixiao.model.report import stem

ReportKind = Literal["department_overall", "project", "mixed"]
ReverseFormula = Literal["pmkpi_linear", "target_over_actual"]
EqualFormula = Literal["as_positive", "exact"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Weights(_Strict):
    """Points: the total, budget execution, and the level-1 split of the indicator points."""

    total: Decimal = Decimal(100)
    execution: Decimal = Decimal(10)
    # Level-1 name → points; empty means the split is free (Sichuan: 90 indicator points in any split).
    level1: dict[str, Decimal] = Field(default_factory=dict)
    # Level-1 headings that must be present (e.g. 满意度指标).
    required_level1: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _adds_up(self) -> Weights:
        if self.execution < 0 or self.execution > self.total:
            raise ValueError(f"execution={self.execution} 不在 0–{self.total} 之间 / not within 0–{self.total}")
        if self.level1:
            s = sum(self.level1.values(), Decimal(0))
            if s + self.execution != self.total:
                raise ValueError(
                    f"一级指标分值合计 {s} 加预算执行 {self.execution} 不等于总分 {self.total} / "
                    f"level-1 points {s} plus execution {self.execution} do not add up to {self.total}"
                )
        return self


class Band(_Strict):
    label: str
    min: Decimal


class Grades(_Strict):
    """Grade bands from best to worst; the last band's min is 0."""

    bands: list[Band]
    # Labels of other label sets that mean the same band, best first (优秀/好 = 优 ...): a stated
    # grade is compared by its band, so a report using another label set is not a contradiction.
    equivalents: list[list[str]] = Field(default_factory=list)
    # A stated grade outside these bands contradicts a rule outside the document: how sure that is.
    # (Outside a legend the document states itself it is always an error.)
    mismatch_severity: Literal["warning", "error"] = "warning"

    @model_validator(mode="after")
    def _ordered(self) -> Grades:
        if len(self.bands) < 2:
            raise ValueError("至少需要两个等次 / at least two bands are needed")
        mins = [b.min for b in self.bands]
        if any(a <= b for a, b in itertools.pairwise(mins)):
            raise ValueError(f"等次下限须从高到低严格递减：{mins} / band minimums must strictly decrease")
        if mins[-1] != 0:
            raise ValueError("最低等次的下限须为 0 / the last band must start at 0")
        labels = [b.label for b in self.bands]
        if len(set(labels)) != len(labels):
            raise ValueError(f"等次名称重复：{labels} / duplicate band labels")
        return self

    def grade(self, score: Decimal) -> tuple[int, str]:
        """The band (0 = best) and its label for a score."""
        for i, band in enumerate(self.bands):
            if score >= band.min:
                return i, band.label
        return len(self.bands) - 1, self.bands[-1].label

    def band_of(self, label: str) -> int | None:
        """The band a stated grade label names (0 = best), from this profile's labels or their equivalents."""
        text = label.strip()
        for i, band in enumerate(self.bands):
            if text == band.label:
                return i
        for i, names in enumerate(self.equivalents):
            if text in names and i < len(self.bands):
                return i
        return None


class Tier(_Strict):
    """A qualitative tier: the share of the points it allows, a default share, and its words."""

    min: Decimal  # share of the points, inclusive
    max: Decimal  # inclusive for the first tier, exclusive for the others
    default: Decimal
    words: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _inside(self) -> Tier:
        if not (0 <= self.min <= self.max <= 1):
            raise ValueError(f"档次区间 [{self.min}, {self.max}] 须在 0–1 之内 / tier interval must lie within 0–1")
        if not (self.min <= self.default <= self.max):
            raise ValueError(f"默认比例 {self.default} 不在档次区间内 / default share outside its tier")
        return self


class Scoring(_Strict):
    """Formulas and rounding."""

    reverse_formula: ReverseFormula = "pmkpi_linear"
    equal_formula: EqualFormula = "as_positive"
    decimals: int = Field(default=2, ge=0, le=6)
    cap_at_weight: bool = True
    negative_actual_zero: bool = True
    qualitative: list[Tier]

    @model_validator(mode="after")
    def _tiers(self) -> Scoring:
        tiers = self.qualitative
        if len(tiers) != 3:
            raise ValueError("定性指标须有三个档次 / qualitative scoring needs exactly three tiers")
        if tiers[0].max != 1 or tiers[-1].min != 0:
            raise ValueError("档次须覆盖 0–1 / tiers must cover 0–1")
        for upper, lower in itertools.pairwise(tiers):
            if lower.max != upper.min:
                raise ValueError(f"档次不连续：{lower.max} ≠ {upper.min} / tiers must be contiguous from best to worst")
        return self


class Tolerances(_Strict):
    score: Decimal = Decimal("0.01")  # stated versus recomputed indicator score
    amount: Decimal = Decimal("0.01")  # sums of amounts in 万元, beyond each value's own rounding
    # Differences inside what the printed digits allow (7908.83 against 4204.8 + 3704): no finding,
    # or an info for each when true.
    rounding_info: bool = False


class CapRule(_Strict):
    below: Decimal  # execution rate (percent) below which…
    cap: Decimal  # …the total may not exceed this


class Vendor(_Strict):
    """Practice of commercial systems and provincial manuals, not national rule: off by default."""

    execution_caps: bool = False
    caps: list[CapRule] = Field(
        default_factory=lambda: [
            CapRule(below=Decimal(80), cap=Decimal(89)),
            CapRule(below=Decimal(70), cap=Decimal(79)),
            CapRule(below=Decimal(60), cap=Decimal(69)),
            CapRule(below=Decimal(50), cap=Decimal(59)),
        ]
    )
    deviation_deduction: bool = False
    deviation_at: Decimal = Decimal(130)  # completion in percent of target
    deviation_points: Decimal = Decimal(2)
    red_warning: bool = False
    red_warning_gap: Decimal = Decimal(5)  # percent


class Thresholds(_Strict):
    """When an explanation is required, and what counts as inflation."""

    execution_explain_below: Decimal = Decimal(90)
    budget_change_explain_above: Decimal = Decimal(20)
    completion_explain_at: Decimal = Decimal(130)
    # Without the vendor red warning: near-full indicator scores (≥ this share) with execution below…
    inflation_indicator_share: Decimal = Decimal(95)
    inflation_execution_below: Decimal = Decimal(80)


class RuleSelection(_Strict):
    select: list[str] = Field(default_factory=lambda: ["ALL"])
    ignore: list[str] = Field(default_factory=list)


_ALL_KINDS: tuple[ReportKind, ...] = ("department_overall", "project", "mixed")


class Applies(_Strict):
    """Where a profile applies: region prefixes (empty = anywhere), fiscal years, report kinds, and the
    marks of its own form, which choose it whatever the region (the region is often not read)."""

    regions: list[str] = Field(default_factory=list)
    year_from: int = 2000
    year_to: int = 2100
    report_kinds: list[ReportKind] = Field(default_factory=lambda: list(_ALL_KINDS))
    form_codes: list[str] = Field(default_factory=list)  # 报表编号, e.g. 510000_0013zp
    # Level-1 points the form declares on its headings, all of them: 预算执行情况(10分), 绩效指标(90分).
    declared_points: dict[str, Decimal] = Field(default_factory=dict)
    # Source rows of the form's funds block found on no other form, all of them: 财政专户管理资金.
    funds_rows: list[str] = Field(default_factory=list)

    def form_matches(self, code: str | None, declared: dict[str, Decimal], funds_rows: set[str]) -> bool:
        """Whether a report shows one of this profile's form marks."""
        if code and any(c in code for c in self.form_codes):
            return True
        if self.declared_points and all(declared.get(stem(k)) == v for k, v in self.declared_points.items()):
            return True
        return bool(self.funds_rows) and all(name in funds_rows for name in self.funds_rows)


class Profile(_Strict):
    """A scoring profile: one file per province/year rule set."""

    id: str
    name: str
    description: str = ""
    basis: str = ""  # the documents the profile follows, with their certainty
    default: bool = False
    applies: Applies = Field(default_factory=Applies)
    weights: Weights = Field(default_factory=Weights)
    grades: Grades
    scoring: Scoring
    tolerances: Tolerances = Field(default_factory=Tolerances)
    vendor: Vendor = Field(default_factory=Vendor)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    # Level-1 stem → allowed level-2 names (checked with 指标/目标 suffixes stripped).
    level2_allowed: dict[str, list[str]] = Field(default_factory=dict)
    rules: RuleSelection = Field(default_factory=RuleSelection)
    path: str = ""  # set by the loader: where the profile was read from
