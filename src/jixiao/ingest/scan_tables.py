"""Ruled tables on a page image: the rectangles of their cells, merged cells included.

Stages, each a plain function (as pdfplumber's table finder): ruling lines by morphology (an opening
with a long thin kernel keeps only the horizontal, then the vertical strokes); grid lines as the
distinct positions of those strokes within one table (a connected frame of lines); elementary cells
between consecutive grid lines; and merges where the rule between two neighbouring cells is missing
(less than 40% of it inked). The rectangles then go to `pdf_tables.grid` like a PDF's, so a scanned
table has the same span-aware grid as a born-digital one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Image = NDArray[Any]  # uint8: height × width × 3 (RGB) or height × width (gray)
else:
    Image = Any

Box = tuple[float, float, float, float]

_MIN_CELLS = 2
_MIN_RULE = 30  # pixels of stroke on a row or column for it to hold a rule
_RULE_INKED = 0.4  # share of a rule's length that must be inked for it to separate two cells


def table_cells(gray: Image) -> list[list[Box]]:
    """Per table on the page, the pixel rectangles of its cells (a merged cell once)."""
    import cv2

    h, w = gray.shape
    binary = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (w // 40, 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, h // 60)))
    # Close small breaks (blur, noise, a faint scan) so each rule is one stroke.
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    frame = cv2.bitwise_or(horizontal, vertical)
    n, _, stats, _ = cv2.connectedComponentsWithStats(frame, connectivity=8)
    tables: list[list[Box]] = []
    for i in range(1, n):
        x, y, bw, bh, _area = (int(v) for v in stats[i])
        if bw < w // 10 or bh < h // 50:
            continue  # a stray stroke or an underline, not a table frame
        cells = _cells(horizontal[y : y + bh, x : x + bw], vertical[y : y + bh, x : x + bw])
        if len(cells) >= _MIN_CELLS:
            tables.append([(c[0] + x, c[1] + y, c[2] + x, c[3] + y) for c in cells])
    tables.sort(key=lambda cells: min(c[1] for c in cells))
    return tables


def _positions(mask: Image, axis: int, min_length: int) -> list[int]:
    """Centres of the runs of rows (axis=1) or columns (axis=0) that hold a long stroke."""
    import numpy as np

    lit = (mask > 0).sum(axis=axis) >= min_length
    out: list[int] = []
    start = None
    for i, on in enumerate(np.append(lit, False)):
        if on and start is None:
            start = i
        elif not on and start is not None:
            out.append((start + i - 1) // 2)
            start = None
    return out


def _cells(horizontal: Image, vertical: Image) -> list[Box]:
    """Cell rectangles of one table from its horizontal and vertical rule masks."""
    # The masks hold only long strokes already; a rule under one narrow column still counts.
    ys = _positions(horizontal, 1, _MIN_RULE)
    xs = _positions(vertical, 0, _MIN_RULE)
    if len(ys) < 2 or len(xs) < 2:
        return []
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(n_rows):
        for c in range(n_cols):
            # No vertical rule between (r, c) and (r, c+1): one merged cell.
            if c + 1 < n_cols and not _inked(vertical[ys[r] : ys[r + 1], max(xs[c + 1] - 3, 0) : xs[c + 1] + 4], 0):
                parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not _inked(horizontal[max(ys[r + 1] - 3, 0) : ys[r + 1] + 4, xs[c] : xs[c + 1]], 1):
                parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    boxes: list[Box] = []
    for members in groups.values():
        r0, r1 = min(m[0] for m in members), max(m[0] for m in members)
        c0, c1 = min(m[1] for m in members), max(m[1] for m in members)
        boxes.append((float(xs[c0]), float(ys[r0]), float(xs[c1 + 1]), float(ys[r1 + 1])))
    return boxes


def _inked(strip: Image, axis: int) -> bool:
    """Whether a rule runs along this strip for most of its length (axis 0: a vertical rule)."""
    if strip.size == 0:
        return False
    along = (strip > 0).any(axis=1 if axis == 0 else 0)
    return bool(along.mean() >= _RULE_INKED)
