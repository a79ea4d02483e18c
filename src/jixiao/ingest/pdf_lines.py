"""Text geometry of PDF pages: characters into lines, lines into paragraphs, wrapped lines joined.

Chinese text is set without spaces and wraps anywhere (with line-breaking rules for punctuation),
so a line break is decided by geometry: whether the next line's unbreakable start would have fitted
at the end of the line before. Used by `pdf` (page text) and `pdf_tables` (cell text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from statistics import median
from typing import Any

Char = dict[str, Any]

_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十百\d]+[章节部分条]|[一二三四五六七八九十]+[、．.]|"
    r"[（(][一二三四五六七八九十\d]+[)）]|\d+[、．]|\d+\.(?!\d)|附件|附表)"
)
_PAGE_NUMBER = re.compile(
    r"^\s*([-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(\s*[,，/]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|\d+)\s*$"
)
CLOSING = tuple("。！？；：!?;:”」』）)")  # a line ending in these ends its sentence
_NO_LINE_START = set("，。、；：？！）》」』”’,.;:?!)%")  # punctuation that never starts a line
_NO_LINE_END = set("（《「『“‘(")  # punctuation that never ends a line
_QUOTES = set("“”‘’\"'")  # no line break on either side of these (UAX #14 LB19)
MARGIN_BAND = 0.08  # share of the page height at top and bottom where page numbers and running heads live


@dataclass(slots=True)
class Line:
    """One visual line of text: its characters' extent and size."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    lead: float  # width of the line's unbreakable start (see _lead_width)
    space_after: bool = False  # a space glyph ends the line: the text had a space where it wrapped

    @property
    def first_char(self) -> str:
        return self.text[:1]

    @property
    def last_char(self) -> str:
        return self.text[-1:]


def _lead_width(visible: list[Char]) -> float:
    """Width of what a line break cannot separate from a line's start, measured on its characters:
    the first CJK character, Latin word or number, with the punctuation that line-breaking rules keep
    with it (an opening bracket before it, closing marks after it) and, after a quotation mark, the
    word or number set against it (王”21 of 王”21起: no break beside a quotation mark, UAX #14 LB19)."""
    end = 0
    while end + 1 < len(visible) and visible[end]["text"] in _NO_LINE_END:
        end += 1
    if not is_cjk(visible[end]["text"][:1]):
        end = _word_end(visible, end)
    while end + 1 < len(visible) and visible[end + 1]["text"] in _NO_LINE_START:
        end += 1
    if visible[end]["text"] in _QUOTES:
        end = _word_end(visible, end)
    return float(visible[end]["x1"] - visible[0]["x0"])


def _word_end(visible: list[Char], end: int) -> int:
    """The last character of the Latin word or number that runs on from `end` without a gap."""
    size = float(visible[end].get("size") or 10)
    while (
        end + 1 < len(visible)
        and not is_cjk(visible[end + 1]["text"][:1])
        and visible[end + 1]["x0"] - visible[end]["x1"] < 0.25 * size
    ):
        end += 1
    return end


def would_fit(slack: float, line: Line) -> bool:
    """Whether `line`'s unbreakable start would have fitted in `slack` points at the end of the line before.

    Generous to the wrap: renderers leave more room than the glyphs need (LibreOffice was seen to
    wrap 「和」 with 1.6 characters to spare, and to keep 「率99.8%」 together), so a line counts as
    ended only with a character (CJK) or one and a half (a number or Latin word) more than its need.
    The price: a paragraph whose last line nearly fills the width, followed by one with no indent
    and no spacing, reads as one paragraph.
    """
    tolerance = (1.0 if is_cjk(line.first_char) else 1.5) * line.size
    return slack > line.lead + tolerance


def is_cjk(ch: str) -> bool:
    """Whether a character is CJK (ideographs, kana, CJK and full-width punctuation)."""
    return bool(ch) and _CJK_CHAR.match(ch) is not None


def lines_of(chars: list[Char]) -> list[Line]:
    """Cluster characters into visual lines by their top, left to right within a line."""
    if not chars:
        return []
    ordered = sorted(chars, key=lambda c: (c["top"], c["x0"]))
    groups: list[list[Char]] = []
    current: list[Char] = [ordered[0]]
    anchor = ordered[0]["top"]
    for char in ordered[1:]:
        # Characters of one line share a top within a fraction of their size (mixed fonts differ a little).
        if char["top"] - anchor <= max(2.0, 0.4 * float(char.get("size") or 10)):
            current.append(char)
        else:
            groups.append(current)
            current = [char]
            anchor = char["top"]
    groups.append(current)
    out = []
    for group in groups:
        line = _line(sorted(group, key=lambda c: c["x0"]))
        if line is not None:
            out.append(line)
    return out


def _line(chars: list[Char]) -> Line | None:
    parts: list[str] = []
    prev: Char | None = None
    for char in chars:
        text = char["text"]
        if prev is not None:
            if text == prev["text"] and abs(char["x0"] - prev["x0"]) < 1:
                continue  # the same glyph drawn twice (fake bold)
            gap = char["x0"] - prev["x1"]
            size = float(char.get("size") or 10)
            cjk_side = is_cjk(prev["text"][-1:]) or is_cjk(text[:1])
            # Justified Chinese spreads characters apart; only a clear gap separates text next to CJK.
            if gap > (1.0 if cjk_side else 0.25) * size:
                parts.append(" ")
        parts.append(text)
        prev = char
    text = _SPACES.sub(" ", "".join(parts)).strip()
    visible = [c for c in chars if not c["text"].isspace()]
    if not text or not visible:
        return None
    return Line(
        text=text,
        x0=min(c["x0"] for c in visible),
        x1=max(c["x1"] for c in visible),
        top=min(c["top"] for c in visible),
        bottom=max(c["bottom"] for c in visible),
        size=median(float(c.get("size") or 10) for c in visible),
        lead=_lead_width(visible),
        space_after=chars[-1]["text"].isspace(),
    )


def drop_page_numbers(lines: list[Line], height: float) -> list[Line]:
    """The lines without bare page numbers in the top or bottom margin band."""
    band = MARGIN_BAND * height
    return [
        line
        for line in lines
        if not ((line.bottom > height - band or line.top < band) and _PAGE_NUMBER.match(line.text))
    ]


def segments(lines: list[Line], table_tops: list[float]) -> list[list[Line]]:
    """Split the page's lines where a table lies between them: a paragraph never spans a table."""
    if not table_tops:
        return [lines] if lines else []
    segments: list[list[Line]] = [[]]
    tops = sorted(table_tops)
    for line in lines:
        if segments[-1] and any(segments[-1][-1].top < t <= line.top for t in tops):
            segments.append([])
        segments[-1].append(line)
    return [s for s in segments if s]


def margins_of(lines: list[Line], page_width: float) -> tuple[float, float]:
    """The text column's left and right edges: edges shared by at least two lines (outliers ignored).

    The right edge is at least the mirror of the left one (page margins are symmetric or wider on the
    left, as in GB/T 9704), so a page of short lines that all end alike is not taken for full lines.
    """
    if not lines:
        return (0.0, 0.0)
    left = _shared_extreme([ln.x0 for ln in lines], lowest=True) or min(ln.x0 for ln in lines)
    right = _shared_extreme([ln.x1 for ln in lines], lowest=False) or max(ln.x1 for ln in lines)
    return (left, max(right, page_width - left))


def _shared_extreme(values: list[float], *, lowest: bool) -> float | None:
    ordered = sorted(values, reverse=not lowest)
    for a, b in pairwise(ordered):
        if abs(a - b) <= 2:
            return a
    return None


def typical_gap(lines: list[Line]) -> float:
    """The page's usual vertical gap between consecutive lines (the median)."""
    gaps = [b.top - a.bottom for a, b in pairwise(lines) if b.top - a.bottom > -1]
    return median(gaps) if gaps else 0.0


def starts_paragraph(line: Line, margins: tuple[float, float]) -> bool:
    """Whether a line visibly opens a paragraph: indented past the left margin, or a heading marker."""
    return line.x0 > margins[0] + line.size or _HEADING.match(line.text) is not None


def paragraphs(lines: list[Line], margins: tuple[float, float], usual_gap: float) -> list[list[Line]]:
    """Group consecutive lines into paragraphs (see `_breaks`)."""
    out: list[list[Line]] = []
    for line in lines:
        if out and not _breaks(out[-1][-1], line, margins, usual_gap):
            out[-1].append(line)
        else:
            out.append([line])
    return out


def _breaks(prev: Line, line: Line, margins: tuple[float, float], usual_gap: float) -> bool:
    """Whether `line` starts a new paragraph after `prev`."""
    size = max(prev.size, line.size)
    return (
        line.top - prev.bottom > max(usual_gap, 0.0) + 0.5 * size  # paragraph spacing
        or abs(line.size - prev.size) > 1  # a heading or a note in another size
        or would_fit(margins[1] - prev.x1, line)  # the next line's start would have fitted
        or line.x0 > prev.x0 + line.size  # first-line indent
        or _HEADING.match(line.text) is not None
    )


def joiner(left: str, right: str) -> str:
    """What goes between two wrapped lines: a space only between two Latin words (a line wraps at a
    space there); nothing next to CJK, inside a number cut by a narrow cell ("57954" / ".3") or a hyphen."""
    if left.isascii() and right.isascii() and left.isalnum() and right.isalnum():
        return "" if left.isdigit() and right.isdigit() else " "
    return ""


def join_lines(lines: list[Line]) -> str:
    """A paragraph's text from its wrapped lines (a space kept where the line wrapped at one)."""
    text = lines[0].text
    for prev, line in pairwise(lines):
        text += (" " if prev.space_after else joiner(text[-1:], line.first_char)) + line.text
    return text.strip()
