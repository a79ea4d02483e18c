"""Open Packaging Conventions: finding a package's parts by their relationships, not their usual names.

Word and Excel follow `_rels/.rels` to the main part and the main part's relationships to the rest;
writers other than Office sometimes store `word/document2.xml` or `xl/Workbook.xml`, or leave
`[Content_Types].xml` without an entry for them. Reading the relationships reads what Office reads.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from lxml import etree

from jixiao.errors import UnreadableFile
from jixiao.ingest.limits import Limits
from jixiao.ingest.zipguard import find_member, read_member

_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def relationships(path: Path, archive: zipfile.ZipFile, part: str, limits: Limits) -> list[tuple[str, str]]:
    """(type, target part) of a part's relationships ("" for the package's own); [] when unreadable."""
    return [(rel_type, target) for _id, rel_type, target in identified_relationships(path, archive, part, limits)]


def identified_relationships(
    path: Path, archive: zipfile.ZipFile, part: str, limits: Limits
) -> list[tuple[str, str, str]]:
    """(id, type, target part) of a part's relationships, for parts that name them by id (a workbook's sheets)."""
    folder = PurePosixPath(part).parent
    rels_name = str(folder / "_rels" / (PurePosixPath(part).name + ".rels")) if part else "_rels/.rels"
    if find_member(archive, rels_name) is None:
        return []
    try:
        root = etree.fromstring(read_member(path, archive, rels_name, limits), _PARSER)
    except (etree.XMLSyntaxError, UnreadableFile):
        return []
    out: list[tuple[str, str, str]] = []
    for rel in root.iter(_PKG_REL):
        if rel.get("TargetMode") == "External":
            continue
        target = (rel.get("Target") or "").replace("\\", "/")
        resolved = target.lstrip("/") if target.startswith("/") else _join(folder, target)
        out.append((rel.get("Id") or "", rel.get("Type") or "", resolved))
    return out


def _join(folder: PurePosixPath, target: str) -> str:
    parts: list[str] = []
    for piece in (*folder.parts, *target.split("/")):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def related_part(path: Path, archive: zipfile.ZipFile, part: str, kind: str, limits: Limits) -> str | None:
    """The first existing part a relationship of type `…/kind` points to, by its stored name."""
    for rel_type, target in relationships(path, archive, part, limits):
        if rel_type.rsplit("/", 1)[-1] == kind:
            info = find_member(archive, target)
            if info is not None:
                return info.filename
    return None


def main_part(path: Path, archive: zipfile.ZipFile, usual: str, limits: Limits) -> str | None:
    """The package's main part: where `_rels/.rels` points, else the usual name when it exists."""
    found = related_part(path, archive, "", "officeDocument", limits)
    if found is not None:
        return found
    info = find_member(archive, usual)
    return info.filename if info is not None else None


_STYLE_ATTR = re.compile(rb'(<(?:\w+:)?c\b[^>]*?)\s+s="\d*"')


def rebuilt_package(
    archive: zipfile.ZipFile,
    overrides: dict[str, str],
    *,
    drop_styles: bool = False,
    copies: dict[str, str] | None = None,
) -> bytes:
    """A copy of the package with a fresh [Content_Types].xml naming `overrides` (part → type), and
    `copies` (new name → part) for readers that look parts up by a fixed name.

    Members that cannot be inflated are left out (Excel repairs such packages the same way). With
    `drop_styles`, the styles part is left out and cells lose their style index (styles missing or
    broken, which Excel ignores and openpyxl cannot).
    """
    styles = {part for part, content_type in overrides.items() if content_type.endswith(".styles+xml")}
    if drop_styles:
        overrides = {part: t for part, t in overrides.items() if part not in styles}
        copies = {new: part for new, part in (copies or {}).items() if part not in styles}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        # a name stored twice is read as zipfile reads it: the last copy (and written once)
        for info in {i.filename: i for i in archive.infolist()}.values():
            name = info.filename
            if name.lower() == "[content_types].xml" or name.endswith("/") or (drop_styles and name in styles):
                continue
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError, NotImplementedError):
                continue  # a damaged part is left out: a needed one is then missing and named by the reader
            if drop_styles and name.endswith(".xml") and "worksheets/" in name:
                data = _STYLE_ATTR.sub(rb"\1", data)
            target.writestr(name, data)
        for new_name, part in (copies or {}).items():
            if new_name not in archive.NameToInfo:
                target.writestr(new_name, archive.read(part))
        types = etree.Element(f"{{{_CT}}}Types", nsmap={None: _CT})  # type: ignore[dict-item]
        etree.SubElement(types, f"{{{_CT}}}Default", Extension="rels", ContentType=_RELS_TYPE)
        etree.SubElement(types, f"{{{_CT}}}Default", Extension="xml", ContentType="application/xml")
        for part, content_type in overrides.items():
            etree.SubElement(types, f"{{{_CT}}}Override", PartName="/" + part, ContentType=content_type)
        target.writestr("[Content_Types].xml", etree.tostring(types, xml_declaration=True, encoding="UTF-8"))
    return out.getvalue()


_RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
