"""Word .docx → Document by walking word/document.xml with lxml.

python-docx's `row.cells` repeats a merged cell at every grid position and hides vMerge, so this
module owns the table layer: w:tbl/w:tr/w:tc with w:gridSpan, w:vMerge (restart/continue become
the anchor's rowspan), w:gridBefore/w:gridAfter, nested tables (blocks of their own right after the
enclosing table) and text boxes (w:txbxContent, paragraphs styled "textbox"; the VML copy in
mc:Fallback is skipped so nothing is read twice). A table of one cell holding no table is a frame
drawn around text: its paragraphs are read as the body's.
"""

from __future__ import annotations

import hashlib
import html
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from jixiao.errors import CorruptFile, EncryptedFile, UnreadableFile
from jixiao.ingest.limits import GridBudget, Limits, clip_span
from jixiao.ingest.package import main_part, related_part
from jixiao.ingest.zipguard import check_archive, open_zip, read_member
from jixiao.model.document import Block, Cell, Document, Paragraph, Source, Table, number_blocks

_DOCUMENT = "word/document.xml"
_STYLES = "word/styles.xml"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

# Inline containers whose runs are part of the paragraph's text (tracked insertions, links, fields).
_INLINE_CONTAINERS = (
    "hyperlink",
    "ins",
    "smartTag",
    "sdt",
    "sdtContent",
    "fldSimple",
    "customXml",
    "moveTo",
    "dir",
    "bdo",
)
# Elements whose text is not part of the visible paragraph (deletions, field codes, properties).
_SKIPPED = ("del", "moveFrom", "pPr", "rPr", "instrText", "delText")


class _Names:
    """Clark-notation tag names for one WordprocessingML namespace (transitional or strict)."""

    def __init__(self, ns: str) -> None:
        w = "{" + ns + "}"
        self.w = w
        self.p, self.r, self.t, self.tab, self.br, self.cr = (w + n for n in ("p", "r", "t", "tab", "br", "cr"))
        self.tbl, self.tr, self.tc, self.body = (w + n for n in ("tbl", "tr", "tc", "body"))
        self.sdt, self.sdt_content, self.custom_xml = w + "sdt", w + "sdtContent", w + "customXml"
        self.ppr, self.pstyle, self.outline = w + "pPr", w + "pStyle", w + "outlineLvl"
        self.tcpr, self.grid_span, self.vmerge = w + "tcPr", w + "gridSpan", w + "vMerge"
        self.hmerge = w + "hMerge"
        self.trpr, self.grid_before, self.grid_after = w + "trPr", w + "gridBefore", w + "gridAfter"
        self.txbx = w + "txbxContent"
        self.no_break_hyphen = w + "noBreakHyphen"
        self.val, self.type = w + "val", w + "type"
        self.inline = frozenset(w + n for n in _INLINE_CONTAINERS)
        self.skipped = frozenset(w + n for n in _SKIPPED)


@dataclass(slots=True)
class _Draft:
    """A cell being built: mutable until the table is finished."""

    row: int
    col: int
    text: str
    colspan: int
    rowspan: int = 1


@dataclass(slots=True)
class _Walker:
    """Turns the body's XML into blocks; nested tables and text boxes wait for their turn here."""

    names: _Names
    styles: dict[str, str]
    limits: Limits
    budget: GridBudget
    warnings: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    parents: list[tuple[Table, Table]] = field(default_factory=list)  # (nested, enclosing)

    def walk(self, container: etree._Element, style: str | None = None) -> None:
        """Walk block-level content (body, sdtContent, text box) in document order."""
        n = self.names
        for child in container:
            tag = child.tag
            if tag == n.p:
                boxes: list[etree._Element] = []
                text = self.paragraph_text(child, boxes)
                if text.strip():
                    self.blocks.append(Paragraph(text=text.strip(), style=style or self.paragraph_style(child)))
                for box in boxes:
                    self.walk(box, "textbox")
            elif tag == n.tbl:
                frame = self._frame_cell(child)
                if frame is not None:
                    self.walk(frame, style)
                    continue
                boxes = []
                self.table(child, None, boxes, 0)
                for box in boxes:
                    self.walk(box, "textbox")
            elif tag in (n.sdt, n.sdt_content, n.custom_xml):
                self.walk(child, style)

    def _frame_cell(self, tbl: etree._Element) -> etree._Element | None:
        """The cell of a table of one cell holding no table: a frame drawn around text, whose
        paragraphs are read as the page's own (the PDF and workbook readers see them so too)."""
        rows = self._rows(tbl)
        cells = self._cells(rows[0]) if len(rows) == 1 else []
        if len(cells) != 1 or cells[0].find(f".//{self.names.tbl}") is not None:
            return None
        return cells[0]

    def paragraph_style(self, p: etree._Element) -> str | None:
        n = self.names
        ppr = _child(p, n.ppr)
        if ppr is None:
            return None
        pstyle = _child(ppr, n.pstyle)
        if pstyle is not None:
            name = self.styles.get(pstyle.get(n.val, ""), pstyle.get(n.val))
            if name and name != "Normal":
                return name
        outline = _child(ppr, n.outline)
        if outline is not None and (level := outline.get(n.val, "")).isdigit() and int(level) < 9:
            return f"Heading {int(level) + 1}"
        return None

    def paragraph_text(self, p: etree._Element, boxes: list[etree._Element]) -> str:
        """The visible text of a paragraph; text boxes met on the way are collected into `boxes`."""
        parts: list[str] = []
        self._inline(p, parts, boxes)
        return "".join(parts)

    def _inline(self, element: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
        n = self.names
        for child in element:
            tag = child.tag
            if tag == n.r:
                self._run(child, parts, boxes)
            elif tag in n.inline:
                self._inline(child, parts, boxes)
            elif isinstance(tag, str) and tag not in n.skipped and tag.startswith(_MC):
                self._alternate(child, boxes)

    def _run(self, run: etree._Element, parts: list[str], boxes: list[etree._Element]) -> None:
        n = self.names
        for child in run:
            tag = child.tag
            if tag == n.t:
                parts.append(child.text or "")
            elif tag == n.tab:
                parts.append("\t")
            elif tag == n.br:
                if child.get(n.type) in (None, "textWrapping"):
                    parts.append("\n")
            elif tag == n.cr:
                parts.append("\n")
            elif tag == n.no_break_hyphen:
                parts.append("-")
            elif isinstance(tag, str) and tag.startswith(_MC):
                self._alternate(child, boxes)
            elif tag not in n.skipped and isinstance(tag, str):
                # w:drawing, w:pict, w:object: text boxes live somewhere below
                boxes.extend(self._outer_boxes(child))

    def _alternate(self, element: etree._Element, boxes: list[etree._Element]) -> None:
        """mc:AlternateContent: read the first mc:Choice only; mc:Fallback repeats it as VML."""
        if element.tag != _MC + "AlternateContent":
            return
        choice = _child(element, _MC + "Choice")
        chosen = choice if choice is not None else _child(element, _MC + "Fallback")
        if chosen is not None:
            boxes.extend(self._outer_boxes(chosen))

    def _outer_boxes(self, element: etree._Element) -> list[etree._Element]:
        """Text boxes under an element, without those nested in another box (read with it)."""
        found = []
        for box in element.iter(self.names.txbx):
            ancestor = box.getparent()
            nested = False
            while ancestor is not None and ancestor is not element:
                if ancestor.tag == self.names.txbx or ancestor.tag == _MC + "Fallback":
                    nested = True
                    break
                ancestor = ancestor.getparent()
            if not nested:
                found.append(box)
        return found

    def table(self, tbl: etree._Element, parent: Table | None, boxes: list[etree._Element], depth: int) -> None:
        """Append the table, then its nested tables (depth first), as blocks in reading order."""
        n = self.names
        self.budget.depth(depth)
        limit = self.limits.max_table_cells
        drafts: list[_Draft] = []
        last_at_col: dict[int, _Draft] = {}  # the cell that last occupied a grid column, for vMerge
        nested: list[etree._Element] = []
        width = 0  # the rows decide: w:tblGrid often keeps columns no row uses any more
        rows = list(self._rows(tbl))
        for r, tr in enumerate(rows):
            before, after = _first_children(_child(tr, n.trpr), n.grid_before, n.grid_after)
            col = self._span(_int_val(before, n.val, 0), "w:gridBefore")
            for tc in self._cells(tr):
                grid_span, vmerge, hmerge = _first_children(_child(tc, n.tcpr), n.grid_span, n.vmerge, n.hmerge)
                span = max(1, self._span(_int_val(grid_span, n.val, 1), "w:gridSpan"))
                if (r + 1) * (col + span) > limit:  # refused before the row's columns are built
                    self.budget.claim(r + 1, col + span)
                above = last_at_col.get(col)
                if (
                    vmerge is not None
                    and vmerge.get(n.val, "continue") == "continue"
                    and above is not None
                    and above.row + above.rowspan == r
                    and above.col == col
                ):
                    above.rowspan += 1
                    # the covered cell's own content (normally empty) still belongs to the table
                    extra = self._cell_text(tc, nested, boxes)
                    if extra:
                        above.text = f"{above.text}\n{extra}" if above.text else extra
                elif (
                    hmerge is not None
                    and hmerge.get(n.val, "continue") == "continue"
                    and (left := last_at_col.get(col - 1)) is not None
                    and left.row == r
                ):
                    # legacy horizontal merge (w:hMerge, Word 97 files): widen the cell on the left
                    left.colspan += span
                    for c in range(col, col + span):
                        last_at_col[c] = left
                else:
                    draft = _Draft(row=r, col=col, text=self._cell_text(tc, nested, boxes), colspan=span)
                    drafts.append(draft)
                    for c in range(col, col + span):
                        last_at_col[c] = draft
                col += span
            col += self._span(_int_val(after, n.val, 0), "w:gridAfter")
            width = max(width, col)
            if (r + 1) * width > limit:
                self.budget.claim(r + 1, width)
        self.budget.claim(len(rows), width)
        cells = [Cell(row=d.row, col=d.col, text=d.text, rowspan=d.rowspan, colspan=d.colspan) for d in drafts]
        table = Table(n_rows=len(rows), n_cols=width, cells=cells)
        self.blocks.append(table)
        if parent is not None:
            self.parents.append((table, parent))
        for inner in nested:
            self.table(inner, table, boxes, depth + 1)

    def _span(self, value: int, what: str) -> int:
        return clip_span(value, self.limits, self.warnings, what)

    def _rows(self, tbl: etree._Element) -> list[etree._Element]:
        return list(_unwrap(tbl, self.names.tr, self.names))

    def _cells(self, tr: etree._Element) -> list[etree._Element]:
        return list(_unwrap(tr, self.names.tc, self.names))

    def _cell_text(self, tc: etree._Element, nested: list[etree._Element], boxes: list[etree._Element]) -> str:
        """Paragraphs of a cell joined with newlines; nested tables are set aside for their own block."""
        n = self.names
        lines: list[str] = []
        for child in _unwrap_blocks(tc, n):
            if child.tag == n.p:
                lines.append(self.paragraph_text(child, boxes).strip())
            elif child.tag == n.tbl:
                nested.append(child)
        # empty paragraphs are spacing, not content (the text export and html drop them too)
        return "\n".join(line for line in lines if line)


def _unwrap(parent: etree._Element, tag: str, n: _Names) -> list[etree._Element]:
    """Children with `tag`, looking through content controls and custom XML wrappers."""
    out: list[etree._Element] = []
    for child in parent:
        if child.tag == tag:
            out.append(child)
        elif child.tag in (n.sdt, n.sdt_content, n.custom_xml):
            out.extend(_unwrap(child, tag, n))
    return out


def _unwrap_blocks(parent: etree._Element, n: _Names) -> list[etree._Element]:
    out: list[etree._Element] = []
    for child in parent:
        if child.tag in (n.p, n.tbl):
            out.append(child)
        elif child.tag in (n.sdt, n.sdt_content, n.custom_xml):
            out.extend(_unwrap_blocks(child, n))
    return out


def _child(parent: etree._Element, tag: str) -> etree._Element | None:
    """The first child with this tag: what `find(tag)` gives, without its path parser (half the cost)."""
    return next(parent.iterchildren(tag), None)


def _first_children(parent: etree._Element | None, *tags: str) -> list[etree._Element | None]:
    """The first child of each tag (what `find` gives for each), in one pass over the children."""
    found: list[etree._Element | None] = [None] * len(tags)
    if parent is not None:
        for child in parent:
            tag = child.tag
            for i, wanted in enumerate(tags):
                if tag == wanted and found[i] is None:
                    found[i] = child
    return found


def _int_val(element: etree._Element | None, val: str, default: int) -> int:
    """An element's integer attribute (a span, skipped grid columns); the default when absent or not a number."""
    if element is None:
        return default
    try:
        return int(element.get(val, default))
    except ValueError:
        return default


def read_docx(path: Path, limits: Limits) -> Document:
    """Read a .docx file into blocks in reading order with span-aware table grids."""
    path = Path(path)
    data = path.read_bytes()
    with open_zip(path, data) as archive:
        names = set(archive.namelist())
        if "EncryptedPackage" in names:
            raise EncryptedFile(path, "文件已加密，无法读取", "the file is encrypted")
        document = main_part(path, archive, _DOCUMENT, limits)
        if document is None:
            raise CorruptFile(path, f"文件已损坏（缺少 {_DOCUMENT}）", f"corrupt file (missing {_DOCUMENT})")
        styles_part = related_part(path, archive, document, "styles", limits)
        if styles_part is None and _STYLES in names:
            styles_part = _STYLES
        check_archive(path, archive, limits, [document] + ([styles_part] if styles_part else []))
        body_xml = read_member(path, archive, document, limits)
        root = _parse(path, body_xml, document)
        ns = etree.QName(root).namespace or ""
        if ns not in (_TRANSITIONAL, _STRICT):
            raise CorruptFile(path, "文件已损坏（不是 Word 文档正文）", f"corrupt file (unexpected root {root.tag})")
        names_ = _Names(ns)
        # style names serve only paragraphs that name a style (w:pStyle): without one, the styles part
        # (often several times the body) is not even inflated; UTF-16 bodies are searched by the parser
        wanted = b"pStyle" in body_xml or body_xml.startswith((b"\xff\xfe", b"\xfe\xff"))
        styles = _style_names(path, archive, limits, names_, styles_part) if styles_part and wanted else {}
    body = root.find(names_.body)
    walker = _Walker(names=names_, styles=styles, limits=limits, budget=GridBudget(path, limits))
    if body is not None:
        walker.walk(body)
    blocks = number_blocks(walker.blocks)
    for nested, enclosing in walker.parents:
        nested.parent_table = enclosing.table_index
    source = Source(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format="docx")
    return Document(source=source, blocks=blocks, warnings=walker.warnings)


def _parse(path: Path, data: bytes, name: str) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except (etree.LxmlError, ValueError) as exc:
        raise CorruptFile(path, f"文件已损坏（{name} 不是有效的 XML）", f"corrupt file ({name}: {exc})") from None


# A style's id (w:styleId, on the start tag of w:style) and the start tag's first child, which the schema
# makes its w:name (CT_Style: name, aliases, …). The styles part of a Word template is several times the
# size of a report's body (python-docx's: 350 KB for 164 styles) and only these two tags of each style are
# needed: scanning for them (from the literal "styleId") costs a twentieth of building the part's tree.
_STYLE_START = re.compile(rb"""styleId\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>\s*<(?:[\w.-]+:)?name\b([^>]*?)/?>""")
_NAME_VAL = re.compile(rb"""\s(?:[\w.-]+:)?val\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _style_names(path: Path, archive: zipfile.ZipFile, limits: Limits, n: _Names, part: str) -> dict[str, str]:
    """Style id → display name ("heading 1" → "Heading 1"); Chinese Word files use ids such as "1"."""
    try:
        data = read_member(path, archive, part, limits)
    except UnreadableFile:
        return {}  # a broken styles part loses heading names, not the document
    out: dict[str, str] = {}
    for match in _STYLE_START.finditer(data):
        style_id = _text(match[1] if match[1] is not None else match[2])
        value = _NAME_VAL.search(match[3])
        name = style_id if value is None else _text(value[1] if value[1] is not None else value[2])
        lowered = name.lower()
        if lowered.startswith("heading ") or lowered in ("title", "subtitle", "normal"):
            name = name[:1].upper() + name[1:]
        out[style_id] = name
    return out


def _text(value: bytes) -> str:
    return html.unescape(value.decode("utf-8", "replace"))  # XML's five entities and character references
