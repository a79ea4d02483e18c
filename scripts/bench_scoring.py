"""Benchmark section for `make bench`: scoring plus every rule on 10,000 generated typed reports, on one
core, total and per-rule split (goal < 10 s). The reports come from jixiao.samples.generator, the same
generator the property tests use; generating them is not timed.

Standalone: .venv/bin/python scripts/bench_scoring.py [N]
"""

from __future__ import annotations

import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jixiao.profiles import get_profile  # noqa: E402 — after the path set-up above
from jixiao.rules import Context, all_rules, run_rules  # noqa: E402
from jixiao.samples.generator import consistent_report, plant  # noqa: E402
from jixiao.scoring import score  # noqa: E402

GOAL_SECONDS = 10.0
PASSES = 3
DEFECT_EVERY = 4  # one report in four carries a planted defect, so rules also build findings


def _reports(n: int) -> list:  # type: ignore[type-arg]
    from jixiao.samples.generator import DEFECTS

    profile = get_profile("national-2020")
    names = sorted(DEFECTS)
    out = []
    for seed in range(n):
        report = consistent_report(seed, profile)
        if seed % DEFECT_EVERY == 0:
            report = plant(report, names[(seed // DEFECT_EVERY) % len(names)])
        out.append(report)
    return out


def run(n: int = 10_000) -> str:
    """The markdown section."""
    profile = get_profile("national-2020")
    rules = all_rules()
    t0 = time.process_time()
    reports = _reports(n)
    generated = time.process_time() - t0

    # 1. end to end, as `jixiao check` runs it after extraction: score, then every rule. CPU time of this
    # process (one core); the best of PASSES passes, as timeit reports, since the machine may be shared.
    totals: list[float] = []
    walls: list[float] = []
    findings = 0
    for _ in range(PASSES):
        wall, start = time.perf_counter(), time.process_time()
        findings = 0
        for report in reports:
            card = score(report, profile)
            findings += len(run_rules(Context(report, card, profile), rules))
        totals.append(time.process_time() - start)
        walls.append(time.perf_counter() - wall)
    total, wall = min(totals), walls[totals.index(min(totals))]

    # 2. the split: scoring, then each rule on its own
    per_rule = dict.fromkeys((r.code for r in rules), 0.0)
    scoring = reading = 0.0
    clock = time.process_time
    for report in reports:
        t = clock()
        card = score(report, profile)
        scoring += clock() - t
        ctx = Context(report, card, profile)
        t = clock()
        ctx.fact("self_score")  # the context reads the report's facts once; the first rule would pay for it
        reading += clock() - t
        for r in rules:
            t = clock()
            list(r.func(ctx))
            per_rule[r.code] += clock() - t

    verdict = "meets" if total < GOAL_SECONDS else "misses"
    lines = [
        "## Scoring and rules (issue 5)",
        "",
        f"`score(report, profile)` plus all {len(rules)} rules on {n:,} generated typed reports "
        f"(`jixiao.samples.generator`, one in {DEFECT_EVERY} with a planted defect; {findings:,} findings), "
        f"one process on one core, profile `national-2020`. Python {platform.python_version()}, "
        f"{platform.machine()}. Generating the reports took {generated:.1f} s (not counted).",
        "",
        f"**Total: {total:.2f} s CPU** ({total / n * 1e3:.3f} ms per report; {wall:.2f} s wall clock), best of "
        f"{PASSES} passes (all: {', '.join(f'{t:.2f}' for t in totals)} s) — {verdict} the goal of "
        f"< {GOAL_SECONDS:.0f} s.",
        "",
        "| part | seconds | share |",
        "|---|---:|---:|",
        f"| scoring engine | {scoring:.3f} | {scoring / total:.0%} |",
        f"| reading the facts into the rules' context (once per report) | {reading:.3f} | {reading / total:.0%} |",
    ]
    for code, seconds in sorted(per_rule.items(), key=lambda kv: -kv[1]):
        name = next(r.name for r in rules if r.code == code)
        lines.append(f"| {code} `{name}` | {seconds:.3f} | {seconds / total:.1%} |")
    lines.append("")
    lines.append(
        "The split is measured in a second pass with a CPU timer around each call, so its parts add up to "
        "a little more than the total."
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    print(run(count))
