"""Benchmark section for `make bench`: the review dashboard with a few thousand reports, in Chromium.

The reports are the seeds', shared forms' and bundled samples' review items (built as
`scripts/dashboard_demo.py` builds them), repeated under new hashes and unit names up to N. Timed: writing
index.html, then in headless Chromium (Debian's, through Playwright) the page's load until the list and
charts are drawn, a text filter, a sort, and opening one report's page; the file's size and the page's
JS heap are reported.

Standalone: .venv/bin/python scripts/bench_dashboard.py [N]
"""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

REPORTS = 3000
IN_PAGE = """([selector, text]) => {
    const node = document.querySelector(selector), start = performance.now();
    if (text === null) node.click();
    else { node.value = text; node.dispatchEvent(new Event("input")); }
    return performance.now() - start;
}"""
CHROMIUM = Path("/usr/bin/chromium")


def _demo() -> Any:
    spec = importlib.util.spec_from_file_location("dashboard_demo", ROOT / "scripts" / "dashboard_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def many_reports(base: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """`count` report items: the base ones again and again, each under its own hash and unit name."""
    out = []
    for number in range(count):
        item = copy.deepcopy(base[number % len(base)])
        item["source"]["sha256"] = hashlib.sha256(f"{number}".encode()).hexdigest()
        unit = item["report"]["report"]["unit"]
        unit["department"] = f"{unit.get('department') or '单位'}{number:05d}"
        out.append(item)
    return out


def run(count: int = REPORTS) -> str:
    from jixiao.review.dashboard import write_dashboard

    demo = _demo()
    folders = [demo.SHARED / "seeds", demo.SHARED / "corpus" / "forms", ROOT / "src" / "jixiao" / "samples"]
    base, failures = demo.review_items(demo.report_files([p for p in folders if p.exists()]))
    reports = many_reports(base, count)
    lines = [
        "## Review dashboard (index.html)",
        "",
        f"{count} reports ({len(base)} distinct review items repeated under new hashes), "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}.",
        "",
        "| step | result |",
        "|---|---|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        page = write_dashboard(reports, failures, Path(folder))
        lines.append(f"| write_dashboard | {time.perf_counter() - start:.2f} s |")
        lines.append(f"| index.html | {page.stat().st_size / 1e6:.1f} MB |")
        if not CHROMIUM.exists():
            lines.append("| browser | skipped: /usr/bin/chromium missing (scripts/install-system-deps.sh) |")
        else:
            lines += [f"| {step} | {value} |" for step, value in _browser_timings(page, reports)]
    return "\n".join(lines) + "\n"


def _browser_timings(page: Path, reports: list[dict[str, Any]]) -> list[tuple[str, str]]:
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    out: list[tuple[str, str]] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        start = time.perf_counter()
        tab.goto(page.as_uri())
        tab.wait_for_selector("body[data-ready=overview] #chart-execution canvas")
        out.append(("open from disk until list and charts are drawn", f"{time.perf_counter() - start:.2f} s"))
        heap = tab.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
        out.append(("JS heap after load", f"{heap / 1e6:.0f} MB"))
        # in the page's own clock: the work of the event handler, without Playwright's round trips
        filtering = tab.evaluate(IN_PAGE, ["#f-text", "00042"])
        assert tab.locator("#reports-body tr").count() == 1
        out.append(("text filter (one row left)", f"{filtering:.0f} ms"))
        tab.click("#f-reset")
        sorting = tab.evaluate(IN_PAGE, ["#reports-head th[data-key=computed]", None])
        out.append((f"sort by 重算得分 (all {len(reports)}, first 500 drawn)", f"{sorting:.0f} ms"))
        start = time.perf_counter()
        tab.evaluate(f"location.hash = '#r/{reports[-1]['source']['sha256']}'")
        tab.wait_for_selector("body[data-ready=report] #findings")
        out.append(("open a report's page", f"{(time.perf_counter() - start) * 1000:.0f} ms"))
        browser.close()
    return out


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else REPORTS))
