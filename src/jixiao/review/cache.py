"""The review's result cache: one SQLite table from (content SHA-256, settings) to a file's result.

A file whose bytes, jixiao's code and the profiles are unchanged is not read again. Results are kept
compressed (a result holds the whole document). A file refused for what it is (empty, corrupt, not a
report) is cached too; a worker that died or an internal error is not, so it is tried again.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path
from typing import Any

_SCHEMA = "CREATE TABLE IF NOT EXISTS results (sha256 TEXT, settings TEXT, result BLOB, PRIMARY KEY (sha256, settings))"
_NOT_CACHED_KINDS = frozenset({"internal", "too_complex"})  # may pass another time (load, a fixed bug)


class ResultCache:
    """Results by content hash and settings fingerprint, in one SQLite file."""

    def __init__(self, path: Path, settings: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.settings = settings
        self._db = sqlite3.connect(path, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")  # concurrent reviews share the cache
        self._db.execute(_SCHEMA)

    def get_many(self, digests: list[str]) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for start in range(0, len(digests), 500):  # SQLite's bound on host parameters
            chunk = digests[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._db.execute(
                f"SELECT sha256, result FROM results WHERE settings = ? AND sha256 IN ({marks})",
                (self.settings, *chunk),
            )
            for digest, blob in rows:
                out[digest] = json.loads(zlib.decompress(blob))
        return out

    def put_many(self, results: dict[str, dict[str, Any]]) -> None:
        rows = [
            (digest, self.settings, zlib.compress(json.dumps(result, ensure_ascii=False).encode(), 1))
            for digest, result in results.items()
            if result.get("kind") not in _NOT_CACHED_KINDS
        ]
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()
