"""A minimal reader of OLE2 compound files (the container of .doc, .xls, .wps, .et and encrypted OOXML).

Only what deciding a file's kind needs: the names of the directory's streams and the first bytes of
a stream (the Word FIB's encryption flag, the workbook's FILEPASS record). Every sector chain is
followed with a step bound, so a malformed or looping file ends in CorruptFile, never a hang.
Specification: [MS-CFB] Compound File Binary File Format.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from jixiao.errors import CorruptFile

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END = 0xFFFFFFFE  # ENDOFCHAIN
_FREE = 0xFFFFFFFF
_MAX_REGULAR = 0xFFFFFFFA  # sector numbers above this are markers
_STREAM = 2
_ROOT = 5


@dataclass(frozen=True, slots=True)
class Entry:
    """One directory entry: a storage or a stream."""

    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


class CompoundFile:
    """An OLE2 compound file held in memory (inputs are bounded by Limits.max_file_bytes)."""

    def __init__(self, path: Path, data: bytes) -> None:
        self.path = path
        self.data = data
        if len(data) < 512 or not data.startswith(MAGIC):
            raise self._corrupt("文件头无效", "bad header")
        (self.sector_shift, self.mini_shift) = struct.unpack_from("<HH", data, 0x1E)
        if self.sector_shift not in (9, 12) or self.mini_shift != 6:
            raise self._corrupt("扇区大小无效", "bad sector size")
        self.sector_size = 1 << self.sector_shift
        n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
        (self.mini_cutoff, first_minifat, _n_minifat, first_difat, n_difat) = struct.unpack_from("<IIIII", data, 0x38)
        self.fat = self._read_fat(n_fat, first_difat, n_difat)
        self.entries = self._read_directory(first_dir)
        self._minifat_start = first_minifat

    # --- public ---------------------------------------------------------------------------

    def stream_names(self) -> set[str]:
        """Names of every stream and storage in the file (any depth), as stored."""
        return {e.name for e in self.entries if e.kind != _ROOT}

    def has_stream(self, name: str) -> bool:
        """Whether a stream or storage of this name exists; compound-file names ignore case."""
        wanted = name.lower()
        return any(e.kind != _ROOT and e.name.lower() == wanted for e in self.entries)

    def read_stream(self, name: str, max_bytes: int) -> bytes | None:
        """The first `max_bytes` of the first stream with this name (any case), or None when there is none."""
        wanted = name.lower()
        entry = next((e for e in self.entries if e.kind == _STREAM and e.name.lower() == wanted), None)
        if entry is None:
            return None
        want = min(entry.size, max_bytes)
        if entry.size < self.mini_cutoff:
            return self._read_mini(entry.start, want)
        return self._read_chain(entry.start, want)

    # --- structure ------------------------------------------------------------------------

    def _corrupt(self, zh: str, en: str) -> CorruptFile:
        return CorruptFile(self.path, f"Office 文件已损坏（{zh}）", f"corrupt OLE2 compound file ({en})")

    def _sector(self, number: int) -> bytes:
        offset = (number + 1) << self.sector_shift
        if number > _MAX_REGULAR or offset >= len(self.data):
            raise self._corrupt("扇区超出文件范围", f"sector {number} beyond the end of the file")
        # Some writers cut the last sector short; what is missing reads as zeros.
        return self.data[offset : offset + self.sector_size].ljust(self.sector_size, b"\x00")

    def _read_fat(self, n_fat: int, first_difat: int, n_difat: int) -> list[int]:
        per_sector = self.sector_size // 4
        fat_sectors = [s for s in struct.unpack_from("<109I", self.data, 0x4C) if s <= _MAX_REGULAR]
        current, steps = first_difat, 0
        while current <= _MAX_REGULAR and steps < n_difat + 1:
            values = struct.unpack(f"<{per_sector}I", self._sector(current))
            fat_sectors.extend(s for s in values[:-1] if s <= _MAX_REGULAR)
            current, steps = values[-1], steps + 1
        fat_sectors = fat_sectors[: max(n_fat, 1)]
        fat: list[int] = []
        for number in fat_sectors:
            fat.extend(struct.unpack(f"<{per_sector}I", self._sector(number)))
        return fat

    def _chain(self, start: int, table: list[int]) -> list[int]:
        chain: list[int] = []
        current = start
        while current not in (_END, _FREE):
            if current >= len(table) or len(chain) > len(table):
                raise self._corrupt("扇区链无效", "broken sector chain")
            chain.append(current)
            current = table[current]
        return chain

    def _read_chain(self, start: int, want: int) -> bytes:
        out = bytearray()
        for number in self._chain(start, self.fat):
            if len(out) >= want:
                break
            out += self._sector(number)
        return bytes(out[:want])

    def _read_mini(self, start: int, want: int) -> bytes:
        root = self.entries[0]
        mini_stream = self._read_chain(root.start, root.size)
        minifat_bytes = self._read_chain(self._minifat_start, len(self.fat) * 4) if self._minifat_start < _END else b""
        minifat = list(struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes[: len(minifat_bytes) // 4 * 4]))
        out = bytearray()
        for number in self._chain(start, minifat):
            if len(out) >= want:
                break
            offset = number << self.mini_shift
            out += mini_stream[offset : offset + (1 << self.mini_shift)]
        return bytes(out[:want])

    def _read_directory(self, first_dir: int) -> list[Entry]:
        raw = self._read_chain(first_dir, len(self.fat) * self.sector_size)
        entries: list[Entry] = []
        for offset in range(0, len(raw) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", raw, offset + 0x40)
            if kind not in (1, _STREAM, _ROOT) or not 2 <= name_len <= 64:
                continue
            name = raw[offset : offset + name_len - 2].decode("utf-16-le", errors="replace")
            start, size_low, size_high = struct.unpack_from("<III", raw, offset + 0x74)
            size = size_low if self.sector_shift == 9 else size_low | (size_high << 32)
            entries.append(Entry(name=name, kind=kind, start=start, size=size))
        if not entries or entries[0].kind != _ROOT:
            raise self._corrupt("缺少根目录", "no root directory entry")
        return entries
