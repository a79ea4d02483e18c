"""Limits that keep a hostile or broken file from exhausting memory or time."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _env_mb(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class Limits:
    """Configurable bounds; the defaults suit real reports (a few MB) with a wide margin."""

    max_file_bytes: int = _env_mb("JIXIAO_MAX_FILE_MB", 50) * 1024 * 1024
    # Office files are zip archives: bound the total uncompressed size and the ratio (zip bombs).
    max_unzipped_bytes: int = _env_mb("JIXIAO_MAX_UNZIPPED_MB", 300) * 1024 * 1024
    max_zip_ratio: int = 200
    max_zip_entries: int = 10_000
    max_pdf_pages: int = 500
    max_sheet_cells: int = 2_000_000
    conversion_timeout_s: int = 120


DEFAULT_LIMITS = Limits()
