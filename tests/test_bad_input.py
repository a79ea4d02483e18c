"""Every bad input of the document layer, through the `jixiao parse` command.

Each case: exit code 2, exactly one line on stderr naming the file and the reason in Chinese and in
English, no traceback, and the input file left byte for byte as it was. Wrong extensions are the
opposite case: the content decides, and the file is read correctly.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import INDICATOR_TABLE, build_docx, build_pdf, build_xlsx
from jixiao.cli import app
from jixiao.errors import TooLarge
from jixiao.ingest import Limits, read
from olefiles import encrypted_ooxml, word_document, workbook

JIXIAO = Path(sys.executable).with_name("jixiao")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _parse(path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["parse", str(path), "--format", "json"])
    return result.exit_code, result.stdout, result.stderr


def assert_rejected(path: Path, *reason: str) -> str:
    """Run `jixiao parse` on a bad file; return its one error line after checking the contract."""
    before = path.read_bytes()
    code, out, err = _parse(path)
    assert code == 2, f"exit {code}, stdout {out[:200]!r}, stderr {err[:300]!r}"
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    line = lines[0]
    assert str(path) in line
    zh, _, en = line.partition(" / ")
    assert CJK.search(zh), f"no Chinese reason in {line!r}"
    assert re.search(r"[a-z]{3,}", en), f"no English reason in {line!r}"
    for word in reason:
        assert word in line, f"{word!r} not in {line!r}"
    assert path.read_bytes() == before, "the input file must not change"
    return line


# --- broken files ---------------------------------------------------------------------------


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    assert_rejected(path, "文件为空", "empty")


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b"\xef\xbb\xbf \r\n\t\r\n")
    assert_rejected(path, "文件为空", "empty")


@pytest.mark.parametrize("builder", [build_docx, build_xlsx], ids=["docx", "xlsx"])
def test_truncated_zip(tmp_path: Path, builder: Callable[[Path], Path]) -> None:
    whole = builder(tmp_path / "whole.bin").read_bytes()
    path = tmp_path / "cut-short.docx"
    path.write_bytes(whole[: len(whole) * 2 // 3])
    assert_rejected(path, "损坏", "corrupt")


def test_zip_with_a_damaged_member(tmp_path: Path) -> None:
    """The central directory is intact but word/document.xml's compressed bytes are not."""
    data = bytearray(build_docx(tmp_path / "ok.docx").read_bytes())
    with zipfile.ZipFile(tmp_path / "ok.docx") as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 16, start + 64):
        data[i] ^= 0x5A
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(data))
    assert_rejected(path, "损坏", "corrupt")


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\n" + bytes(range(256)) * 8)
    assert_rejected(path, "PDF", "损坏", "corrupt")


def test_truncated_pdf(tmp_path: Path) -> None:
    whole = build_pdf(tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(whole[: len(whole) // 2])
    assert_rejected(path, "损坏", "corrupt")


def _bomb(path: Path, inflated_mb: int) -> Path:
    """A docx-shaped zip whose one extra member inflates from a few KB to `inflated_mb` MB of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/image1.bin", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(inflated_mb):
                member.write(chunk)
    return path


def test_zip_bomb_by_ratio(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.docx", inflated_mb=24)
    assert path.stat().st_size < 100_000  # ~24 MB packed into a few dozen KB
    assert_rejected(path, "压缩炸弹", "zip bomb")


def test_zip_bomb_by_total_size_is_refused_before_inflating(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "big.docx", inflated_mb=6)
    with pytest.raises(TooLarge) as caught:
        read(path, Limits(max_unzipped_bytes=5 * 1024 * 1024, max_zip_ratio=10**9))
    assert "压缩炸弹" in caught.value.reason_zh and "zip bomb" in caught.value.reason_en


def test_too_many_zip_entries(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for i in range(40):
            archive.writestr(f"xl/media/{i}.bin", b"x")
    with pytest.raises(TooLarge) as caught:
        read(path, Limits(max_zip_entries=20))
    assert "条目过多" in caught.value.reason_zh


# --- protected, scanned, unknown ----------------------------------------------------------------


def test_encrypted_pdf(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    sheet = canvas.Canvas(str(path), encrypt="secret")
    sheet.drawString(72, 720, "budget")
    sheet.save()
    assert_rejected(path, "加密", "encrypted")


def test_pdf_with_only_an_owner_password_is_read(tmp_path: Path) -> None:
    """Permissions without a password to open: the text is readable, so it is read."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "restricted.pdf"
    sheet = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner", canCopy=0))
    sheet.drawString(72, 720, "execution rate 98.5%")
    sheet.save()
    code, out, _ = _parse(path)
    assert code == 0 and "execution rate 98.5%" in out


@pytest.mark.parametrize("name", ["locked.docx", "locked.xlsx", "locked.doc"])
def test_encrypted_office_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(encrypted_ooxml())
    assert_rejected(path, "加密", "encrypted")


def test_encrypted_word_97_document(tmp_path: Path) -> None:
    path = tmp_path / "locked97.doc"
    path.write_bytes(word_document(encrypted=True))
    assert_rejected(path, "加密", "encrypted")


def test_encrypted_excel_97_workbook(tmp_path: Path) -> None:
    path = tmp_path / "locked97.xls"
    path.write_bytes(workbook(encrypted=True))
    assert_rejected(path, "加密", "encrypted")


def _scanned_pdf(path: Path) -> Path:
    from PIL import Image
    from reportlab.pdfgen import canvas

    picture = path.with_suffix(".png")
    Image.new("L", (200, 280), 235).save(picture)
    sheet = canvas.Canvas(str(path))
    for _ in range(2):
        sheet.drawImage(str(picture), 0, 0, width=595, height=842)
        sheet.showPage()
    sheet.save()
    return path


def test_scanned_pdf(tmp_path: Path) -> None:
    assert_rejected(_scanned_pdf(tmp_path / "scan.pdf"), "扫描件", "OCR", "scanned")


def test_unknown_binary_type(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 16)  # a PNG signature is an image now
    assert_rejected(path, "无法识别", "unknown file type")


def test_unknown_zip(tmp_path: Path) -> None:
    path = tmp_path / "bundle.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.md", "not an office file")
    assert_rejected(path, "无法识别", "neither docx nor xlsx")


def test_undecodable_text(tmp_path: Path) -> None:
    """A text file spliced from GBK and UTF-8 halves decodes as neither."""
    sentence = "预算执行率为98.5%，三公经费支出161.58万元。\n"
    path = tmp_path / "mixed.txt"
    path.write_bytes((sentence.encode("gbk") + sentence.encode("utf-8")) * 20)
    assert_rejected(path, "编码", "encoding")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("绩效自评报告\n自评得分98.6分。\n", encoding="utf-8")
    with pytest.raises(TooLarge):
        read(path, Limits(max_file_bytes=16))
    assert read(path, Limits(max_file_bytes=1024)).blocks[0].kind == "paragraph"


def test_size_limit_from_the_environment_in_a_real_process(tmp_path: Path) -> None:
    """The installed command, its environment setting, its exit code and its stderr, end to end."""
    if not JIXIAO.exists():
        pytest.skip(f"console script not installed at {JIXIAO}")
    path = tmp_path / "report.txt"
    path.write_text("绩效自评报告\n", encoding="utf-8")
    env = {**os.environ, "JIXIAO_MAX_FILE_MB": "0"}
    command = [str(JIXIAO), "parse", str(path)]
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "文件过大" in lines[0] and "too large" in lines[0]


def test_missing_file_and_directory(tmp_path: Path) -> None:
    code, _, err = _parse(tmp_path / "nowhere.pdf")
    assert code == 2 and "nowhere.pdf" in err and "Traceback" not in err
    code, _, err = _parse(tmp_path)
    assert code == 2 and "文件夹" in err and "directory" in err


# --- wrong extension: the content decides ---------------------------------------------------------


def _anchor_texts(document_json: str) -> list[str]:
    import json

    data = json.loads(document_json)
    tables = [b for b in data["blocks"] if b["kind"] == "table"]
    assert len(tables) == 1
    return [c["text"] for c in tables[0]["cells"]]


def test_docx_named_pdf_is_read_as_docx(tmp_path: Path) -> None:
    path = build_docx(tmp_path / "report.pdf")
    before = path.read_bytes()
    code, out, err = _parse(path)
    assert code == 0, err
    assert '"format": "docx"' in out
    assert _anchor_texts(out) == [a[4] for a in INDICATOR_TABLE.anchors]
    assert path.read_bytes() == before


def test_pdf_named_txt_is_read_as_pdf(tmp_path: Path) -> None:
    path = build_pdf(tmp_path / "report.txt")
    code, out, err = _parse(path)
    assert code == 0, err
    assert '"format": "pdf"' in out
    assert _anchor_texts(out) == [a[4] for a in INDICATOR_TABLE.anchors]


def test_xlsx_named_docx_is_read_as_xlsx(tmp_path: Path) -> None:
    path = build_xlsx(tmp_path / "report.docx")
    code, out, err = _parse(path)
    assert code == 0, err
    assert '"format": "xlsx"' in out and "产出指标(50分)" in out


def test_pdf_whose_fonts_have_no_unicode_mapping(tmp_path: Path) -> None:
    """Text that only looks like text: an embedded CJK font without its ToUnicode map gives (cid:N) glyphs."""
    font_file = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    if not font_file.exists():
        pytest.skip("needs fonts-wqy-microhei (scripts/install-system-deps.sh installs it)")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("WQY", str(font_file), subfontIndex=0))
    plain = tmp_path / "mapped.pdf"
    sheet = canvas.Canvas(str(plain), pageCompression=0)
    sheet.setFont("WQY", 12)
    sheet.drawString(72, 700, "三公经费支出161.58万元，较上年减少7.44万元。")
    sheet.save()
    assert [p.text for p in read(plain).paragraphs()] == ["三公经费支出161.58万元，较上年减少7.44万元。"]
    # Same length keeps the cross-reference offsets valid: the font simply loses its map.
    path = tmp_path / "unmapped.pdf"
    path.write_bytes(plain.read_bytes().replace(b"/ToUnicode", b"/ToUnicodX"))
    assert_rejected(path, "字符映射", "OCR", "Unicode")


def test_truncated_legacy_office_file(tmp_path: Path) -> None:
    path = tmp_path / "cut-short.doc"
    path.write_bytes(word_document()[:1000])  # the header and the FAT, the directory cut off
    assert_rejected(path, "损坏", "corrupt")


def test_looping_sector_chain_in_a_compound_file(tmp_path: Path) -> None:
    """A hostile FAT whose directory chain points back at itself ends as CorruptFile, not a hang."""
    import struct

    data = bytearray(word_document())
    # The directory starts at sector 1 (header field 0x30); make FAT[1] point to 1 again.
    struct.pack_into("<I", data, 512 + 4 * 1, 1)
    path = tmp_path / "loop.doc"
    path.write_bytes(bytes(data))
    assert_rejected(path, "损坏", "corrupt")


def test_pdf_with_a_damaged_content_stream_is_corrupt_not_scanned(tmp_path: Path) -> None:
    """A wrong /Length breaks the page's content stream: pdfminer complains (quietly) and finds no
    text. That is damage, not a scan, and its log lines must not reach stderr."""
    data = build_pdf(tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "bad-length.pdf"
    path.write_bytes(re.sub(rb"/Length (\d+)", lambda m: b"/Length " + str(int(m.group(1)) + 7).encode(), data))
    line = assert_rejected(path, "损坏", "corrupt")
    assert "扫描" not in line


SAMPLES = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "samples"


@pytest.mark.parametrize(
    ("sample", "variants"),
    [
        ("project_qingshan_school_repair_2023.docx", 80),
        ("project_qingshan_school_repair_2023.xlsx", 80),
        ("project_qingshan_school_repair_2023.pdf", 25),
        ("dept_narrative_baishi_agriculture_2023.html", 40),
        ("dept_table_yunxi_transport_2023.txt", 40),
    ],
)
def test_damaged_copies_of_the_samples_never_crash(tmp_path: Path, sample: str, variants: int) -> None:
    """Flipped bytes, cut tails and cut-out spans: every copy is read or rejected with a reason."""
    import random

    from jixiao.errors import UnreadableFile

    source = SAMPLES / sample
    if not source.exists():
        pytest.skip(f"sample {sample} not generated")
    original = source.read_bytes()
    rng = random.Random(sample)  # the same copies on every run
    for i in range(variants):
        data = bytearray(original)
        mode = i % 3
        if mode == 0:
            for _ in range(rng.randrange(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif mode == 1:
            data = data[: rng.randrange(1, len(data))]
        else:
            start = rng.randrange(len(data))
            del data[start : start + rng.randrange(1, 200)]
        path = tmp_path / f"copy{i}{source.suffix}"
        path.write_bytes(bytes(data))
        try:
            read(path)  # any other exception than a named rejection fails the test
        except UnreadableFile as exc:
            assert exc.path == str(path) and exc.reason_zh and exc.reason_en
