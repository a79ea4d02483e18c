"""Legacy Office files: .doc/.wps through LibreOffice, .et through xlrd, the batch converter, and
the clear error when LibreOffice is not installed."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from builders import CLOSING, INDICATOR_TABLE, TITLE, build_docx
from jixiao.cli import app
from jixiao.errors import ConverterMissing
from jixiao.ingest import libreoffice, read
from jixiao.ingest.libreoffice import ConversionFailed, Converter, convert, soffice_path
from jixiao.model.document import Table
from olefiles import word_document, workbook

needs_soffice = pytest.mark.skipif(
    soffice_path() is None,
    reason="LibreOffice (soffice) is not installed: `make system` or apt-get install libreoffice-writer-nogui",
)


@pytest.fixture(scope="module")
def legacy_docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two .doc files made from python-docx documents by one batch call, counting soffice starts."""
    if soffice_path() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("legacy")
    table_docx = build_docx(folder / "table.docx")
    prose_docx = folder / "prose.docx"
    import docx

    prose = docx.Document()
    prose.add_paragraph("三公经费支出161.58万元，较上年减少7.44万元，下降63.16%。")
    prose.save(str(prose_docx))

    starts: list[list[str]] = []
    real_popen = subprocess.Popen

    def counting_popen(command: list[str], **kwargs: Any) -> Any:
        starts.append(list(command))
        return real_popen(command, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(libreoffice.subprocess, "Popen", counting_popen)
        outputs = convert([table_docx, prose_docx], "doc", folder / "doc")
    return {"outputs": outputs, "starts": starts, "folder": folder}


@needs_soffice
@pytest.mark.libreoffice
def test_batch_convert_starts_libreoffice_once(legacy_docs: dict[str, Any]) -> None:
    outputs, starts = legacy_docs["outputs"], legacy_docs["starts"]
    assert [p.name for p in outputs] == ["table.doc", "prose.doc"]
    assert all(p.is_file() and p.read_bytes().startswith(b"\xd0\xcf\x11\xe0") for p in outputs)
    assert len(starts) == 1, "one soffice process for the whole batch"
    assert starts[0][-2:] == [str(legacy_docs["folder"] / "table.docx"), str(legacy_docs["folder"] / "prose.docx")]
    assert any(arg.startswith("-env:UserInstallation=file://") for arg in starts[0]), "private profile"


@needs_soffice
@pytest.mark.libreoffice
def test_doc_is_read_through_libreoffice_with_the_original_identity(legacy_docs: dict[str, Any]) -> None:
    doc = legacy_docs["outputs"][0]
    before = doc.read_bytes()
    document = read(doc)
    assert document.source.path == str(doc)
    assert document.source.sha256 == hashlib.sha256(before).hexdigest()
    assert document.source.format == "doc" and document.source.converted_from == "doc"
    assert doc.read_bytes() == before
    assert not list(doc.parent.glob(".~lock*")), "no lock file beside the user's file"
    texts = [b.text for b in document.paragraphs()]
    assert TITLE in texts and CLOSING in texts
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    assert (table.n_rows, table.n_cols) == (INDICATOR_TABLE.n_rows, INDICATOR_TABLE.n_cols)
    assert tuple((c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells) == INDICATOR_TABLE.anchors
    provenance = table.cell_provenance(table.cells[0], file=document.source.path)
    assert provenance.file == str(doc)


@needs_soffice
@pytest.mark.libreoffice
def test_wps_writer_file_keeps_its_kind(legacy_docs: dict[str, Any], tmp_path: Path) -> None:
    wps = tmp_path / "prose.wps"
    shutil.copyfile(legacy_docs["outputs"][1], wps)
    document = read(wps)
    assert document.source.format == "wps"
    assert [b.text for b in document.paragraphs()] == ["三公经费支出161.58万元，较上年减少7.44万元，下降63.16%。"]


@needs_soffice
@pytest.mark.libreoffice
def test_conversion_timeout_kills_soffice(tmp_path: Path) -> None:
    source = build_docx(tmp_path / "slow.docx")
    with Converter(timeout_s=0.2) as converter, pytest.raises(ConversionFailed) as caught:
        converter.convert([source], "pdf", tmp_path / "out")
    assert "超时" in caught.value.reason_zh and "timed out" in caught.value.reason_en


def test_converter_missing_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    monkeypatch.delenv(libreoffice.SOFFICE_ENV, raising=False)
    assert soffice_path() is None
    path = tmp_path / "report.doc"
    path.write_bytes(word_document())
    with pytest.raises(ConverterMissing) as caught:
        read(path)
    assert caught.value.path == str(path)
    assert "需要安装 LibreOffice" in caught.value.reason_zh and ".doc" in caught.value.reason_zh
    assert "LibreOffice" in caught.value.reason_en
    result = CliRunner().invoke(app, ["parse", str(path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr and "LibreOffice" in result.stderr


def test_batch_convert_without_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(libreoffice.SOFFICE_ENV, raising=False)
    with pytest.raises(ConverterMissing):
        convert([tmp_path / "a.docx", tmp_path / "b.docx"], "pdf", tmp_path / "out")


def test_soffice_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "my-soffice"
    fake.write_text("#!/bin/sh\n")
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(fake))
    assert soffice_path() == str(fake)


def test_inputs_sharing_a_stem_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with pytest.raises(ValueError, match="stem"):
        Converter(soffice="/bin/false").convert(
            [tmp_path / "a" / "x.docx", tmp_path / "b" / "x.docx"], "pdf", tmp_path / "out"
        )


def test_et_workbook_is_read_by_xlrd_and_keeps_its_kind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No LibreOffice needed when xlrd reads the workbook: hide it to prove that.
    monkeypatch.setenv("PATH", str(tmp_path))
    path = tmp_path / "budget.et"
    path.write_bytes(workbook())
    document = read(path)
    assert document.source.format == "et"
    assert document.source.path == str(path)


def test_unknown_compound_file(tmp_path: Path) -> None:
    from olefiles import build_ole

    path = tmp_path / "slides.doc"
    path.write_bytes(build_ole({"PowerPoint Document": b"\x00" * 100}))
    result = CliRunner().invoke(app, ["parse", str(path)])
    assert result.exit_code == 2 and "PowerPoint" in result.stderr


def _xlrd_fails(path: Path, limits: Any) -> Any:
    from jixiao.errors import CorruptFile

    raise CorruptFile(path, "工作簿已损坏，无法读取", "corrupt workbook (xlrd could not read it)")


@needs_soffice
@pytest.mark.libreoffice
def test_xls_that_xlrd_cannot_read_goes_through_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from builders import build_xls
    from jixiao.ingest import xlsx

    path = build_xls(tmp_path / "budget.xls")
    monkeypatch.setattr(xlsx, "read_xls", _xlrd_fails)
    document = read(path)
    assert document.source.format == "xls" and document.source.converted_from == "xls"
    assert document.source.path == str(path)
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    assert tuple((c.row, c.col, c.rowspan, c.colspan, c.text) for c in table.cells) == INDICATOR_TABLE.anchors


def test_xls_that_xlrd_cannot_read_without_libreoffice_keeps_the_xlrd_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jixiao.errors import CorruptFile
    from jixiao.ingest import xlsx

    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(libreoffice.SOFFICE_ENV, raising=False)
    monkeypatch.setattr(xlsx, "read_xls", _xlrd_fails)
    path = tmp_path / "budget.xls"
    path.write_bytes(workbook())
    with pytest.raises(CorruptFile) as caught:
        read(path)
    assert not isinstance(caught.value, ConverterMissing)
    assert "xlrd" in caught.value.reason_en


# --- Word and Excel files that are text inside, as government sites publish them under .doc/.xls ---


def _rtf_escape(text: str) -> str:
    return "".join(ch if ord(ch) < 128 else f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?" for ch in text)


def _rtf_document() -> bytes:
    """Hand-written RTF: a paragraph and a 2×2 table, Chinese as \\uN escapes."""
    row = "\\trowd\\cellx3000\\cellx6000 {}\\intbl {}\\cell {}\\cell\\row"
    body = [
        "{\\rtf1\\ansi\\deff0 {\\fonttbl{\\f0 SimSun;}}",
        "\\pard " + _rtf_escape("三公经费支出161.58万元。") + "\\par",
        row.format("", _rtf_escape("项目"), _rtf_escape("金额")),
        row.format("", _rtf_escape("合计"), "5795.43"),
        "\\pard\\par}",
    ]
    return "\n".join(body).encode("ascii")


@needs_soffice
@pytest.mark.libreoffice
def test_rtf_named_doc_is_read_through_libreoffice(tmp_path: Path) -> None:
    path = tmp_path / "report.doc"
    path.write_bytes(_rtf_document())
    document = read(path)
    assert document.source.format == "doc" and document.source.converted_from == "rtf"
    assert [p.text for p in document.paragraphs() if p.text] == ["三公经费支出161.58万元。"]
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    assert [[c.text for c in r] for r in table.anchor_rows()] == [["项目", "金额"], ["合计", "5795.43"]]


@needs_soffice
@pytest.mark.libreoffice
def test_word_2003_xml_named_doc_is_read_through_libreoffice(tmp_path: Path) -> None:
    path = tmp_path / "report.doc"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<?mso-application progid="Word.Document"?>\n'
        '<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body>'
        "<w:p><w:r><w:t>自评得分98.6分，等次为优。</w:t></w:r></w:p>"
        "</w:body></w:wordDocument>\n",
        encoding="utf-8",
    )
    document = read(path)
    assert document.source.format == "doc" and document.source.converted_from == "xml"
    assert [p.text for p in document.paragraphs() if p.text] == ["自评得分98.6分，等次为优。"]


def test_mht_named_doc_is_read_as_its_web_page(tmp_path: Path) -> None:
    """Word's "single file web page" (MIME HTML, quoted-printable GBK), no LibreOffice needed."""
    import quopri

    html = "<html><body><p>三公经费支出161.58万元</p><table border=1><tr><td rowspan=2>项目</td><td>年初</td></tr>"
    html += "<tr><td>全年</td></tr></table></body></html>"
    encoded = quopri.encodestring(html.encode("gbk")).decode("ascii")
    mime = (
        "MIME-Version: 1.0\n"
        'Content-Type: multipart/related; boundary="----=_NextPart_01"\n\n'
        "------=_NextPart_01\n"
        "Content-Location: file:///C:/report.htm\n"
        "Content-Transfer-Encoding: quoted-printable\n"
        'Content-Type: text/html; charset="gbk"\n\n'
        f"{encoded}\n\n"
        "------=_NextPart_01--\n"
    )
    path = tmp_path / "report.doc"
    path.write_text(mime, encoding="ascii")
    document = read(path)
    assert document.source.format == "doc" and document.source.converted_from == "mht"
    assert document.source.path == str(path)
    assert [p.text for p in document.paragraphs()] == ["三公经费支出161.58万元"]
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    assert [(c.row, c.col, c.rowspan, c.text) for c in table.cells] == [
        (0, 0, 2, "项目"),
        (0, 1, 1, "年初"),
        (1, 1, 1, "全年"),
    ]


def test_rtf_without_libreoffice_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv(libreoffice.SOFFICE_ENV, raising=False)
    path = tmp_path / "report.doc"
    path.write_bytes(_rtf_document())
    with pytest.raises(ConverterMissing) as caught:
        read(path)
    assert caught.value.path == str(path) and "LibreOffice" in caught.value.reason_zh


@needs_soffice
@pytest.mark.libreoffice
def test_excel_2003_xml_named_xls_is_read_through_libreoffice(tmp_path: Path) -> None:
    path = tmp_path / "budget.xls"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"'
        ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
        '<Worksheet ss:Name="自评表"><Table>'
        '<Row><Cell ss:MergeAcross="1"><Data ss:Type="String">资金情况</Data></Cell></Row>'
        '<Row><Cell><Data ss:Type="String">年初预算数</Data></Cell><Cell><Data ss:Type="Number">320</Data></Cell></Row>'
        "</Table></Worksheet></Workbook>\n",
        encoding="utf-8",
    )
    document = read(path)
    assert document.source.format == "xls" and document.source.converted_from == "xml"
    (table,) = [b for b in document.blocks if isinstance(b, Table)]
    assert [(c.row, c.col, c.colspan, c.text) for c in table.cells] == [
        (0, 0, 2, "资金情况"),
        (1, 0, 1, "年初预算数"),
        (1, 1, 1, "320"),
    ]
