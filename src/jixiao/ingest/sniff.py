"""Decide a file's format from its content; the suffix only breaks ties the content leaves open."""

from __future__ import annotations

from pathlib import Path

from jixiao.errors import EmptyFile, TooLarge, UnsupportedFormat
from jixiao.ingest.limits import Limits
from jixiao.ingest.package import related_part
from jixiao.ingest.zipguard import check_archive, find_member, open_zip, read_member

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# PNG, JPEG, TIFF (little- and big-endian): scans and photos, read by OCR
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<div", b"<meta", b"<p")


def sniff(path: Path, head: bytes, limits: Limits) -> str:
    """Return one of txt, docx, xlsx, pdf, html, ole (doc/xls/wps/et), rtf, wordxml, excelxml, mht, json, image."""
    size = path.stat().st_size
    if size == 0 or not head.strip(b"\x00 \t\r\n\xef\xbb\xbf"):
        raise EmptyFile(path, "文件为空", "the file is empty")
    if size > limits.max_file_bytes:
        raise TooLarge(
            path,
            f"文件过大（{size // 1024 // 1024} MB，上限 {limits.max_file_bytes // 1024 // 1024} MB）",
            f"file too large ({size} bytes, limit {limits.max_file_bytes})",
        )
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_IMAGE_MAGIC):
        return "image"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(path, limits)
    lowered = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    legacy = _legacy_office_kind(lowered)
    if legacy is not None:
        return legacy
    if lowered.startswith((b"{", b"[")) and path.suffix.lower() == ".json":
        return "json"
    if lowered.startswith(b"<?xml") and b"<html" not in lowered:
        raise UnsupportedFormat(path, "不支持的 XML 文件", "unsupported XML file")
    if any(lowered.startswith(m) or m in lowered[:512] for m in _HTML_MARKERS[:3]) or lowered.startswith(_HTML_MARKERS):
        return "html"
    if _looks_binary(head):
        raise UnsupportedFormat(path, "无法识别的文件类型", "unknown file type")
    return "txt"


def _legacy_office_kind(lowered: bytes) -> str | None:
    """Word and Excel files that are text inside: RTF, Office 2003 XML, MHTML ("single file web page").

    Government sites often publish these under a .doc or .xls name.
    """
    if lowered.startswith(b"{\\rtf"):
        return "rtf"
    if lowered.startswith(b"<?xml"):
        if b"word.document" in lowered or b"<w:worddocument" in lowered:
            return "wordxml"
        if b"excel.sheet" in lowered or b"urn:schemas-microsoft-com:office:spreadsheet" in lowered:
            return "excelxml"
    if lowered.startswith(b"mime-version:") or b"content-type: multipart/related" in lowered[:1024]:
        return "mht"
    return None


def _zip_kind(path: Path, limits: Limits) -> str:
    # Every docx/xlsx passes the zip-bomb guard here, before any reader inflates a byte of it.
    with open_zip(path) as archive:
        check_archive(path, archive, limits)
        if find_member(archive, "word/document.xml") is not None:
            return "docx"
        if find_member(archive, "xl/workbook.xml") is not None:
            return "xlsx"
        if "EncryptedPackage" in archive.namelist():
            return "ole"
        # the main part at another name: what `_rels/.rels` points to says what the package is
        main = related_part(path, archive, "", "officeDocument", limits)
        head = read_member(path, archive, main, limits)[:4096] if main is not None else b""
    if b"wordprocessingml" in head:
        return "docx"
    if b"spreadsheetml" in head:
        return "xlsx"
    raise UnsupportedFormat(path, "无法识别的压缩文件（不是 docx 或 xlsx）", "zip archive is neither docx nor xlsx")


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        # UTF-16 text has NULs too: let the text reader's encoding detection decide.
        return not (head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head))
    control = sum(1 for b in head[:4096] if b < 9 or 13 < b < 32)
    return control > len(head[:4096]) * 0.05


def _utf16_without_bom(head: bytes) -> bool:
    sample = head[:512]
    zeros_even = sum(1 for b in sample[0::2] if b == 0)
    zeros_odd = sum(1 for b in sample[1::2] if b == 0)
    half = max(1, len(sample) // 2)
    return zeros_odd > half * 0.3 or zeros_even > half * 0.3
