"""The typed self-evaluation report: what a document states, each value with its provenance.

Field names of the fact-bearing sections *are* the facts vocabulary of docs/contract.md
(`income_total`, `reception_budget`, ...): `Report.facts()` flattens them, `Report.set_fact()`
fills them, and `FACT_SECTIONS` (derived from the classes) knows which section owns which key.
Money is Decimal in 万元, rates Decimal in percent, counts int; a fact not stated is None.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from jixiao.model.document import Provenance

FactValue = int | Decimal | str
# What the report covers (the contract's vocabulary): the department as a whole, projects, or both.
ReportKind = Literal["department_overall", "project", "mixed"]
# What the document is: a self-evaluation, or a document of the same family, read as what it is (no
# indicator table or score is expected of those).
DocumentKind = Literal[
    "self_evaluation",
    "three_public_disclosure",  # “三公”经费 决算/预算 disclosures
    "final_accounts_explanation",  # 决算公开: 关于20XX年度预算绩效情况的说明
    "performance_targets",  # 绩效目标表: targets set, nothing evaluated yet
]
Layout = Literal["table", "narrative", "mixed"]
Direction = Literal[">=", ">", "=", "<=", "<", "qualitative"]


class _Model(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, validate_assignment=False, extra="forbid")


class Fact(_Model):
    """One stated value: the value in the canonical unit, the unit as written, where it came from."""

    # left to right, so that a JSON dump loads back as the same types: 285 → int, "45854.66" → Decimal
    value: FactValue = Field(union_mode="left_to_right")
    unit: str | None = None  # as stated: 万元, 元, %, 人, 辆 ...
    provenance: Provenance = Field(default_factory=Provenance)

    @property
    def text(self) -> str | None:
        return self.provenance.text


class FactConflict(_Model):
    """The same fact stated twice with different values: both are kept."""

    key: str
    kept: Fact
    other: Fact


# --- fact-bearing sections: field names are vocabulary keys -----------------------------------


class Staff(_Model):
    staff_authorized: Fact | None = None
    staff_actual: Fact | None = None
    staff_authorized_political: Fact | None = None
    staff_authorized_institution: Fact | None = None
    staff_actual_political: Fact | None = None
    staff_actual_institution: Fact | None = None
    official_vehicles: Fact | None = None


class Funds(_Model):
    """Budget and execution (年度预算申请 / 资金执行)."""

    budget_initial: Fact | None = None
    budget_adjusted: Fact | None = None
    budget_executed: Fact | None = None
    budget_supplement: Fact | None = None
    execution_rate: Fact | None = None
    execution_weight: Fact | None = None
    execution_score: Fact | None = None
    funds_received: Fact | None = None  # 实际到位资金: what reached the unit, beside what was budgeted
    supplementary_project_count: Fact | None = None
    supplementary_amount: Fact | None = None
    # The funds block's 原因 cell as written (Sichuan: 预算调整 / 执行率低于90% 的原因); text.
    adjustment_reason: Fact | None = None


class Income(_Model):
    income_total: Fact | None = None
    income_grand_total: Fact | None = None  # 收入总计 beside 本年收入合计: the year's income and what came in besides
    carryover: Fact | None = None
    income_general_budget: Fact | None = None
    income_fund_budget: Fact | None = None
    income_special_account: Fact | None = None
    income_other: Fact | None = None
    income_fiscal_appropriation: Fact | None = None
    income_change: Fact | None = None
    income_change_rate: Fact | None = None
    income_prior_year: Fact | None = None  # the year the change is measured against, as stated


class Expenditure(_Model):
    expenditure_total: Fact | None = None
    expenditure_grand_total: Fact | None = None  # 支出总计 beside 本年支出合计
    basic_expenditure: Fact | None = None
    project_expenditure: Fact | None = None
    personnel_expenditure: Fact | None = None
    public_expenditure: Fact | None = None
    basic_wages_welfare: Fact | None = None
    basic_goods_services: Fact | None = None
    basic_household_subsidies: Fact | None = None
    basic_expenditure_share: Fact | None = None
    project_expenditure_share: Fact | None = None
    expenditure_change: Fact | None = None
    expenditure_change_rate: Fact | None = None
    expenditure_prior_year: Fact | None = None
    balance_current_year: Fact | None = None
    balance_accumulated: Fact | None = None


class ThreePublic(_Model):
    """三公经费 and their budgets."""

    three_public_total: Fact | None = None
    three_public_budget: Fact | None = None
    three_public_execution_rate: Fact | None = None
    three_public_saving: Fact | None = None
    three_public_saving_rate: Fact | None = None
    three_public_change: Fact | None = None
    three_public_change_rate: Fact | None = None
    reception: Fact | None = None
    reception_budget: Fact | None = None
    reception_execution_rate: Fact | None = None
    reception_change: Fact | None = None
    reception_change_rate: Fact | None = None
    vehicle_operation: Fact | None = None
    vehicle_operation_budget: Fact | None = None
    vehicle_purchase: Fact | None = None
    vehicle_purchase_budget: Fact | None = None
    vehicle_total: Fact | None = None
    vehicle_budget: Fact | None = None
    vehicle_execution_rate: Fact | None = None
    overseas_travel: Fact | None = None
    overseas_travel_budget: Fact | None = None
    # each item's share of the 三公 total as stated (公务接待费支出决算5.21万元，占67.75%)
    reception_share: Fact | None = None
    vehicle_share: Fact | None = None
    overseas_travel_share: Fact | None = None
    # changes of each item against the year before, as stated
    vehicle_operation_change: Fact | None = None
    vehicle_operation_change_rate: Fact | None = None
    vehicle_purchase_change: Fact | None = None
    vehicle_purchase_change_rate: Fact | None = None
    vehicle_change: Fact | None = None
    vehicle_change_rate: Fact | None = None
    overseas_travel_change: Fact | None = None
    overseas_travel_change_rate: Fact | None = None
    # Spending against the item's own budget as stated ("与2021年度预算相比,减少0.1万元,下降0.006%";
    # "无变化" is 0): signed like the prior-year changes, in 万元 and percent.
    three_public_budget_variance: Fact | None = None
    three_public_budget_variance_rate: Fact | None = None
    reception_budget_variance: Fact | None = None
    reception_budget_variance_rate: Fact | None = None
    vehicle_budget_variance: Fact | None = None
    vehicle_budget_variance_rate: Fact | None = None
    overseas_travel_budget_variance: Fact | None = None
    overseas_travel_budget_variance_rate: Fact | None = None
    # a budget disclosure (三公经费预算): each budget's change against the year before's budget
    three_public_budget_change: Fact | None = None
    three_public_budget_change_rate: Fact | None = None
    reception_budget_change: Fact | None = None
    reception_budget_change_rate: Fact | None = None
    vehicle_budget_change: Fact | None = None
    vehicle_budget_change_rate: Fact | None = None
    vehicle_operation_budget_change: Fact | None = None
    vehicle_operation_budget_change_rate: Fact | None = None
    vehicle_purchase_budget_change: Fact | None = None
    vehicle_purchase_budget_change_rate: Fact | None = None
    overseas_travel_budget_change: Fact | None = None
    overseas_travel_budget_change_rate: Fact | None = None


class FixedAssets(_Model):
    fixed_assets_total: Fact | None = None
    fixed_assets_in_use: Fact | None = None
    fixed_assets_leased: Fact | None = None
    fixed_assets_other: Fact | None = None


class Summary(_Model):
    """Counts and the stated result."""

    indicator_count: Fact | None = None
    project_count: Fact | None = None
    project_count_classified: Fact | None = None
    self_score: Fact | None = None
    grade: Fact | None = None
    weight_total: Fact | None = None  # 总分 row's 分值 (declared total points)


# --- structured parts ------------------------------------------------------------------------


class Unit(_Model):
    """The reporting unit and the document's identity."""

    department: str | None = None  # 主管部门 of a project form; 单位名称 / the title's unit otherwise
    implementing_unit: str | None = None  # 实施单位 of a project form, when the form names one
    region: str | None = None
    division_code: str | None = None  # GB/T 2260 code of the region
    code: str | None = None  # 预算编码 / 单位代码 as stated (906017, 219 in "219-池州市…")
    fiscal_year: int | None = None
    report_date: str | None = None  # ISO date
    report_kind: ReportKind = "department_overall"
    document_kind: DocumentKind = "self_evaluation"
    layout: Layout = "table"
    project_name: str | None = None  # project forms: 项目名称
    project_code: str | None = None  # the code written before it: 51000021R000000019951-工资性支出
    form_code: str | None = None  # the form's own number as printed: 报表编号 510000_0013zp
    # who answers for the form, as the form states them (Template A's 联系人 / 联络电话; 填表人 lines)
    contact_person: str | None = None
    contact_phone: str | None = None
    form_filler: str | None = None
    provenance: dict[str, Provenance] = Field(default_factory=dict)


class ParsedValue(_Model):
    """A target or actual value read from its text. Unparseable text keeps `number` None."""

    text: str
    direction: Direction | None = None
    number: Decimal | None = None
    unit: str | None = None
    change: Literal["decrease", "increase"] | None = None  # 下降X% / 增长X%
    qualitative: str | None = None  # 达成预期指标, 好, 优 ...
    qualitative_tier: int | None = None  # 1 达成, 2 部分达成, 3 未达成
    vague: bool = False  # 控制在预算内, 基本完成: wording with no measurable value
    flagged: bool = False  # could not be read


class IndicatorRow(_Model):
    """One level-3 row of an indicator table (or a level-2 row where there is no level 3)."""

    level1: str
    level2: str = ""
    level3: str = ""
    target: ParsedValue | None = None
    actual: ParsedValue | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    deviation_reason: str = ""
    unit_stated: str = ""  # a 度量单位 / 计量单位 column as written (Sichuan form, target tables)
    provenance: Provenance = Field(default_factory=Provenance)
    cells: dict[str, Provenance] = Field(default_factory=dict)  # column name → cell provenance
    # the columns the row's table has (target, actual, reason …); empty when not known. A table with no
    # 完成值 or 偏差原因 column cannot be faulted for leaving them blank.
    columns: list[str] = Field(default_factory=list)

    def has_column(self, role: str) -> bool:
        return not self.columns or role in self.columns


class DeclaredWeight(_Model):
    """Points declared on a level-1 or level-2 heading, e.g. 产出指标(50分)."""

    level: Literal[1, 2]
    name: str
    points: Decimal
    provenance: Provenance = Field(default_factory=Provenance)


class QualitativeTarget(_Model):
    """年度总体目标 / 定性目标: expected versus achieved, as text."""

    expected: str
    achieved: str = ""
    provenance: Provenance = Field(default_factory=Provenance)


class FundsSource(_Model):
    """A source row of the funds block (财政拨款, 上年结转资金, 其他资金 …) under 年初/全年/执行 columns."""

    name: str
    budget_initial: Decimal | None = None
    budget_adjusted: Decimal | None = None
    budget_executed: Decimal | None = None
    provenance: Provenance = Field(default_factory=Provenance)
    cells: dict[str, Provenance] = Field(default_factory=dict)  # field name → cell provenance


class Project(_Model):
    name: str
    budget_initial: Decimal | None = None
    budget_adjusted: Decimal | None = None
    budget_executed: Decimal | None = None
    execution_rate: Decimal | None = None
    supplement: Decimal | None = None
    amount: Decimal | None = None
    self_score: Decimal | None = None
    grade: str | None = None
    provenance: Provenance = Field(default_factory=Provenance)


class GradeBand(_Model):
    """A grading legend the document states itself, e.g. "80分≤总分<90, 良" or "良(80-89分)"."""

    label: str
    min: Decimal  # inclusive
    max: Decimal | None = None  # exclusive; None for the top band
    provenance: Provenance = Field(default_factory=Provenance)


def legend_grade(bands: list[GradeBand], score: Decimal) -> GradeBand | None:
    """The stated band a score falls in (a band "80-89分" covers 89.5 too: up to the next band's min)."""
    ordered = sorted(bands, key=lambda b: b.min, reverse=True)
    for band in ordered:
        if score >= band.min:
            return band
    return None


class Evaluator(_Model):
    """One row of a 评价人员 table: 姓名 with its 职务/职称 and 单位 as written ("" when the cell is empty)."""

    name: str
    title: str = ""
    affiliation: str = ""
    provenance: Provenance = Field(default_factory=Provenance)


class FormTexts(_Model):
    """The free-text cells of the forms, as written; "" when the form has no such cell or leaves it empty."""

    duties: str = ""  # 职能职责概述
    annual_work: str = ""  # 年度主要工作内容
    performance_overview: str = ""  # 年度部门（单位）总体运行情况及取得的成绩
    review_summary: str = ""  # 评价报告综述（文字部分）
    conclusion: str = ""  # Sichuan: 评价结论
    problems: str = ""  # Sichuan: 存在问题
    improvements: str = ""  # Sichuan: 改进措施
    provenance: dict[str, Provenance] = Field(default_factory=dict)


class NarrativeSection(_Model):
    heading: str
    text: str
    provenance: Provenance = Field(default_factory=Provenance)


class Report(_Model):
    """A self-evaluation report as stated by its document."""

    source_path: str = ""
    source_sha256: str = ""
    source_format: str = ""
    unit: Unit = Field(default_factory=Unit)
    staff: Staff = Field(default_factory=Staff)
    funds: Funds = Field(default_factory=Funds)
    income: Income = Field(default_factory=Income)
    expenditure: Expenditure = Field(default_factory=Expenditure)
    three_public: ThreePublic = Field(default_factory=ThreePublic)
    fixed_assets: FixedAssets = Field(default_factory=FixedAssets)
    summary: Summary = Field(default_factory=Summary)
    targets: list[QualitativeTarget] = Field(default_factory=list)
    declared_weights: list[DeclaredWeight] = Field(default_factory=list)
    indicators: list[IndicatorRow] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    funds_sources: list[FundsSource] = Field(default_factory=list)
    evaluators: list[str] = Field(default_factory=list)
    # the same 评价人员 with their 职务/职称 and 单位 (names in the order of `evaluators`)
    evaluator_details: list[Evaluator] = Field(default_factory=list)
    texts: FormTexts = Field(default_factory=FormTexts)
    sections: list[NarrativeSection] = Field(default_factory=list)
    grade_bands: list[GradeBand] = Field(default_factory=list)  # the document's own grading legend, if any
    conflicts: list[FactConflict] = Field(default_factory=list)
    # Year-over-year comparisons as stated: (subject, the prior year named), e.g. ("income", 2019).
    comparison_years: list[Fact] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def is_self_evaluation(self) -> bool:
        """Whether the document evaluates itself, so that an indicator table, actual values and a score
        are expected of it (a 三公 disclosure or a 绩效目标表 has none of them)."""
        return self.unit.document_kind == "self_evaluation"

    # -- facts access, driven by FACT_SECTIONS --------------------------------------------------

    def fact(self, key: str) -> Fact | None:
        section = FACT_SECTIONS.get(key)
        if section is None:
            raise KeyError(f"unknown fact key: {key}")
        result: Fact | None = getattr(getattr(self, section), key)
        return result

    def value(self, key: str) -> FactValue | None:
        fact = self.fact(key)
        return None if fact is None else fact.value

    def set_fact(self, key: str, fact: Fact) -> None:
        """Store a fact; a different value already stored for the key is kept and the clash recorded."""
        section = getattr(self, FACT_SECTIONS[key])
        existing: Fact | None = getattr(section, key)
        if existing is not None:
            if existing.value != fact.value:
                self.conflicts.append(FactConflict(key=key, kept=existing, other=fact))
            return
        setattr(section, key, fact)

    def facts(self) -> dict[str, Fact]:
        out: dict[str, Fact] = {}
        for key, section in FACT_SECTIONS.items():
            fact = getattr(getattr(self, section), key)
            if fact is not None:
                out[key] = fact
        return out

    def facts_json(self) -> dict[str, Any]:
        """Facts as the contract's JSON numbers: Decimal → int or float, text unchanged."""
        return {k: json_number(f.value) for k, f in self.facts().items()}


FACT_SECTION_TYPES: dict[str, type[_Model]] = {
    "staff": Staff,
    "funds": Funds,
    "income": Income,
    "expenditure": Expenditure,
    "three_public": ThreePublic,
    "fixed_assets": FixedAssets,
    "summary": Summary,
}

FACT_SECTIONS: dict[str, str] = {
    key: section for section, cls in FACT_SECTION_TYPES.items() for key in cls.model_fields
}

# Each vocabulary key's Chinese name, for findings, forms and the entry template (users never see a key).
FACT_LABELS: dict[str, str] = {
    "staff_authorized": "编制人数",
    "staff_actual": "实有人数",
    "staff_authorized_political": "编制人数（政法专项编制）",
    "staff_authorized_institution": "编制人数（事业编制）",
    "staff_actual_political": "实有人数（政法专项编制）",
    "staff_actual_institution": "实有人数（事业编制）",
    "official_vehicles": "公务用车保有量（辆）",
    "budget_initial": "年初预算数",
    "budget_adjusted": "全年预算数（调整后）",
    "budget_executed": "全年执行数",
    "budget_supplement": "追加预算",
    "execution_rate": "预算执行率（%）",
    "execution_weight": "预算执行分值",
    "execution_score": "预算执行得分",
    "funds_received": "实际到位资金",
    "reception_share": "公务接待费占“三公”经费比重（%）",
    "vehicle_share": "公务用车费占“三公”经费比重（%）",
    "overseas_travel_share": "因公出国（境）费占“三公”经费比重（%）",
    "supplementary_project_count": "追加项目个数",
    "adjustment_reason": "预算调整及执行偏差原因",
    "supplementary_amount": "追加金额",
    "income_total": "收入合计",
    "carryover": "上年结转",
    "income_general_budget": "一般公共预算（公共财政）拨款",
    "income_fund_budget": "政府性基金拨款",
    "income_special_account": "纳入专户管理的非税收入拨款",
    "income_other": "其他收入",
    "income_fiscal_appropriation": "财政拨款收入",
    "income_grand_total": "收入总计",
    "income_change": "收入增减额",
    "income_change_rate": "收入增减率（%）",
    "income_prior_year": "收入比较的上年年度",
    "expenditure_total": "支出合计",
    "basic_expenditure": "基本支出",
    "project_expenditure": "项目支出",
    "personnel_expenditure": "人员支出",
    "public_expenditure": "公用支出",
    "basic_wages_welfare": "工资福利支出",
    "basic_goods_services": "商品和服务支出",
    "basic_household_subsidies": "对个人和家庭的补助",
    "basic_expenditure_share": "基本支出占比（%）",
    "project_expenditure_share": "项目支出占比（%）",
    "expenditure_grand_total": "支出总计",
    "expenditure_change": "支出增减额",
    "expenditure_change_rate": "支出增减率（%）",
    "expenditure_prior_year": "支出比较的上年年度",
    "balance_current_year": "当年结余",
    "balance_accumulated": "累计结余",
    "three_public_total": "“三公”经费合计",
    "three_public_budget": "“三公”经费预算",
    "three_public_execution_rate": "“三公”经费执行率（%）",
    "three_public_saving": "“三公”经费节约额",
    "three_public_saving_rate": "“三公”经费节约率（%）",
    "three_public_change": "“三公”经费增减额",
    "three_public_change_rate": "“三公”经费增减率（%）",
    "reception": "公务接待费",
    "reception_budget": "公务接待费预算",
    "reception_execution_rate": "公务接待费执行率（%）",
    "reception_change": "公务接待费增减额",
    "reception_change_rate": "公务接待费增减率（%）",
    "vehicle_operation": "公务用车运行维护费",
    "vehicle_operation_budget": "公务用车运行维护费预算",
    "vehicle_purchase": "公务用车购置费",
    "vehicle_purchase_budget": "公务用车购置费预算",
    "vehicle_total": "公务用车费合计",
    "vehicle_budget": "公务用车费预算",
    "vehicle_execution_rate": "公务用车费执行率（%）",
    "overseas_travel": "因公出国（境）费",
    "overseas_travel_budget": "因公出国（境）费预算",
    "three_public_budget_variance": "“三公”经费较预算增减额",
    "three_public_budget_variance_rate": "“三公”经费较预算增减率（%）",
    "reception_budget_variance": "公务接待费较预算增减额",
    "reception_budget_variance_rate": "公务接待费较预算增减率（%）",
    "vehicle_budget_variance": "公务用车费较预算增减额",
    "vehicle_budget_variance_rate": "公务用车费较预算增减率（%）",
    "overseas_travel_budget_variance": "因公出国（境）费较预算增减额",
    "overseas_travel_budget_variance_rate": "因公出国（境）费较预算增减率（%）",
    "vehicle_operation_change": "公务用车运行维护费增减额",
    "vehicle_operation_change_rate": "公务用车运行维护费增减率（%）",
    "vehicle_purchase_change": "公务用车购置费增减额",
    "vehicle_purchase_change_rate": "公务用车购置费增减率（%）",
    "vehicle_change": "公务用车费增减额",
    "vehicle_change_rate": "公务用车费增减率（%）",
    "overseas_travel_change": "因公出国（境）费增减额",
    "overseas_travel_change_rate": "因公出国（境）费增减率（%）",
    "three_public_budget_change": "“三公”经费预算较上年预算增减额",
    "three_public_budget_change_rate": "“三公”经费预算较上年预算增减率（%）",
    "reception_budget_change": "公务接待费预算较上年预算增减额",
    "reception_budget_change_rate": "公务接待费预算较上年预算增减率（%）",
    "vehicle_budget_change": "公务用车费预算较上年预算增减额",
    "vehicle_budget_change_rate": "公务用车费预算较上年预算增减率（%）",
    "vehicle_operation_budget_change": "公务用车运行维护费预算较上年预算增减额",
    "vehicle_operation_budget_change_rate": "公务用车运行维护费预算较上年预算增减率（%）",
    "vehicle_purchase_budget_change": "公务用车购置费预算较上年预算增减额",
    "vehicle_purchase_budget_change_rate": "公务用车购置费预算较上年预算增减率（%）",
    "overseas_travel_budget_change": "因公出国（境）费预算较上年预算增减额",
    "overseas_travel_budget_change_rate": "因公出国（境）费预算较上年预算增减率（%）",
    "fixed_assets_total": "固定资产合计",
    "fixed_assets_in_use": "在用固定资产",
    "fixed_assets_leased": "出租固定资产",
    "fixed_assets_other": "其他固定资产",
    "indicator_count": "绩效指标个数",
    "project_count": "项目个数",
    "project_count_classified": "涉密项目个数",
    "self_score": "自评（综合）得分",
    "grade": "评价等次",
    "weight_total": "总分（声明分值）",
}

# Keys whose values are counts (int); rates end in _rate or _share; grade is text; the rest is money.
COUNT_KEYS = frozenset(
    {
        "staff_authorized",
        "staff_actual",
        "staff_authorized_political",
        "staff_authorized_institution",
        "staff_actual_political",
        "staff_actual_institution",
        "official_vehicles",
        "supplementary_project_count",
        "indicator_count",
        "project_count",
        "project_count_classified",
    }
)
SCORE_KEYS = frozenset({"execution_weight", "execution_score", "self_score", "weight_total"})
YEAR_KEYS = frozenset({"income_prior_year", "expenditure_prior_year"})
TEXT_KEYS = frozenset({"grade", "adjustment_reason"})


def fact_kind(key: str) -> Literal["count", "rate", "score", "year", "text", "money"]:
    """What kind of number a vocabulary key holds."""
    if key in COUNT_KEYS:
        return "count"
    if key in SCORE_KEYS:
        return "score"
    if key in YEAR_KEYS:
        return "year"
    if key in TEXT_KEYS:
        return "text"
    if key.endswith(("_rate", "_share")):
        return "rate"
    return "money"


def json_number(value: FactValue | None) -> int | float | str | None:
    """Decimal → int when integral, else float; other values unchanged."""
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    return value


_PARENTHESES = re.compile(r"[（(][^）)]*[）)]")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=16384)
def stem(name: str) -> str:
    """A heading's stem for matching: "产出指标(50分)" → "产出", "社会效益指标" → "社会效益"."""
    text = _SPACE.sub("", _PARENTHESES.sub("", name))
    for suffix in ("指标", "目标"):
        text = text.removesuffix(suffix)
    return text
