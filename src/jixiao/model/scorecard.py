"""The scorecard: a report re-scored under a profile, every number with its inputs, formula and result.

Frozen dataclasses, built by `jixiao.scoring.score`; the rules compare it with what the report states.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from jixiao.model.document import Provenance
from jixiao.model.report import json_number

ItemKind = Literal["execution", "indicator", "level2", "level1", "deduction", "cap", "total", "grade"]
InputValue = Decimal | int | str | None


@dataclass(frozen=True, slots=True)
class ScoreItem:
    """One computed number: what went in, the formula in words, what came out."""

    name: str
    kind: ItemKind
    inputs: dict[str, InputValue]
    formula: str
    result: Decimal | None  # None: could not be computed (the reason is in `formula`)
    provenance: Provenance | None = None
    weight: Decimal | None = None  # the item's points (分值)
    stated: Decimal | None = None  # the score the report states for it, if any
    recomputed: bool = True  # False when the stated score was carried over because it cannot be recomputed
    index: int | None = None  # indicator items: the row's index in Report.indicators
    tier: int | None = None  # qualitative items: 1 达成 / 2 部分达成 / 3 未达成
    completion: Decimal | None = None  # indicator items: completion in percent of target (positive direction)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "inputs": {k: json_number(v) if isinstance(v, Decimal) else v for k, v in self.inputs.items()},
            "formula": self.formula,
            "result": json_number(self.result),
            "weight": json_number(self.weight),
            "stated": json_number(self.stated),
            "recomputed": self.recomputed,
        }


@dataclass(frozen=True, slots=True)
class LevelSum:
    """Points and scores summed under one level-1 or level-2 heading."""

    level: Literal[1, 2]
    name: str  # level-2 sums are named "level1/level2"
    weight: Decimal
    score_stated: Decimal | None
    score_computed: Decimal
    rows: tuple[int, ...]
    declared: Decimal | None = None  # points declared on the heading, e.g. 产出指标(50分)
    declared_provenance: Provenance | None = None


@dataclass(frozen=True, slots=True)
class Scorecard:
    """A report re-scored: stated versus computed total and grade, and every item behind them."""

    profile: str
    stated_total: Decimal | None
    computed_total: Decimal | None
    grade_stated: str | None
    grade_computed: str | None
    recomputable: bool  # an indicator table with points and scores stands behind the total
    execution: ScoreItem | None
    execution_rate: Decimal | None  # computed, percent
    indicator_items: tuple[ScoreItem, ...] = ()
    level1: tuple[LevelSum, ...] = ()
    level2: tuple[LevelSum, ...] = ()
    weight_sum: Decimal | None = None  # execution points + Σ row points
    stated_score_sum: Decimal | None = None  # execution score + Σ stated row scores
    items: tuple[ScoreItem, ...] = field(default=())  # every item in order, totals and grade last

    def summary_dict(self) -> dict[str, Any]:
        """The contract's `score` object of `jixiao check --format json`."""
        return {
            "stated": json_number(self.stated_total),
            "computed": json_number(self.computed_total),
            "grade_stated": self.grade_stated,
            "grade_computed": self.grade_computed,
            "recomputable": self.recomputable,
        }

    def to_dict(self) -> dict[str, Any]:
        out = self.summary_dict()
        out["profile"] = self.profile
        out["execution_rate"] = json_number(self.execution_rate)
        out["items"] = [i.to_dict() for i in self.items]
        return out
