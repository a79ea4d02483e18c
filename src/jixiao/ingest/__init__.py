"""File → Document: the content decides the format, one reader per format, limits on everything.

`read(path)` is the one entry point. Every failure is an `UnreadableFile` naming the file and the
reason, on one line: what a library raises on a damaged file becomes a `ReaderFailed` naming the
library; a file that takes longer than `Limits.max_seconds` (JIXIAO_MAX_SECONDS) or exhausts memory
is refused as too complex. Input files are only ever opened for reading.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from jixiao.errors import JixiaoError, ReaderFailed, TooLarge, UnreadableFile, UnsupportedFormat
from jixiao.ingest.limits import DEFAULT_LIMITS, Limits, document_guard
from jixiao.ingest.sniff import sniff
from jixiao.ingest.text import decode_text, parse_text
from jixiao.model.document import Document, Source, number_blocks

__all__ = ["DEFAULT_LIMITS", "Limits", "read"]


def read(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Document:
    """Read any supported report file into a Document."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except IsADirectoryError:
        raise UnsupportedFormat(path, "这是一个文件夹，不是文件", "is a directory, not a file") from None
    except FileNotFoundError:
        raise UnreadableFile(path, "文件不存在", "file not found") from None
    except PermissionError:
        raise UnreadableFile(path, "没有读取权限", "permission denied") from None
    with document_guard(path, limits.max_seconds):
        kind = sniff(path, head, limits)
        try:
            document = _READERS[kind](path, limits)
        except (JixiaoError, MemoryError):
            raise
        except Exception as exc:  # the reader boundary: whatever a library raises on a damaged file is a refusal
            raise ReaderFailed(path, _origin(exc), exc) from exc
    _check_positions(path, document, limits)
    return document


def _check_positions(path: Path, document: Document, limits: Limits) -> None:
    """Every reader bounds its grids as it builds them; this holds the total for any reader to come."""
    total = sum(t.n_rows * t.n_cols for t in document.tables())
    if total > limits.max_document_cells:
        raise TooLarge(
            path,
            f"表格单元格总数过多（{total} 个，上限 {limits.max_document_cells}）",
            f"too many table cells in the document ({total}, limit {limits.max_document_cells})",
        )


def _origin(exc: BaseException) -> str:
    """The package whose code raised: a library's name, or "jixiao" for a bug of ours."""
    tb = exc.__traceback__
    module = type(exc).__module__
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", module)
        tb = tb.tb_next
    return module.split(".")[0]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_text(path: Path, limits: Limits) -> Document:
    data = path.read_bytes()
    text = decode_text(path, data)
    blocks = number_blocks(parse_text(text))
    return Document(source=Source(path=str(path), sha256=sha256_of(data), format="txt"), blocks=blocks)


def _read_docx(path: Path, limits: Limits) -> Document:
    from jixiao.ingest.docx import read_docx

    return read_docx(path, limits)


def _read_xlsx(path: Path, limits: Limits) -> Document:
    from jixiao.ingest.xlsx import read_xlsx

    return read_xlsx(path, limits)


def _read_pdf(path: Path, limits: Limits) -> Document:
    from jixiao.ingest.pdf import read_pdf

    return read_pdf(path, limits)


def _read_html(path: Path, limits: Limits) -> Document:
    from jixiao.ingest.html import read_html

    return read_html(path, limits)


def _read_image(path: Path, limits: Limits) -> Document:
    from jixiao.ingest.image import read_image

    return read_image(path, limits)


def _read_ole(path: Path, limits: Limits) -> Document:
    from jixiao.ingest.office import read_ole

    return read_ole(path, limits)


def _text_office(container: str) -> Callable[[Path, Limits], Document]:
    def reader(path: Path, limits: Limits) -> Document:
        from jixiao.ingest.office import read_text_office

        return read_text_office(path, limits, container)

    return reader


def _read_json(path: Path, limits: Limits) -> Document:
    raise UnsupportedFormat(
        path, "JSON 文件不是文档；请用 jixiao extract 的输出作为报告输入", "a JSON file is not a document"
    )


_READERS = {
    "txt": _read_text,
    "docx": _read_docx,
    "xlsx": _read_xlsx,
    "pdf": _read_pdf,
    "html": _read_html,
    "ole": _read_ole,
    "rtf": _text_office("rtf"),
    "wordxml": _text_office("wordxml"),
    "excelxml": _text_office("excelxml"),
    "mht": _text_office("mht"),
    "json": _read_json,
    "image": _read_image,
}
