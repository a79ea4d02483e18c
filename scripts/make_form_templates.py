"""Generate the form templates under src/jixiao/render/templates/ (run once; the files are committed).

Each form is described here once, as rows of cells with spans, and written twice: an .xlsx template
(openpyxl: merged cells, column widths, 宋体, print area, A4 landscape) and a .docx template
(python-docx tables with docxtpl tags), plus the form's mapping file (<id>.toml) naming the rows
that expand per item. Placeholders are Jinja expressions over `jixiao.render.context`.
A province's own form can be made in Excel/Word by hand instead: same placeholders, its own .toml.

    .venv/bin/python scripts/make_form_templates.py
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "render" / "templates"
FONT = "宋体"
TITLE_FONT = "宋体"


@dataclass
class C:
    """A cell: text (may hold Jinja), column span, row span, style (label | value | text | title)."""

    text: str = ""
    cs: int = 1
    rs: int = 1
    style: str = "label"
    fmt: str = ""  # money (0.00) | percent (a number under a % format in xlsx) | "" (as is)


@dataclass
class Row:
    cells: list[C]
    repeat: str | None = None  # context list this row is repeated for (`r` is the item)
    height: float | None = None
    header: bool = False  # repeated at the top of every printed page the table runs over


@dataclass
class Para:
    text: str
    style: str = "title"  # title | center | left | right


@dataclass
class Table:
    rows: list[Row]


@dataclass
class Form:
    id: str
    name: str
    kind: str
    widths: list[float]  # Excel character widths, one per column
    blocks: list[Para | Table]
    landscape: bool = True
    formats: list[str] = field(default_factory=lambda: ["xlsx", "docx", "pdf"])
    description: str = ""


def V(text: str, cs: int = 1, rs: int = 1) -> C:
    return C(text, cs, rs, "value")


def T(text: str, cs: int = 1, rs: int = 1) -> C:
    return C(text, cs, rs, "text")


def M(text: str, cs: int = 1) -> C:
    """An amount in 万元: 0.00 in Excel."""
    return C(text, cs, 1, "value", "money")


def P(text: str, cs: int = 1) -> C:
    """A percent: in Excel the fraction under a 0.00% format (`pct` becomes `ratio`), text in Word."""
    return C(text, cs, 1, "value", "percent")


def funds_source(role: str) -> list[C]:
    """年初 / 全年（调整后）/ 执行 of one source row of the funds block, as the report states them."""
    return [M(f"{{{{ fs.{role}.{key} }}}}") for key in ("budget_initial", "budget_adjusted", "budget_executed")]


FUNDS_COLS = ["年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"]
FUNDS_TOTAL = [
    M("{{ f.budget_initial }}"),
    M("{{ f.budget_adjusted }}"),
    M("{{ f.budget_executed }}"),
    V("{{ f.execution_weight }}"),
    P("{{ f.execution_rate | pct }}"),
    V("{{ f.execution_score }}"),
]
INDICATOR_HEAD = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
]
INDICATOR_ROW = [
    V("{{ r.head }}"),
    V("{{ r.level1_cell }}"),
    V("{{ r.level2_cell }}"),
    T("{{ r.level3 }}"),
    T("{{ r.target }}"),
    T("{{ r.actual }}"),
    V("{{ r.weight }}"),
    V("{{ r.score }}"),
    T("{{ r.deviation_reason }}"),
]


FOOTER = (
    "填表人：{{{{ unit.form_filler }}}}            填报日期：{{{{ unit.report_date | cn_date }}}}"
    "            联系电话：{{{{ unit.contact_phone }}}}            {signer}"
)


def national_project() -> Form:
    rows = [
        Row([C("项目名称"), V("{{ unit.project_name }}", 8)]),
        Row([C("主管部门"), V("{{ unit.department }}", 3), C("实施单位", 2), V("{{ unit.implementing_unit }}", 3)]),
        Row([C("项目资金（万元）", 1, 5), C("", 2), *[C(h) for h in FUNDS_COLS]]),
        Row([C("年度资金总额", 2), *FUNDS_TOTAL]),
        Row([C("其中：当年财政拨款", 2), *funds_source("fiscal"), C("—"), V(""), C("—")]),
        Row([C("上年结转资金", 2), *funds_source("carryover"), C("—"), V(""), C("—")]),
        Row([C("其他资金", 2), *funds_source("other"), C("—"), V(""), C("—")]),
        Row([C("年度总体目标"), C("预期目标", 4), C("实际完成情况", 4)]),
        Row([V("{{ r.head }}"), T("{{ r.expected }}", 4), T("{{ r.achieved }}", 4)], repeat="targets"),
        Row([C("绩效指标"), *[C(h) for h in INDICATOR_HEAD]], header=True),
        Row(list(INDICATOR_ROW), repeat="indicators"),
        Row([C("总分", 6), V("{{ f.weight_total }}"), V("{{ f.self_score }}"), V("")]),
        Row([C("自评等级", 6), V("{{ f.grade }}", 3)]),
    ]
    return Form(
        "national-project",
        "项目支出绩效自评表",
        "project",
        [10, 12, 12, 26, 18, 18, 7, 7, 22],
        [
            Para("项目支出绩效自评表"),
            Para("（{{ unit.fiscal_year }}年度）", "center"),
            Table(rows),
            Para(FOOTER.format(signer="单位负责人签字："), "left"),
        ],
        description="财预〔2020〕10号 附件1",
    )


def hunan_dept_b() -> Form:
    rows = [
        Row([C("市级预算部门名称", 2), V("{{ unit.department }}", 7)]),
        Row([C("年度预算申请（万元）", 1, 7), C("", 2), *[C(h) for h in FUNDS_COLS]]),
        Row([C("年度资金总额", 2), *FUNDS_TOTAL]),
        Row([C("按收入性质分：", 4), C("按支出性质分：", 4)]),
        Row(
            [
                T("其中：一般公共预算：{{ f.income_general_budget }}", 4),
                T("其中：基本支出：{{ f.basic_expenditure }}", 4),
            ]
        ),
        Row([T("政府性基金拨款：{{ f.income_fund_budget }}", 4), T("项目支出：{{ f.project_expenditure }}", 4)]),
        Row([T("纳入专户管理的非税收入拨款：{{ f.income_special_account }}", 4), T("", 4)]),
        Row([T("其他资金：{{ f.income_other }}", 4), T("", 4)]),
        Row([C("年度总体目标"), C("预期目标", 4), C("实际完成情况", 4)]),
        Row([V("{{ r.head }}"), T("{{ r.expected }}", 4), T("{{ r.achieved }}", 4)], repeat="targets"),
        Row([C("绩效指标"), *[C(h) for h in INDICATOR_HEAD]], header=True),
        Row(list(INDICATOR_ROW), repeat="indicators"),
        Row([C("总分", 6), V("{{ f.weight_total }}"), V("{{ f.self_score }}"), V("")]),
    ]
    return Form(
        "hunan-dept-b",
        "部门整体支出绩效自评表（湖南 附件2）",
        "department_overall",
        [10, 12, 12, 26, 18, 18, 7, 7, 22],
        [
            Para("附件2", "left"),
            Para("{{ unit.fiscal_year }}年度部门整体支出绩效自评表"),
            Table(rows),
            Para(FOOTER.format(signer="单位分管负责人签字："), "left"),
        ],
        description="湖南 模板B（岳阳 2022 附件2）",
    )


def hunan_dept_a() -> Form:
    dept = "{{ unit.department }}"
    rows = [
        Row([C("一、部门（单位）基本概况", 8)]),
        Row([C("联系人"), V("{{ unit.contact_person }}", 3), C("联络电话"), V("{{ unit.contact_phone }}", 3)]),
        Row([C("人员编制"), V("{{ f.staff_authorized }}", 3), C("实有人数"), V("{{ f.staff_actual }}", 3)]),
        Row([C("职能职责概述"), T("{{ sec.duties }}", 7)]),
        Row([C("年度主要工作内容"), T("{{ sec.work }}", 7)]),
        Row([C("年度部门（单位）总体运行情况及取得的成绩"), T("{{ sec.results }}", 7)]),
        Row([C("二、部门（单位）收支情况", 8)]),
        Row([C("年度收入情况（万元）", 8)]),
        Row([C("机构名称", 1, 2), C("收入合计", 1, 2), C("其中：", 6)]),
        Row([C("上年结转"), C("公共财政拨款"), C("政府基金拨款"), C("纳入专户管理的非税收入拨款"), C("其他收入", 2)]),
        Row(
            [
                V(dept),
                M("{{ f.income_total }}"),
                M("{{ f.carryover }}"),
                M("{{ f.income_general_budget }}"),
                M("{{ f.income_fund_budget }}"),
                M("{{ f.income_special_account }}"),
                M("{{ f.income_other }}", 2),
            ]
        ),
        Row([C("部门（单位）年度支出和结余情况（万元）", 8)]),
        Row([C("机构名称", 1, 3), C("支出合计", 1, 3), C("其中：", 4), C("结余", 2)]),
        Row([C("基本支出", 1, 2), C("其中：", 2), C("项目支出", 1, 2), C("当年结余", 1, 2), C("累计结余", 1, 2)]),
        Row([C("人员支出"), C("公用支出")]),
        Row(
            [
                V(dept),
                M("{{ f.expenditure_total }}"),
                M("{{ f.basic_expenditure }}"),
                M("{{ f.personnel_expenditure }}"),
                M("{{ f.public_expenditure }}"),
                M("{{ f.project_expenditure }}"),
                V("{{ f.balance_current_year }}"),
                M("{{ f.balance_accumulated }}"),
            ]
        ),
        Row([C("“三公”经费支出情况（万元）", 8)]),
        Row([C("机构名称", 1, 2), C("三公经费合计", 1, 2), C("其中：", 6)]),
        Row([C("公务接待费"), C("公务用车运维费"), C("公务用车购置费"), C("因公出国费", 3)]),
        Row(
            [
                V(dept),
                M("{{ f.three_public_total }}"),
                M("{{ f.reception }}"),
                M("{{ f.vehicle_operation }}"),
                M("{{ f.vehicle_purchase }}"),
                M("{{ f.overseas_travel }}", 3),
            ]
        ),
        Row([C("固定资产情况（万元）", 8)]),
        Row([C("机构名称", 1, 2), C("固定资产合计", 1, 2), C("其中：", 6)]),
        Row([C("在用固定资产", 2), C("出租固定资产", 2), C("其他", 2)]),
        Row(
            [
                V(dept),
                M("{{ f.fixed_assets_total }}"),
                M("{{ f.fixed_assets_in_use }}", 2),
                M("{{ f.fixed_assets_leased }}", 2),
                M("{{ f.fixed_assets_other }}", 2),
            ]
        ),
        Row([C("三、部门（单位）整体支出绩效自评情况", 8)]),
        Row([C("整体支出绩效定性目标及实施计划完成情况"), C("预期目标", 3), C("实际完成", 4)]),
        Row([V("{{ r.head }}"), T("{{ r.expected }}", 3), T("{{ r.achieved }}", 4)], repeat="targets"),
        Row(
            [C("整体支出绩效定量目标及实施计划完成情况"), C("评价内容", 2), C("绩效目标", 2), C("完成情况", 3)],
            header=True,
        ),
        Row(
            [
                V("{{ r.head }}"),
                V("{{ r.level1_plain }}"),
                V("{{ r.level2_plain }}"),
                T("{{ r.goal }}", 2),
                T("{{ r.actual }}", 3),
            ],
            repeat="indicators",
        ),
        Row([C("绩效自评综合得分", 4), V("{{ f.self_score }}", 4)]),
        Row([C("评价等次", 4), V("{{ f.grade }}", 4)]),
        Row([C("四、评价人员", 8)]),
        Row([C("姓  名", 2), C("职务/职称", 2), C("单  位", 2), C("签  字", 2)]),
        Row([V("{{ r.name }}", 2), V("{{ r.title }}", 2), V("{{ r.affiliation }}", 2), V("", 2)], repeat="evaluators"),
        Row([C("五、评价报告综述（文字部分）", 8)]),
        Row([T("{{ sec.overview }}", 8)]),
    ]
    return Form(
        "hunan-dept-a",
        "部门（单位）整体支出绩效评价自评报告（湖南 模板A）",
        "department_overall",
        [16, 12, 12, 12, 12, 14, 12, 12],
        [
            Para("附件2", "left"),
            Para("{{ unit.fiscal_year }}年度部门（单位）整体支出绩效评价自评报告"),
            Para("部门（单位）名称：{{ unit.department }}", "left"),
            Para("预算编码：{{ unit.code }}", "left"),
            Para("评价方式：部门（单位）绩效自评", "left"),
            Para("评价机构：部门（单位）评价组", "left"),
            Para("报告日期：{{ unit.report_date | cn_date }}", "left"),
            Para("财政局（制）", "center"),
            Table(rows),
        ],
        landscape=False,
        description="湖南 模板A（岳阳/临湘 市财政局制）",
    )


def sichuan() -> Form:
    exec_cols = ["年初预算", "调整后预算数", "预算执行数", "预算执行率", "权重", "得分"]
    rows = [
        Row([C("项目名称", 2), V("{{ unit.project_name }}", 9)]),
        Row([C("主管部门", 2), V("{{ unit.department }}", 4), C("实施单位", 2), V("{{ unit.implementing_unit }}", 3)]),
        Row([C("预算执行情况（万元）（10分）", 1, 6), C("", 2), *[C(h) for h in exec_cols], C("原因", 2)]),
        Row(
            [
                C("总额", 2),
                M("{{ f.budget_initial }}"),
                M("{{ f.budget_adjusted }}"),
                M("{{ f.budget_executed }}"),
                P("{{ f.execution_rate | pct }}"),
                V("{{ f.execution_weight }}"),
                V("{{ f.execution_score }}"),
                T("{{ f.adjustment_reason }}", 2),
            ]
        ),
        *[
            Row([C(name, 2), *funds_source(role), V(""), C("—"), C("—"), T("", 2)])
            for name, role in (
                ("财政资金", "fiscal"),
                ("财政专户管理资金", "special"),
                ("单位资金", "unit"),
                ("其他资金", "other"),
            )
        ],
        Row([C("年度目标完成情况"), C("预期目标", 5), C("实际完成情况（限100字）", 5)]),
        Row([V("{{ r.head }}"), T("{{ r.expected }}", 5), T("{{ r.achieved }}", 5)], repeat="targets"),
        Row(
            [
                C("绩效指标（90分）"),
                C("一级指标"),
                C("二级指标"),
                C("三级指标"),
                C("指标性质"),
                C("指标值"),
                C("度量单位"),
                C("完成值"),
                C("权重"),
                C("得分"),
                C("未完成原因分析"),
            ],
            header=True,
        ),
        Row(
            [
                V("{{ r.head }}"),
                V("{{ r.level1_cell }}"),
                V("{{ r.level2_cell }}"),
                T("{{ r.level3 }}"),
                V("{{ r.direction }}"),
                V("{{ r.target_number }}"),
                V("{{ r.target_unit }}"),
                T("{{ r.actual }}"),
                V("{{ r.weight }}"),
                V("{{ r.score }}"),
                T("{{ r.deviation_reason }}"),
            ],
            repeat="indicators",
        ),
        Row([C("合计", 8), V("{{ f.weight_total }}"), V("{{ f.self_score }}"), V("")]),
        Row([C("评价结论（限200字）", 2), T("{{ texts.conclusion }}", 9)]),
        Row([C("存在问题（限200字）", 2), T("{{ texts.problems }}", 9)]),
        Row([C("改进措施（限200字）", 2), T("{{ texts.improvements }}", 9)]),
        Row([C("项目负责人：", 6), C("财务负责人：", 5)]),
    ]
    return Form(
        "sichuan-510000_0013zp",
        "部门预算项目支出绩效自评表（四川 510000_0013zp）",
        "project",
        [10, 10, 11, 24, 7, 9, 7, 16, 6, 6, 18],
        [
            Para("{{ unit.fiscal_year }}年度部门预算项目支出绩效自评表"),
            Para("报表编号：510000_0013zp", "right"),
            Table(rows),
        ],
        description="四川 部门预算项目支出绩效自评表",
    )


FORMS = [national_project, hunan_dept_b, hunan_dept_a, sichuan]


# --- layout: place cells on a grid like HTML tables do -----------------------------------------


def place(rows: list[Row]) -> list[list[tuple[int, C]]]:
    """Column index of every cell, skipping positions covered by row spans from above."""
    taken: set[tuple[int, int]] = set()
    out: list[list[tuple[int, C]]] = []
    for r, row in enumerate(rows):
        col = 0
        placed: list[tuple[int, C]] = []
        for cell in row.cells:
            while (r, col) in taken:
                col += 1
            placed.append((col, cell))
            for dr in range(cell.rs):
                for dc in range(cell.cs):
                    taken.add((r + dr, col + dc))
            col += cell.cs
        out.append(placed)
    return out


def ncols(form: Form) -> int:
    return len(form.widths)


# --- xlsx ----------------------------------------------------------------------------------------


def write_xlsx(form: Form, path: Path) -> dict[str, int]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "自评表"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    n = ncols(form)
    for i, width in enumerate(form.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    repeats: dict[str, int] = {}
    row_no = 1
    for block in form.blocks:
        if isinstance(block, Para):
            cell = ws.cell(row=row_no, column=1, value=block.text)
            big = block.style == "title"
            cell.font = Font(name=TITLE_FONT if big else FONT, size=16 if big else 11, bold=big)
            horizontal = {"title": "center", "center": "center", "left": "left", "right": "right"}[block.style]
            cell.alignment = Alignment(horizontal=horizontal, vertical="center")
            ws.merge_cells(start_row=row_no, start_column=1, end_row=row_no, end_column=n)
            ws.row_dimensions[row_no].height = 30 if big else 20
            row_no += 1
            continue
        for r_off, placed in enumerate(place(block.rows)):
            row = block.rows[r_off]
            r = row_no + r_off
            if row.repeat:
                repeats[row.repeat] = r
            for col, spec in placed:
                text = spec.text.replace("| pct", "| ratio") if spec.fmt == "percent" else spec.text
                cell = ws.cell(row=r, column=col + 1, value=text or None)
                if spec.fmt:
                    cell.number_format = {"money": "0.00", "percent": "0.00%"}[spec.fmt]
                cell.font = Font(name=FONT, size=10, bold=spec.style == "label" and False)
                horizontal = "left" if spec.style == "text" else "center"
                cell.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True)
                for dr in range(spec.rs):
                    for dc in range(spec.cs):
                        ws.cell(row=r + dr, column=col + 1 + dc).border = border
                if spec.rs > 1 or spec.cs > 1:
                    ws.merge_cells(start_row=r, start_column=col + 1, end_row=r + spec.rs - 1, end_column=col + spec.cs)
            ws.row_dimensions[r].height = row.height or 24
        row_no += len(block.rows)
    ws.print_area = f"A1:{get_column_letter(n)}{row_no - 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if form.landscape else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 9
    wb.save(path)
    return repeats


# --- docx ----------------------------------------------------------------------------------------


def _set_east_asian_font(run_or_style: object, name: str) -> None:
    from docx.oxml.ns import qn

    element = run_or_style.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def write_docx(form: Form, path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    _set_east_asian_font(normal, FONT)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if form.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    usable = (29.7 if form.landscape else 21.0) - 3.6
    total = sum(form.widths)
    widths = [Cm(usable * w / total) for w in form.widths]
    n = ncols(form)
    align = {
        "title": WD_ALIGN_PARAGRAPH.CENTER,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }
    for block in form.blocks:
        if isinstance(block, Para):
            p = doc.add_paragraph()
            p.alignment = align[block.style]
            run = p.add_run(block.text)
            if block.style == "title":
                run.bold = True
                run.font.size = Pt(18)
            continue
        # docxtpl row tags get a row of their own, before and after each repeated row
        grid_rows: list[Row | str] = []
        for row in block.rows:
            if row.repeat:
                grid_rows += [f"{{%tr for r in {row.repeat} %}}", row, "{%tr endfor %}"]
            else:
                grid_rows.append(row)
        table = doc.add_table(rows=len(grid_rows), cols=n)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for tr in table.rows:
            for i, cell in enumerate(tr.cells):
                cell.width = widths[i]
        real_rows = [r for r in grid_rows if isinstance(r, Row)]
        placement = iter(place(real_rows))
        for r, item in enumerate(grid_rows):
            if isinstance(item, str):
                merged = table.cell(r, 0).merge(table.cell(r, n - 1))
                merged.text = item
                continue
            for col, spec in next(placement):
                end_r = r + spec.rs - 1
                # a row span never crosses a tag row: spans sit above or below repeated rows
                target = table.cell(r, col)
                if spec.rs > 1 or spec.cs > 1:
                    target = target.merge(table.cell(end_r, col + spec.cs - 1))
                target.text = spec.text.replace(" }}", " | money }}") if spec.fmt == "money" else spec.text
                para = target.paragraphs[0]
                para.alignment = WD_ALIGN_PARAGRAPH.LEFT if spec.style == "text" else WD_ALIGN_PARAGRAPH.CENTER
        for tr, item in zip(table.rows, grid_rows, strict=True):
            _row_properties(tr, header=isinstance(item, Row) and item.header)
    _page_numbers(section)
    doc.save(str(path))


def _row_properties(row: object, header: bool) -> None:
    """A row is never split across pages; a header row repeats at the top of each page (w:tblHeader)."""
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))
    if header:
        trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))


def _page_numbers(section: object) -> None:
    """第 N 页 centred in the footer (a PAGE field, as Word inserts it)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from jixiao.render.narrative import append_page_field

    paragraph = section.footer.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    run = paragraph.add_run()
    append_page_field(run)
    paragraph.add_run(" 页")


def write_mapping(form: Form, repeats: dict[str, int], path: Path) -> None:
    lines = [
        "# Generated by scripts/make_form_templates.py with the two templates beside it.",
        "# A form = an .xlsx template + a .docx template (Jinja placeholders over jixiao.render.context)",
        "# + this mapping: the xlsx rows that repeat once per item of a context list.",
        f'id = "{form.id}"',
        f'name = "{form.name}"',
        f'kind = "{form.kind}"',
        f'description = "{form.description}"',
        f'xlsx_template = "{form.id}.xlsx"',
        f'docx_template = "{form.id}.docx"',
        f"formats = {form.formats!r}".replace("'", '"'),
        f"landscape = {'true' if form.landscape else 'false'}",
        "",
    ]
    for items, row in sorted(repeats.items(), key=lambda kv: kv[1]):
        lines += ["[[xlsx.repeat]]", f'items = "{items}"', f"row = {row}", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    for make in FORMS:
        form = make()
        repeats = write_xlsx(form, TEMPLATES / f"{form.id}.xlsx")
        write_docx(form, TEMPLATES / f"{form.id}.docx")
        write_mapping(form, repeats, TEMPLATES / f"{form.id}.toml")
        print(f"{form.id}: xlsx, docx, toml (repeats {repeats})")


if __name__ == "__main__":
    main()
