"""`make demo`: run the main job on the bundled fictional samples and print a summary."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from jixiao import service
from jixiao.errors import JixiaoError
from jixiao.model.document import Table

# What a bundled report can be; the samples package also holds code (the corpus generator).
REPORT_SUFFIXES = frozenset({".txt", ".docx", ".doc", ".wps", ".xlsx", ".xls", ".et", ".pdf", ".html", ".htm"})


def sample_files() -> list[Path]:
    """The bundled sample reports: files of samples/ (not its folders, such as labels/) with a report suffix."""
    root = Path(str(resources.files("jixiao") / "samples"))
    return sorted(
        p
        for p in root.iterdir()
        if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES and not p.name.startswith(("_", "."))
    )


def main() -> int:
    files = sample_files()
    print(f"jixiao 演示：读取 {len(files)} 个内置示例报告\n")
    failures = 0
    width = max((len(p.name) for p in files), default=0)
    for path in files:
        try:
            document = service.parse_document(path)
        except JixiaoError as exc:
            failures += 1
            print(f"  ✗ {exc.one_line()}")
            continue
        tables = [b for b in document.blocks if isinstance(b, Table)]
        merged = sum(1 for t in tables for c in t.cells if c.rowspan > 1 or c.colspan > 1)
        print(
            f"  ✓ {path.name:<{width}} {document.source.format:<5} 段落 {len(document.blocks) - len(tables):>3}"
            f"  表格 {len(tables):>2}  合并单元格 {merged:>3}"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
