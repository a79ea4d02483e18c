"""Write a demo review dashboard from the seeds, the shared forms and the bundled samples.

    .venv/bin/python scripts/dashboard_demo.py [FILE_OR_DIR ...] [--out demo-out/dashboard] [--screenshots docs/images]

Each report item is built the way `jixiao review` writes `reports/<sha>.json`: the `check --format json`
entry plus `report` (`jixiao extract`) and `document` (`jixiao parse`), all through the service layer.
Files that cannot be read become the dashboard's 读取失败 rows. `tests/test_dashboard.py` uses
`review_items` for its fixtures. `--screenshots DIR` saves `dashboard.png` (the overview) and
`dashboard-report.png` (the page of the first report in the list: the most errors) through Debian's
chromium, as the README shows them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from jixiao import service
from jixiao.errors import JixiaoError
from jixiao.review.dashboard import write_dashboard

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DEFAULT_INPUTS = [
    SHARED / "seeds",
    SHARED / "corpus" / "forms",
    SHARED / "corpus" / "real",
    ROOT / "src" / "jixiao" / "samples",
]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
REPORT_SUFFIXES = {".txt", ".docx", ".doc", ".xlsx", ".xls", ".pdf", ".html", ".htm"}


def report_files(inputs: list[Path]) -> list[Path]:
    """The report files of the inputs: files as given, folders' report-like files (not recursive)."""
    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            files += sorted(p for p in item.iterdir() if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES)
        elif item.is_file():
            files.append(item)
    return files


def review_items(paths: list[Path]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The dashboard's input for these files: (reports, failures), in the review's shapes."""
    reports: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    seen: set[str] = set()
    for result in service.check_files(list(paths), use_cache=False):
        path = str(result["source"]["path"])
        if "error" in result:
            failures.append({"path": path, "error": str(result["error"]), "kind": str(result.get("kind", ""))})
            continue
        if result["source"]["sha256"] in seen:  # the same content twice is one report
            continue
        seen.add(result["source"]["sha256"])
        try:
            item = {**result, "report": service.extract_json(path), "document": service.parse_json(path)}
        except JixiaoError as error:
            failures.append({"path": path, "error": str(error), "kind": type(error).__name__})
            continue
        reports.append(item)
    return reports, failures


def screenshots(page: Path, out: Path) -> list[Path]:
    """The overview and the first listed report's page, as PNG files in `out`."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    overview, report = out / "dashboard.png", out / "dashboard-report.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1500}, locale="zh-CN")
        tab.goto(page.as_uri())
        tab.wait_for_selector("body[data-ready=overview] #chart-execution canvas")
        tab.wait_for_timeout(1000)  # ECharts animates its first draw
        tab.screenshot(path=str(overview))  # the totals, the charts and the top of the list
        tab.set_viewport_size({"width": 1400, "height": 900})
        tab.click("#reports-body tr a")
        tab.wait_for_selector("body[data-ready=report]")
        tab.wait_for_timeout(300)
        tab.screenshot(path=str(report))
        browser.close()
    return [overview, report]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", type=Path, help="files or folders (default: seeds, forms, samples)")
    parser.add_argument("--out", type=Path, default=ROOT / "demo-out" / "dashboard")
    parser.add_argument("--screenshots", type=Path, help="save the overview and a report page as PNG here")
    args = parser.parse_args(argv)
    files = report_files(args.inputs or [p for p in DEFAULT_INPUTS if p.exists()])
    reports, failures = review_items(files)
    page = write_dashboard(reports, failures, args.out)
    print(f"{len(reports)} 份报告，{len(failures)} 个读取失败 → {page}")
    if args.screenshots:
        for image in screenshots(page, args.screenshots):
            print(image)
    return 0


if __name__ == "__main__":
    sys.exit(main())
