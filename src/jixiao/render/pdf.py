"""PDF through LibreOffice headless: one soffice process per batch of files.

Uses `jixiao.ingest.libreoffice.convert` when the ingest layer provides it; until then a minimal
converter of our own (same call shape) runs soffice with a private profile directory, so that
parallel runs never share a LibreOffice user profile.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from jixiao.errors import ConverterMissing, CorruptFile
from jixiao.render.atomic import atomic_write

TIMEOUT_S = 180


def soffice() -> str | None:
    """Path of the LibreOffice binary, or None."""
    try:
        from jixiao.ingest.libreoffice import soffice_path  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return shutil.which("soffice") or shutil.which("libreoffice")
    found: str | None = soffice_path()
    return found


def _shared_convert() -> Callable[[list[Path], str, Path], list[Path]] | None:
    """The ingest layer's batch converter, when it is there."""
    try:
        from jixiao.ingest.libreoffice import convert  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    return convert  # type: ignore[no-any-return,unused-ignore]


def convert_batch(files: Sequence[Path], to: str, outdir: Path) -> list[Path]:
    """Convert files with one LibreOffice start; returns the output paths in input order."""
    convert = _shared_convert()
    if convert is not None:
        result: list[Path] = list(convert(list(files), to, outdir))
        return result
    binary = soffice()
    if binary is None:
        raise ConverterMissing(
            files[0] if files else "-",
            "未安装 LibreOffice，无法生成 PDF（请运行 make system 或安装 libreoffice-writer-nogui）",
            "LibreOffice (soffice) is not installed, PDF output is unavailable",
        )
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        cmd = [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            *[str(f) for f in files],
        ]
        proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False)
    outputs = [outdir / f"{Path(f).stem}.{to.split(':', maxsplit=1)[0]}" for f in files]
    missing = [o for o in outputs if not o.exists()]
    if proc.returncode != 0 or missing:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise CorruptFile(
            missing[0] if missing else files[0],
            f"LibreOffice 转换失败：{detail[0]}",
            f"LibreOffice conversion failed: {detail[0]}",
        )
    return outputs


# The Chinese fonts the templates name, as Word users have them, and the installed faces that stand for
# each in a PDF (first found wins): without them LibreOffice sets every one in a fallback sans.
FONT_SUBSTITUTES: dict[str, tuple[str, ...]] = {
    "仿宋_GB2312": ("FangSong", "AR PL UKai CN", "Noto Serif CJK SC"),
    "黑体": ("SimHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei"),
    "楷体_GB2312": ("KaiTi", "AR PL UKai CN", "Noto Serif CJK SC"),
    "方正小标宋简体": ("Noto Serif CJK SC", "AR PL UMing CN"),
    "宋体": ("SimSun", "Noto Serif CJK SC", "AR PL UMing CN"),
}


def pdf_ready(data: bytes) -> bytes:
    """The .docx with each GB/T 9704 font name replaced by the installed font that stands for it, so that
    LibreOffice sets (and embeds) a CJK serif, sans or kai face rather than a fallback sans."""
    from docx import Document
    from docx.oxml.ns import qn

    mapping = {name: installed for name, options in FONT_SUBSTITUTES.items() if (installed := _installed(options))}
    document = Document(io.BytesIO(data))
    parts = [document.styles.element, document.element.body]
    parts += [s.footer._element for s in document.sections]
    for part in parts:
        for fonts in part.iter(qn("w:rFonts")):
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                value = fonts.get(qn(attr))
                if value in mapping:
                    fonts.set(qn(attr), mapping[value])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@cache
def _installed(options: tuple[str, ...]) -> str | None:
    """The first of these families fontconfig knows (fc-list), or None."""
    import shutil
    import subprocess

    if shutil.which("fc-list") is None:
        return None
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    families = {name.strip() for line in listed.splitlines() for name in line.split(",")}
    return next((name for name in options if name in families), None)


def docx_bytes_to_pdf(data: bytes, out: Path) -> Path:
    """One docx (as bytes) → PDF at `out`, written atomically, its fonts set in installed CJK faces."""
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        source = Path(tmp) / f"{out.stem}.docx"
        source.write_bytes(pdf_ready(data))
        (pdf,) = convert_batch([source], "pdf", Path(tmp) / "out")
        pdf_bytes = pdf.read_bytes()
    return atomic_write(out, lambda t: _write(t, pdf_bytes))


def docx_batch_to_pdf(items: Sequence[tuple[bytes, Path]]) -> list[Path]:
    """Many docx documents → PDFs with a single LibreOffice start."""
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        sources = []
        for i, (data, out) in enumerate(items):
            source = Path(tmp) / f"{i:03d}-{Path(out).stem}.docx"
            source.write_bytes(pdf_ready(data))
            sources.append(source)
        pdfs = convert_batch(sources, "pdf", Path(tmp) / "out")
        written = []
        for pdf, (_data, out) in zip(pdfs, items, strict=True):
            pdf_bytes = pdf.read_bytes()
            written.append(_write_atomic(out, pdf_bytes))
    return written


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _write_atomic(out: Path, data: bytes) -> Path:
    return atomic_write(out, lambda t: _write(t, data))
