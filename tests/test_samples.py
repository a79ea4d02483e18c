"""The bundled fictional samples: every file parses, keeps the merged cells it was written with,
says what its label says, and its label is complete; the generator still produces what is committed."""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from jixiao.demo import sample_files
from jixiao.ingest import read
from jixiao.model.document import Document, Table

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "jixiao" / "samples"
LABELS = SAMPLES / "labels"
PROJECT = "project_qingshan_school_repair_2023"
DEPT_TABLE = "dept_table_yunxi_transport_2023"
NARRATIVE = "dept_narrative_baishi_agriculture_2023"

FILES = sample_files()
REQUIRED_KEYS = {"document", "department", "region", "fiscal_year", "report_date", "report_kind", "facts"}
INDICATOR_KEYS = {"level1", "level2", "level3", "target", "actual", "weight", "score"}


@cache
def parsed(name: str) -> Document:
    return read(SAMPLES / name)


def label_of(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((LABELS / f"{name}.label.json").read_text(encoding="utf-8"))
    return data


def only_table(name: str) -> Table:
    tables = list(parsed(name).tables())
    assert len(tables) == 1, f"{name}: {len(tables)} tables"
    return tables[0]


def squash(text: str) -> str:
    """Text without whitespace: PDF and Word break a cell's lines in different places."""
    return "".join(text.split())


def spans(table: Table, text: str) -> tuple[int, int]:
    """(rowspan, colspan) of the one cell whose text starts with `text`."""
    found = [c for c in table.cells if squash(c.text).startswith(squash(text))]
    assert len(found) == 1, f"{text!r}: {[(c.row, c.col, c.text) for c in found]}"
    return found[0].rowspan, found[0].colspan


def all_text(document: Document) -> str:
    parts = [p.text for p in document.paragraphs()]
    parts += [c.text for t in document.tables() for c in t.cells]
    return "\n".join(parts)


def test_the_bundle_has_every_promised_format() -> None:
    names = {p.name for p in FILES}
    assert {f"{PROJECT}.docx", f"{PROJECT}.xlsx", f"{PROJECT}.pdf"} <= names
    assert {f"{DEPT_TABLE}.docx", f"{DEPT_TABLE}.txt", f"{NARRATIVE}.txt", f"{NARRATIVE}.html"} <= names
    assert not any(p.name.endswith(".json") for p in FILES), "labels must live in samples/labels/"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_sample_parses_and_names_its_unit(path: Path) -> None:
    document = parsed(path.name)
    label = label_of(path.name)
    assert document.source.format == path.suffix.lstrip(".")
    assert not document.warnings
    text = all_text(document)
    assert label["department"] in text
    assert str(label["fiscal_year"]) in text


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_label_is_complete(path: Path) -> None:
    label = label_of(path.name)
    assert set(label) >= REQUIRED_KEYS, REQUIRED_KEYS - set(label)
    assert label["document"] == path.name
    assert label["report_kind"] in {"project", "department_overall"}
    assert label["facts"], "a label without facts tests nothing"
    assert label["expected_findings"], "every sample documents what a checker should find"
    for finding in label["expected_findings"]:
        assert {"what", "severity", "key_numbers"} <= set(finding)
        assert finding["severity"] in {"error", "warning", "info"}
    for row in label.get("indicators", []):
        assert set(row) >= INDICATOR_KEYS
    if "indicators" in label:
        assert label["facts"]["indicator_count"] == len(label["indicators"])


@pytest.mark.parametrize("suffix", ["docx", "xlsx", "pdf"])
def test_project_form_keeps_its_merged_cells(suffix: str) -> None:
    table = only_table(f"{PROJECT}.{suffix}")
    assert table.n_cols == 10
    assert spans(table, "项目资金（万元）") == (5, 1)
    assert spans(table, "年度总体目标") == (2, 1)
    assert spans(table, "绩效指标") == (14, 1)  # header row + 13 indicator rows
    assert spans(table, "产出指标(50分)") == (8, 1)
    assert spans(table, "效益指标(30分)") == (3, 1)
    assert spans(table, "满意度指标(10分)") == (2, 1)
    assert spans(table, "数量指标") == (3, 1)
    assert spans(table, "2023年义务教育薄弱学校校舍维修改造项目") == (1, 9)
    assert spans(table, "偏差原因分析及改进措施") == (1, 2)
    assert spans(table, "总分") == (1, 6)
    # the 产出 block anchors on the row after the header; its level-2 cells sit beside it
    produce = next(c for c in table.cells if squash(c.text).startswith("产出指标"))
    header = next(c for c in table.cells if c.text == "一级指标")
    assert produce.row == header.row + 1 and produce.col == header.col
    assert squash(table.filled_grid()[produce.row + 3][produce.col + 1]) == "质量指标"


def test_project_form_reads_the_same_from_docx_pdf_and_xlsx() -> None:
    def grid(suffix: str) -> list[list[str]]:
        return [[squash(x) for x in row] for row in only_table(f"{PROJECT}.{suffix}").filled_grid()]

    docx = grid("docx")
    assert grid("pdf") == docx
    xlsx = grid("xlsx")  # the workbook carries the title rows and the footer inside the sheet
    assert xlsx[0][0] == "附件1" and xlsx[1][5] == "项目支出绩效自评表"
    assert xlsx[3:-1] == docx


def test_department_form_keeps_its_merged_cells() -> None:
    table = only_table(f"{DEPT_TABLE}.docx")
    assert (table.n_rows, table.n_cols) == (28, 9)
    assert spans(table, "年度预算申请（万元）") == (7, 1)
    assert spans(table, "按收入性质分") == (1, 4)
    assert spans(table, "绩效指标") == (17, 1)
    assert spans(table, "产出指标(50分)") == (10, 1)
    assert spans(table, "效益指标(30分)") == (4, 1)
    assert spans(table, "服务对象满意度指标") == (2, 1)
    assert spans(table, "总分") == (1, 6)


def test_department_text_export_has_word_rows() -> None:
    # Text has no spans: a vertically merged cell repeats as an empty cell, as Word's export writes it.
    rows = [[c.text for c in r] for r in only_table(f"{DEPT_TABLE}.txt").anchor_rows()]
    assert len(rows) == 28
    assert rows[0] == ["市级预算部门名称", "云溪市交通运输局"]
    assert rows[2] == ["", "年度资金总额", "8650.40", "9120.80", "8985.62", "10", "98.52%", "9.85"]
    assert rows[11][:4] == ["", "产出指标\n(50分)", "数量指标", "1.农村公路提质改造里程"]
    assert rows[12][:4] == ["", "", "", "2.危桥改造数量"]
    assert rows[-1] == ["总分", "100", "99.85", ""]


@pytest.mark.parametrize("name", [f"{PROJECT}.docx", f"{PROJECT}.pdf", f"{DEPT_TABLE}.docx", f"{DEPT_TABLE}.txt"])
def test_labelled_indicator_rows_are_in_the_table(name: str) -> None:
    table = only_table(name)
    rows = [[squash(c) for c in row] for row in table.filled_grid()]
    if name.endswith(".txt"):
        rows = [[squash(c.text) for c in r] for r in table.anchor_rows()]
    for ind in label_of(name)["indicators"]:
        row = next((r for r in rows if squash(ind["level3"]) in r), None)
        assert row is not None, ind["level3"]
        i = row.index(squash(ind["level3"]))
        assert row[i + 1 : i + 5] == [
            squash(ind["target"]),
            squash(ind["actual"]),
            str(ind["weight"]),
            str(ind["score"]),
        ]


def test_narrative_states_its_facts_in_sentences() -> None:
    text = all_text(parsed(f"{NARRATIVE}.txt"))
    facts = label_of(f"{NARRATIVE}.txt")["facts"]
    assert f"收入总计{facts['income_total']:.2f}万元" in text
    assert f"支出总计{facts['expenditure_total']:.2f}万元" in text
    assert f"减少{-facts['expenditure_change']:.2f}万元，减少{facts['expenditure_change_rate'].lstrip('-')}" in text
    assert f"自评得分为{facts['self_score']:.2f}分，评价等次为{facts['grade']}" in text
    # the planted error: the stated rate is not what the numbers beside it give
    prior = facts["expenditure_total"] - facts["expenditure_change"]
    true_rate = round(-facts["expenditure_change"] / prior * 100, 2)
    assert true_rate == 2.63 and facts["expenditure_change_rate"] == "-2.36%"


def test_planted_project_defect_is_in_the_document() -> None:
    label = label_of(f"{PROJECT}.docx")
    over = [r for r in label["indicators"] if r["score"] > r["weight"]]
    assert [(r["level3"], r["weight"], r["score"]) for r in over] == [("工程验收合格率", 6, 6.5)]
    weights: dict[str, float] = {}
    for row in label["indicators"]:
        weights[row["level1"]] = weights.get(row["level1"], 0) + row["weight"]
    assert weights == label["indicator_weights_declared"]  # the only defect is the row score


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "scripts" / "make_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module  # dataclasses resolve their module by name
    spec.loader.exec_module(module)
    return module


def test_committed_samples_and_labels_match_the_generator(tmp_path: Path) -> None:
    gen = _generator()
    samples = {s.stem: s for s in gen.build_all()}
    labels = sorted(LABELS.glob("*.label.json"))
    assert {p.name.removesuffix(".label.json") for p in labels} == {p.name for p in FILES}
    for label in labels:
        name = label.name.removesuffix(".label.json")
        sample = samples[name.rsplit(".", 1)[0]]
        fresh = gen.label_text(sample, name)
        assert label.read_text(encoding="utf-8") == fresh, f"{label.name} is stale: run scripts/make_samples.py"
        if name.endswith(".txt"):
            gen.write_txt(sample.blocks, tmp_path / name)
            assert (SAMPLES / name).read_text(encoding="utf-8") == (tmp_path / name).read_text(encoding="utf-8")


def test_narrative_web_page_reads_as_the_text_without_site_chrome() -> None:
    page = [p.text for p in parsed(f"{NARRATIVE}.html").paragraphs()]
    text = [p.text for p in parsed(f"{NARRATIVE}.txt").paragraphs()]
    assert page[-len(text) :] == text  # the article: the same paragraphs, after the page's 发布时间 line
    chrome = ("版权所有", "当前位置", "分享到", "政务公开")
    assert not [p for p in page if any(word in p for word in chrome)]


def test_demo_runs_the_main_job_on_every_sample(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from jixiao.demo import main

    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"{len(FILES)} 个内置示例报告" in out
    for path in FILES:
        line = next(ln for ln in out.splitlines() if path.name in ln)
        assert line.lstrip().startswith("✓"), line
    # the planted defects are found: a score above its points, a wrong percentage in the narrative
    assert "JX405 错误  指标“工程验收合格率”得分 6.5 分超过其分值 6 分" in out
    assert "-2.63%" in out and "-2.36%" in out
    written = {p.name for p in tmp_path.iterdir()}
    assert f"{PROJECT}.national-project.xlsx" in written and f"{PROJECT}.national-project.docx" in written
    assert "填报模板-项目支出绩效自评表.xlsx" in written
    # then a generated corpus, reviewed: the summary printed, the workbook and the ground truth written
    assert "共 30 份报告" in out and f"工作簿：{tmp_path / 'review' / 'review.xlsx'}" in out
    assert (tmp_path / "review" / "review.xlsx").is_file() and (tmp_path / "corpus" / "ground-truth.json").is_file()
