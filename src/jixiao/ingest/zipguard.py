"""Zip-bomb and corruption guard for Office Open XML files (docx, xlsx).

Checks the sizes the archive *declares* before anything is decompressed: the total uncompressed
size, the number of entries and the compression ratio. A lying header is caught later by
`read_member`, which never inflates more than the declared size.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

from jixiao.errors import CorruptFile, EncryptedFile, TooLarge
from jixiao.ingest.limits import Limits


def check_zip_limits(path: Path, limits: Limits, members: Iterable[str] | None = None) -> None:
    """Reject a zip whose declared content exceeds the limits (all entries, or only `members`)."""
    with open_zip(path) as archive:
        check_archive(path, archive, limits, members)


def open_zip(path: Path, data: bytes | None = None) -> zipfile.ZipFile:
    """Open a zip (from its bytes when given), turning a broken archive into CorruptFile."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if data is not None else path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise CorruptFile(path, "文件已损坏（zip 结构无效）", f"corrupt file (bad zip: {exc})") from None
    _normalise_names(archive)
    return archive


def _normalise_names(archive: zipfile.ZipFile) -> None:
    """Member names as OPC means them: some writers store `word\\document.xml` or a leading slash.

    zipfile checks each local header against `orig_filename`, so renaming the directory entry is safe.
    """
    renamed = False
    for info in archive.filelist:
        name = info.filename.replace("\\", "/").lstrip("/")
        if name != info.filename:
            info.filename = name
            renamed = True
    if renamed:
        archive.NameToInfo = {info.filename: info for info in archive.filelist}


def check_archive(path: Path, archive: zipfile.ZipFile, limits: Limits, members: Iterable[str] | None = None) -> None:
    """The checks of `check_zip_limits` on an archive that is already open."""
    _check_infos(path, archive.infolist(), limits, None if members is None else set(members))


def _check_infos(path: Path, infos: list[zipfile.ZipInfo], limits: Limits, members: set[str] | None) -> None:
    if len(infos) > limits.max_zip_entries:
        raise TooLarge(
            path,
            f"压缩包条目过多（{len(infos)} 个，上限 {limits.max_zip_entries}）",
            f"too many zip entries ({len(infos)}, limit {limits.max_zip_entries})",
        )
    total = 0
    packed = 0
    for info in infos:
        if members is not None and info.filename not in members:
            continue
        if info.flag_bits & 0x1:
            raise EncryptedFile(path, "文件已加密，无法读取", "the file is encrypted")
        total += info.file_size
        packed += info.compress_size
    if total > limits.max_unzipped_bytes:
        limit_mb = limits.max_unzipped_bytes // 1024 // 1024
        raise TooLarge(
            path,
            f"解压后内容过大（{total // 1024 // 1024} MB，上限 {limit_mb} MB），疑似压缩炸弹",
            f"uncompressed content too large ({total} bytes, limit {limits.max_unzipped_bytes}); possible zip bomb",
        )
    # Small files compress well anyway; only a large inflated size with an extreme ratio is a bomb.
    if total > 10 * 1024 * 1024 and packed and total / packed > limits.max_zip_ratio:
        raise TooLarge(
            path,
            f"压缩比异常（{total // packed}:1），疑似压缩炸弹",
            f"abnormal compression ratio ({total // packed}:1); possible zip bomb",
        )


def read_member(path: Path, archive: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    """Read one entry, inflating at most its declared size (capped by the limit)."""
    info = find_member(archive, name)
    if info is None:
        raise CorruptFile(path, f"文件已损坏（缺少 {name}）", f"corrupt file (missing {name})")
    if info.flag_bits & 0x1:
        raise EncryptedFile(path, "文件已加密，无法读取", "the file is encrypted")
    budget = min(info.file_size, limits.max_unzipped_bytes)
    try:
        with archive.open(info) as handle:
            data = handle.read(budget + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise CorruptFile(path, f"文件已损坏（{name} 无法解压）", f"corrupt file ({name}: {exc})") from None
    if len(data) > budget:
        raise TooLarge(
            path,
            f"{name} 解压后超过声明或上限的大小，疑似压缩炸弹",
            f"{name} inflates beyond its declared size or the limit; possible zip bomb",
        )
    return data


def find_member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """The entry of a part name; OPC part names compare case-insensitively."""
    info = archive.NameToInfo.get(name)
    if info is not None:
        return info
    lowered = name.lower()
    return next((i for i in archive.filelist if i.filename.lower() == lowered), None)
