"""LibreOffice headless as a batch converter: many files, one soffice process per call.

Used to read legacy formats (doc, wps, et, xls that xlrd cannot read: converted to docx/xlsx) and by
the renderers to make PDFs. Each `Converter` runs soffice with a private user profile (so it neither
touches the user's LibreOffice settings nor collides with another running instance), in its own
process group, killed as a whole when the timeout passes.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from jixiao.errors import ConverterMissing, CorruptFile

# Where a user points jixiao at a LibreOffice that is not on PATH.
SOFFICE_ENV = "JIXIAO_SOFFICE"


class ConversionFailed(CorruptFile):
    """LibreOffice ran but did not produce the converted file (damaged input or a timeout)."""

    kind = "conversion_failed"


def soffice_path() -> str | None:
    """The soffice executable: $JIXIAO_SOFFICE, else `soffice` or `libreoffice` on PATH, else None."""
    configured = os.environ.get(SOFFICE_ENV)
    if configured and Path(configured).is_file():
        return configured
    return shutil.which("soffice") or shutil.which("libreoffice")


def _extension(to: str) -> str:
    """The output suffix of a --convert-to target ("docx:MS Word 2007 XML" → "docx")."""
    return to.split(":", 1)[0].strip().lower()


class Converter:
    """Converts files with one soffice call per batch; reuses its private profile across batches."""

    def __init__(self, soffice: str | None = None, timeout_s: float = 120) -> None:
        self._soffice = soffice
        self.timeout_s = timeout_s
        self._profile: Path | None = None
        self._lock = threading.Lock()  # one soffice per profile at a time

    @property
    def soffice(self) -> str | None:
        """The executable given, else the one installed now (looked up at each use)."""
        return self._soffice or soffice_path()

    def __enter__(self) -> Converter:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Remove the private profile."""
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def convert(self, files: Sequence[Path], to: str, outdir: Path) -> list[Path]:
        """Convert `files` into `outdir` (format `to`, e.g. "pdf", "docx", "xlsx"); outputs in input order."""
        files = [Path(f).resolve() for f in files]
        if not files:
            return []
        soffice = self.soffice
        if soffice is None:
            first = files[0]
            raise ConverterMissing(
                first,
                f"需要安装 LibreOffice 才能读取或转换 {first.suffix or '此类'} 文件（Debian: apt-get install "
                "libreoffice-writer-nogui libreoffice-calc-nogui）",
                f"LibreOffice (soffice) is required to convert {first.suffix or 'this'} files; it is not installed",
            )
        outdir.mkdir(parents=True, exist_ok=True)
        # soffice names each output after its input's stem: two inputs with one stem would overwrite.
        stems = [f.stem for f in files]
        if len(set(stems)) != len(stems):
            raise ValueError(f"inputs share a file name stem and would overwrite each other: {stems}")
        outputs = [outdir / f"{f.stem}.{_extension(to)}" for f in files]
        for source, stale in zip(files, outputs, strict=True):
            if stale.resolve() == source:
                raise ValueError(f"converting {source} to its own format in its own folder would overwrite it")
            stale.unlink(missing_ok=True)  # an old output must not pass for a new one
        self._run(soffice, files, to, outdir)
        for source, output in zip(files, outputs, strict=True):
            if not output.is_file() or output.stat().st_size == 0:
                raise ConversionFailed(
                    source,
                    f"LibreOffice 未能把该文件转换为 {_extension(to)}（文件可能已损坏或受密码保护）",
                    f"LibreOffice could not convert the file to {_extension(to)} (damaged or password-protected?)",
                )
        return outputs

    def _profile_uri(self) -> str:
        if self._profile is None:
            self._profile = Path(tempfile.mkdtemp(prefix="jixiao-lo-profile-"))
        return self._profile.as_uri()

    def _run(self, soffice: str, files: list[Path], to: str, outdir: Path) -> None:
        with self._lock:
            command = [
                soffice,
                f"-env:UserInstallation={self._profile_uri()}",
                "--headless",
                "--invisible",
                "--nologo",
                "--nodefault",
                "--nolockcheck",
                "--norestore",
                "--convert-to",
                to,
                "--outdir",
                str(outdir),
                *(str(f) for f in files),
            ]
            # Its own session: on timeout the whole group (oosplash and soffice.bin) is killed.
            process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            try:
                process.communicate(timeout=self.timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                raise ConversionFailed(
                    files[0],
                    f"LibreOffice 转换超时（{self.timeout_s:g} 秒）",
                    f"LibreOffice conversion timed out after {self.timeout_s:g} s",
                ) from None
            except BaseException:  # the document's deadline (or ^C) must not leave LibreOffice running
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
                raise


_shared: Converter | None = None
_shared_lock = threading.Lock()


def shared_converter(timeout_s: float = 120) -> Converter:
    """The process's converter for reading legacy files: its profile is made once (the slow part of
    LibreOffice's first start) and removed when the process exits."""
    global _shared  # noqa: PLW0603 - one profile per process is the point
    with _shared_lock:
        if _shared is None:
            _shared = Converter(timeout_s=timeout_s)
            atexit.register(_shared.close)
        _shared.timeout_s = timeout_s
        return _shared


def convert(files: list[Path], to: str, outdir: Path, timeout_s: float = 120) -> list[Path]:
    """Convert many files with one LibreOffice start; returns the output paths in input order."""
    with Converter(timeout_s=timeout_s) as converter:
        return converter.convert(files, to, outdir)
