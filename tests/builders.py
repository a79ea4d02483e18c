"""Build the same merged-cell table as docx, xlsx, xls and html, programmatically, for reader tests.

`INDICATOR_TABLE` is a small national 项目支出绩效自评表: a title row merged across all columns, a
header row, 一级指标 merged down (产出指标 over 3 rows), 二级指标 merged down 2 rows and a 总分 row
merged across the first 3 columns. Each `build_*` writes the table between a heading paragraph and
a closing paragraph and returns the path. Other formats append their own `build_*` here.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from jixiao.extract import extract
from jixiao.ingest import read
from jixiao.model.report import Report

TITLE = "某某培训项目2023年度绩效自评表"
CLOSING = "填表人：张三"


@dataclass(frozen=True)
class GridSpec:
    """A table as its anchors: (row, col, rowspan, colspan, text), row by row."""

    n_rows: int
    n_cols: int
    anchors: tuple[tuple[int, int, int, int, str], ...]


INDICATOR_TABLE = GridSpec(
    n_rows=7,
    n_cols=6,
    anchors=(
        (0, 0, 1, 6, "项目支出绩效自评表"),
        (1, 0, 1, 1, "一级指标"),
        (1, 1, 1, 1, "二级指标"),
        (1, 2, 1, 1, "三级指标"),
        (1, 3, 1, 1, "年度指标值"),
        (1, 4, 1, 1, "分值"),
        (1, 5, 1, 1, "得分"),
        (2, 0, 3, 1, "产出指标(50分)"),
        (2, 1, 2, 1, "数量指标"),
        (2, 2, 1, 1, "培训人次"),
        (2, 3, 1, 1, "≥500人次"),
        (2, 4, 1, 1, "20"),
        (2, 5, 1, 1, "20"),
        (3, 2, 1, 1, "覆盖乡镇数"),
        (3, 3, 1, 1, "12个"),
        (3, 4, 1, 1, "15"),
        (3, 5, 1, 1, "14"),
        (4, 1, 1, 1, "质量指标"),
        (4, 2, 1, 1, "培训合格率"),
        (4, 3, 1, 1, "≥95%"),
        (4, 4, 1, 1, "15"),
        (4, 5, 1, 1, "15"),
        (5, 0, 1, 1, "效益指标(30分)"),
        (5, 1, 1, 1, "社会效益指标"),
        (5, 2, 1, 1, "群众知晓率"),
        (5, 3, 1, 1, "≥90%"),
        (5, 4, 1, 1, "30"),
        (5, 5, 1, 1, "28.5"),
        (6, 0, 1, 3, "总分"),
        (6, 3, 1, 1, "—"),
        (6, 4, 1, 1, "80"),
        (6, 5, 1, 1, "77.5"),
    ),
)


def build_docx(path: Path, spec: GridSpec = INDICATOR_TABLE) -> Path:
    """Word document; merges made with python-docx's cell.merge (gridSpan and vMerge)."""
    import docx

    document = docx.Document()
    document.add_heading(TITLE, level=1)
    table = document.add_table(rows=spec.n_rows, cols=spec.n_cols)
    for row, col, rowspan, colspan, text in spec.anchors:
        cell = table.cell(row, col)
        if rowspan > 1 or colspan > 1:
            cell = cell.merge(table.cell(row + rowspan - 1, col + colspan - 1))
        cell.text = text
    document.add_paragraph(CLOSING)
    document.save(str(path))
    return path


def _as_number(text: str) -> int | float | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def build_xlsx(path: Path, spec: GridSpec = INDICATOR_TABLE) -> Path:
    """Workbook with the title in A1 and the table from row 3; numbers stored as numbers."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "自评表"
    top = 3  # row 1: heading, row 2: empty, so the reader must trim and split nothing else
    sheet.cell(row=1, column=1, value=TITLE)
    for row, col, rowspan, colspan, text in spec.anchors:
        number = _as_number(text)
        sheet.cell(row=top + row, column=1 + col, value=text if number is None else number)
        if rowspan > 1 or colspan > 1:
            sheet.merge_cells(
                start_row=top + row,
                start_column=1 + col,
                end_row=top + row + rowspan - 1,
                end_column=col + colspan,
            )
    workbook.save(path)
    return path


def soffice_convert(source: Path, target_format: str) -> Path:
    """Convert one file with LibreOffice headless (callers skip when soffice is missing)."""
    return soffice_convert_all([source], target_format)[0]


def soffice_convert_all(sources: list[Path], target_format: str) -> list[Path]:
    """Convert files in one LibreOffice start, each into a folder beside it; returns the outputs in order."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise RuntimeError("soffice not installed")
    outdir = sources[0].parent / f"{target_format}-out"
    outdir.mkdir(exist_ok=True)
    # one profile per test process, reused: creating a profile is most of a cold start
    profile = Path(tempfile.gettempdir()) / f"jixiao-test-lo-{os.getpid()}"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            target_format,
            "--outdir",
            str(outdir),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return [outdir / f"{source.stem}.{target_format}" for source in sources]


def build_xls(path: Path, spec: GridSpec = INDICATOR_TABLE) -> Path:
    """Legacy .xls converted from the xlsx by LibreOffice (the caller skips when soffice is missing)."""
    source = build_xlsx(path.with_name(path.stem + "-src.xlsx"), spec)
    return soffice_convert(source, "xls").replace(path)


def build_lo_html(path: Path, spec: GridSpec = INDICATOR_TABLE) -> Path:
    """The docx exported as a web page by LibreOffice: another writer's markup (<p> in cells, widths, styles)."""
    source = build_docx(path.with_name(path.stem + "-src.docx"), spec)
    return soffice_convert(source, "html").replace(path)


def html_table(spec: GridSpec = INDICATOR_TABLE) -> str:
    """The table as HTML with rowspan/colspan."""
    rows: list[list[str]] = [[] for _ in range(spec.n_rows)]
    for row, _col, rowspan, colspan, text in spec.anchors:
        attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
        rows[row].append(f"<td{attrs}>{html.escape(text)}</td>")
    body = "\n".join(f"  <tr>{''.join(cells)}</tr>" for cells in rows)
    return f'<table border="1">\n{body}\n</table>'


def build_html(path: Path, spec: GridSpec = INDICATOR_TABLE) -> Path:
    """A plain UTF-8 page: heading, the table, a closing paragraph."""
    page = (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>自评</title></head><body>\n'
        f'<div class="article"><h1>{html.escape(TITLE)}</h1>\n{html_table(spec)}\n<p>{html.escape(CLOSING)}</p></div>\n'
        "</body></html>\n"
    )
    path.write_text(page, encoding="utf-8")
    return path


def build_pdf(path: Path, spec: GridSpec = INDICATOR_TABLE) -> Path:
    """PDF drawn with reportlab: heading, the table ruled with GRID lines and merged with SPAN, closing line.

    Uses reportlab's built-in CID font STSong-Light (Adobe-GB1), which pdfplumber maps back to Unicode.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=10.5, leading=15)
    heading = ParagraphStyle("heading", parent=body, fontSize=16, leading=22)
    data = [[""] * spec.n_cols for _ in range(spec.n_rows)]
    style: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), "STSong-Light"),
        ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    for row, col, rowspan, colspan, text in spec.anchors:
        data[row][col] = text
        if rowspan > 1 or colspan > 1:
            style.append(("SPAN", (col, row), (col + colspan - 1, row + rowspan - 1)))
    table = PdfTable(data, style=TableStyle(style))
    document = SimpleDocTemplate(str(path), pagesize=A4)
    document.build([Paragraph(TITLE, heading), Spacer(1, 12), table, Spacer(1, 12), Paragraph(CLOSING, body)])
    return path


# A second shape: a 2×2 merged corner (gridSpan with vMerge in Word) over a money table.
SPENDING_TABLE = GridSpec(
    n_rows=4,
    n_cols=5,
    anchors=(
        (0, 0, 2, 2, "项目"),
        (0, 2, 1, 3, "金额（万元）"),
        (1, 2, 1, 1, "预算数"),
        (1, 3, 1, 1, "执行数"),
        (1, 4, 1, 1, "执行率"),
        (2, 0, 2, 1, "支出"),
        (2, 1, 1, 1, "基本支出"),
        (2, 2, 1, 1, "3260.18"),
        (2, 3, 1, 1, "3260.18"),
        (2, 4, 1, 1, "100%"),
        (3, 1, 1, 1, "项目支出"),
        (3, 2, 1, 1, "5860.62"),
        (3, 3, 1, 1, "5725.44"),
        (3, 4, 1, 1, "97.69%"),
    ),
)


def report_from_text(tmp_path: Path, text: str, name: str = "r.txt") -> Report:
    """The report jixiao reads from `text` saved as a file of that name (prose and flattened forms)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(read(path))


def indicator_rows(report: Report) -> list[tuple[object, ...]]:
    """Each indicator row as (level1, level2, level3, target, actual, weight, score)."""
    return [
        (
            r.level1,
            r.level2,
            r.level3,
            r.target.text if r.target else "",
            r.actual.text if r.actual else "",
            r.weight,
            r.score,
        )
        for r in report.indicators
    ]
