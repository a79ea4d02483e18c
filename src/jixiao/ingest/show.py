"""A readable text view of a Document for the terminal."""

from __future__ import annotations

from jixiao.model.document import Document, Table


def document_as_text(document: Document) -> str:
    lines = [
        f"# {document.source.path}  [{document.source.format}]"
        + (f"  {document.source.pages} 页" if document.source.pages else "")
    ]
    for block in document.blocks:
        if isinstance(block, Table):
            where = _where(block.page, block.sheet, block.line)
            lines.append(f"[{block.index}] 表格 {block.table_index}: {block.n_rows}×{block.n_cols}{where}")
            for cell in block.cells:
                span = f" ({cell.rowspan}×{cell.colspan})" if cell.rowspan > 1 or cell.colspan > 1 else ""
                text = cell.text.replace("\n", " ")
                lines.append(f"    第{cell.row + 1}行第{cell.col + 1}列{span}: {text}")
        else:
            where = _where(block.page, block.sheet, block.line)
            lines.append(f"[{block.index}]{where} {block.text}")
    for warning in document.warnings:
        lines.append(f"! {warning}")
    return "\n".join(lines)


def _where(page: int | None, sheet: str | None, line: int | None) -> str:
    parts = []
    if page is not None:
        parts.append(f"第{page}页")
    if sheet is not None:
        parts.append(f"工作表 {sheet}")
    if line is not None:
        parts.append(f"行{line}")
    return f" ({', '.join(parts)})" if parts else ""
