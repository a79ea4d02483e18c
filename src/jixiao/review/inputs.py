"""The review's inputs: files named directly, report files found in folders (recursively) and the
members of `.zip` archives, each with the name a reviewer knows it by.

A zip member is unpacked into a staging folder, never beside the archive (inputs are not modified).
Member names written by Chinese Windows (no UTF-8 flag) are decoded as GBK. A member whose path
leaves the archive (`../`, an absolute or drive path), a nested archive, an encrypted member and one
whose declared or actual size makes it a bomb are refused one by one, each a failure row; the other
members go through.
"""

from __future__ import annotations

import contextlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from jixiao.errors import JixiaoError
from jixiao.ingest.limits import DEFAULT_LIMITS, Limits
from jixiao.ingest.zipguard import open_zip, read_member
from jixiao.pipeline import CHECKED_SUFFIXES

# what one archive may unpack to in all: a bureau's zip of a few hundred reports is a few hundred MB
MAX_ARCHIVE_BYTES = int(os.environ.get("JIXIAO_MAX_ARCHIVE_MB") or 4096) * 1024 * 1024
ARCHIVE_SUFFIXES = frozenset({".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz"})
_UTF8_FLAG = 0x800


@dataclass(frozen=True, slots=True)
class InputFile:
    """A file to review: where its bytes are, and the name shown to the reviewer."""

    path: Path
    shown: str


@dataclass(frozen=True, slots=True)
class InputFailure:
    """An input refused before reading: the name shown and one line of reason (Chinese / English)."""

    shown: str
    reason: str
    kind: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.shown, "error": f"{self.shown}: {self.reason}", "kind": self.kind}


def collect(
    paths: list[Path], staging: Path, limits: Limits = DEFAULT_LIMITS
) -> tuple[list[InputFile], list[InputFailure]]:
    """Every report file under `paths` (zip members unpacked into `staging`), and what was refused."""
    files: list[InputFile] = []
    failures: list[InputFailure] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and (p.suffix.lower() in CHECKED_SUFFIXES or p.suffix.lower() == ".zip")
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.exists():
            found = [path]
        else:
            failures.append(InputFailure(str(path), "文件不存在 / no such file or folder", "missing"))
            continue
        for file in found:
            if file.suffix.lower() == ".zip":
                unpacked, refused = unpack_zip(file, staging / f"zip{len(files) + len(failures)}", limits)
                files.extend(unpacked)
                failures.extend(refused)
            else:
                files.append(InputFile(file, str(file)))
    return files, failures


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its writer meant it (before open_zip's OPC clean-up): without the UTF-8
    flag, Chinese Windows wrote GBK."""
    name = info.orig_filename
    if not info.flag_bits & _UTF8_FLAG:
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):  # not GBK: keep the cp437 reading
            name = name.encode("cp437").decode("gbk")
    return name.replace("\\", "/")


def _escapes(name: str) -> bool:
    """A member path that would land outside the folder it is unpacked into."""
    pure = PurePosixPath(name)
    return pure.is_absolute() or ".." in pure.parts or (len(name) > 1 and name[1] == ":")


def unpack_zip(
    archive: Path, into: Path, limits: Limits = DEFAULT_LIMITS, max_total: int = MAX_ARCHIVE_BYTES
) -> tuple[list[InputFile], list[InputFailure]]:
    """The report members of one archive, unpacked under `into`; each refused member is a failure,
    and so is each member past `max_total` bytes unpacked from the archive in all."""
    files: list[InputFile] = []
    failures: list[InputFailure] = []
    unpacked = 0
    try:
        handle = open_zip(archive)
    except JixiaoError as exc:
        return [], [
            InputFailure(str(archive), exc.one_line().removeprefix(f"{archive}: "), getattr(exc, "kind", "unreadable"))
        ]
    with handle:
        for index, info in enumerate(handle.infolist()):
            if info.is_dir():
                continue
            name = member_name(info)
            shown = f"{archive}!{name}"
            parts = PurePosixPath(name).parts
            if any(part.startswith(".") or part == "__MACOSX" for part in parts if part != ".."):
                continue
            suffix = PurePosixPath(name).suffix.lower()
            refusal = _refusal(name, suffix, info, limits)
            if refusal is not None:
                failures.append(InputFailure(shown, *refusal))
                continue
            if suffix not in CHECKED_SUFFIXES:
                continue  # not a report file (a readme, an image): skipped as in a folder
            if unpacked + info.file_size > max_total:
                reason = (
                    f"压缩包解压总量超过上限（{max_total // 1024 // 1024} MB），疑似压缩炸弹 / "
                    f"the archive unpacks past {max_total} bytes in all; possible zip bomb"
                )
                failures.append(InputFailure(shown, reason, "too_large"))
                continue
            try:
                data = read_member(archive, handle, info.filename, limits)
            except JixiaoError as exc:
                failures.append(
                    InputFailure(shown, exc.one_line().removeprefix(f"{archive}: "), getattr(exc, "kind", "unreadable"))
                )
                continue
            unpacked += len(data)
            target = into / str(index) / PurePosixPath(name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            files.append(InputFile(target, shown))
    return files, failures


def _refusal(name: str, suffix: str, info: zipfile.ZipInfo, limits: Limits) -> tuple[str, str] | None:
    """Why a member is refused before it is inflated (reason, kind), or None."""
    if _escapes(name):
        return (
            "压缩包成员路径越出压缩包（路径穿越），已拒绝 / member path escapes the archive (path traversal)",
            "traversal",
        )
    if suffix in ARCHIVE_SUFFIXES:
        return "压缩包内嵌套压缩包，不予展开 / nested archive, not unpacked", "nested_archive"
    if info.flag_bits & 0x1:
        return "压缩包成员已加密，无法读取 / the member is encrypted", "encrypted"
    ratio = info.file_size / info.compress_size if info.compress_size else 0
    if info.file_size > limits.max_file_bytes or (info.file_size > 10 * 1024 * 1024 and ratio > limits.max_zip_ratio):
        return (
            f"压缩包成员解压后过大（{info.file_size // 1024 // 1024} MB），疑似压缩炸弹 / "
            f"member inflates to {info.file_size} bytes; possible zip bomb",
            "too_large",
        )
    return None
