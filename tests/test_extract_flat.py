"""Forms flattened into text (copied from web pages and PDFs) read as their grids are read.

Each fixture is the wording and layout of a real published form (shared corpus and tests/corpus),
cut to the part under test; the units and numbers are the forms' own shapes, not their values.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from builders import indicator_rows, report_from_text
from jixiao.extract.flat import rebuild_tables, tokenize
from jixiao.model.document import Document, Paragraph, Source, Table
from jixiao.model.report import Report

TITLE = "项目支出绩效自评表\n(2022年度)\n"


def from_text(tmp_path: Path, text: str) -> Report:
    return report_from_text(tmp_path, text, "form.txt")


def facts(report: Report) -> dict[str, object]:
    return {k: f.value for k, f in report.facts().items()}


rows = indicator_rows


# A whole form on one line, cells separated by spaces (a page's text layer copied as it is).
ONE_LINE = (
    TITLE + "项目名称 委托业务项目 主管部门 池州市贵池区棠溪镇人民政府 实施单位 池州市贵池区棠溪镇人民政府 "
    "项目资金 (万元) 年初预算数 全年预算数 全年执行数 分值 执行率 得分 年度资金总额: 90 90 89.97 10 99.97% 10 "
    "其中:本年财政拨款 90 90 89.97 上年结转资金 其他资金 年度总体目标 预期目标 实际完成情况 完成委托业务。 已完成。 "
    "绩效指标 一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施 "
    "产出指标(50分) 数量指标 基建工程委托业务项目数量 ≥50个 50 8 8 质量指标 委托业务报告合格率 ≥100百分比 100 8 8 "
    "经费支出合规性 严格执行相关制度规定 达成预期指标 8 8 成本指标 项目总成本 ≤90万元 90 8 7 略有超支 "
    "效益指标(30分) 社会效益指标 对维护基建市场公平的影响程度 效果明显 达成预期指标 10 10 总分 100 96\n"
)


def test_a_form_on_one_line_gives_its_funds_block_and_rows(tmp_path: Path) -> None:
    report = from_text(tmp_path, ONE_LINE)
    stated = facts(report)
    assert stated["budget_initial"] == Decimal(90)
    assert stated["budget_executed"] == Decimal("89.97")
    assert stated["execution_rate"] == Decimal("99.97")
    assert (stated["execution_weight"], stated["execution_score"]) == (Decimal(10), Decimal(10))
    assert stated["self_score"] == Decimal(96)
    assert rows(report) == [
        ("产出指标", "数量指标", "基建工程委托业务项目数量", "≥50个", "50", Decimal(8), Decimal(8)),
        ("产出指标", "质量指标", "委托业务报告合格率", "≥100百分比", "100", Decimal(8), Decimal(8)),
        ("产出指标", "质量指标", "经费支出合规性", "严格执行相关制度规定", "达成预期指标", Decimal(8), Decimal(8)),
        ("产出指标", "成本指标", "项目总成本", "≤90万元", "90", Decimal(8), Decimal(7)),
        (
            "效益指标",
            "社会效益指标",
            "对维护基建市场公平的影响程度",
            "效果明显",
            "达成预期指标",
            Decimal(10),
            Decimal(10),
        ),
    ]
    assert report.indicators[3].deviation_reason == "略有超支"
    assert [(t.expected, t.achieved) for t in report.targets] == [("完成委托业务。", "已完成。")]
    # 成本指标 is a level-2 name here (under 产出指标), not a level-1 of its own
    assert {d.name for d in report.declared_weights if d.level == 1} == {"产出指标", "效益指标"}


def test_numbers_side_by_side_stay_apart_and_keep_their_place(tmp_path: Path) -> None:
    report = from_text(tmp_path, ONE_LINE)
    rate = report.fact("execution_rate")
    assert rate is not None and rate.provenance.text == "99.97%"
    line = ONE_LINE.splitlines()[2]
    assert rate.provenance.span is not None
    start, end = rate.provenance.span
    assert line[start:end] == "99.97%"


# A browser's copy: each cell ends in " |", rows broken anywhere, merged cells once, the Sichuan
# columns 指标性质 / 指标值 / 度量单位 under a two-row header, amounts in 元.
PIPES = """2022年度项目支出绩效自评表 | 部门:临沧市永德县明朗中学 |
| 项目名称 | 义务教育营养改善计划专项资金 | 主管部门 | 永德县教育体育局 | 实施单位 | 永德县明朗中学 | 项目资金 (元) |
| 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 | 年度资金总额 |
| 387664.62 | 387664.62 | 10 | 100% | 10 | 其中:当年财政 拨款 |
| 387664.62 | 387664.62 | — |
| — | 绩效指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 | 一级指标 | 二级指标 | 三级指标 |
| 指标性质 | 指标值 | 度量单位 | 产出指标 | 数量指标 | 学生受资助人数 | ≧ | 735 | 人次 | 735 | 10 | 10 |
| 时效指标 | 资金到位及时率 | ≧ | 100 | % | 100% | 10 | 7 |
| 效益指标 | 经济效益 指标 | 减轻贫困学生家庭经济负担 |
| 有效 |
| 有效 | 10 | 10 |
| 其他需要说明事项 | 无 | 总分 | 100 | 96 | 优 |
"""


def test_a_piped_copy_with_a_two_row_header_and_amounts_in_yuan(tmp_path: Path) -> None:
    report = from_text(tmp_path, PIPES)
    stated = facts(report)
    assert "budget_initial" not in stated  # its cell is empty: the rate settles which amount is missing
    assert stated["budget_adjusted"] == Decimal("38.766462")  # 元 → 万元
    assert stated["budget_executed"] == Decimal("38.766462")
    assert (stated["self_score"], stated["grade"]) == (Decimal(96), "优")
    assert rows(report) == [
        ("产出指标", "数量指标", "学生受资助人数", "≧735人次", "735", Decimal(10), Decimal(10)),
        ("产出指标", "时效指标", "资金到位及时率", "≧100%", "100%", Decimal(10), Decimal(7)),
        ("效益指标", "经济效益指标", "减轻贫困学生家庭经济负担", "有效", "有效", Decimal(10), Decimal(10)),
    ]


# One cell per line, header words wrapped in narrow columns (年初 / 预算数), an unfilled template row.
CELL_PER_LINE = "\n".join(
    [
        "项目支出绩效自评表",
        "2019年度)",
        "项目资金",
        "(万元)",
        "年初",
        "预算数",
        "全年",
        "预算数",
        "全年",
        "执行数",
        "分值",
        "执行率",
        "得分",
        "年度资金总额",
        "43.2",
        "43.2",
        "37.24",
        "10",
        "86%",
        "9",
        "绩效指标",
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
        "产出指标",
        "数量指标",
        "指标1工程资金金额",
        "43.2",
        "37.24",
        "10",
        "9",
        "剩余3%尾款未付。",
        "指标2",
        "……",
        "质量指标",
        "指标1工程完工率",
        "100",
        "100",
        "10",
        "10",
    ]
)


def test_one_cell_per_line_with_wrapped_headers(tmp_path: Path) -> None:
    report = from_text(tmp_path, CELL_PER_LINE + "\n")
    stated = facts(report)
    assert (stated["budget_initial"], stated["budget_adjusted"], stated["budget_executed"]) == (
        Decimal("43.2"),
        Decimal("43.2"),
        Decimal("37.24"),
    )
    assert (stated["execution_rate"], stated["execution_score"]) == (Decimal(86), Decimal(9))
    assert [r[2:] for r in rows(report)] == [
        ("指标1工程资金金额", "43.2", "37.24", Decimal(10), Decimal(9)),
        ("指标1工程完工率", "100", "100", Decimal(10), Decimal(10)),
    ]
    assert report.indicators[0].deviation_reason == "剩余3%尾款未付。"


# A target table with its own column order (指标名称 · 计量单位 · 指标性质 · 指标值), then prose.
TARGETS = """(三)绩效目标。
指标名称 |
计量单位 |
指标性质 |
指标值 |
辅警人员 |
人 |
= |
512 |
项目持续期 |
定性 |
基本建立 | |
受益对象满意度 |
% |
≥ |
95 |
(四)部门(单位)职能职责。
丰都县公安局是主管全县社会治安的县政府组成部门。
"""


def test_a_target_table_in_its_own_column_order_ends_at_the_prose(tmp_path: Path) -> None:
    report = from_text(tmp_path, "丰都县公安局2022年辅警经费项目绩效自评报告\n" + TARGETS)
    targets = [(r.level3, r.target.text if r.target else "") for r in report.indicators]
    assert targets == [("辅警人员", "=512人"), ("项目持续期", "基本建立"), ("受益对象满意度", "≥95%")]
    assert all(r.level2 == "" for r in report.indicators)  # 受益对象满意度 is a row, not a level-2 name


SUMMARY = "\n\n".join(
    [
        *("三亚市公安局2017年整体支出绩效评价报告", "本次绩效评价结果", "评价准则", "分值", "实际得分", "绩效评价等级"),
        *("投入", "15", "11.54", "优(100-90分)、良(80-89分)、中(60-79)、差(60分以下)"),
        *("过程", "55", "38.6", "产出", "20", "20", "效果", "10", "10", "评价结果", "100", "80.14"),
    ]
)


def test_a_score_summary_by_level_one(tmp_path: Path) -> None:
    report = from_text(tmp_path, SUMMARY + "\n")
    assert [(r.level1, r.weight, r.score) for r in report.indicators] == [
        ("投入", Decimal(15), Decimal("11.54")),
        ("过程", Decimal(55), Decimal("38.6")),
        ("产出", Decimal(20), Decimal(20)),
        ("效果", Decimal(10), Decimal(10)),
    ]
    assert report.value("self_score") == Decimal("80.14")


def test_label_and_value_one_cell_per_line(tmp_path: Path) -> None:
    text = "岳阳市城管局2018年度部门整体支出绩效自评报告\n\n人员编制\n\n21\n\n实有人数\n\n20\n"
    report = from_text(tmp_path, text)
    assert (report.value("staff_authorized"), report.value("staff_actual")) == (21, 20)


def test_a_funds_row_whose_columns_cannot_be_told_apart_gives_nothing_and_a_warning(tmp_path: Path) -> None:
    # three amounts for 年初 / 全年 / 执行 and a rate column that takes bare numbers: which is missing?
    text = TITLE + "项目资金(万元) 年初预算数 全年预算数 全年执行数 执行率(%)\n年度资金总额 100 90 80\n"
    report = from_text(tmp_path, text)
    assert not {"budget_initial", "budget_adjusted", "budget_executed", "execution_rate"} & facts(report).keys()
    assert any("年度资金总额" in w and "未读取" in w for w in report.warnings)


def test_prose_is_not_taken_for_a_table() -> None:
    paragraphs = [Paragraph(text="2022年度预算执行率100%，年初预算数120万元，全年预算数120万元。", line=1)]
    tokens = tokenize(paragraphs)
    assert len(tokens) == 1  # no spaces, no pipes: the sentence is one cell
    document = Document(source=Source(path="p.txt", sha256="", format="txt"), blocks=list(paragraphs))
    assert not any(isinstance(b, Table) for b in rebuild_tables(document).blocks)


def test_a_form_whose_cells_ran_together_gives_no_numbers_and_says_where(tmp_path: Path) -> None:
    # a document-sharing site's text layer: 20 | 20 | 10 | 100.00% | 10 written as one run of digits
    text = (
        "中江县水利局\n绩效目标自评表(2022年度)项目名称小型水库水标尺制作安装资金情况(万元)全年预算数(A)全年执行数(B)"
        "分值执行率(B/A)得分年度资金总额:202010100.00%10其中:本年财政拨款2020\n"
    )
    report = from_text(tmp_path, text)
    assert not {"budget_adjusted", "budget_executed", "execution_rate", "execution_score"} & facts(report).keys()
    assert any(w.startswith("第 2 行") and "连在一起" in w for w in report.warnings)


FORM_HEADER = "绩效指标完成情况 | 一级指标 | 二级指标 | 三级指标 | 预期指标值(包含数字及文字描述) | "
FORM_HEADER += "实际完成指标值(包含数字及文字描述) |"
TWO_FORMS = f"""项目绩效目标完成情况表 (2019 年度) |
项目名称 | 道路交通执法经费 | ||||
预算执行情况(万元) | 预算数: | 312 | 执行数: | 312 | |
{FORM_HEADER}
项目完成指标 | 数量指标 | 查处各类交通违法行为 | 7万起 | 7.07万起 | |
成本指标 | 道路交通执法经费 | 312万元以内 | 312万元 | ||
项目绩效目标完成情况表 (2019 年度) |
项目名称 | 公务用车运行维护项目 | ||||
预算执行情况(万元) | 预算数: | 40 | 执行数: | 40 | |
{FORM_HEADER}
项目完成指标 | 数量指标 | 保障公务用车数量 | 8辆 | 8辆 | |
"""


def test_a_page_of_two_project_forms_reads_as_two_projects(tmp_path: Path) -> None:
    report = from_text(tmp_path, TWO_FORMS)
    assert (report.value("budget_adjusted"), report.value("budget_executed")) == (312, 312)  # the first form's
    assert not report.conflicts  # the second form's 40 is not the report's budget stated twice
    assert [(p.name, p.budget_adjusted, p.budget_executed) for p in report.projects] == [
        ("道路交通执法经费", Decimal(312), Decimal(312)),
        ("公务用车运行维护项目", Decimal(40), Decimal(40)),
    ]
    assert [r.level3 for r in report.indicators] == ["查处各类交通违法行为", "道路交通执法经费", "保障公务用车数量"]


# The national form copied from a county page as indented text: level names wrapped in their narrow
# cells (经济效益 / 指标), the template's unfilled rows (指标2: / ……, 指标1:/ / /) kept, and rows whose
# 指标值 and 完成值 were left blank, so that only 分值 and 得分 follow the name (天长 2022 shape).
BLANK_VALUES = TITLE + (
    "    项目名称 防汛经费\n"
    "    年度绩效指标完成情况 一级\n    指标\n"
    "    二级指标 三级指标 年度指标值 实际完成值 分值 得分 偏差原因分析及改进措施\n\n\n"
    "    (50分)\n"
    "    数量指标 指标1:完成灌区改造项目数量 2 2 20 20\n"
    "    指标2:\n    ……\n"
    "    质量指标 指标1:工程质量合格 15 14\n"
    "    指标2:\n    ……\n"
    "    时效指标 指标1:年度资金支付完成率100% 15 15\n"
    "    (30分)\n"
    "    经济效益\n    指标\n"
    "    指标1:全县安全度汛 10 10\n"
    "    生态效益\n    指标\n"
    "    指标1:/ / /\n"
    "    指标2:\n    ……\n"
    "    可持续影\n    响指标\n"
    "    指标1:已建工程良性运行 20 18\n"
    "    满意度指标\n    (10分)\n"
    "    服务对象\n    满意度指标\n"
    "    指标1:服务对象满意度 90% 96% 10 10\n"
    "    指标2:\n    ……\n"
    "    总分 90 87\n"
)


def test_rows_with_blank_values_wrapped_level_names_and_unfilled_template_rows(tmp_path: Path) -> None:
    report = from_text(tmp_path, BLANK_VALUES)
    assert [r[1:] for r in rows(report)] == [
        ("数量指标", "完成灌区改造项目数量", "2", "2", Decimal(20), Decimal(20)),
        ("质量指标", "工程质量合格", "", "", Decimal(15), Decimal(14)),
        ("时效指标", "年度资金支付完成率100%", "", "", Decimal(15), Decimal(15)),
        ("经济效益指标", "全县安全度汛", "", "", Decimal(10), Decimal(10)),
        ("可持续影响指标", "已建工程良性运行", "", "", Decimal(20), Decimal(18)),
        ("服务对象满意度指标", "服务对象满意度", "90%", "96%", Decimal(10), Decimal(10)),
    ]
    assert facts(report)["self_score"] == Decimal(87)


def test_two_numbers_after_a_name_are_not_scores_without_both_score_columns(tmp_path: Path) -> None:
    # 分值 but no 得分 column: "工程质量合格 15 14" cannot be a name with its 分值 and 得分
    text = TITLE + (
        "一级指标 二级指标 三级指标 年度指标值 实际完成值 分值\n"
        "产出指标 数量指标 完成项目数量 2 2 20\n"
        "质量指标 工程质量合格 15 14\n"
    )
    report = from_text(tmp_path, text)
    assert all(r.score is None for r in report.indicators)
    assert not any(r.weight == Decimal(15) and r.target is None for r in report.indicators)


# A 部门整体 form copied from a web page with its pipes: the header has a 资金来源 column that the data
# rows lack (merged away), only 年初预算数 and 全年执行数, and a row broken over two lines (绥阳 2021 shape).
NARROW_ROWS = (
    "部门整体支出绩效自评表 | |||||||||\n"
    "部门(单位)名称 | 某镇人民政府 | ||||||||\n"
    "部门(单位)总体 资金(万元) | 资 金 来 源 | 年初预算数(A) | 全年执行数(B) | 分值(10分) | 得分 | 得分计算方法 | |||\n"
    "年度资金总额: | 820.40 | 801.15 | 10 | 9.8 | 执行率*该指标分值 | ||||\n"
    "基本支出 | 610.00 | 598.35 |\n"
    "10 | 9.8 | |||||\n"
    "项目支出 | 210.40 | 202.80 | 10 | 9.8 | |||||\n"
)


def test_a_funds_row_without_the_headers_source_column_keeps_its_values_in_place(tmp_path: Path) -> None:
    stated = facts(from_text(tmp_path, NARROW_ROWS))
    assert (stated["budget_initial"], stated["budget_executed"]) == (Decimal("820.40"), Decimal("801.15"))
    assert (stated["execution_weight"], stated["execution_score"]) == (Decimal(10), Decimal("9.8"))
    assert "budget_adjusted" not in stated


# The Hunan 基础数据表 and 部门整体支出绩效自评表 one cell per line (衡山 2023 shape): a row of three
# columns whose header is far above gives none of its numbers, and 自评得分 after 分值 is the block's score.
HUNAN_ONE_PER_LINE = "\n\n".join(
    [
        "2023年度部门整体支出绩效评价基础数据表",
        "经费控制情况(万元",
        "2022 年决算数",
        "2023 年预算数",
        "2023 年决算数",
        "项目支出:",
        "874.20",
        "308.17",
        "1025.20",
        "2023年度部门整体支出绩效自评表",
        "预算部门、单位名称",
        "某乡人民政府",
        "年度预算申请",
        "(万元",
        "年初预算数",
        "全年预算数",
        "全年执行数",
        "分值",
        "执行率",
        "自评得分",
        "年度资金总额",
        "861.10",
        "2030.12",
        "2030.12",
        "10",
        "100%",
        "10",
    ]
)


def test_a_hunan_form_one_cell_per_line(tmp_path: Path) -> None:
    stated = facts(from_text(tmp_path, HUNAN_ONE_PER_LINE + "\n"))
    assert (stated["budget_initial"], stated["budget_adjusted"], stated["budget_executed"]) == (
        Decimal("861.10"),
        Decimal("2030.12"),
        Decimal("2030.12"),
    )
    assert (stated["execution_weight"], stated["execution_rate"], stated["execution_score"]) == (
        Decimal(10),
        Decimal(100),
        Decimal(10),
    )
    assert "project_expenditure" not in stated  # 874.20 is 2022's; which of the three is the fact is not known
