"""Limits that keep a hostile or broken file from exhausting memory or time.

Every bound is checked on the numbers the file itself declares (a span, a merged range, a table's
rows and columns) before the structure is built, so no grid ever holds more positions than the limit;
`document_guard` adds a deadline and turns memory exhaustion into a refusal naming the file.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from jixiao.errors import CorruptFile, TooComplex, TooLarge


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class Limits:
    """Configurable bounds; the defaults suit real reports (a few MB) with a wide margin."""

    max_file_bytes: int = _env_int("JIXIAO_MAX_FILE_MB", 50) * 1024 * 1024
    # Office files are zip archives: bound the total uncompressed size and the ratio (zip bombs).
    max_unzipped_bytes: int = _env_int("JIXIAO_MAX_UNZIPPED_MB", 300) * 1024 * 1024
    max_zip_ratio: int = 200
    max_zip_entries: int = 10_000
    max_pdf_pages: int = 500
    max_sheet_cells: int = 2_000_000
    # Grids: Word allows 63 columns and browsers cap colspan at 1000; real report tables have a few
    # thousand positions. A span beyond max_span is read as max_span (with a warning).
    max_span: int = 1000
    max_table_cells: int = 1_000_000  # rows × columns of one table
    max_document_cells: int = 2_000_000  # rows × columns summed over a document's tables
    # tables nested in tables: real reports nest two or three; each nested table is also counted in
    # max_document_cells, so this only bounds the recursion
    max_table_depth: int = 1000
    # area of a workbook's merged ranges: openpyxl builds an object per merged cell (1M: 12 s, 700 MB);
    # a form merges a few hundred cells, a title across a whole row 16,384
    max_merged_cells: int = 200_000
    conversion_timeout_s: int = 120
    max_seconds: int = _env_int("JIXIAO_MAX_SECONDS", 120)  # one document, read to findings
    ocr_seconds_per_page: int = _env_int("JIXIAO_OCR_SECONDS_PER_PAGE", 60)  # added to the deadline per scanned page


DEFAULT_LIMITS = Limits()


class GridBudget:
    """Counts a document's grid positions as its tables are declared, refusing past the limits."""

    def __init__(self, path: Path, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.used = 0

    def claim(self, n_rows: int, n_cols: int) -> None:
        """Account for one table of n_rows × n_cols positions, or raise TooLarge."""
        area = n_rows * n_cols
        if area > self.limits.max_table_cells:
            raise self.too_large(n_rows, n_cols)
        self.used += area
        if self.used > self.limits.max_document_cells:
            raise TooLarge(
                self.path,
                f"表格单元格总数过多（上限 {self.limits.max_document_cells}）",
                f"too many table cells in the document (limit {self.limits.max_document_cells})",
            )

    def too_large(self, n_rows: int, n_cols: int) -> TooLarge:
        """The refusal of a table whose grid (or the spans declared in it) exceeds max_table_cells."""
        limit = self.limits.max_table_cells
        return TooLarge(
            self.path,
            f"表格过大（{n_rows} 行 × {n_cols} 列，上限 {limit} 个单元格）",
            f"table too large ({n_rows} rows x {n_cols} columns, limit {limit} cells)",
        )

    def depth(self, level: int) -> None:
        """Refuse tables nested deeper than the limit (level 0 is a top-level table)."""
        if level > self.limits.max_table_depth:
            raise CorruptFile(
                self.path,
                f"表格嵌套过深（超过 {self.limits.max_table_depth} 层）",
                f"tables nested too deep (more than {self.limits.max_table_depth} levels)",
            )


def clip_span(value: int, limits: Limits, warnings: list[str], what: str) -> int:
    """A declared span (or skipped grid columns) as read: at least 0, at most max_span."""
    if value <= limits.max_span:
        return max(value, 0)
    cap = limits.max_span
    message = f"{what} 为 {value}，超过上限 {cap}，按 {cap} 读取 / {what} {value} read as {cap}"
    if message not in warnings:
        warnings.append(message)
    return limits.max_span


# --- the per-document deadline and memory guard ----------------------------------------------------


class _DeadlinePassed(BaseException):
    """Raised by the alarm; a BaseException so no library's `except Exception` swallows it."""


_active = threading.local()


@contextmanager
def document_guard(path: str | Path, seconds: int | None = None) -> Iterator[None]:
    """Refuse the document when reading and checking it runs past the deadline or out of memory.

    The deadline is a SIGALRM timer, so it works in the main thread of a process (the CLI, each worker
    of the batch pool); elsewhere (threads of a web server) only the memory guard applies. Nested
    guards keep the outermost deadline.
    """
    limit = DEFAULT_LIMITS.max_seconds if seconds is None else seconds
    outer = getattr(_active, "depth", 0)
    armed = outer == 0 and limit > 0 and threading.current_thread() is threading.main_thread()
    previous: signal.Handlers | object | None = None
    started = time.monotonic()
    if armed:
        previous = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, limit)
    _active.depth = outer + 1
    try:
        yield
    except _DeadlinePassed:
        raise TooComplex(
            path,
            f"文档过于复杂，{limit} 秒内未能读完（JIXIAO_MAX_SECONDS）",
            f"document too complex: not read within {limit} s (JIXIAO_MAX_SECONDS)",
        ) from None
    except MemoryError:
        raise TooComplex(
            path,
            "文档过于复杂，读取时内存不足",
            f"document too complex: out of memory after {time.monotonic() - started:.0f} s",
        ) from None
    finally:
        _active.depth = outer
        if armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)  # type: ignore[arg-type]


def allow_more_time(seconds: float) -> None:
    """Push the running document's deadline back: a scanned page costs seconds of OCR, a text page
    milliseconds, so the OCR readers grant each page they recognise its own allowance."""
    if getattr(_active, "depth", 0) == 0 or threading.current_thread() is not threading.main_thread():
        return
    remaining, _ = signal.getitimer(signal.ITIMER_REAL)
    if remaining > 0:
        signal.setitimer(signal.ITIMER_REAL, remaining + seconds)


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _DeadlinePassed


def limit_memory(megabytes: int | None = None) -> None:
    """Cap this process's address space (soft limit) so one file cannot take the machine's memory.

    For worker processes: JIXIAO_MAX_MEMORY_MB (default 2048; 0 turns it off). Only the soft limit is
    set, so a child such as LibreOffice can raise its own again.
    """
    import resource

    mb = _env_int("JIXIAO_MAX_MEMORY_MB", 2048) if megabytes is None else megabytes
    if mb <= 0:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or soft > wanted:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
