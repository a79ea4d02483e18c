"""The same merged-cell table written as docx, xlsx, xls, html and pdf reads back as the same grid.

To add a format, append a `build_<format>(path, spec) -> Path` to tests/builders.py and one entry to
BUILDERS (and to NEEDS_SOFFICE when it needs LibreOffice to build).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from builders import (
    INDICATOR_TABLE,
    SPENDING_TABLE,
    GridSpec,
    build_docx,
    build_html,
    build_lo_html,
    build_pdf,
    build_xls,
    build_xlsx,
)
from jixiao.ingest import read
from jixiao.model.document import Table

Anchor = tuple[int, int, int, int, str]

BUILDERS: dict[str, Callable[[Path, GridSpec], Path]] = {
    "docx": build_docx,
    "xlsx": build_xlsx,
    "xls": build_xls,
    "html": build_html,
    "pdf": build_pdf,
    "lo-html": build_lo_html,  # LibreOffice's html export of the docx
}
NEEDS_SOFFICE = {"xls", "lo-html"}
HAVE_SOFFICE = shutil.which("soffice") is not None


def grid_of(fmt: str, spec: GridSpec, folder: Path) -> tuple[tuple[int, int], list[Anchor]]:
    """Build the spec in a format, read it with jixiao.ingest.read, return the table's size and anchors."""
    if fmt in NEEDS_SOFFICE and not HAVE_SOFFICE:
        pytest.skip(f"building .{fmt} needs LibreOffice (soffice), which is not installed")
    path = BUILDERS[fmt](folder / f"table.{fmt}", spec)
    document = read(path)
    tables = [t for t in document.tables() if isinstance(t, Table)]
    assert len(tables) == 1, f"{fmt}: expected one table, got {len(tables)}"
    table = tables[0]
    return (table.n_rows, table.n_cols), [(c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells]


@pytest.mark.parametrize("fmt", list(BUILDERS))
def test_indicator_table_grid(fmt: str, tmp_path: Path) -> None:
    size, anchors = grid_of(fmt, INDICATOR_TABLE, tmp_path)
    assert size == (INDICATOR_TABLE.n_rows, INDICATOR_TABLE.n_cols)
    assert anchors == list(INDICATOR_TABLE.anchors)


@pytest.mark.parametrize("fmt", [f for f in BUILDERS if f not in NEEDS_SOFFICE])
def test_merged_corner_grid(fmt: str, tmp_path: Path) -> None:
    size, anchors = grid_of(fmt, SPENDING_TABLE, tmp_path)
    assert size == (4, 5)
    assert anchors == list(SPENDING_TABLE.anchors)


def test_all_formats_agree(tmp_path: Path) -> None:
    formats = [f for f in BUILDERS if f not in NEEDS_SOFFICE]
    grids = {fmt: grid_of(fmt, INDICATOR_TABLE, tmp_path) for fmt in formats}
    first = grids[formats[0]]
    assert all(grid == first for grid in grids.values()), grids
    # the anchors that matter to extraction: 一级指标 over 3 rows, 二级 over 2, 总分 over 3 columns
    assert (2, 0, 3, 1, "产出指标(50分)") in first[1]
    assert (2, 1, 2, 1, "数量指标") in first[1]
    assert (6, 0, 1, 3, "总分") in first[1]
