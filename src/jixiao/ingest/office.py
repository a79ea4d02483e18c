"""Legacy Office and WPS files (OLE2 compound files): decide the kind, then read or convert.

The directory's stream names decide: "EncryptedPackage" is a password-protected docx/xlsx
(EncryptedFile); "WordDocument" is Word 97-2003 or WPS Writer (doc/wps, converted to docx by
LibreOffice); "Workbook"/"Book" is Excel 97-2003 or WPS Spreadsheets (xls/et: read with xlrd, and
converted to xlsx by LibreOffice where xlrd cannot read it). Encryption of a .doc (FIB flag) and of a
workbook (FILEPASS record) is detected before any converter starts, so a password prompt never
stalls a headless LibreOffice.

A converted document keeps the original's identity: Source.path and sha256 are the original file's,
Source.format its kind (doc, wps, xls, et) and Source.converted_from the same kind, to say that the
grid came through a LibreOffice conversion (positions are those of the converted file; no pages).
The conversion works on a copy in a private temporary folder: the input is never opened for writing
and no lock file appears beside it.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import tempfile
from dataclasses import replace
from pathlib import Path

from jixiao.errors import CorruptFile, EncryptedFile, UnreadableFile, UnsupportedFormat
from jixiao.ingest.libreoffice import Converter, shared_converter
from jixiao.ingest.limits import Limits
from jixiao.ingest.ole import CompoundFile
from jixiao.model.document import Document, Format

_WORD_SUFFIXES = {".doc": "doc", ".wps": "wps", ".dot": "doc", ".wpt": "wps"}
_SHEET_SUFFIXES = {".xls": "xls", ".et": "et", ".xlt": "xls", ".ett": "et"}
_FIB_ENCRYPTED = 0x0100  # FibBase flags (offset 0x0A): fEncrypted
_FIB_OBFUSCATED = 0x8000  # fObfuscated: XOR "encryption", still needs the password
_BIFF_FILEPASS = 0x002F
_BIFF_BOUNDSHEET = 0x0085
_BIFF_EOF = 0x000A


def read_ole(path: Path, limits: Limits) -> Document:
    """Read a .doc/.wps/.xls/.et (or reject an encrypted OOXML) by its compound-file directory."""
    data = path.read_bytes()
    ole = CompoundFile(path, data)
    if ole.has_stream("EncryptedPackage") or ole.has_stream("\x06DataSpaces"):
        raise EncryptedFile(
            path,
            "Office 文件已加密（设置了打开密码），请去掉密码后再读取",
            "encrypted Office file (password to open): remove the password and try again",
        )
    if ole.has_stream("WordDocument"):
        _reject_encrypted_word(path, ole)
        kind: Format = "wps" if _WORD_SUFFIXES.get(path.suffix.lower()) == "wps" else "doc"
        return _converted(path, data, kind, "docx", limits)
    if ole.has_stream("Workbook") or ole.has_stream("Book"):
        _reject_encrypted_workbook(path, ole)
        sheet_kind: Format = "et" if _SHEET_SUFFIXES.get(path.suffix.lower()) == "et" else "xls"
        return _read_workbook(path, data, sheet_kind, limits)
    if ole.has_stream("PowerPoint Document"):
        raise UnsupportedFormat(path, "不支持 PowerPoint 演示文稿", "PowerPoint presentations are not supported")
    raise UnsupportedFormat(path, "无法识别的 OLE 复合文档（不是 doc/xls/wps/et）", "unknown OLE2 compound file")


def _reject_encrypted_word(path: Path, ole: CompoundFile) -> None:
    fib = ole.read_stream("WordDocument", 32) or b""
    if len(fib) >= 12:
        (flags,) = struct.unpack_from("<H", fib, 0x0A)
        if flags & (_FIB_ENCRYPTED | _FIB_OBFUSCATED):
            raise EncryptedFile(
                path,
                "Word 文档已加密（设置了打开密码），请去掉密码后再读取",
                "encrypted Word document (password to open): remove the password and try again",
            )


def _reject_encrypted_workbook(path: Path, ole: CompoundFile) -> None:
    stream = ole.read_stream("Workbook", 1 << 16) or ole.read_stream("Book", 1 << 16) or b""
    offset = 0
    # FILEPASS, when present, follows the first BOF among the workbook globals, before any sheet entry.
    for _ in range(500):
        if offset + 4 > len(stream):
            return
        record, length = struct.unpack_from("<HH", stream, offset)
        if record == _BIFF_FILEPASS:
            raise EncryptedFile(
                path,
                "Excel 工作簿已加密（设置了打开密码），请去掉密码后再读取",
                "encrypted Excel workbook (password to open): remove the password and try again",
            )
        if record in (_BIFF_BOUNDSHEET, _BIFF_EOF):
            return
        offset += 4 + length


def _read_workbook(path: Path, data: bytes, kind: Format, limits: Limits) -> Document:
    from jixiao.ingest.xlsx import read_xls

    try:
        document = read_xls(path, limits)
    except EncryptedFile:
        raise
    except UnreadableFile as xlrd_failed:
        # xlrd reads BIFF2-8 only, and not every writer's dialect: LibreOffice reads more.
        converter = shared_converter(limits.conversion_timeout_s)
        if converter.soffice is None:
            raise xlrd_failed from None
        return _converted(path, data, kind, "xlsx", limits, converter=converter)
    if kind == "xls":
        return document
    return Document(source=replace(document.source, format=kind), blocks=document.blocks, warnings=document.warnings)


def _converted(
    path: Path,
    data: bytes,
    kind: Format,
    target: str,
    limits: Limits,
    *,
    converter: Converter | None = None,
    container: str | None = None,
) -> Document:
    """Convert a copy with LibreOffice and read the result as the original file.

    `container` is what the file really is when that is not `kind` (an RTF saved as .doc).
    """
    converter = converter or shared_converter(limits.conversion_timeout_s)
    with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as tmp:
        folder = Path(tmp)
        (folder / "in").mkdir()
        # A name of our own with the kind's suffix: LibreOffice picks its import filter by suffix, and
        # a wrong suffix on the user's file (a .doc named .pdf) must not mislead it.
        copy = folder / "in" / f"document.{container or kind}"
        shutil.copyfile(path, copy)
        try:
            (output,) = converter.convert([copy], target, folder / "out")
        except UnreadableFile as exc:
            # Name the user's file, not our temporary copy, keeping the kind of failure.
            raise type(exc)(path, exc.reason_zh, exc.reason_en) from None
        try:
            document = _read_converted(output, target, limits)
        except UnreadableFile as exc:
            exc.path = str(path)  # the user's file, not the converted copy
            raise
    source = replace(
        document.source,
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        format=kind,
        converted_from=container or kind,
    )
    return Document(source=source, blocks=document.blocks, warnings=document.warnings)


def _read_converted(output: Path, target: str, limits: Limits) -> Document:
    if target == "docx":
        from jixiao.ingest.docx import read_docx

        return read_docx(output, limits)
    from jixiao.ingest.xlsx import read_xlsx

    return read_xlsx(output, limits)


def read_text_office(path: Path, limits: Limits, container: str) -> Document:
    """Word/Excel files that are text inside (sniff's rtf, wordxml, excelxml, mht), read as doc or xls."""
    data = path.read_bytes()
    sheet = container == "excelxml" or path.suffix.lower() in _SHEET_SUFFIXES
    if container == "mht":
        return _read_mht(path, data, limits, "xls" if sheet else ("doc" if _is_word_name(path) else "html"))
    if container == "rtf":
        return _converted(path, data, "doc", "docx", limits, container="rtf")
    if container == "wordxml":
        return _converted(path, data, "doc", "docx", limits, container="xml")
    return _converted(path, data, "xls", "xlsx", limits, container="xml")


def _is_word_name(path: Path) -> bool:
    return path.suffix.lower() in _WORD_SUFFIXES


def _read_mht(path: Path, data: bytes, limits: Limits, kind: Format) -> Document:
    """A "single file web page" (MIME HTML): its HTML part read by the web page reader."""
    import email
    import email.policy

    from jixiao.ingest.html import read_html

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    payload = part.get_payload(decode=True) if part is not None else None
    if not isinstance(payload, bytes) or not payload.strip():
        raise CorruptFile(path, "MHT 网页文件中没有 HTML 正文", "MHTML file without an HTML part")
    charset = part.get_content_charset() if part is not None else None
    with tempfile.TemporaryDirectory(prefix="jixiao-mht-") as tmp:
        page = Path(tmp) / "page.html"
        # The MIME header may be the only place the charset is declared: say it inside the page too.
        head = f'<meta charset="{charset}">'.encode("ascii") if charset and charset.isascii() else b""
        page.write_bytes(head + payload)
        document = read_html(page, limits)
    source = replace(
        document.source, path=str(path), sha256=hashlib.sha256(data).hexdigest(), format=kind, converted_from="mht"
    )
    return Document(source=source, blocks=document.blocks, warnings=document.warnings)
