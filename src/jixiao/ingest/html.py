"""Web pages → Document: the article body of a government page, its paragraphs and its tables.

Decoding follows the BOM, then the declared charset (<meta charset>, http-equiv), then detection
(`decode_text`). Site chrome (scripts, navigation, header, footer, side bars) is dropped and the
article container chosen: containers named like content/article/TRS_Editor/zoom/detail are
preferred, else the densest text container. Tables become grids through an occupied-positions map
so rowspan/colspan land where a browser puts them; nested tables are blocks of their own; a table of
one cell holding no table is a frame around text, read as paragraphs.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Tag
from bs4.element import NavigableString, PageElement, PreformattedString

from jixiao.errors import CorruptFile
from jixiao.ingest.limits import GridBudget, Limits, clip_span
from jixiao.ingest.text import decode_text
from jixiao.model.document import Block, Cell, Document, Paragraph, Source, Table, number_blocks

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_DROP_TAGS = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "iframe",
    "button", "select", "input", "textarea", "svg", "canvas", "object", "embed", "link", "meta",
)  # fmt: skip
_CONTENT_HINT = re.compile(r"content|article|trs_editor|zoom|detail|main-?text|正文|wenzhang|xilan", re.IGNORECASE)
# Tokens of class/id that mark site chrome; matched as whole tokens so "topic" is not "top".
_CHROME_TOKENS = frozenset((
    "nav", "navbar", "menu", "header", "footer", "foot", "breadcrumb", "crumb", "crumbs", "position",
    "location", "share", "bdsharebuttonbox", "sidebar", "side", "aside", "copyright", "banner", "toolbar",
    "search", "login", "topbar", "related", "links", "friendlink", "print", "pager", "pagination", "comment",
    "comments", "qrcode", "ewm",
))  # fmt: skip
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
_BLOCK_TAGS = frozenset((
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt",
    "dd", "blockquote", "pre", "center", "address", "figure", "figcaption", "table", "tr", "caption", "hr",
    "body",
))  # fmt: skip
# The page's own metadata line inside the article container ("发布时间：… 来源：… 浏览次数：…", 字号 大中小).
_PAGE_META = re.compile(
    r"^[【\[]?\s*(发布时间|发布日期|发文日期|信息来源|来源|作者|浏览次数|阅读次数|点击数|访问次数|字号|字体|打印本页|关闭窗口|分享到)"
    r"\s*[:：】\]\s]"
)
_SPACE = re.compile(r"[ \t\r\n\f]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def decode_html(path: Path, data: bytes) -> str:
    """Decode by BOM, then the declared charset, then detection."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(path, data)
    match = _META_CHARSET.search(data[:8192])
    if match:
        name = match.group(1).decode("ascii").lower()
        # GB2312/GBK pages routinely contain GB18030-only characters: decode with the superset.
        if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936"):
            name = "gb18030"
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall back to detection
    return decode_text(path, data)


def read_html(path: Path, limits: Limits) -> Document:
    """Read a web page: the article's paragraphs and tables in reading order."""
    path = Path(path)
    data = path.read_bytes()
    text = decode_html(path, data)
    try:
        builder, title = _build(text, GridBudget(path, limits))
    except RecursionError:
        # only a hostile or broken page nests elements hundreds deep; say so instead of crashing
        raise CorruptFile(path, "网页结构嵌套过深，无法读取", "page nesting too deep to read") from None
    blocks = builder.blocks
    if not blocks and title:
        blocks.append(Paragraph(text=title))
    blocks = number_blocks(blocks)
    for nested, enclosing in builder.parents:
        nested.parent_table = enclosing.table_index
    source = Source(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format="html")
    return Document(source=source, blocks=blocks, warnings=builder.warnings)


def _build(text: str, budget: GridBudget) -> tuple[_Builder, str]:
    soup = BeautifulSoup(text, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    _drop_chrome(soup)
    root = soup.body or soup
    container = _article(root)
    builder = _Builder(budget)
    heading = _title_before(root, container)
    if heading:
        builder.blocks.append(Paragraph(text=heading, style="Title"))
    builder.walk(container)
    builder.flush()
    return builder, title


def _drop_chrome(soup: BeautifulSoup) -> None:
    """Remove comments, scripts, hidden elements and site chrome, top down, skipping removed subtrees."""
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    doomed: list[Tag] = []
    stack: list[Tag] = [soup]
    while stack:  # no recursion: pages can nest deeper than Python's stack
        for child in stack.pop().contents:
            if isinstance(child, Tag):
                (doomed if _is_dropped(child) else stack).append(child)
    for tag in doomed:
        tag.decompose()


def _is_dropped(tag: Tag) -> bool:
    if tag.name in _DROP_TAGS:
        # an article's own <header> holds its title; only the page's header and footer are chrome
        return tag.name not in ("header", "footer") or tag.find_parent(("article", "main")) is None
    style = tag.get("style")
    if isinstance(style, str) and _HIDDEN_STYLE.search(style):
        return True
    return tag.name not in ("body", "html", "td", "th", "tr", "table") and _is_chrome(tag)


def _names(tag: Tag) -> str:
    classes = tag.get("class")
    listed = [str(c) for c in classes] if isinstance(classes, list) else [str(classes or "")]
    return " ".join([*listed, str(tag.get("id") or "")])


def _is_chrome(tag: Tag) -> bool:
    names = _names(tag)
    if not names.strip() or _CONTENT_HINT.search(names):
        return False
    return any(token.lower() in _CHROME_TOKENS for token in _TOKEN_SPLIT.split(names) if token)


def _text_weights(root: Tag) -> dict[int, tuple[int, int]]:
    """id(tag) → (characters of text, characters inside links) under it, whitespace ignored.

    One pass bottom-up over the page (reverse document order visits children before parents).
    """
    nodes: list[PageElement] = [root, *root.descendants]
    sums: dict[int, list[int]] = {}
    weights: dict[int, tuple[int, int]] = {}
    for node in reversed(nodes):
        parent = node.parent
        if isinstance(node, Tag):
            total, linked = sums.pop(id(node), (0, 0))
            if node.name == "a":
                linked = total
            weights[id(node)] = (total, linked)
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            total, linked = len(_SPACE.sub("", str(node))), 0
        else:
            continue
        if node is not root and parent is not None and total:
            entry = sums.setdefault(id(parent), [0, 0])
            entry[0] += total
            entry[1] += linked
    return weights


def _article(root: Tag) -> Tag:
    """The article container: a named content container if one holds most text, else the densest."""
    weights = _text_weights(root)
    body_total, body_links = weights.get(id(root), (0, 0))
    if body_total - body_links == 0:
        return root
    candidates = [t for t in root.find_all(("div", "td", "section", "article", "main")) if isinstance(t, Tag)]
    named = [t for t in candidates if t.name in ("article", "main") or _CONTENT_HINT.search(_names(t))]
    best = _deepest_holding(named, weights, body_total - body_links, 0.5)
    if best is None:
        best = _deepest_holding(candidates, weights, body_total - body_links, 0.7)
    return best or root


def _deepest_holding(tags: list[Tag], weights: dict[int, tuple[int, int]], body_text: int, share: float) -> Tag | None:
    """The deepest tag whose non-link text is at least `share` (≥ half) of the page's, and mostly not links.

    Tags holding more than half of the text are nested in one another, so in document order the last
    one that qualifies is the deepest.
    """
    chosen: Tag | None = None
    for tag in tags:
        total, linked = weights.get(id(tag), (0, 0))
        if total and total - linked >= share * body_text and linked <= 0.5 * total:
            chosen = tag
    return chosen


def _title_before(root: Tag, container: Tag) -> str | None:
    """The article title when the chosen container leaves it out: the last heading-like tag before it."""
    if container is root:
        return None
    last: str | None = None
    enclosing = {id(parent) for parent in container.parents}  # identity: Tag equality compares whole subtrees
    for node in root.descendants:
        if node is container:
            return last
        if not isinstance(node, Tag) or id(node) in enclosing:
            continue
        if node.name in ("h1", "h2", "h3") or any(
            "title" in token.lower() for token in _TOKEN_SPLIT.split(_names(node))
        ):
            text = _SPACE.sub(" ", node.get_text(" ", strip=True))
            if 0 < len(text) <= 200:
                last = text
    return None


@dataclass(slots=True)
class _Builder:
    """Collects paragraphs and tables in document order."""

    budget: GridBudget
    warnings: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    parents: list[tuple[Table, Table]] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    style: str | None = None

    def flush(self) -> None:
        text = "".join(self.buffer)
        self.buffer = []
        for raw in text.split("\n"):
            line = raw.strip(" \t\u3000\xa0")
            if line and not (len(line) <= 160 and _PAGE_META.match(line)):
                self.blocks.append(Paragraph(text=line, style=self.style))
        self.style = None

    def walk(self, node: Tag) -> None:
        """Paragraphs and tables under a node in document order (an explicit stack: pages nest deep)."""
        stack: list[PageElement | None] = list(reversed(node.contents))
        while stack:
            item = stack.pop()
            if item is None:  # the end of a block element
                self.flush()
            elif isinstance(item, NavigableString):
                if not isinstance(item, PreformattedString):  # comments, doctype, CDATA
                    self.buffer.append(_SPACE.sub(" ", str(item).replace("\xa0", " ")))
            elif isinstance(item, Tag):
                name = item.name
                if name == "br":
                    self.buffer.append("\n")
                elif name == "table":
                    self.flush()
                    frame = _frame_cell(item)
                    if frame is not None:
                        stack.append(None)
                        stack.extend(reversed(frame.contents))
                    else:
                        self.table(item, None, 0)
                elif name in _BLOCK_TAGS:
                    self.flush()
                    if len(name) == 2 and name[0] == "h" and name[1].isdigit():
                        self.style = f"Heading {name[1]}"
                    stack.append(None)
                    stack.extend(reversed(item.contents))
                else:
                    stack.extend(reversed(item.contents))

    def table(self, element: Tag, parent: Table | None, depth: int) -> None:
        """Append the table and then its nested tables, depth first."""
        self.budget.depth(depth)
        limits = self.budget.limits
        nested: list[Tag] = []
        caption = element.find("caption", recursive=False)
        if isinstance(caption, Tag) and (title := _SPACE.sub(" ", caption.get_text(" ", strip=True))):
            self.blocks.append(Paragraph(text=title, style="caption"))
        rows = _rows(element)
        occupied: set[tuple[int, int]] = set()
        cells: list[Cell] = []
        width = 0
        declared = 0  # positions the spans claim, overlaps counted again: the work of the loop below
        for r, tr in enumerate(rows):
            col = 0
            for td in tr.find_all(("td", "th"), recursive=False):
                while (r, col) in occupied:
                    col += 1
                rowspan = min(self._span(td, "rowspan"), len(rows) - r)
                colspan = self._span(td, "colspan")
                declared += rowspan * colspan
                if declared > limits.max_table_cells:
                    raise self.budget.too_large(len(rows), max(width, col + colspan))
                for rr in range(r, r + rowspan):
                    for cc in range(col, col + colspan):
                        occupied.add((rr, cc))
                cells.append(Cell(row=r, col=col, text=_cell_text(td, nested), rowspan=rowspan, colspan=colspan))
                col += colspan
                width = max(width, col)
        width = max([width] + [c + 1 for (_, c) in occupied])
        owner = parent  # an empty wrapper table adds no block: its nested tables keep the outer parent
        if cells:
            self.budget.claim(len(rows), width)
            owner = Table(n_rows=len(rows), n_cols=width, cells=cells)
            self.blocks.append(owner)
            if parent is not None:
                self.parents.append((owner, parent))
        for inner in nested:
            self.table(inner, owner, depth + 1)

    def _span(self, td: Tag, attr: str) -> int:
        raw = td.get(attr)
        match = re.match(r"\s*(\d{1,12})", raw if isinstance(raw, str) else "")
        value = int(match.group(1)) if match else 1
        return max(clip_span(value, self.budget.limits, self.warnings, attr), 1)


def _frame_cell(table: Tag) -> Tag | None:
    """The cell of a table of one cell holding no table (and without a caption): a frame drawn
    around text, whose paragraphs are read as the page's own (the PDF and workbook readers see them so too)."""
    rows = _rows(table)
    cells = rows[0].find_all(("td", "th"), recursive=False) if len(rows) == 1 else []
    if len(cells) != 1 or table.find("caption", recursive=False) or cells[0].find("table"):
        return None
    cell = cells[0]
    return cell if isinstance(cell, Tag) else None


def _rows(table: Tag) -> list[Tag]:
    """The table's own rows (directly or through thead/tbody/tfoot), not those of nested tables."""
    rows: list[Tag] = []
    for child in table.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "tr":
            rows.append(child)
        elif child.name in ("thead", "tbody", "tfoot"):
            rows.extend(t for t in child.find_all("tr", recursive=False) if isinstance(t, Tag))
    return rows


def _cell_text(td: Tag, nested: list[Tag]) -> str:
    """A cell's text: <br> and block elements give line breaks; nested tables are set aside."""
    parts: list[str] = []
    stack: list[PageElement | None] = list(reversed(td.contents))
    while stack:
        item = stack.pop()
        if item is None:
            parts.append("\n")
        elif isinstance(item, NavigableString):
            if not isinstance(item, PreformattedString):
                parts.append(_SPACE.sub(" ", str(item).replace("\xa0", " ")))
        elif isinstance(item, Tag):
            if item.name == "br":
                parts.append("\n")
            elif item.name == "table":
                nested.append(item)
            else:
                if item.name in _BLOCK_TAGS:
                    parts.append("\n")
                    stack.append(None)
                stack.extend(reversed(item.contents))
    lines = [line.strip(" \t\u3000\xa0") for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)
