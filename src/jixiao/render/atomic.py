"""Atomic output: every file jixiao writes goes to a temporary name in the target directory first.

A failure while writing leaves the target untouched (or absent); only a complete file is moved
into place with `os.replace`, which is atomic on one filesystem.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(target: str | Path, write: Callable[[Path], None]) -> Path:
    """Call `write(tmp_path)` and move the result to `target`; on any error remove the temporary file."""
    target = Path(target)
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=target.parent)
    except OSError as exc:  # the message names the file asked for, not the temporary one
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600; the file gets the mode the user's umask gives
        tmp.replace(target)  # os.replace: atomic within one filesystem
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask


def atomic_write_bytes(target: str | Path, data: bytes) -> Path:
    """Write bytes atomically."""

    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return atomic_write(target, write)
