"""Craft small OLE2 compound files for tests: an encrypted OOXML package, a .doc or .xls skeleton.

Version 3 (512-byte sectors), one FAT sector, streams padded to the 4096-byte mini-stream cutoff so
they live in regular sectors. Enough for jixiao's directory reader and for LibreOffice/xlrd to
recognise (and reject) the container; not a complete Word or Excel file.
"""

from __future__ import annotations

import struct

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SECTOR = 512
END, FREE, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _entry(name: str, kind: int, start: int, size: int, *, child: int = NOSTREAM, right: int = NOSTREAM) -> bytes:
    encoded = name.encode("utf-16-le")
    out = encoded.ljust(64, b"\x00")
    out += struct.pack("<HBB", len(encoded) + 2, kind, 1)  # name length, type, colour (black)
    out += struct.pack("<III", NOSTREAM, right, child)  # left, right sibling, child
    out += b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16  # CLSID, state bits, times
    out += struct.pack("<III", start, size, 0)
    assert len(out) == 128
    return out


def build_ole(streams: dict[str, bytes]) -> bytes:
    """A compound file holding the given top-level streams."""
    names = list(streams)
    padded = [streams[n].ljust(max(4096, -(-len(streams[n]) // SECTOR) * SECTOR), b"\x00") for n in names]
    n_dir_sectors = -(-(len(names) + 1) // 4)
    fat: list[int] = [FATSECT]
    dir_start = len(fat)
    fat += [dir_start + i + 1 for i in range(n_dir_sectors - 1)] + [END]
    starts: list[int] = []
    for data in padded:
        start = len(fat)
        count = len(data) // SECTOR
        starts.append(start)
        fat += [start + i + 1 for i in range(count - 1)] + [END]
    assert len(fat) <= SECTOR // 4, "one FAT sector is enough for test files"
    fat += [FREE] * (SECTOR // 4 - len(fat))

    directory = _entry("Root Entry", 5, END, 0, child=1 if names else NOSTREAM)
    for i, (name, data, start) in enumerate(zip(names, padded, starts, strict=True), start=1):
        directory += _entry(name, 2, start, len(data), right=i + 1 if i < len(names) else NOSTREAM)
    directory = directory.ljust(n_dir_sectors * SECTOR, b"\x00")

    header = MAGIC + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, dir_start, 0, 4096, END, 0, END, 0)
    header += struct.pack("<I", 0) + struct.pack("<108I", *([FREE] * 108))
    assert len(header) == SECTOR
    return header + struct.pack(f"<{SECTOR // 4}I", *fat) + directory + b"".join(padded)


def encrypted_ooxml() -> bytes:
    """What Word or Excel writes for a document with a password to open: EncryptionInfo + EncryptedPackage."""
    return build_ole({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00", "EncryptedPackage": b"\x00" * 600})


def word_document(*, encrypted: bool = False) -> bytes:
    """A .doc skeleton: a WordDocument stream starting with a FIB (fEncrypted set when asked)."""
    flags = 0x0100 if encrypted else 0
    fib = struct.pack("<HHHHHH", 0xA5EC, 0x00C1, 0, 0x0804, 0, flags)
    return build_ole({"WordDocument": fib, "1Table": b"\x00" * 64})


def workbook(*, encrypted: bool = False) -> bytes:
    """An .xls skeleton: a Workbook stream with BOF, FILEPASS when asked, then EOF."""
    bof = struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0)
    records = bof
    if encrypted:
        records += struct.pack("<HH", 0x002F, 6) + struct.pack("<HHH", 0, 1, 1)
    records += struct.pack("<HH", 0x000A, 0)
    return build_ole({"Workbook": records})
