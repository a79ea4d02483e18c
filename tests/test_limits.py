"""Bounds taken from the file's own numbers, the per-document deadline and the memory guard.

A span, a table's rows × columns, a merged range's area and the nesting depth are checked before the
grid is built; past a bound the file is read with a warning (a span) or refused with one line naming
it. A document that runs past JIXIAO_MAX_SECONDS or out of memory is refused as too complex, and a
batch goes on when one file's worker dies.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import zipfile
from contextlib import AbstractContextManager
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from jixiao import ingest, pipeline, service
from jixiao.cli import app
from jixiao.errors import CorruptFile, ReaderFailed, TooComplex, TooLarge
from jixiao.ingest import limits as limits_module
from jixiao.ingest.limits import Limits, document_guard
from jixiao.model.document import Cell, Table
from test_ingest_docx import docx_with_body, p, tc

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "src" / "jixiao" / "samples" / "project_qingshan_school_repair_2023.docx"


def _no_hang() -> AbstractContextManager[None]:
    """A hang detector, not a speed target: work that should cost nothing must end well within 60 s."""
    return document_guard("test", 60)


def _one_line(exc: BaseException, path: Path) -> str:
    line = str(exc)
    assert "\n" not in line and str(path) in line and " / " in line
    return line


# --- grids: spans, rows × columns, nesting ----------------------------------------------------------


def test_grid_index_costs_only_the_positions_of_the_grid() -> None:
    """A cell declaring 10¹² columns in a two-column table: indexed over two positions, at once."""
    table = Table(n_rows=1, n_cols=2, cells=[Cell(0, 0, "项目", rowspan=10**12, colspan=10**12)])
    with _no_hang():  # an index over the declared spans would not end
        assert table.filled_grid() == [["项目", "项目"]]
        assert table.cell_at(0, 1) is table.cells[0] and table.cell_at(5, 0) is None


@pytest.mark.parametrize(
    ("props", "row_props", "n_cols"),
    [
        ('<w:gridSpan w:val="1000000000"/>', "", 1001),
        ("", '<w:trPr><w:gridBefore w:val="99999999999999999999"/></w:trPr>', 1002),
    ],
)
def test_docx_span_beyond_the_format_is_read_as_the_bound(
    tmp_path: Path, props: str, row_props: str, n_cols: int
) -> None:
    rows = "".join(f"<w:tr>{row_props}{tc(p('指标'), props)}{tc(p(str(r)))}</w:tr>" for r in range(30))
    document = ingest.read(docx_with_body(tmp_path, f"<w:tbl>{rows}</w:tbl>{p('正文')}"))
    (table,) = document.tables()
    assert (table.n_rows, table.n_cols) == (30, n_cols)
    assert any("read as 1000" in w for w in document.warnings)


def test_docx_table_past_the_cell_bound_is_refused_before_it_is_built(tmp_path: Path) -> None:
    row = "<w:tr>" + tc(p("a"), '<w:gridSpan w:val="1000"/>') * 20 + "</w:tr>"
    path = docx_with_body(tmp_path, f"<w:tbl>{row * 40}</w:tbl>")
    with pytest.raises(TooLarge) as caught:
        ingest.read(path, Limits(max_table_cells=500_000))
    assert "表格过大" in _one_line(caught.value, path)
    assert len(list(ingest.read(path).tables())) == 1  # 40 × 20,000 is within the default bound


def test_document_cell_bound_counts_every_table(tmp_path: Path) -> None:
    table = "<w:tbl>" + ("<w:tr>" + tc(p("x")) * 10 + "</w:tr>") * 10 + "</w:tbl>" + p("间隔")
    path = docx_with_body(tmp_path, table * 5)
    assert len(list(ingest.read(path, Limits(max_document_cells=500)).tables())) == 5
    with pytest.raises(TooLarge, match="表格单元格总数过多"):
        ingest.read(path, Limits(max_document_cells=499))


def test_html_spans_adding_up_to_a_huge_grid_are_refused(tmp_path: Path) -> None:
    row = "<tr>" + '<td rowspan="1000" colspan="1000">x</td>' * 100 + "</tr>"
    path = tmp_path / "grid.html"
    path.write_text(f"<html><body><p>绩效自评</p><table>{row * 100}</table></body></html>", encoding="utf-8")
    with _no_hang(), pytest.raises(TooLarge) as caught:
        ingest.read(path)
    assert "表格过大" in _one_line(caught.value, path)  # the bound's refusal, not the deadline's
    small = tmp_path / "small.html"
    small.write_text('<html><body><table><tr><td colspan="99999999">合计</td><td>1</td></tr></table></body></html>')
    document = ingest.read(small)
    assert [t.n_cols for t in document.tables()] == [1001] and any("colspan" in w for w in document.warnings)


def test_nesting_past_the_bound_is_refused(tmp_path: Path) -> None:
    nested = "<tr><td>表<table>" * 30 + "x" + "</table></td></tr>" * 30
    path = tmp_path / "nested.html"
    path.write_text(f'<html><body><div class="content"><table>{nested}</table></div></body></html>')
    assert len(list(ingest.read(path).tables())) == 30
    with pytest.raises(CorruptFile, match="嵌套过深"):
        ingest.read(path, Limits(max_table_depth=10))


# --- workbooks: merged ranges, damaged packages -----------------------------------------------------


def _workbook_with_merge(path: Path, ref: str) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"], sheet["A2"], sheet["B2"] = "项目支出绩效自评表", "指标", "95"
    sheet.merge_cells("A1:C1")
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    xml = members["xl/worksheets/sheet1.xml"]
    members["xl/worksheets/sheet1.xml"] = xml.replace(b'ref="A1:C1"', f'ref="{ref}"'.encode())
    with zipfile.ZipFile(path, "w") as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return path


def test_merged_range_as_large_as_the_sheet_is_refused_before_openpyxl_builds_it(tmp_path: Path) -> None:
    path = _workbook_with_merge(tmp_path / "merge.xlsx", "A1:XFD1048576")
    with _no_hang(), pytest.raises(TooLarge) as caught:
        ingest.read(path)
    assert "合并单元格范围过大" in _one_line(caught.value, path)  # the bound's refusal, not the deadline's
    title_row = _workbook_with_merge(tmp_path / "row.xlsx", "A1:XFD1")  # a title across the whole row
    assert any("绩效" in c.text for t in ingest.read(title_row).tables() for c in t.cells)


def test_workbook_without_styles_part_is_read(tmp_path: Path) -> None:
    """Cells pointing at styles that are missing: openpyxl raises IndexError, Excel opens the file."""
    source = ROOT / "src" / "jixiao" / "samples" / "project_qingshan_school_repair_2023.xlsx"
    path = tmp_path / "nostyles.xlsx"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(path, "w") as out:
        for info in archive.infolist():
            if info.filename != "xl/styles.xml":
                out.writestr(info.filename, archive.read(info))
    texts = [c.text for t in ingest.read(path).tables() for c in t.cells]
    assert "项目支出绩效自评表" in "".join(texts) or any("绩效" in t for t in texts)


# --- the reader boundary and one line ----------------------------------------------------------------


def test_a_library_failure_is_a_refusal_naming_the_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_reader(path: Path, limits: Limits) -> None:
        zipfile.ZipFile(io.BytesIO(b"not a zip"))

    monkeypatch.setitem(ingest._READERS, "txt", failing_reader)
    path = tmp_path / "a.txt"
    path.write_text("绩效自评报告", encoding="utf-8")
    with pytest.raises(ReaderFailed) as caught:
        ingest.read(path)
    assert caught.value.origin == "zipfile" and "BadZipFile" in _one_line(caught.value, path)


def test_a_multi_line_library_message_is_one_line(tmp_path: Path) -> None:
    error = CorruptFile(
        tmp_path / "x.xlsx", "工作簿已损坏", "corrupt workbook (ValueError: line one\nline two\n\nthree)"
    )
    assert error.one_line().count("\n") == 0 and error.one_line().endswith("line one line two three)")


def test_cli_prints_one_line_for_an_eoferror(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """click turns an EOFError into a bare 'Aborted.': the file and the reason must be named instead."""

    def eof(path: Path) -> None:
        raise EOFError("compressed file ended before the end-of-stream marker was reached")

    monkeypatch.setattr(service, "parse_document", eof)
    result = CliRunner().invoke(app, ["parse", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "r.xlsx" in line and "EOFError" in line and "Aborted" not in line


# --- the deadline and memory --------------------------------------------------------------------------


def test_deadline_refuses_the_document_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "slow.docx"
    started = time.monotonic()
    with pytest.raises(TooComplex) as caught, document_guard(path, 1):
        while True:
            pass
    assert time.monotonic() - started > 0.9  # not before its time (how late, under load, is no contract)
    assert "JIXIAO_MAX_SECONDS" in _one_line(caught.value, path)


def test_analyse_and_the_batch_stop_a_document_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    def forever(document: object) -> None:
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(limits_module, "DEFAULT_LIMITS", Limits(max_seconds=1))
    monkeypatch.setattr(pipeline, "extract", forever)
    (result,) = pipeline.check_paths([SAMPLE])
    assert result["kind"] == "too_complex" and str(SAMPLE) in result["error"]  # the endless stage was stopped


def test_memory_exhaustion_is_a_refusal(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    with pytest.raises(TooComplex, match="内存不足") as caught, document_guard(path):
        raise MemoryError
    _one_line(caught.value, path)


def test_worker_memory_cap_applies(tmp_path: Path) -> None:
    code = "from jixiao.ingest.limits import limit_memory\nlimit_memory(400)\nbytearray(800 * 1024 * 1024)\n"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert done.returncode != 0 and "MemoryError" in done.stderr


def test_a_dying_worker_costs_only_its_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    doomed = tmp_path / "doomed.txt"
    doomed.write_text("绩效自评报告", encoding="utf-8")
    real = pipeline.analyse

    def analyse(path: str, *args: object, **kwargs: object) -> pipeline.Analysis:
        if str(path).endswith("doomed.txt"):
            os._exit(1)  # what the kernel's OOM killer or a crash in C code looks like
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "analyse", analyse)  # the workers are forked: they see it too
    results = pipeline.check_paths([SAMPLE, doomed, SAMPLE], jobs=2)
    assert [("error" in r) for r in results] == [False, True, False]
    assert "doomed.txt" in results[1]["error"] and "进程意外退出" in results[1]["error"]


def test_a_bad_style_index_does_not_reach_stdout(tmp_path: Path) -> None:
    """openpyxl prints "N is out of range" for a cell style that does not exist: `--format json` stays JSON."""
    import json

    source = ROOT / "src" / "jixiao" / "samples" / "project_qingshan_school_repair_2023.xlsx"
    path = tmp_path / "style.xlsx"
    with zipfile.ZipFile(source) as archive, zipfile.ZipFile(path, "w") as out:
        for info in archive.infolist():
            body = archive.read(info)
            if info.filename == "xl/styles.xml":  # a named style pointing past the style records
                body = re.sub(rb'(<cellStyle name="jixiao-center" xfId=")\d+', rb"\g<1>4000", body)
            out.writestr(info.filename, body)
    result = CliRunner().invoke(app, ["parse", str(path), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["blocks"]


@pytest.mark.parametrize(("value", "number_format"), [(1e300, "0.00"), (1e300, None), (1.5, "0." + "0" * 200)])
def test_numbers_beyond_a_decimal_context_are_shown_plainly(value: float, number_format: str | None) -> None:
    from jixiao.ingest.xlsx import render_number

    assert render_number(value, number_format).startswith(("1e+300", "1.5"))
