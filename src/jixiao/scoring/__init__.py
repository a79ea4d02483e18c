"""Report + Profile → Scorecard: every recomputed number with its inputs, formula and result."""

from jixiao.scoring.engine import indicator_item, qualitative_tier, score, score_in_tier, tier_range

__all__ = ["indicator_item", "qualitative_tier", "score", "score_in_tier", "tier_range"]
