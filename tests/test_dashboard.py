"""The review dashboard, tested in a real browser: Debian's Chromium driven by Playwright, from disk, offline.

The reports are built through the service layer from the seeds, the shared forms and the bundled
samples (`scripts/dashboard_demo.py:review_items`), plus a copy of a sample whose pointed-at sentence
carries markup and a failed file whose name does: hostile text must show as text. The page must open
from file:// with every other request aborted (and none attempted), draw its charts, log no console
error, sort and filter its list, and open a report's page with the pointed-at cell highlighted in view.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright

from jixiao.review.dashboard import dashboard_html, report_page, script_json, summary_row, write_dashboard
from jixiao.review.excerpts import TABLE_ROWS_WHOLE, DocumentIndex, excerpts

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "src" / "jixiao" / "samples"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # tests run as root in CI
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",  # else Chromium itself calls home, which the test would count
    "--disable-component-update",
    "--disable-sync",
]
INJECTED = '<img src=x onerror="window.__pwned=1"></script><b>一般性支出</b>'
BAD_NAME = "<img src=x onerror=window.__pwned=2>损坏.docx"
CHART_IDS = ("chart-scores", "chart-compare", "chart-rules", "chart-execution")


def _demo_module() -> Any:
    spec = importlib.util.spec_from_file_location("dashboard_demo", ROOT / "scripts" / "dashboard_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Path]:
    """(reports, failures, index.html) for the seeds, forms and samples, one hostile report and one bad file."""
    demo = _demo_module()
    inputs = tmp_path_factory.mktemp("inputs")
    narrative = (SAMPLES / "dept_narrative_baishi_agriculture_2023.txt").read_text(encoding="utf-8")
    assert "主要是因为压减一般性支出" in narrative
    (inputs / "hostile_narrative.txt").write_text(
        narrative.replace("一般性支出", INJECTED, 1).replace("白石县", "黑石县"), encoding="utf-8"
    )
    (inputs / BAD_NAME).write_bytes(b"PK\x03\x04 not really a docx")
    folders = [demo.SHARED / "seeds", demo.SHARED / "corpus" / "forms", SAMPLES]
    files = demo.report_files([p for p in folders if p.exists()]) + sorted(inputs.iterdir())
    reports, failures = demo.review_items(files)
    out = write_dashboard(reports, failures, tmp_path_factory.mktemp("review"))
    return reports, failures, out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (scripts/install-system-deps.sh installs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class OfflinePage:
    """A page on which every request but file:// is aborted and recorded, with console errors kept."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.context.route(re.compile(r"^(?!file:).*"), self._abort)
        self.page = self.context.new_page()
        self.page.on("request", self._request)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _abort(self, route: Any) -> None:
        self.blocked.append(route.request.url)
        route.abort()

    def _request(self, request: Any) -> None:
        if not request.url.startswith("file:"):
            self.blocked.append(request.url)

    def open(self, page: Path, hash_: str = "") -> Any:
        self.page.goto(page.as_uri() + hash_)
        self.page.wait_for_selector("body[data-ready]")
        return self.page


@pytest.fixture
def offline(browser: Any) -> Iterator[OfflinePage]:
    page = OfflinePage(browser)
    yield page
    assert page.blocked == [], f"the dashboard tried the network: {page.blocked}"
    assert page.errors == [], f"console errors: {page.errors}"
    page.context.close()


def _column(page: Any, key: str) -> list[str]:
    index = page.eval_on_selector_all("#reports-head th", f"ths => ths.findIndex(th => th.dataset.key === '{key}')")
    return list(
        page.eval_on_selector_all(f"#reports-body tr td:nth-child({index + 1})", "tds => tds.map(td => td.textContent)")
    )


def _numbers(column: list[str]) -> list[float | None]:
    return [None if text == "—" else float(text) for text in column]


def test_opens_offline_and_draws_every_chart(review: Any, offline: OfflinePage) -> None:
    reports, failures, index = review
    page = offline.open(index)
    for chart in CHART_IDS:
        page.wait_for_selector(f"#{chart} canvas")
        box = page.locator(f"#{chart} canvas").first.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100, chart
    assert page.locator("#reports-body tr").count() == len(reports)
    assert page.locator("#failures-body tr").count() == len(failures) >= 1
    assert page.locator("#totals .total b").first.text_content() == str(len(reports))


def test_list_sorts_by_a_column_both_ways(review: Any, offline: OfflinePage) -> None:
    reports, _, index = review
    page = offline.open(index)
    expected = sorted(r["score"]["computed"] for r in reports if r["score"]["computed"] is not None)
    blanks = [None] * (len(reports) - len(expected))
    page.click("#reports-head th[data-key=computed]")
    assert page.get_attribute("#reports-head th[data-key=computed]", "aria-sort") == "descending"
    assert _numbers(_column(page, "computed")) == expected[::-1] + blanks
    page.click("#reports-head th[data-key=computed]")
    assert _numbers(_column(page, "computed")) == expected + blanks  # blanks last either way


def test_list_filters_by_text_year_severity_and_rule(review: Any, offline: OfflinePage) -> None:
    reports, _, index = review
    page = offline.open(index)
    rows = [summary_row(r) for r in reports]
    page.select_option("#f-year", "2023")
    assert page.locator("#reports-body tr").count() == sum(r["year"] == 2023 for r in rows)
    assert set(_column(page, "year")) == {"2023"}
    page.select_option("#f-severity", "error")
    assert page.locator("#reports-body tr").count() == sum(r["year"] == 2023 and r["errors"] > 0 for r in rows)
    page.click("#f-reset")
    assert page.locator("#reports-body tr").count() == len(reports)
    page.fill("#f-text", "黑石县")  # the hostile copy's unit, found in no other report
    assert page.locator("#reports-body tr").count() == 1
    page.click("#f-reset")
    code = max({c for r in rows for c in r["codes"]}, key=lambda c: sum(c in r["codes"] for r in rows))
    page.select_option("#f-rule", code)
    assert page.locator("#reports-body tr").count() == sum(code in r["codes"] for r in rows)
    assert "符合条件" in (page.text_content("#list-count") or "")


def _deepest_cell_finding(reports: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Of the Word files, the report and finding pointing at the lowest table cell (far out of view at first)."""
    candidates = [
        (max(e["row"] for e in finding["evidence"] if "row" in e), report, finding)
        for report in reports
        if report["source"]["path"].endswith(".docx")
        for finding in report["findings"]
        if all("row" in e and "col" in e for e in finding["evidence"]) and finding["evidence"]
    ]
    assert candidates, "no report with a finding on a table cell"
    _, report, finding = max(candidates, key=lambda c: c[0])
    return report, finding


def test_report_page_shows_the_pointed_cell_highlighted_and_in_view(review: Any, offline: OfflinePage) -> None:
    reports, _, index = review
    report, finding = _deepest_cell_finding(reports)
    page = offline.open(index)
    page.fill("#f-text", Path(report["source"]["path"]).name)
    page.click(f"#reports-body tr[data-sha='{report['source']['sha256']}'] a")
    page.wait_for_selector("body[data-ready=report]")
    assert page.evaluate("location.hash") == f"#r/{report['source']['sha256']}"
    page.locator("#findings .finding").filter(has_text=finding["message"]).first.click()
    cell = page.locator("#source td.active").first
    cell.wait_for()
    assert cell.is_visible()
    assert finding["evidence"][0]["text"].strip() in (cell.text_content() or "")
    expect(cell).to_be_in_viewport(ratio=0.9)  # scrolled into view, inside its pane too
    page.click("a[href='#/']")
    page.wait_for_selector("body[data-ready=overview]")
    assert page.is_visible("#chart-scores canvas")


def test_report_page_marks_the_pointed_sentence(review: Any, offline: OfflinePage) -> None:
    reports, _, index = review
    report = next(r for r in reports if r["source"]["path"].endswith("hostile_narrative.txt"))
    page = offline.open(index, f"#r/{report['source']['sha256']}")
    mark = page.locator("#source mark.active").first
    mark.wait_for()
    rank = {"error": 0, "warning": 1, "info": 2}
    first = next(f for f in sorted(report["findings"], key=lambda f: rank[f["severity"]]) if f["evidence"])
    assert mark.text_content() == first["evidence"][0]["text"]


def test_hostile_text_is_shown_as_text(review: Any, offline: OfflinePage) -> None:
    reports, _, index = review
    report = next(r for r in reports if r["source"]["path"].endswith("hostile_narrative.txt"))
    page = offline.open(index)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#failures-body td", has_text=BAD_NAME).count() >= 1
    assert page.locator("#failures-body img").count() == 0
    page.evaluate(f"location.hash = '#r/{report['source']['sha256']}'")
    page.wait_for_selector("body[data-ready=report]")
    assert INJECTED in (page.text_content("#source") or "")
    assert page.locator("#report img, #source b").count() == 0
    assert page.evaluate("window.__pwned") is None


# --- without a browser: what goes into the page --------------------------------------------------


def test_script_json_cannot_end_its_script_element() -> None:
    text = script_json({"t": "</script><script>alert(1)</script><!-- & -->"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"t": "</script><script>alert(1)</script><!-- & -->"}


def _table(n_rows: int, n_cols: int, merged: tuple[int, int, int, int, str]) -> dict[str, Any]:
    top, left, rowspan, colspan, text = merged
    cells = [
        {"row": r, "col": c, "rowspan": 1, "colspan": 1, "text": f"{r}-{c}"}
        for r in range(n_rows)
        for c in range(n_cols)
        if not (top <= r < top + rowspan and left <= c < left + colspan)
    ]
    cells.append({"row": top, "col": left, "rowspan": rowspan, "colspan": colspan, "text": text})
    return {"kind": "table", "index": 3, "n_rows": n_rows, "n_cols": n_cols, "provenance": {"table": 0}, "cells": cells}


def test_a_long_table_is_cut_to_its_head_and_the_rows_around_the_pointed_cell() -> None:
    table = _table(500, 4, (200, 0, 100, 1, "产出指标"))  # a level cell merged over rows 200-299
    index = DocumentIndex({"blocks": [table]})
    target = index.locate({"block": 3, "table": 0, "row": 250, "col": 2, "text": "250-2"})
    assert target is not None and (target.row, target.col) == (250, 2)
    [excerpt] = excerpts(index, [target])
    runs = [piece["rows"] for piece in excerpt["pieces"] if "rows" in piece]
    gaps = [piece["gap"] for piece in excerpt["pieces"] if "gap" in piece]
    shown = [row["r"] for run in runs for row in run]
    assert shown == [0, 1, *range(247, 254)]
    assert sum(gaps) + len(shown) == 500 > TABLE_ROWS_WHOLE
    context = runs[1]
    # the merged cell starts above the run: it is repeated at the run's top, spanning only the run
    assert context[0]["cells"][0] == {"c": 0, "t": "产出指标", "rs": 7}
    assert all(len(row["cells"]) == 4 for row in context[:1]) and all(len(row["cells"]) == 3 for row in context[1:])
    assert [c for c in context[3]["cells"] if c.get("k")] == [{"c": 2, "t": "250-2", "k": target.key}]


def test_evidence_of_a_table_rebuilt_from_flat_text_is_found_on_its_line() -> None:
    line = "年度资金总额: 年初预算数 90 全年预算数 89.974"
    document = {"blocks": [{"kind": "paragraph", "index": 2, "text": line, "provenance": {"line": 5}}]}
    index = DocumentIndex(document)
    start = line.index("89.974")
    # the extractor's rebuilt grid is block 6 here, which the parsed document does not have
    evidence = {"block": 6, "table": 2, "row": 1, "col": 2, "line": 5, "text": "89.974", "span": [start, start + 6]}
    target = index.locate(evidence)
    assert target is not None and (target.block, target.start, target.end) == (2, start, start + 6)
    [excerpt] = excerpts(index, [target])
    assert excerpt["t"][excerpt["marks"][0][0] : excerpt["marks"][0][1]] == "89.974"


def test_a_cut_quote_is_found_in_the_paragraph_after_its_line() -> None:
    body = "共建设和安装软硬件设备共16954套，其中总平台558套，综治分平台1488套。"
    document = {
        "blocks": [
            {"kind": "paragraph", "index": 3, "text": "一、绩效目标分解下达情况", "provenance": {"line": 4}},
            {"kind": "paragraph", "index": 4, "text": body, "provenance": {"line": 5}},
        ]
    }
    # the extractor joined the heading's line with the next one and the rule cut the quote with "…"
    target = DocumentIndex(document).locate({"block": 3, "line": 4, "text": body[:20] + "…"})
    assert target is not None and (target.block, target.start, target.end) == (4, 0, 20)


def test_evidence_nowhere_in_the_document_is_listed_without_a_highlight() -> None:
    index = DocumentIndex({"blocks": [{"kind": "paragraph", "index": 0, "text": "正文", "provenance": {}}]})
    assert index.locate({"block": 9, "row": 1, "col": 1, "text": "5"}) is None


def test_a_report_without_its_document_lists_its_findings_unplaced(review: Any) -> None:
    reports, _, _ = review
    report = next(r for r in reports if any(f["evidence"] for f in r["findings"]))
    page = report_page({**report, "document": None})
    assert sorted(f["message"] for f in page["findings"]) == sorted(f["message"] for f in report["findings"])
    assert page["excerpts"] == []
    assert all(e["key"] is None for f in page["findings"] for e in f["evidence"])


def test_the_page_is_one_file_without_external_references(review: Any) -> None:
    reports, failures, index = review
    html = index.read_text(encoding="utf-8")
    assert html == dashboard_html(reports, failures)
    markup = re.sub(r"(<script[^>]*>).*?(</script>)", r"\1\2", html, flags=re.DOTALL)  # the page, not its data
    assert "src=" not in markup
    assert re.findall(r"href=\"([^\"]*)\"", markup) == ["#/"]
    assert "default-src 'none'" in html
    assert [p.name for p in index.parent.iterdir()] == ["index.html"]  # no temporary file left


def test_a_failed_write_keeps_the_previous_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_dashboard([], [], tmp_path)
    before = first.read_text(encoding="utf-8")

    def broken(*_: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(Path, "replace", broken)  # the last step of the write fails
    with pytest.raises(OSError):
        write_dashboard([{"source": {"path": "x.txt", "sha256": "ab"}, "findings": []}], [], tmp_path)
    monkeypatch.undo()
    assert first.read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]
