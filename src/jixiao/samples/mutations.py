"""Seeded mutations of report files, for the fuzz suites (`tests/test_fuzz.py`, `scripts/fuzz.py`).

`mutate(data, fmt, seed)` returns a damaged copy and the mutation's name; the same seed always gives
the same bytes. The mutations are the ones that broke readers before (see ../shared/hostile): flipped
bytes, cut files, zip directories that lie, members removed or doubled, XML edited inside a valid
container, spans and merged ranges as large as the format allows, nesting, pages boxes with garbage.
`unusual(data, fmt, seed)` gives a *valid* variant that Office still opens (member names with
backslashes, the main part at another name, content types missing, stream names in capitals): those
must be read, not refused.
"""

from __future__ import annotations

import io
import random
import re
import struct
import warnings
import zipfile
from collections.abc import Callable

Mutation = Callable[[bytes, random.Random], bytes]
_HUGE = ("1000000000", "2147483648", "99999999999999999999", "65536", "-1", "1e9", "0", "4294967296")


# --- any bytes ------------------------------------------------------------------------------------


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 16)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def cut(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def splice(data: bytes, rng: random.Random) -> bytes:
    """A chunk of the file repeated somewhere else (a bad copy, a doubled block)."""
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.randint(1, 4096)]
    at = rng.randrange(len(data))
    return data[:at] + chunk * rng.randint(1, 8) + data[at:]


def insert_noise(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + rng.randbytes(rng.randint(1, 512)) + data[at:]


_BYTES: list[Mutation] = [flip_bytes, cut, splice, insert_noise]


# --- zip containers (docx, xlsx) ------------------------------------------------------------------


def _members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # a doubled member is the point of zip_member_dup
        for name, body in members:
            archive.writestr(name, body)
    return out.getvalue()


def zip_central_lie(data: bytes, rng: random.Random) -> bytes:
    """A central-directory or end-record field (sizes, offsets, counts) overwritten."""
    out = bytearray(data)
    spots = [m.start() for m in re.finditer(rb"PK\x01\x02|PK\x05\x06", data)]
    if not spots:
        return flip_bytes(data, rng)
    spot = rng.choice(spots)
    offset = spot + rng.choice((10, 12, 16, 20, 24, 28, 42) if data[spot + 2] == 1 else (8, 10, 12, 16))
    if offset + 4 <= len(out):
        out[offset : offset + 4] = struct.pack("<I", rng.choice((0, 1, 0x7FFFFFFF, 0xFFFFFFFF, rng.randrange(1 << 32))))
    return bytes(out)


def zip_member_remove(data: bytes, rng: random.Random) -> bytes:
    members = _members(data)
    members.pop(rng.randrange(len(members)))
    return _zip([(i.filename, b) for i, b in members])


def zip_member_dup(data: bytes, rng: random.Random) -> bytes:
    members = [(i.filename, b) for i, b in _members(data)]
    name, body = rng.choice(members)
    members.insert(rng.randrange(len(members) + 1), (name, flip_bytes(body, rng) if body else body))
    return _zip(members)


def _edit_xml(data: bytes, rng: random.Random, edit: Callable[[bytes, random.Random], bytes]) -> bytes:
    members = [(i.filename, b) for i, b in _members(data)]
    xml = [k for k, (name, _) in enumerate(members) if name.endswith((".xml", ".rels"))]
    # the main part most of the time: that is where tables, cells and merges live
    main = [k for k in xml if re.search(r"(document|sheet\d*)\.xml$", members[k][0])]
    k = rng.choice(main if main and rng.random() < 0.7 else xml)
    members[k] = (members[k][0], edit(members[k][1], rng))
    return _zip(members)


def _tag_remove(xml: bytes, rng: random.Random) -> bytes:
    tags = re.findall(rb"<([A-Za-z][\w:.-]*)", xml)
    if not tags:
        return xml
    tag = re.escape(rng.choice(tags))
    return re.sub(rb"</?" + tag + rb"\b[^>]*>", b"", xml, count=rng.choice((1, 0)))


def _number_blowup(xml: bytes, rng: random.Random) -> bytes:
    """Numeric attributes (spans, sizes, style ids, sheet ids) replaced by huge or absurd values."""
    spots = list(re.finditer(rb'="(-?\d+)"', xml))
    if not spots:
        return xml
    out = xml
    for spot in sorted(rng.sample(spots, min(len(spots), rng.randint(1, 6))), key=lambda m: -m.start()):
        out = out[: spot.start(1)] + rng.choice(_HUGE).encode() + out[spot.end(1) :]
    return out


def _xml_text_damage(xml: bytes, rng: random.Random) -> bytes:
    return rng.choice((flip_bytes, cut, splice))(xml, rng) if xml else xml


def xml_tag_remove(data: bytes, rng: random.Random) -> bytes:
    return _edit_xml(data, rng, _tag_remove)


def xml_numbers(data: bytes, rng: random.Random) -> bytes:
    return _edit_xml(data, rng, _number_blowup)


def xml_damage(data: bytes, rng: random.Random) -> bytes:
    return _edit_xml(data, rng, _xml_text_damage)


def docx_span(data: bytes, rng: random.Random) -> bytes:
    """Cells and rows declaring spans and skipped grid columns as large as the format allows."""

    def edit(xml: bytes, rng: random.Random) -> bytes:
        value = rng.choice(_HUGE).encode()
        prop = rng.choice((b"gridSpan", b"gridBefore", b"gridAfter"))
        if prop == b"gridSpan":
            return re.sub(rb"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="' + value + b'"/>', xml, count=rng.randint(1, 50))
        return re.sub(rb"<w:tr\b([^>]*)>", rb"<w:tr\1><w:trPr><w:" + prop + b' w:val="' + value + b'"/></w:trPr>', xml)

    return _edit_main(data, rng, "word/document.xml", edit)


def xlsx_merge(data: bytes, rng: random.Random) -> bytes:
    """Merged ranges as large as a sheet, overlapping, or nonsense."""

    def edit(xml: bytes, rng: random.Random) -> bytes:
        refs = [rng.choice(("A1:XFD1048576", "A1:A1048576", "B2:XFD2", "A1:Z100000", "C3:A1", "A0:B2", "ZZZZ1:A1"))]
        refs += [f"A{r}:{rng.choice('BCDEFGH')}{r + rng.randint(0, 5000)}" for r in range(1, rng.randint(2, 40))]
        cells = b"".join(b'<mergeCell ref="' + r.encode() + b'"/>' for r in refs)
        block = b'<mergeCells count="' + str(len(refs)).encode() + b'">' + cells + b"</mergeCells>"
        xml = re.sub(rb"<mergeCells\b.*?</mergeCells>", b"", xml, flags=re.DOTALL)
        return re.sub(rb"(</sheetData>)", rb"\1" + block, xml, count=1)

    return _edit_main(data, rng, "xl/worksheets/sheet1.xml", edit)


def _edit_main(data: bytes, rng: random.Random, name: str, edit: Callable[[bytes, random.Random], bytes]) -> bytes:
    members = [(i.filename, b) for i, b in _members(data)]
    return _zip([(n, edit(b, rng) if n == name else b) for n, b in members])


_ZIP: list[Mutation] = [zip_central_lie, zip_member_remove, zip_member_dup, xml_tag_remove, xml_numbers, xml_damage]


# --- web pages, PDF, text, OLE --------------------------------------------------------------------


def html_grid(data: bytes, rng: random.Random) -> bytes:
    """Tables whose spans add up to a huge grid, or tables nested deep."""
    if rng.random() < 0.5:
        span = rng.choice(("1000", "65534", "99999999", "0", "-3"))
        row = (
            b"<tr>"
            + b"".join(b'<td rowspan="%s" colspan="%s">x</td>' % (span.encode(), span.encode()) for _ in range(60))
            + b"</tr>"
        )
        table = b"<table>" + row * rng.randint(1, 60) + b"</table>"
    else:
        depth = rng.randint(50, 400)
        table = b"<table><tr><td>" * depth + b"x" + b"</td></tr></table>" * depth
    at = data.find(b"</body>")
    return data[:at] + table + data[at:] if at >= 0 else data + table


def html_tags(data: bytes, rng: random.Random) -> bytes:
    return _tag_remove(data, rng)


def html_attrs(data: bytes, rng: random.Random) -> bytes:
    return _number_blowup(re.sub(rb"<(td|th)\b", lambda m: m.group(0) + b' colspan="2"', data, count=20), rng)


def pdf_boxes(data: bytes, rng: random.Random) -> bytes:
    """A page box, a length or an xref offset holding garbage or an absurd number."""
    spots = list(re.finditer(rb"/(MediaBox|CropBox|Length|Size|W|Count)\s*\[?\s*(-?[\d.]+)", data))
    spots += list(re.finditer(rb"startxref\s+(\d+)", data))
    if not spots:
        return flip_bytes(data, rng)
    spot = rng.choice(spots)
    group = spot.lastindex or 1
    junk = rng.choice((b"/b'\x16'", b"99999999999", b"-1", b"1e308", b"()", b"\x00"))
    return data[: spot.start(group)] + junk + data[spot.end(group) :]


def pdf_streams(data: bytes, rng: random.Random) -> bytes:
    """Bytes flipped inside one stream (a page's content, a font, an xref stream)."""
    streams = [m.span() for m in re.finditer(rb"stream\r?\n.*?endstream", data, re.DOTALL)]
    if not streams:
        return flip_bytes(data, rng)
    start, end = rng.choice(streams)
    return data[:start] + flip_bytes(data[start:end], rng) + data[end:]


def text_noise(data: bytes, rng: random.Random) -> bytes:
    choice = rng.randrange(3)
    if choice == 0:
        return data + b"\x00" * rng.randint(1, 4096)
    if choice == 1:
        return data.replace(b"\n", b" " * rng.randint(1, 3), rng.randint(1, 200))  # very long lines
    return data[: len(data) // 2] + b"\xff\xfe\x80\x81" * rng.randint(1, 100) + data[len(data) // 2 :]


def ole_directory(data: bytes, rng: random.Random) -> bytes:
    """A header field (FAT, directory, mini-FAT sector numbers and counts) or a directory entry
    (start sector, size, sibling ids) overwritten."""
    out = bytearray(data)
    if rng.random() < 0.5 and len(out) >= 512:
        offset = rng.choice((0x2C, 0x30, 0x3C, 0x40, 0x44, 0x48, 0x4C))
    else:
        names = [m.start() for m in re.finditer(re.escape("Root Entry".encode("utf-16-le")), data)]
        base = names[0] if names else 512
        offset = base + 128 * rng.randint(0, 6) + rng.choice((0x44, 0x48, 0x4C, 0x74, 0x78))
    if offset + 4 <= len(out):
        out[offset : offset + 4] = struct.pack("<I", rng.choice((0, 1, 0xFFFFFFFE, 0xFFFFFFFA, rng.randrange(1 << 32))))
    return bytes(out)


MUTATIONS: dict[str, list[Mutation]] = {
    "docx": [*_BYTES, *_ZIP, docx_span, docx_span],
    "xlsx": [*_BYTES, *_ZIP, xlsx_merge, xlsx_merge],
    "html": [*_BYTES, html_grid, html_tags, html_attrs],
    "pdf": [*_BYTES, pdf_boxes, pdf_streams, pdf_streams],
    "txt": [*_BYTES, text_noise],
    "xls": [*_BYTES, ole_directory, ole_directory],
    "doc": [*_BYTES, ole_directory, ole_directory],
}


def mutate(data: bytes, fmt: str, seed: int) -> tuple[bytes, str]:
    """A damaged copy of a file of format `fmt` and the name of the mutation that made it."""
    rng = random.Random(f"{fmt}:{seed}")
    mutation = rng.choice(MUTATIONS[fmt])
    try:
        return mutation(data, rng), mutation.__name__
    except (zipfile.BadZipFile, ValueError, IndexError):
        return flip_bytes(data, rng), "flip_bytes"


# --- valid but unusual: Office opens these, so must jixiao ----------------------------------------


def backslash_names(data: bytes, rng: random.Random) -> bytes:
    return _zip([(i.filename.replace("/", "\\"), b) for i, b in _members(data)])


def no_content_type_overrides(data: bytes, rng: random.Random) -> bytes:
    """[Content_Types].xml without its Override entries (some writers rely on the relationships)."""
    members = [(i.filename, b) for i, b in _members(data)]
    return _zip([(n, re.sub(rb"<Override\b[^>]*/>", b"", b) if n == "[Content_Types].xml" else b) for n, b in members])


def renamed_main_part(data: bytes, rng: random.Random) -> bytes:
    """The main part stored under another name, which `_rels/.rels` (and the content types) point to."""
    members = [(i.filename, b) for i, b in _members(data)]
    main = next(n for n, _ in members if n in ("word/document.xml", "xl/workbook.xml"))
    folder, _, base = main.rpartition("/")
    new = f"{folder}/{base[:-4]}2.xml"
    rels_old, rels_new = f"{folder}/_rels/{base}.rels", f"{folder}/_rels/{base[:-4]}2.xml.rels"
    out = []
    for name, body in members:
        pointing = body.replace(main.encode(), new.encode()) if name in ("_rels/.rels", "[Content_Types].xml") else body
        out.append((new if name == main else rels_new if name == rels_old else name, pointing))
    return _zip(out)


def capitalised_streams(data: bytes, rng: random.Random) -> bytes:
    """OLE stream names in capitals: compound-file names compare without case."""
    out = data
    for name in ("Workbook", "WordDocument"):
        out = out.replace(name.encode("utf-16-le"), name.upper().encode("utf-16-le"))
    return out


UNUSUAL: dict[str, list[Mutation]] = {
    "docx": [backslash_names, no_content_type_overrides, renamed_main_part],
    "xlsx": [backslash_names, no_content_type_overrides, renamed_main_part],
    "xls": [capitalised_streams],
}
