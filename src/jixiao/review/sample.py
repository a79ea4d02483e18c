"""抽查: a reproducible sample of reports for checking by hand.

Stratified by score band (each band gets its share of the sample, at least one report when the sample
is large enough), and within a band weighted toward reports with error findings (weighted sampling
without replacement, Efraimidis–Spirakis). The same reports, seed and size give the same sample
whatever the order of the input, since reports are taken in the order of their content hash.
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import Any

BANDS = ((90, "90分及以上"), (80, "80–90分"), (60, "60–80分"), (0, "60分以下"))
NO_SCORE = "无法复算"
ERROR_WEIGHT = 3.0  # a report with an error finding is three times as likely to be drawn


def score_band(result: dict[str, Any]) -> str:
    score = result["score"].get("computed")
    if score is None:
        return NO_SCORE
    return next(label for floor, label in BANDS if score >= floor)


def errors_of(result: dict[str, Any]) -> int:
    return sum(1 for f in result.get("findings", []) if f["severity"] == "error")


def draw(results: list[dict[str, Any]], size: int, seed: int) -> list[tuple[dict[str, Any], str, float]]:
    """`size` reports (all when fewer), each with its band and its weight, in band order."""
    if size <= 0 or not results:
        return []
    rng = random.Random(seed)
    bands: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for result in sorted(results, key=lambda r: r["source"]["sha256"]):
        bands[score_band(result)].append(result)
    order = [label for _, label in BANDS] + [NO_SCORE]
    shares = _allocate({b: len(bands[b]) for b in order if bands[b]}, min(size, len(results)))
    chosen: list[tuple[dict[str, Any], str, float]] = []
    for band in order:
        members = bands.get(band, [])
        weights = [ERROR_WEIGHT if errors_of(r) else 1.0 for r in members]
        keyed = sorted(
            ((rng.random() ** (1 / w), r, w) for r, w in zip(members, weights, strict=True)),
            key=lambda t: -t[0],
        )
        chosen.extend((r, band, w) for _, r, w in keyed[: shares.get(band, 0)])
    return chosen


def _allocate(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Split `total` over bands in proportion to their sizes (largest remainder), one at least each
    when there are enough to go round, never more than a band holds."""
    population = sum(sizes.values())
    floor = 1 if total >= len(sizes) else 0
    shares = {b: min(n, max(floor, total * n // population)) for b, n in sizes.items()}
    remainders = sorted(sizes, key=lambda b: -(total * sizes[b] % population))
    while sum(shares.values()) < total:
        grew = False
        for band in remainders:
            if sum(shares.values()) < total and shares[band] < sizes[band]:
                shares[band] += 1
                grew = True
        if not grew:
            break
    while sum(shares.values()) > total:  # the one-each floor overshot: take from the largest
        largest = max(shares, key=lambda b: shares[b])
        shares[largest] -= 1
    return shares
