"""Scanned reports: pages without a text layer and image files read by OCR, tables included.

The OCR cost is kept small: seed 002 (three pages) is scanned once per session at 200 dpi with every
damage at once (skew, seal, blur, noise, JPEG q50), one page image is sealed over its numbers, and the
results are cached for the session (a fresh cache each session, so nothing is carried over between
runs). Everything else runs on drawn images or a stand-in engine.
"""

from __future__ import annotations

import os
import random
import socket
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from jixiao.errors import CorruptFile, TooLarge
from jixiao.extract import extract
from jixiao.ingest import ocr, read
from jixiao.ingest.limits import DEFAULT_LIMITS
from jixiao.ingest.scan_page import read_page_image
from jixiao.ingest.scan_prep import deskew
from jixiao.ingest.scan_tables import table_cells
from jixiao.ingest.sniff import sniff
from jixiao.model.report import Report
from jixiao.samples.scans import damaged, render_pages, scan_pdf, seal, skew

SEED_002 = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "formats" / "002_46fdae7c879aad58.pdf"
KEY_FACTS = ("budget_initial", "budget_adjusted", "budget_executed", "execution_rate", "self_score")

needs_seed = pytest.mark.skipif(not SEED_002.is_file(), reason="the shared corpus is not beside the project")


@pytest.fixture(scope="module", autouse=True)
def _session_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    saved = os.environ.get("JIXIAO_CACHE_DIR")
    os.environ["JIXIAO_CACHE_DIR"] = str(tmp_path_factory.mktemp("ocr-cache"))
    yield
    if saved is None:
        os.environ.pop("JIXIAO_CACHE_DIR", None)
    else:
        os.environ["JIXIAO_CACHE_DIR"] = saved


def _facts(report: Report) -> dict[str, Any]:
    facts: dict[str, Any] = report.facts_json()
    facts["department"] = report.unit.department
    facts["fiscal_year"] = report.unit.fiscal_year
    return facts


def _rows(report: Report) -> list[tuple[Any, ...]]:
    return [
        (
            row.level1,
            row.level2,
            row.level3,
            row.target.text if row.target else None,
            row.actual.text if row.actual else None,
            row.weight,
            row.score,
        )
        for row in report.indicators
    ]


@pytest.fixture(scope="module")
def born_digital() -> Report:
    return extract(read(SEED_002))


@pytest.fixture(scope="module")
def damaged_scan(tmp_path_factory: pytest.TempPathFactory) -> Report:
    rng = random.Random("test:002:all")
    pages = [damaged(page, "all", rng) for page in render_pages(SEED_002, 200)]
    path = scan_pdf(pages, tmp_path_factory.mktemp("scan") / "002.scan.pdf", 200)
    return extract(read(path))


@needs_seed
def test_a_damaged_scan_reads_the_key_facts_of_the_born_digital_report(
    born_digital: Report, damaged_scan: Report
) -> None:
    digital, scanned = _facts(born_digital), _facts(damaged_scan)
    for key in ("department", "fiscal_year", *KEY_FACTS):
        assert digital.get(key) is not None, key
        assert scanned.get(key) == digital[key], key


@needs_seed
def test_a_damaged_scan_keeps_most_indicator_rows_intact(born_digital: Report, damaged_scan: Report) -> None:
    digital = _rows(born_digital)
    scanned = set(_rows(damaged_scan))
    intact = sum(1 for row in digital if row in scanned)
    assert len(digital) == 22
    assert intact >= 0.9 * len(digital), (intact, len(digital))


@needs_seed
def test_scanned_values_carry_page_bbox_and_confidence(damaged_scan: Report) -> None:
    provenance = damaged_scan.facts()["budget_executed"].provenance
    assert provenance.page == 1 and provenance.bbox is not None and provenance.row is not None
    assert any("OCR" in w for w in damaged_scan.warnings)


@needs_seed
def test_a_seal_stamped_over_the_numbers_of_a_skewed_page_does_not_change_them(tmp_path: Path) -> None:
    rng = random.Random(7)
    page = render_pages(SEED_002, 200, [1])[0]
    # The funds row (年度资金总额 57954.3 | 45854.66 | 45854.66 | 10 | 100% | 10) sits at about 21% of the height.
    page = skew(seal(page, rng, centre=(0.55, 0.21)), rng, degrees=1.5)
    path = tmp_path / "sealed.png"
    page.save(path, dpi=(200, 200))
    facts = _facts(extract(read(path)))
    assert facts["budget_initial"] == 57954.3
    assert facts["budget_adjusted"] == facts["budget_executed"] == 45854.66
    assert facts["execution_rate"] == 100


class _Engine:
    """A stand-in recogniser: fixed words, one digit it is unsure of."""

    def __init__(self, words: list[ocr.Word]) -> None:
        self.version = f"stand-in-{id(self)}"  # each stand-in its own cache entries
        self.words = words
        self.calls = 0

    def recognize(self, image: Any) -> list[ocr.Word]:
        self.calls += 1
        return self.words


def _inked_page(width: int = 800, height: int = 1100) -> Image.Image:
    page = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(page)
    for y in range(100, 1000, 40):
        draw.rectangle((100, y, 700, y + 12), fill="black")  # rows of "text"
    return page


def test_a_low_confidence_digit_is_a_warning_naming_its_page_and_box() -> None:
    line = (100.0, 100.0, 400.0, 130.0)
    words = [
        ocr.Word("执行数", (100.0, 100.0, 190.0, 130.0), line, 0.99),
        ocr.Word("45854.66", (200.0, 100.0, 330.0, 130.0), line, 0.55),
        ocr.Word("万元", (340.0, 100.0, 400.0, 130.0), line, 0.98),
    ]
    page = read_page_image(np.asarray(_inked_page()), 3, 200, _Engine(words))
    assert len(page.warnings) == 1
    warning = page.warnings[0]
    assert "第3页" in warning and "45854.66" in warning and "0.55" in warning
    assert "[72, 36, 119, 47]" in warning  # the word's box in points (pixels × 72 / 200)


def test_a_confident_page_gives_no_confidence_warning() -> None:
    line = (100.0, 100.0, 400.0, 130.0)
    words = [ocr.Word("45854.66", (200.0, 100.0, 330.0, 130.0), line, 0.97)]
    assert read_page_image(np.asarray(_inked_page()), 1, 200, _Engine(words)).warnings == []


def test_results_are_cached_by_page_image() -> None:
    engine = _Engine([ocr.Word("1", (0.0, 0.0, 5.0, 5.0), (0.0, 0.0, 5.0, 5.0), 0.9)])
    image = np.full((40, 60, 3), 255, dtype=np.uint8)
    image[10:20, 10:30] = 0
    assert ocr.recognize(image, engine) == ocr.recognize(image, engine)
    assert engine.calls == 1
    image[30:35, 10:30] = 0  # another image: recognised again
    ocr.recognize(image, engine)
    assert engine.calls == 2


def test_the_engine_loads_its_bundled_models_with_the_network_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from rapidocr.utils.download_file import DownloadFile

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the OCR engine tried to reach the network or download a model")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(DownloadFile, "run", refuse)
    engine = ocr.RapidOcrEngine()
    page = Image.new("RGB", (400, 120), "white")
    ImageDraw.Draw(page).rectangle((40, 40, 360, 44), fill="black")
    assert isinstance(engine.recognize(np.asarray(page)), list)


def _grid_image(angle: float) -> Image.Image:
    """A ruled table of 4 rows × 3 columns; row 0 merges columns 1–2, column 0 merges rows 2–3."""
    page = Image.new("RGB", (1200, 900), "white")
    draw = ImageDraw.Draw(page)
    xs, ys = [100, 400, 700, 1000], [100, 250, 400, 550, 700]
    for r, y in enumerate(ys):
        for c in range(3):
            if not (r == 3 and c == 0):  # no rule between (2,0) and (3,0)
                draw.line((xs[c], y, xs[c + 1], y), fill="black", width=3)
    for c, x in enumerate(xs):
        for r in range(4):
            if not (c == 2 and r == 0):  # no rule between (0,1) and (0,2)
                draw.line((x, ys[r], x, ys[r + 1]), fill="black", width=3)
    return skew(page, random.Random(0), degrees=angle) if angle else page


@pytest.mark.parametrize("angle", [0.0, 0.8, -2.0])
def test_ruling_lines_give_cells_with_spans_after_deskew(angle: float) -> None:
    gray = np.asarray(_grid_image(angle).convert("L"))
    gray, _ = deskew(gray)
    tables = table_cells(gray)
    assert len(tables) == 1
    cells = sorted(tables[0], key=lambda b: (round(b[1] / 50), b[0]))
    assert len(cells) == 10  # 12 positions, two merges
    widths = sorted(round((b[2] - b[0]) / 300) for b in cells)
    heights = sorted(round((b[3] - b[1]) / 150) for b in cells)
    assert widths.count(2) == 1 and heights.count(2) == 1


@pytest.mark.parametrize(
    ("magic", "name"), [(b"\x89PNG\r\n\x1a\n", "a.png"), (b"\xff\xd8\xff\xe0", "a.jpg"), (b"II*\x00", "a.tif")]
)
def test_images_are_sniffed_by_content(tmp_path: Path, magic: bytes, name: str) -> None:
    path = tmp_path / "scan.bin"
    path.write_bytes(magic + b"\x00" * 64)
    assert sniff(path, path.read_bytes(), DEFAULT_LIMITS) == "image"


def test_every_frame_of_a_multipage_tiff_is_a_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    line = (100.0, 100.0, 400.0, 130.0)
    engine = _Engine([ocr.Word("绩效自评", (100.0, 100.0, 400.0, 130.0), line, 0.99)])
    monkeypatch.setattr(ocr, "default_engine", lambda: engine)
    path = tmp_path / "fax.tiff"
    first = _inked_page()
    second = _inked_page(800, 1000)
    first.save(path, save_all=True, append_images=[second], dpi=(200, 200))
    document = read(path)
    assert [p.page for p in document.paragraphs()] == [1, 2]
    assert document.source.format == "image" and document.source.pages == 2


def test_a_blank_image_reads_as_a_blank_page(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    Image.new("L", (1654, 2339), 250).save(path)
    document = read(path)
    assert document.blocks == []
    assert any("空白" in w and "blank" in w for w in document.warnings)


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_huge_image_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "huge.png"
    path.write_bytes(_png_header_only(20000, 20000))
    with pytest.raises(TooLarge) as caught:
        read(path)
    assert "过大" in caught.value.reason_zh and "too large" in caught.value.reason_en


def test_a_corrupt_image_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.png"
    buffer = tmp_path / "whole.png"
    _inked_page().save(buffer)
    path.write_bytes(buffer.read_bytes()[:2000])
    before = path.read_bytes()
    with pytest.raises(CorruptFile) as caught:
        read(path)
    assert str(path) in caught.value.one_line() and "\n" not in caught.value.one_line()
    assert path.read_bytes() == before


def test_a_photographed_sheet_is_flattened_to_a4_with_its_table() -> None:
    from jixiao.ingest.scan_prep import flatten_sheet
    from jixiao.samples.scans import photo

    sheet = Image.new("RGB", (1169, 1654), "white")  # A4 at about 141 dpi
    sheet.paste(_grid_image(0.0).resize((1000, 750)), (80, 200))
    shot = np.asarray(photo(sheet, random.Random(3)).convert("L"))
    flat = flatten_sheet(shot, 141)
    assert flat.shape == (int(11.69 * 141), int(8.27 * 141))
    gray, _ = deskew(flat)
    tables = table_cells(gray)
    assert len(tables) == 1 and len(tables[0]) == 10
