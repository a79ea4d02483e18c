"""The narrative self-evaluation report (.docx, and PDF through LibreOffice) with a selectable outline.

Outlines are data (templates/narrative/outlines.toml): headings, and the content blocks under each.
Blocks draw on the report as stated, on the recomputed score and on the findings of the consistency
rules (when the scoring and rules layers are installed; otherwise the report says 未评分), and leave
改进措施 placeholders for the unit to write. Charts come from `charts`.
"""

from __future__ import annotations

import io
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jixiao.errors import JixiaoError
from jixiao.model.document import Provenance
from jixiao.model.findings import Finding
from jixiao.model.report import Report
from jixiao.model.scorecard import Scorecard
from jixiao.render import charts
from jixiao.render.atomic import atomic_write_bytes
from jixiao.render.context import fmt_number

OUTLINES = Path(__file__).parent / "templates" / "narrative" / "outlines.toml"
# GB/T 9704 fonts as Word users have them; the PDF maps each to an installed CJK font (pdf.FONT_SUBSTITUTES)
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
# 三号 16 pt body and headings, 二号 22 pt title; 28 pt fixed lines (22 lines of 28 characters a page)
BODY_PT, TITLE_PT, LINE_PT = 16, 22, 28
PLACEHOLDER = "（请单位填写）"


@dataclass(frozen=True)
class Outline:
    id: str
    name: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass
class Assessment:
    """The recomputed score and the findings; `scorecard` None means 未评分."""

    scorecard: Scorecard | None = None
    findings: list[Finding] = field(default_factory=list)
    profile: str | None = None
    note: str = ""


class UnknownOutline(JixiaoError):
    def __init__(self, outline: str) -> None:
        super().__init__(
            f"未知报告提纲 {outline}（可用：{'、'.join(outlines())}）", f"unknown narrative outline {outline}"
        )


@cache
def outlines() -> dict[str, Outline]:
    data = tomllib.loads(OUTLINES.read_text(encoding="utf-8"))
    return {
        key: Outline(
            key,
            str(value["name"]),
            tuple((str(s["heading"]), tuple(str(b) for b in s["blocks"])) for s in value["sections"]),
        )
        for key, value in data.items()
    }


def assess(report: Report, profile: str | None = None) -> Assessment:
    """Score the report and run every rule, when those layers are present; else an empty assessment."""
    try:
        from jixiao.profiles.loader import select_profile
        from jixiao.rules import check
        from jixiao.scoring import score
    except ImportError:
        return Assessment(note="评分与勾稽检查模块未安装")
    chosen = select_profile(report, profile)
    card = score(report, chosen)
    findings = check(report, card, chosen, None, None)
    return Assessment(card, list(findings), chosen.id)


# --- text helpers --------------------------------------------------------------------------------


def _v(report: Report, key: str) -> Decimal | int | str | None:
    return report.value(key)


def _money(value: Any) -> str:
    return f"{fmt_number(value)}万元"


def _where(prov: Provenance) -> str:
    """The place in the unit's own document, in the words `check` uses: 第2页 表1 第3行第4列."""
    return " ".join(prov.place())


def subject(report: Report) -> str:
    """What the report evaluates, said once: 2023年度 + 某某项目 + 支出 (never "2023年度2023年…项目项目支出")."""
    unit = report.unit
    name = unit.project_name if unit.report_kind == "project" and unit.project_name else ""
    year = f"{unit.fiscal_year}年度" if unit.fiscal_year and f"{unit.fiscal_year}年" not in name else ""
    if unit.report_kind != "project":
        return f"{year}部门整体支出"
    if name.endswith("项目支出"):
        return f"{year}{name}"
    return f"{year}{name}支出" if name.endswith("项目") else f"{year}{name}项目支出"


def _sentence(report: Report, items: list[tuple[str, str]], lead: str = "") -> str:
    parts = [f"{label}{_money(v)}" for label, key in items if (v := _v(report, key)) is not None]
    return (lead + "，".join(parts) + "。") if parts else ""


# --- the document --------------------------------------------------------------------------------


class _Writer:
    def __init__(self, report: Report, assessment: Assessment) -> None:
        from docx import Document

        self.report = report
        self.assessment = assessment
        self.doc = Document()
        self._styles()

    def _styles(self) -> None:
        """GB/T 9704: A4, 天头 37 mm, 订口 28 mm; body 仿宋 三号, headings 黑体 / 楷体, title 小标宋 二号;
        black text with no theme fonts, colours or rules left from Word's default template."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
        from docx.shared import Cm, Pt, RGBColor

        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
        for name, font, size, bold in (
            ("Normal", BODY_FONT, BODY_PT, False),
            ("Heading 1", HEADING_FONT, BODY_PT, False),
            ("Heading 2", SUBHEADING_FONT, BODY_PT, False),
            ("Title", TITLE_FONT, TITLE_PT, False),
        ):
            style = self.doc.styles[name]
            _plain_style(style, font)
            style.font.size = Pt(size)
            style.font.bold = bold
            style.font.italic = False
            style.font.color.rgb = RGBColor(0, 0, 0)
            fmt = style.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(LINE_PT if name != "Title" else 36)
            fmt.space_before = fmt.space_after = Pt(0)
            if name == "Title":
                fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
                fmt.space_after = Pt(LINE_PT)
            elif name.startswith("Heading"):
                fmt.first_line_indent = Pt(BODY_PT * 2)
                fmt.keep_with_next = True
        _page_number_footer(section)

    def para(self, text: str, indent: bool = True) -> None:
        """One paragraph per line of the text, each indented two characters (the 公文 paragraph)."""
        from docx.shared import Pt

        for line in [line.strip() for line in text.split("\n")] or [""]:
            if not line and "\n" in text:
                continue
            p = self.doc.add_paragraph(line)
            if indent:
                p.paragraph_format.first_line_indent = Pt(BODY_PT * 2)

    def table(self, headers: list[str], rows: list[list[str]]) -> None:
        from docx.shared import Pt

        table = self.doc.add_table(rows=1 + len(rows), cols=len(headers))
        table.style = "Table Grid"
        # row by row: python-docx's table.cell(r, c) rebuilds the whole grid on every call
        for row, texts in zip(table.rows, [headers, *rows], strict=True):
            for cell, text in zip(row.cells, texts, strict=True):
                cell.text = text
                for p in cell.paragraphs:
                    for run in p.runs:
                        run.font.size = Pt(10.5)

    def picture(self, png: bytes | None) -> None:
        """A chart, centred; where there is no data there is no chart (and no words about it)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        if png is None:
            return
        self.doc.add_picture(io.BytesIO(png), width=Cm(15))
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.doc.paragraphs[-1].paragraph_format.line_spacing = None  # a fixed line height would crop it

    # -- blocks --

    def overview(self) -> None:
        unit, r = self.report.unit, self.report
        head = f"{unit.department or '本单位'}{'（' + unit.region + '）' if unit.region else ''}"
        self.para(f"现将{head}{subject(r)}绩效自评情况报告如下。")
        staff = [(lbl, k) for lbl, k in (("编制人数", "staff_authorized"), ("实有人数", "staff_actual"))]
        parts = [f"{lbl}{v}人" for lbl, k in staff if (v := _v(r, k)) is not None]
        if parts:
            self.para("，".join(parts) + "。")
        for section in r.sections:
            if any(k in section.heading for k in ("职能", "职责", "概况", "主要工作")):
                self.para(section.text)

    def funds(self) -> None:
        r = self.report
        text = _sentence(
            r, [("年初预算数", "budget_initial"), ("全年预算数", "budget_adjusted"), ("全年执行数", "budget_executed")]
        )
        rate = _v(r, "execution_rate")
        card = self.assessment.scorecard
        if rate is not None:
            text += f"报告所述预算执行率{fmt_number(rate)}%。"  # type: ignore[arg-type]
        if card is not None and card.execution_rate is not None:
            text += (
                f"按全年执行数/全年预算数复算，执行率为{fmt_number(card.execution_rate.quantize(Decimal('0.01')))}%。"
            )
        self.para(text or "报告未说明预算与执行数。")
        income = _sentence(
            r,
            [
                ("收入合计", "income_total"),
                ("上年结转", "carryover"),
                ("一般公共预算拨款", "income_general_budget"),
                ("政府性基金拨款", "income_fund_budget"),
                ("纳入专户管理的非税收入拨款", "income_special_account"),
                ("其他收入", "income_other"),
            ],
        )
        spend = _sentence(
            r,
            [
                ("支出合计", "expenditure_total"),
                ("基本支出", "basic_expenditure"),
                ("其中人员支出", "personnel_expenditure"),
                ("公用支出", "public_expenditure"),
                ("项目支出", "project_expenditure"),
            ],
        )
        for text in (income, spend):
            if text:
                self.para(text)
        if r.projects:
            self.table(
                ["项目名称", "年初预算数", "全年预算数", "全年执行数", "执行率(%)"],
                [
                    [
                        p.name,
                        *[
                            fmt_number(v) if v is not None else ""
                            for v in (p.budget_initial, p.budget_adjusted, p.budget_executed, p.execution_rate)
                        ],
                    ]
                    for p in r.projects
                ],
            )

    def three_public(self) -> None:
        r = self.report
        parts = []
        for label, key, budget in (
            ("“三公”经费支出合计", "three_public_total", "three_public_budget"),
            ("公务接待费", "reception", "reception_budget"),
            ("公务用车费", "vehicle_total", "vehicle_budget"),
            ("公务用车运行维护费", "vehicle_operation", "vehicle_operation_budget"),
            ("公务用车购置费", "vehicle_purchase", "vehicle_purchase_budget"),
            ("因公出国（境）费", "overseas_travel", "overseas_travel_budget"),
        ):
            spent, planned = _v(r, key), _v(r, budget)
            if spent is None and planned is None:
                continue
            text = label + (_money(spent) if spent is not None else "（支出未说明）")
            if planned is not None:
                text += f"（预算{_money(planned)}）"
            parts.append(text)
        self.para("，".join(parts) + "。" if parts else "报告未说明“三公”经费。")

    def chart_execution(self) -> None:
        self.picture(charts.execution_chart(self.report))

    def targets(self) -> None:
        if not self.report.targets:
            self.para("报告未列明年度总体目标。")
            return
        self.table(["预期目标", "实际完成情况"], [[t.expected, t.achieved] for t in self.report.targets])

    def indicators(self) -> None:
        rows = self.report.indicators
        if not rows:
            self.para("报告没有绩效指标表，指标得分无法复算。")
            return
        card = self.assessment.scorecard
        computed: dict[int, Decimal | None] = {}
        if card is not None:
            computed = {i.index: i.result for i in card.indicator_items if i.index is not None}
        self.para(f"绩效指标共{len(rows)}项，完成情况如下表。")

        def n(v: Decimal | None) -> str:
            return "" if v is None else fmt_number(v)

        headers = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
        table = [
            [
                row.level1,
                row.level2,
                row.level3,
                row.target.text if row.target else "",
                row.actual.text if row.actual else "",
                n(row.weight),
                n(row.score),
            ]
            + ([n(computed.get(i))] if card is not None else [])
            for i, row in enumerate(rows)
        ]
        self.table([*headers, "复算得分"] if card is not None else headers, table)

    def chart_indicators(self) -> None:
        self.picture(charts.completion_chart(self.report))

    def score(self) -> None:
        r = self.report
        stated, grade = _v(r, "self_score"), _v(r, "grade")
        text = f"报告自评得分{fmt_number(stated)}分" if stated is not None else "报告未说明自评得分"  # type: ignore[arg-type]
        text += f"，评价等次为{grade}。" if grade is not None else "，未说明评价等次。"
        card = self.assessment.scorecard
        if card is not None and card.computed_total is not None and card.recomputable:
            text += f"按评分办法逐项核算，总分{fmt_number(card.computed_total)}分，等次为{card.grade_computed or '—'}。"
        self.para(text)

    def findings(self) -> None:
        """存在问题, written for the unit: each one with where its document states it (第2页 表1 第3行第4列)."""
        self.para("存在问题：", indent=False)
        found = sorted(self.assessment.findings, key=lambda f: (f.severity.rank, f.code))
        if not found:
            self.para(PLACEHOLDER)
            return
        for i, finding in enumerate(found, start=1):
            places = list(dict.fromkeys(w for p in finding.evidence if (w := _where(p))))
            text = f"{i}. {finding.message.rstrip('。')}"
            text += f"（见报告{'、'.join(places[:3])}）。" if places else "。"
            self.para(text)

    def measures(self) -> None:
        found = sorted(self.assessment.findings, key=lambda f: (f.severity.rank, f.code))
        for i, finding in enumerate(found, start=1):
            self.para(f"{i}. 针对“{finding.message}”：{PLACEHOLDER}")
        self.para(f"其他改进措施：{PLACEHOLDER}")

    def organisation(self) -> None:
        details = {e.name: e for e in self.report.evaluator_details}
        names = "、".join(
            f"{n}（{details[n].title}）" if n in details and details[n].title else n for n in self.report.evaluators
        )
        text = f"评价人员：{names}。" if names else ""
        self.para(f"{text}自评工作的组织、方式与过程：{PLACEHOLDER}")

    def other(self) -> None:
        self.para(f"其他需要说明的问题：{PLACEHOLDER}")


def narrative_docx_bytes(report: Report, outline: str = "national", assessment: Assessment | None = None) -> bytes:
    """The narrative report as .docx bytes."""
    chosen = outlines().get(outline)
    if chosen is None:
        raise UnknownOutline(outline)
    writer = _Writer(report, assessment if assessment is not None else Assessment(note="未进行复算"))
    writer.doc.add_paragraph(f"{report.unit.department or ''}{subject(report)}绩效自评报告", style="Title")
    for heading, blocks in chosen.sections:
        writer.doc.add_paragraph(heading, style="Heading 1")
        for block in blocks:
            method: Callable[[], None] = getattr(writer, block)
            method()
    out = io.BytesIO()
    writer.doc.save(out)
    return out.getvalue()


def _plain_style(style: Any, font: str) -> None:
    """The style names `font` for every script, with no theme font, colour or border overriding it."""
    from docx.oxml.ns import qn

    style.font.name = font
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    for tag in ("w:color",):
        for element in rpr.findall(qn(tag)):
            rpr.remove(element)
    ppr = style.element.find(qn("w:pPr"))
    if ppr is not None:
        for element in ppr.findall(qn("w:pBdr")):
            ppr.remove(element)


def append_page_field(run: Any) -> None:
    """A PAGE field in `run`, as Word inserts it (begin, instruction, end): the page's own number."""
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            run._r.append(run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind}))
        else:
            instr = run._r.makeelement(qn("w:instrText"), {})
            instr.text = text
            run._r.append(instr)


def _page_number_footer(section: Any) -> None:
    """— 1 — centred at the foot of each page (4号 宋体 in GB/T 9704; the body font here)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ").font.size = Pt(14)
    run = paragraph.add_run()
    run.font.size = Pt(14)
    append_page_field(run)
    paragraph.add_run(" —").font.size = Pt(14)


def render_narrative(
    report: Report, out: str | Path, outline: str = "national", to: str = "docx", assessment: Assessment | None = None
) -> Path:
    """Write the narrative report as docx or pdf, atomically."""
    data = narrative_docx_bytes(report, outline, assessment)
    if to == "pdf":
        from jixiao.render.pdf import docx_bytes_to_pdf

        return docx_bytes_to_pdf(data, Path(out))
    return atomic_write_bytes(out, data)
