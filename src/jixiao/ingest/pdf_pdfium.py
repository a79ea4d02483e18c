"""A PDF page's characters, images and ruling edges from pdfium, in pdfplumber's terms (issue 15).

pdfium (pypdfium2) parses a page's content in C; pdfminer interprets it in Python, about 50 ms a page.
`read_page` gives what `pdf.py` takes from a pdfplumber page — characters with their box, size and
uprightness, image boxes, the page size and the ruling edges the lattice table finder needs — with the
same values: x from pdfium's loose char box (the glyph advance, as pdfminer's), top and bottom from the
baseline and the font's descent as pdfminer computes it (the font descriptor's /Descent, read with
pdfminer's own font code, without interpreting any content), edges from the path objects' segments as
pdfminer splits them into lines, rects and curves. pdfium works in float32, so coordinates agree to
about 1e-5 pt; cell boxes are rounded to 0.01 pt.

A page pdfium cannot describe in those terms returns None and is read with pdfplumber (that page only):
a /Rotate or a page box not at the origin, a form XObject (its objects have their own matrices), a
text object pdfium's text page has no character of (it measured the glyphs zero wide and left them
out: single spaces in some CJK subsets), a character that is sideways or skewed, from a vertical font
or a font whose descent is not known by its name, or without a Unicode mapping (pdfminer reads it as
"(cid:N)"). `pdf._undamaged_descents` also sends a page to pdfplumber when pdfminer finds its objects
damaged, where pdfium would read more of it than the reader did before.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from jixiao.ingest.pdf_lines import Char
from jixiao.ingest.pdf_tables import BBox

Edge = dict[str, Any]
_SUBSET = re.compile(r"^[A-Z]{6}\+")


@dataclass(slots=True)
class PageInput:
    """What the PDF reader takes from a page, whichever library read it."""

    chars: list[Char]
    images: list[BBox]
    width: float
    height: float
    edges: list[Edge] = field(default_factory=list)  # ruling for the lattice table finder


FontMetric = tuple[str, float, bool]  # /BaseFont without the subset tag, descent per unit of size, vertical


def descents(plumber_page: Any, cache: dict[Any, Any]) -> dict[str, tuple[float, bool]] | None:
    """The page's fonts by /BaseFont name: (descent per unit of font size, vertical), as pdfminer has
    them; None when two fonts of the page share a name with different values. `cache` is the
    document's, by font object."""
    from pdfminer.pdftypes import PDFObjRef, resolve1

    fonts = resolve1(plumber_page.page_obj.resources.get("Font")) or {}
    out: dict[str, tuple[float, bool]] = {}
    for spec_ref in fonts.values():
        key = spec_ref.objid if isinstance(spec_ref, PDFObjRef) else id(spec_ref)
        if key not in cache:
            spec = resolve1(spec_ref)
            cache[key] = _metric(spec, cache, spec_ref) if isinstance(spec, dict) else None
        metric: FontMetric | None = cache[key]
        if metric is None:
            continue
        name, descent, vertical = metric
        if out.setdefault(name, (descent, vertical)) != (descent, vertical):
            return None
    return out


def _metric(spec: dict[str, Any], cache: dict[Any, Any], spec_ref: Any) -> FontMetric | None:
    """A font's metric read off its dictionaries the way pdfminer's font classes read them, for the common
    kinds (a CID font with Identity-H, a simple font with a descriptor); pdfminer's own font object for
    the rest (standard 14 fonts' built-in metrics, Type 3 matrices, CMaps that may be vertical)."""
    from pdfminer.fontmetrics import FONT_METRICS
    from pdfminer.pdftypes import dict_value, list_value, num_value, resolve1
    from pdfminer.psparser import literal_name

    subtype = literal_name(resolve1(spec.get("Subtype")))
    font = spec
    if subtype == "Type0":
        descendants = list_value(spec.get("DescendantFonts", []))
        encoding = resolve1(spec.get("Encoding"))
        if not descendants or not hasattr(encoding, "name") or literal_name(encoding) != "Identity-H":
            return _pdfminer_metric(spec, cache, spec_ref)
        font = dict_value(descendants[0])
    elif subtype not in ("Type1", "MMType1", "TrueType"):
        return _pdfminer_metric(spec, cache, spec_ref)
    name = resolve1(font.get("BaseFont"))
    if not hasattr(name, "name"):
        return _pdfminer_metric(spec, cache, spec_ref)
    basefont = literal_name(name)
    if subtype != "Type0" and basefont in FONT_METRICS:  # pdfminer takes a standard font's built-in metrics
        return _pdfminer_metric(spec, cache, spec_ref)
    descriptor = dict_value(font.get("FontDescriptor", {}))
    descent = -abs(float(num_value(descriptor.get("Descent", 0))))  # pdfminer makes a positive one negative
    return _SUBSET.sub("", basefont), descent * 0.001, False


def _pdfminer_metric(spec: dict[str, Any], cache: dict[Any, Any], spec_ref: Any) -> FontMetric | None:
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdftypes import PDFObjRef

    manager = cache.setdefault("manager", PDFResourceManager(caching=True))
    objid = spec_ref.objid if isinstance(spec_ref, PDFObjRef) else None
    font = manager.get_font(objid, spec)
    name = getattr(font, "basefont", None)
    if not isinstance(name, str):
        return None
    return _SUBSET.sub("", name), float(font.get_descent()), bool(font.is_vertical())


def read_page(page: Any, fonts: dict[str, tuple[float, bool]]) -> PageInput | None:
    """The page's input from pdfium, or None when pdfplumber must read this page (see the module doc)."""
    from pypdfium2 import raw

    if page.get_rotation() != 0:
        return None
    left, bottom, right, top = page.get_bbox()
    media = page.get_mediabox()
    if (left, bottom) != (0, 0) or tuple(media) != (left, bottom, right, top):
        return None
    width, height = float(page.get_width()), float(page.get_height())
    textpage = page.get_textpage()
    try:
        images: list[BBox] = []
        edges: list[Edge] = []
        box = [ctypes.c_float() for _ in range(4)]
        for obj in page.get_objects(max_depth=0):
            kind = obj.type
            if kind == raw.FPDF_PAGEOBJ_FORM:
                return None
            if kind == raw.FPDF_PAGEOBJ_TEXT and raw.FPDFTextObj_GetText(obj, textpage, None, 0) <= 2:
                # A text object the text page has no character of: pdfium measured its glyphs as zero
                # wide (a space in some CJK subsets) and left them out, where pdfminer keeps them.
                return None
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                raw.FPDFPageObj_GetBounds(obj, *(ctypes.byref(v) for v in box))
                x0, y0, x1, y1 = (v.value for v in box)
                images.append((x0, height - y1, x1, height - y0))
            elif kind == raw.FPDF_PAGEOBJ_PATH:
                edges.extend(_path_edges(obj, height))
        chars = _chars(textpage, fonts, height)
    finally:
        textpage.close()
    if chars is None:
        return None
    return PageInput(chars=chars, images=images, width=width, height=height, edges=edges)


def _chars(textpage: Any, fonts: dict[str, tuple[float, bool]], height: float) -> list[Char] | None:
    from pypdfium2 import raw

    loose = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    name_buffer = ctypes.create_string_buffer(512)
    names: dict[int, str] = {}  # font handle → /BaseFont
    chars: list[Char] = []
    for i in range(textpage.count_chars()):
        if raw.FPDFText_IsGenerated(textpage, i):
            continue  # a space or line break pdfium inferred; pdfminer has no such characters
        if raw.FPDFText_HasUnicodeMapError(textpage, i):
            return None
        code = raw.FPDFText_GetUnicode(textpage, i)
        if code == 0:
            continue
        raw.FPDFText_GetMatrix(textpage, i, matrix)
        a, b, c, d = matrix.a, matrix.b, matrix.c, matrix.d
        if b != 0 or c != 0 or not a * d > 0:
            return None  # sideways or skewed: pdfplumber frames it (see pdf._reading_turn)
        font = raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(textpage, i))
        address = ctypes.cast(font, ctypes.c_void_p).value or 0
        if address not in names:
            length = raw.FPDFFont_GetBaseFontName(font, name_buffer, len(name_buffer))
            names[address] = name_buffer.value.decode("latin-1") if length else ""
        known = fonts.get(names[address])
        if known is None or known[1]:
            return None
        size = float(raw.FPDFText_GetFontSize(textpage, i))
        raw.FPDFText_GetLooseCharBox(textpage, i, loose)
        raw.FPDFText_GetCharOrigin(textpage, i, ctypes.byref(ox), ctypes.byref(oy))
        # pdfminer's box: from descent to descent + size above the baseline, scaled by the matrix.
        low = oy.value + d * known[0] * size
        chars.append(
            {
                "text": chr(code),
                "x0": float(loose.left),
                "x1": float(loose.right),
                "top": height - (low + d * size),
                "bottom": height - low,
                "size": d * size,
                "upright": True,
            }
        )
    return chars


def _path_edges(obj: Any, height: float) -> list[Edge]:
    """A path's edges as pdfplumber makes them from pdfminer's objects: each subpath's points (a Bézier
    by its end point, a close by the start point) joined in turn; a one-segment subpath is a line,
    horizontal when its ends share y, else vertical (pdfplumber's reading of a line)."""
    from pypdfium2 import raw

    matrix = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, matrix)
    a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
    px, py = ctypes.c_float(), ctypes.c_float()
    subpaths: list[list[tuple[float, float]]] = []
    bezier = 0
    for i in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, i)
        kind = raw.FPDFPathSegment_GetType(segment)
        raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(px), ctypes.byref(py))
        x, y = px.value, py.value
        point = (a * x + c * y + e, height - (b * x + d * y + f))
        if kind == raw.FPDF_SEGMENT_MOVETO or not subpaths:
            subpaths.append([point])
            bezier = 0
        elif kind == raw.FPDF_SEGMENT_BEZIERTO:
            bezier += 1
            if bezier % 3 == 0:
                subpaths[-1].append(point)
        else:
            subpaths[-1].append(point)
        if raw.FPDFPathSegment_GetClose(segment) and subpaths[-1][-1] != subpaths[-1][0]:
            subpaths[-1].append(subpaths[-1][0])
    edges: list[Edge] = []
    for points in subpaths:
        single = len(points) == 2
        for (x0, y0), (x1, y1) in pairwise(points):
            orientation: str | None = "v" if x0 == x1 else ("h" if y0 == y1 else None)
            if single:
                orientation = "h" if y0 == y1 else "v"
            edges.append(_edge(x0, y0, x1, y1, orientation))
    return edges


def _edge(x0: float, y0: float, x1: float, y1: float, orientation: str | None) -> Edge:
    top, bottom = min(y0, y1), max(y0, y1)
    return {
        "object_type": "path_edge",
        "x0": min(x0, x1),
        "x1": max(x0, x1),
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": abs(x1 - x0),
        "height": bottom - top,
        "orientation": orientation,
    }
