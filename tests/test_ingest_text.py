"""The tab-cell text export and plain text: rows, cells, continuation lines, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.errors import BadEncoding, EmptyFile
from jixiao.ingest import read
from jixiao.model.document import Paragraph, Table

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

EXPORT = (
    "附件2\n"
    "项目支出绩效自评表\n"
    "\n"
    "\t项目名称\n"
    "\t示例项目\n"
    "\n"
    "\t一级指标\n"
    "\t二级指标\n"
    "\t分值\n"
    "\n"
    "\t产出指标\n"
    "\n"
    "(50分)\n"
    "\t数量指标\n"
    "\t\u30004\n"
    "\n"
    "\n"
    "填表人：张三\n"
)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_cells_rows_and_continuations(tmp_path: Path) -> None:
    doc = read(write(tmp_path, "r.txt", EXPORT.encode("utf-8")))
    kinds = [type(b).__name__ for b in doc.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Table", "Paragraph"]
    table = doc.blocks[2]
    assert isinstance(table, Table)
    rows = [[c.text for c in r] for r in table.anchor_rows()]
    assert rows == [["项目名称", "示例项目"], ["一级指标", "二级指标", "分值"], ["产出指标\n(50分)", "数量指标", "4"]]
    assert table.n_cols == 3
    # provenance: the cell's first line in the file
    assert table.anchor_rows()[2][0].line == 11
    last = doc.blocks[3]
    assert isinstance(last, Paragraph) and last.text == "填表人：张三" and last.line == 18


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    doc = read(write(tmp_path, "r.txt", EXPORT.encode(encoding)))
    table = next(doc.tables())
    assert table.anchor_rows()[0][1].text == "示例项目"


def test_empty_and_whitespace_only(tmp_path: Path) -> None:
    with pytest.raises(EmptyFile, match=r"r\.txt"):
        read(write(tmp_path, "r.txt", b""))
    with pytest.raises(EmptyFile):
        read(write(tmp_path, "r.txt", b" \n\n\t\n"))


def test_undecodable_bytes_are_reported(tmp_path: Path) -> None:
    # Latin-1 text with control bytes is neither UTF-8 nor GB18030 Chinese: detection names the file.
    data = bytes(range(0x80, 0x100)) * 50
    try:
        doc = read(write(tmp_path, "r.txt", data))
    except BadEncoding as exc:
        assert "r.txt" in str(exc)
    else:
        assert doc.blocks  # decoded by detection rather than rejected: still no crash


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds not present")
def test_seed_indicator_table_rows() -> None:
    doc = read(SEEDS / "002_46fdae7c879aad58.txt")
    tables = list(doc.tables())
    assert len(tables) == 1
    rows = [[c.text for c in r] for r in tables[0].anchor_rows()]
    header = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    assert header in rows
    first = rows[rows.index(header) + 1]
    assert first[1:8] == [
        "产出指标\n(50分)",
        "数量指标",
        "1.刑事案件发案数同比2021年下降2%以上",
        "下降2%以上",
        "2.2%",
        "4",
        "4",
    ]
    assert rows[-1][:3] == ["总分", "100", "100"]


@pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds not present")
def test_all_seeds_parse_with_their_tables() -> None:
    expected_tables = {"000": 1, "001": 1, "002": 1, "003": 0, "004": 0}
    for path in sorted(SEEDS.glob("*.txt")):
        doc = read(path)
        assert len(list(doc.tables())) == expected_tables[path.name[:3]], path.name
        cells_in_text = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("\t"))
        assert sum(len(t.cells) for t in doc.tables()) == cells_in_text, path.name


def test_utf8_with_a_few_damaged_bytes_is_read_around_them(tmp_path: Path) -> None:
    """A cut download or a bad sector: a browser shows the page, so jixiao reads it (GBK is not mistaken)."""
    good = ("项目支出绩效自评报告：预算执行率为98.5%，三公经费支出161.58万元。\n" * 20).encode("utf-8")
    damaged = good[:100] + b"\xff\xfe" + good[100:]
    doc = read(write(tmp_path, "r.txt", damaged))
    assert "三公经费支出161.58万元" in "".join(b.text for b in doc.paragraphs())
    gbk = read(write(tmp_path, "g.txt", good.decode("utf-8").encode("gbk")))
    assert "三公经费支出161.58万元" in "".join(b.text for b in gbk.paragraphs())
