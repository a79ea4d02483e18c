"""The words reports use for each fact and each indicator-table column, as data.

Matching is on `values.compact()` text (no spaces, numbering or trailing punctuation). Longer phrases
come first so that 公务用车购置费 wins over 公务用车.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jixiao.extract.values import compact

# Column and row labels of money tables (Template A, the funds block, key-value cells) → fact key.
TABLE_LABELS: tuple[tuple[str, str], ...] = (
    # staff
    ("人员编制数", "staff_authorized"),
    ("人员编制", "staff_authorized"),
    ("编制人数", "staff_authorized"),
    ("编制数", "staff_authorized"),
    ("实有人数", "staff_actual"),
    ("实有在职人数", "staff_actual"),
    ("在职人数", "staff_actual"),
    # funds block (national and Hunan B forms)
    ("年初预算数", "budget_initial"),
    ("年初预算", "budget_initial"),
    ("全年预算数", "budget_adjusted"),
    ("调整后预算数", "budget_adjusted"),
    ("调整后预算", "budget_adjusted"),
    ("全年执行数", "budget_executed"),
    ("预算执行数", "budget_executed"),
    ("执行数", "budget_executed"),
    ("执行率", "execution_rate"),
    ("预算执行率", "execution_rate"),
    # income
    ("收入合计", "income_total"),
    ("收入总计", "income_total"),
    ("本年收入合计", "income_total"),
    ("上年结转", "carryover"),
    ("上年结转资金", "carryover"),
    ("公共财政拨款", "income_general_budget"),
    ("一般公共预算", "income_general_budget"),
    ("一般公共预算拨款", "income_general_budget"),
    ("一般公共预算财政拨款", "income_general_budget"),
    ("政府基金拨款", "income_fund_budget"),
    ("政府性基金拨款", "income_fund_budget"),
    ("政府性基金预算拨款", "income_fund_budget"),
    ("纳入专户管理的非税收入拨款", "income_special_account"),
    ("其他收入", "income_other"),
    ("其他资金", "income_other"),
    ("财政拨款收入", "income_fiscal_appropriation"),
    # expenditure and balances
    ("支出合计", "expenditure_total"),
    ("支出总计", "expenditure_total"),
    ("本年支出合计", "expenditure_total"),
    ("基本支出", "basic_expenditure"),
    ("项目支出", "project_expenditure"),
    ("人员支出", "personnel_expenditure"),
    ("人员经费", "personnel_expenditure"),
    ("公用支出", "public_expenditure"),
    ("公用经费", "public_expenditure"),
    ("工资福利支出", "basic_wages_welfare"),
    ("商品和服务支出", "basic_goods_services"),
    ("对个人和家庭的补助", "basic_household_subsidies"),
    ("当年结余", "balance_current_year"),
    ("累计结余", "balance_accumulated"),
    # 三公
    ("三公经费合计", "three_public_total"),
    ("“三公”经费合计", "three_public_total"),
    ('"三公"经费合计', "three_public_total"),
    ("公务接待费", "reception"),
    ("公务用车购置及运行维护费", "vehicle_total"),
    ("公务用车购置及运行费", "vehicle_total"),
    ("公务用车购置费及运行维护费", "vehicle_total"),
    ("公务用车费", "vehicle_total"),
    ("三公经费", "three_public_total"),
    ("“三公”经费", "three_public_total"),
    ("公务用车运维费", "vehicle_operation"),
    ("公务用车运行维护费", "vehicle_operation"),
    ("公务用车购置费", "vehicle_purchase"),
    ("因公出国费", "overseas_travel"),
    ("因公出国(境)费", "overseas_travel"),
    ("因公出国（境）费", "overseas_travel"),
    # fixed assets
    ("固定资产合计", "fixed_assets_total"),
    ("在用固定资产", "fixed_assets_in_use"),
    ("出租固定资产", "fixed_assets_leased"),
    # result
    ("绩效自评综合得分", "self_score"),
    ("自评综合得分", "self_score"),
    ("综合得分", "self_score"),
    ("自评得分", "self_score"),
    ("自评总分", "self_score"),
    ("评价等次", "grade"),
    ("自评等级", "grade"),
    ("评价等级", "grade"),
    ("自评等次", "grade"),
)
_TABLE_LABEL_MAP = {compact(k): v for k, v in TABLE_LABELS}

# Words that head a group of columns without naming a value of their own.
GENERIC_HEADERS = frozenset(
    {
        "其中",
        "其中:",
        "机构名称",
        "单位名称",
        "项目",
        "结余",
        "合计",
        "金额",
        "按收入性质分",
        "按支出性质分",
        "资金来源",
        "序号",
        "部门名称",
    }
)


@lru_cache(maxsize=8192)  # pure, and asked of the same cells again and again
def table_label_key(text: str, context: str = "") -> str | None:
    """The fact key a table label names; `context` (e.g. the table's title) settles 其他 and 合计."""
    label = compact(text).removeprefix("其中:").removeprefix("其中")
    label = re.sub(r"[(（][^)）]*[)）]$", "", label) if label not in _TABLE_LABEL_MAP else label
    key = _TABLE_LABEL_MAP.get(label)
    if key is not None:
        return key
    if label in ("其他", "合计", "总计"):
        if "固定资产" in context:
            return "fixed_assets_other" if label == "其他" else "fixed_assets_total"
        if "三公" in context and label != "其他":
            return "three_public_total"
        if "收入" in context:
            return "income_other" if label == "其他" else "income_total"
    return None


# Indicator-table column roles by header words.
INDICATOR_COLUMNS: tuple[tuple[str, str], ...] = (
    ("一级指标", "level1"),
    ("二级指标", "level2"),
    ("三级指标", "level3"),
    ("指标名称", "level3"),
    ("评价内容", "levels"),
    ("年度指标值", "target"),
    ("预期指标值", "target"),
    ("年初指标值", "target"),
    ("年初目标值", "target"),
    ("年度目标值", "target"),
    ("指标值", "target"),
    ("绩效目标", "target"),
    ("预期目标", "target"),
    ("目标值", "target"),
    ("计划值", "target"),
    ("实际完成值", "actual"),
    ("实际完成指标值", "actual"),
    ("全年实际值", "actual"),
    ("全年完成值", "actual"),
    ("实际完成情况", "actual"),
    ("完成值", "actual"),
    ("完成情况", "actual"),
    ("实际完成", "actual"),
    ("实际值", "actual"),
    ("分值", "weight"),
    ("指标分值", "weight"),
    ("指标权重", "weight"),
    ("权重", "weight"),
    ("得分", "score"),
    ("自评得分", "score"),
    ("偏差原因分析及改进措施", "reason"),
    ("偏差原因", "reason"),
    ("未完成原因分析", "reason"),
    ("未完成原因", "reason"),
    ("扣分原因", "reason"),
    ("原因分析", "reason"),
    ("指标性质", "direction"),
    ("度量单位", "unit"),
    ("计量单位", "unit"),
)


@lru_cache(maxsize=8192)  # pure, and asked of the same cells again and again
def indicator_column_role(text: str) -> str | None:
    label = compact(text)
    label = re.sub(r"[(（][^)）]*[)）]", "", label)
    for word, role in INDICATOR_COLUMNS:
        if label == word or (label.startswith(word) and len(label) <= len(word) + 3):
            return role
    return None


LEVEL1_NAMES = (
    "产出指标",
    "效益指标",
    "满意度指标",
    "产出目标",
    "效益目标",
    "满意度目标",
    "成本指标",
    "效果指标",
    "服务对象满意度",
)
LEVEL2_NAMES = (
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
    "社会公众或服务对象满意度",
    "满意度指标",
    "经济效益",
    "社会效益",
    "生态效益",
    "可持续影响",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
)


@lru_cache(maxsize=8192)  # pure, and asked of the same cells again and again
def level1_name(text: str) -> str | None:
    """'产出指标\\n(50分)' → '产出指标'; None when the text is not a level-1 heading."""
    label = re.sub(r"[(（].*$", "", compact(text))
    for name in LEVEL1_NAMES:
        if label == name or label == name.removesuffix("指标") or label == name + "(":
            return name
    if re.fullmatch(r"(产出|效益|满意度|效果|成本)(指标|目标)?", label):
        return label if label.endswith(("指标", "目标")) else label + "指标"
    return None


@lru_cache(maxsize=8192)  # pure, and asked of the same cells again and again
def level2_name(text: str) -> str | None:
    label = re.sub(r"[(（].*$", "", compact(text))
    if label in LEVEL2_NAMES:
        return label
    if re.fullmatch(r"[\u4e00-\u9fff]{2,12}(指标|效益|满意度)", label):
        return label
    return None


# Column headers of the funds block (预算执行情况), whatever the form calls them: 年初预算数 · 全年预算数(A)
# · 全年执行数(B) · 分值 · 执行率(B/A) · 得分; Hubei's 预算数(A) · 执行数(B); Sichuan's 调整后预算数 · 预算执行数
# · 权重 · 原因. A header's note in parentheses ((A), (万元), (20分*执行率)) is not part of its name.
FUNDS_COLUMNS: tuple[tuple[str, str], ...] = (
    ("年初预算", "budget_initial"),
    ("全年预算", "budget_adjusted"),
    ("调整后预算", "budget_adjusted"),
    ("调整预算", "budget_adjusted"),
    ("预算数", "budget_adjusted"),
    ("全年执行", "budget_executed"),
    ("预算执行数", "budget_executed"),
    ("执行数", "budget_executed"),
    ("实际支出", "budget_executed"),
    ("执行率", "execution_rate"),
    ("预算执行率", "execution_rate"),
    ("分值", "execution_weight"),
    ("权重", "execution_weight"),
    ("得分", "execution_score"),
    ("原因", "reason"),
)


@lru_cache(maxsize=8192)  # pure, and asked of the same cells again and again
def funds_column_role(text: str) -> str | None:
    """The funds-block column a header cell names, or None."""
    label = re.sub(r"[(（][^)）]*[)）]", "", compact(text))
    for word, role in FUNDS_COLUMNS:
        if label.startswith(word) and len(label) <= len(word) + 3:
            return role
    return None
