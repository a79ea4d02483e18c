"""Facts stated in prose: "三公经费支出161.58万元，较上年减少7.44万元，下降63.16%".

A sentence is read clause by clause. A clause that names a subject (三公经费, 公务接待费, 收入总计,
基本支出 ...) makes it current until another is named (within the paragraph). Each number then takes
its role from the words just before it: 预算 → the subject's budget, 减少/增长 → its change, 完成预算
…% → its execution rate, 节约 → saving, 占 → share, otherwise the subject's amount. Budget words
with no subject (年初预算, 全年预算数, 追加预算 ...) are report-level facts — except inside 其中
lists and project paragraphs, whose figures belong to the items they name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from jixiao.extract.values import CLAUSE_SPLIT, Quantity, money_in_wan, normalize, quantities
from jixiao.model.document import Provenance
from jixiao.model.report import FactValue, Project


@dataclass(frozen=True, slots=True)
class TextUnit:
    """A paragraph (or a long cell) of prose and where it is."""

    text: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Stated:
    key: str
    value: FactValue
    unit: str | None
    provenance: Provenance


@dataclass
class NarrativeFacts:
    facts: list[Stated] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    comparison_years: list[Stated] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Subject:
    """A thing amounts are stated about, and the keys of its roles."""

    amount: str | None = None
    budget: str | None = None
    execution_rate: str | None = None
    change: str | None = None
    change_rate: str | None = None
    saving: str | None = None
    saving_rate: str | None = None
    share: str | None = None
    budget_change: str | None = None  # a budget disclosure: the budget against last year's budget
    budget_change_rate: str | None = None
    budget_variance: str | None = None  # spending against its own budget (与2021年度预算相比，减少0.1万元)
    budget_variance_rate: str | None = None

    def changes(self) -> set[str]:
        """Its keys of a change against the year before (of its amount or of its budget)."""
        return {k for k in (self.change, self.change_rate, self.budget_change, self.budget_change_rate) if k}


_THREE_PUBLIC = Subject(
    "three_public_total",
    "three_public_budget",
    "three_public_execution_rate",
    "three_public_change",
    "three_public_change_rate",
    "three_public_saving",
    "three_public_saving_rate",
    budget_change="three_public_budget_change",
    budget_change_rate="three_public_budget_change_rate",
    budget_variance="three_public_budget_variance",
    budget_variance_rate="three_public_budget_variance_rate",
)
_RECEPTION = Subject(
    "reception",
    "reception_budget",
    "reception_execution_rate",
    "reception_change",
    "reception_change_rate",
    share="reception_share",
    budget_change="reception_budget_change",
    budget_change_rate="reception_budget_change_rate",
    budget_variance="reception_budget_variance",
    budget_variance_rate="reception_budget_variance_rate",
)
_VEHICLE = Subject(
    "vehicle_total",
    "vehicle_budget",
    "vehicle_execution_rate",
    "vehicle_change",
    "vehicle_change_rate",
    share="vehicle_share",
    budget_change="vehicle_budget_change",
    budget_change_rate="vehicle_budget_change_rate",
    budget_variance="vehicle_budget_variance",
    budget_variance_rate="vehicle_budget_variance_rate",
)


def _item(name: str, *, variance: bool = False) -> Subject:
    """One 三公 item with its budget and the changes of both (and its spending against the budget and its
    share of the total, for the items the vocabulary has them)."""
    return Subject(
        name,
        f"{name}_budget",
        share=f"{name}_share" if variance else None,
        change=f"{name}_change",
        change_rate=f"{name}_change_rate",
        budget_change=f"{name}_budget_change",
        budget_change_rate=f"{name}_budget_change_rate",
        budget_variance=f"{name}_budget_variance" if variance else None,
        budget_variance_rate=f"{name}_budget_variance_rate" if variance else None,
    )


_VEHICLE_OPERATION = _item("vehicle_operation")
_VEHICLE_PURCHASE = _item("vehicle_purchase")
_OVERSEAS = _item("overseas_travel", variance=True)
_INCOME = Subject("income_total", change="income_change", change_rate="income_change_rate")
_EXPENDITURE = Subject("expenditure_total", change="expenditure_change", change_rate="expenditure_change_rate")

# Subject phrases, longest first within each group.
SUBJECTS: tuple[tuple[str, Subject], ...] = (
    ("公务用车购置费及运行维护费", _VEHICLE),
    ("公务用车运行维护费及公务用车购置费", _VEHICLE),
    ("公务用车运行维护费及购置费", _VEHICLE),
    ("公务用车购置及运行维护费", _VEHICLE),
    ("公务用车购置及运行费", _VEHICLE),
    ("公务用车及运行维护费", _VEHICLE),
    ("公务用车运行维护费", _VEHICLE_OPERATION),
    ("公务用车运行维护", _VEHICLE_OPERATION),  # 公务用车运行维护支出273,702.10元 (云南)
    ("公务用车运行费", _VEHICLE_OPERATION),
    ("公车运行及维护费", _VEHICLE_OPERATION),
    ("公车运行及维护", _VEHICLE_OPERATION),
    ("公务用车运维费", _VEHICLE_OPERATION),
    ("公务用车购置费", _VEHICLE_PURCHASE),
    ("公务用车购置", _VEHICLE_PURCHASE),
    ("公务用车费", _VEHICLE),
    ("公务用车经费", _VEHICLE),
    ("公务接待费", _RECEPTION),
    ("公务接待", _RECEPTION),
    ("因公出国(境)费", _OVERSEAS),
    ("因公出国(境)经费", _OVERSEAS),
    ("因公出国支出", _OVERSEAS),
    ("因公出国(境)支出", _OVERSEAS),
    ("因公出国境费", _OVERSEAS),
    ("因公出国费", _OVERSEAS),
    ('"三公"经费', _THREE_PUBLIC),
    ("“三公”经费", _THREE_PUBLIC),
    ("三公经费", _THREE_PUBLIC),
    ("财政拨款收入", Subject("income_fiscal_appropriation")),
    ("一般性公共预算财政拨款", Subject("income_general_budget")),
    ("一般公共预算财政拨款", Subject("income_general_budget")),
    ("一般公共预算拨款", Subject("income_general_budget")),
    ("政府性基金预算拨款", Subject("income_fund_budget")),
    ("政府性基金拨款", Subject("income_fund_budget")),
    ("纳入专户管理的非税收入拨款", Subject("income_special_account")),
    ("纳入专户管理的非税收入", Subject("income_special_account")),
    ("上年结转", Subject("carryover")),
    ("上年结余", Subject("carryover")),
    ("收入总计", _INCOME),
    ("收入合计", _INCOME),
    ("总收入", _INCOME),
    ("收入总额", _INCOME),
    ("本年收入", _INCOME),
    ("支出总计", _EXPENDITURE),
    ("支出合计", _EXPENDITURE),
    ("总支出", _EXPENDITURE),
    ("支出总额", _EXPENDITURE),
    ("本年支出", _EXPENDITURE),
    ("工资福利支出", Subject("basic_wages_welfare")),
    ("一般商品服务支出", Subject("basic_goods_services")),
    ("商品和服务支出", Subject("basic_goods_services")),
    ("商品服务支出", Subject("basic_goods_services")),
    ("对个人和家庭的补助", Subject("basic_household_subsidies")),
    ("基本支出", Subject("basic_expenditure", share="basic_expenditure_share")),
    ("项目支出", Subject("project_expenditure", share="project_expenditure_share")),
    ("专项支出", Subject("project_expenditure", share="project_expenditure_share")),
    ("人员支出", Subject("personnel_expenditure")),
    ("人员经费支出", Subject("personnel_expenditure")),
    ("公用支出", Subject("public_expenditure")),
    ("公用经费支出", Subject("public_expenditure")),
    # a heading "1、收入：792.22万元" / "2、支出：799.12万元" names the totals
    ("收入:", _INCOME),
    ("支出:", _EXPENDITURE),
    ("当年结余", Subject("balance_current_year")),
    ("累计结余", Subject("balance_accumulated")),
    ("其他收入", Subject("income_other")),
    ("车辆购置费", _VEHICLE_PURCHASE),
    ("购置费", _VEHICLE_PURCHASE),
)
# Budget words that state a report-level fact by themselves (the number follows them).
BUDGET_WORDS: tuple[tuple[str, str], ...] = (
    ("预算执行率", "execution_rate"),
    ("年初预算安排", "budget_initial"),
    ("年初预算数", "budget_initial"),
    ("年初预算", "budget_initial"),
    ("批复预算", "budget_initial"),
    ("预算安排金额", "budget_initial"),
    ("全年预算数", "budget_adjusted"),
    ("全年预算", "budget_adjusted"),
    ("调整预算数", "budget_adjusted"),
    ("全年预算安排", "budget_adjusted"),
    ("调整后预算", "budget_adjusted"),
    ("调整预算", "budget_adjusted"),
    ("已执行支付", "budget_executed"),
    ("实际执行", "budget_executed"),
    ("实际到位资金", "funds_received"),
    ("实际到位", "funds_received"),
    ("资金到位", "funds_received"),
    ("实际下达预算", "budget_adjusted"),
    ("下达预算", "budget_adjusted"),
    ("实际总支出", "budget_executed"),
    ("财政资金总额", "budget_adjusted"),
    ("项目资金总额", "budget_adjusted"),
    ("拨付使用", "budget_executed"),
    ("实际收到", "budget_adjusted"),
    ("预算执行数", "budget_executed"),
    ("执行数", "budget_executed"),
    ("追加预算", "budget_supplement"),
    ("执行率", "execution_rate"),
    ("年中追加", "budget_supplement"),
)
_SUBJECT_RE = re.compile("|".join(re.escape(normalize(p)) for p, _ in SUBJECTS))
_SUBJECT_MAP = {normalize(p): s for p, s in SUBJECTS}
_BUDGET_OF = {s.amount: s.budget for _, s in SUBJECTS if s.amount and s.budget}
_BUDGET_RE = re.compile("|".join(re.escape(w) for w, _ in BUDGET_WORDS))
_BUDGET_MAP = dict(BUDGET_WORDS)
_SENTENCE_SPLIT = re.compile(r"(?<=[。！？!?])")
_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|第[一二三四五六七八九十]+)"
)
# A project named right before a budget word: "城区道路维修项目全年预算数…", "XX项目的预算执行率…".
_ITEM_BEFORE = re.compile(r"(?<=[\u4e00-\u9fff])(?<![后本该各个共部])项目的?(?=年初|全年|预算|执行|追加|调整)")
_CONDITION = re.compile(r"(?:未达到|达到|低于|高于|超过|不足|不到)$")
_BUDGET_BASIS = re.compile(r"(?:较|比|与)[^，,]{0,8}预算")
_LAST_YEAR_BASIS = re.compile(r"(?:较|比|与)\s*(?:上年|上一年|去年)")
_PRIOR_BASIS = re.compile(r"(?:较|比|与)\s*(?:上年|上一年|去年|同期|(?:19|20)\d{2}年)|同比")
_DECREASE = re.compile(r"(减少|下降|降低|减支|压减|缩减|节约)")
_INCREASE = re.compile(r"(增加|增长|上升|提高|增支)")


_SENTENCE_ENDS = frozenset("。！？!?；;:：")


def join_broken_paragraphs(units: list[TextUnit]) -> list[TextUnit]:
    """Rejoin a sentence that a page or line break cut in two (common in PDF-made text)."""
    out: list[TextUnit] = []
    for unit in units:
        text = unit.text.strip()
        if not text:
            continue
        if (
            out
            and out[-1].text.rstrip()[-1:] not in _SENTENCE_ENDS  # the tail only: texts grow as lines join
            and not _HEADING.match(text)
            and len(out[-1].text) > 30
            # two pieces of one line (a table rebuilt from between them) are not a sentence broken in two
            and (unit.provenance.line is None or unit.provenance.line != out[-1].provenance.line)
        ):
            previous = out[-1]
            out[-1] = TextUnit(previous.text + text, previous.provenance)
            continue
        out.append(TextUnit(text, unit.provenance))
    return out


def read_narrative(
    units: list[TextUnit], fiscal_year: int | None = None, budget_document: bool = False
) -> NarrativeFacts:
    """Every fact the prose states; each keeps the sentence it came from, as written.

    `fiscal_year`, the year the document reports on, tells last year's figures and budgets from its own;
    `budget_document` (a 预算 disclosure: its title names a budget and no spending) makes its amounts
    budgets until an actual is named.
    """
    result = NarrativeFacts()
    for unit in join_broken_paragraphs(units):
        project = _numbered_project(normalize(unit.text), unit.provenance.with_text(unit.text.split("。")[0]))
        if project is not None:
            result.projects.append(project)
            continue
        subject: Subject | None = None
        budget_mode = budget_document  # the paragraph states budgets (三公经费预算为…，其中…): its items too
        for written in _SENTENCE_SPLIT.split(unit.text):
            if not written.strip():
                continue
            sentence = normalize(written)
            prov = unit.provenance.with_text(written.strip())
            subject, budget_mode = _read_sentence(sentence, subject, prov, result, budget_mode, fiscal_year)
            result.facts.extend(_staff_facts(sentence, prov))
            result.facts.extend(_score_facts(sentence, prov))
            listed = _project_list(sentence, prov)
            if listed:
                count, projects = listed
                if count is not None:
                    result.facts.append(Stated("project_count", count, "个", prov))
                result.projects.extend(projects)
            result.facts.extend(_count_facts(sentence, prov))
    return result


def _read_sentence(  # noqa: PLR0917 — the reading state of the paragraph, passed on sentence by sentence
    sentence: str,
    subject: Subject | None,
    prov: Provenance,
    result: NarrativeFacts,
    budget_mode: bool = False,
    fiscal_year: int | None = None,
) -> tuple[Subject | None, bool]:
    itemised = bool(re.match(r"^\s*其中", sentence)) and not _SUBJECT_RE.search(sentence[:12])
    # "城区道路维修项目全年预算数120万元，执行数110万元": the whole sentence is about that project
    itemised = itemised or bool(_ITEM_BEFORE.search(sentence))
    against_budget = False  # the comparison the sentence is making: with the budget, or the year before
    other_year = False  # …or a year before that (比2019年(疫情前)): no change fact of the report's year
    named_here = False  # a subject is named in this sentence (not only carried from the one before)
    years = [int(y) for y in _YEAR.findall(sentence)] + ([fiscal_year] if fiscal_year else [])
    latest_year = max(years) if years else None
    first_fact = len(result.facts)
    on_earlier_budget = False  # the sentence compares with an earlier year's budget
    for clause in CLAUSE_SPLIT.split(sentence):
        if not clause.strip():
            continue
        if (basis := _BUDGET_BASIS.search(clause)) is not None:
            other_year = False
            # 比2019年预算减少4.8万元 in a report on 2020: last year's budget, so a budget's change
            basis_year = _YEAR.search(basis.group(0))
            earlier = bool(re.search(r"上年|去年|上一年", basis.group(0))) or (
                basis_year is not None and latest_year is not None and int(basis_year.group(1)) < latest_year
            )
            against_budget = not earlier
            budget_mode = budget_mode or earlier
            on_earlier_budget = on_earlier_budget or earlier
        elif (prior := _PRIOR_BASIS.search(clause)) is not None:
            against_budget = False
            # 比上年决算数增加38.97万元 …; 比2019年(疫情前)决算数减少24.87万元: beside the change on the year
            # before, a change on an earlier year is another comparison, not the year's change (alone, as in
            # 2021年 … 与2019年相比减少, it is the change, compared with the wrong year: JX701)
            basis_year = _YEAR.search(prior.group(0))
            other_year = (
                basis_year is not None
                and latest_year is not None
                and int(basis_year.group(1)) < latest_year - 1
                and _LAST_YEAR_BASIS.search(sentence) is not None
            )
        position = 0
        budget_lead = False
        first_subject = next((m for m in _SUBJECT_RE.finditer(clause) if not _is_share_whole(clause, m.start())), None)
        if first_subject is not None and clause.startswith("绩效", first_subject.end()):
            first_subject = None  # 项目支出绩效自评表: a title, not an amount's subject
        if first_subject is not None:
            subject = _subject(first_subject.group(0), sentence)
            position = first_subject.end()
            lead = clause[: first_subject.start()]
            year = _LEADING_YEAR.search(lead)
            if year is not None and latest_year is not None and int(year.group(1)) < latest_year:
                continue  # "2022年收入总计7033.15万元" in a report on 2023: last year's figure
            # "2018年度预算安排三公经费总额为63.46万元": the budget word before the subject
            # (一般公共预算安排…: the funds' source, not a budget)
            budget_lead = bool(re.search(r"(?<!公共)预算(?:安排|数)?的?$", lead[-8:])) and "决算" not in lead
        previous_cue = ""
        for q in quantities(clause):
            if q.start < position:
                continue
            cue = clause[position : q.start]
            # A subject named between the last number and this one takes over.
            local = None
            for m in _SUBJECT_RE.finditer(clause, position, q.start):
                if m.start() == position and _SUBJECT_MAP[m.group(0)] in (_INCOME, _EXPENDITURE):
                    continue  # “三公”经费支出总额: the total of the subject just named, not 支出总额
                if _is_share_whole(clause, m.start()):
                    continue
                local = m
            if local is not None:
                subject = _subject(local.group(0), sentence)
                cue = clause[local.end() : q.start]
            if q.unit in _COUNT_UNITS and q.unit != "年":
                continue  # "批复预算8个项目985万元": the budget word still governs the amount after the count
            if q.unit == "%" and cue in ("的", "的比例") and _COMPLETED_BUDGET.search(previous_cue):
                cue = previous_cue + cue  # 完成全年预算84.82万元的73.2%: the rate of the budget just named
            previous_cue = cue
            position = q.end
            _year_comparison(clause, q, subject, prov, result)
            budget_word = _last_budget_word(cue)
            if itemised and budget_word is not None and (subject is None or subject.budget is None):
                continue  # an item's figure (其中 lists, one project's budget): read by item_budget_lines
            if budget_lead and subject is not None and subject.budget and q.unit != "%":
                cue = "预算" + cue
            stated = _role(q, cue, subject, budget_word, clause, against_budget=against_budget)
            if stated is not None and subject is not None:
                stated, budget_mode = _in_budget_mode(stated, subject, cue, budget_mode)
            if stated is not None and other_year and subject is not None and stated[0] in subject.changes():
                stated = None
            if stated is not None:
                key, value, unit = stated
                result.facts.append(Stated(key, value, unit, prov))
        named_here = named_here or first_subject is not None
        # "与2021年度预算相比无增减" speaks of the item this sentence names, never of one carried over
        if subject is not None and named_here and (unchanged := _NO_CHANGE.search(clause)) is not None:
            unchanged_key = subject.budget_variance if "预算" in unchanged.group(1) else subject.change
            if budget_mode and unchanged_key == subject.change:
                unchanged_key = subject.budget_change
            if unchanged_key:
                result.facts.append(Stated(unchanged_key, Decimal(0), "万元", prov))  # 与预算相比无变化: stated as 0
    if on_earlier_budget and not re.search(r"决算|实际", sentence):
        # 公务接待费638万元,比上年年初预算减少317万元: an amount compared with last year's budget is a budget
        for index in range(first_fact, len(result.facts)):
            fact = result.facts[index]
            if fact.key in _BUDGET_OF:
                result.facts[index] = replace(fact, key=_BUDGET_OF[fact.key])
    return subject, budget_mode


_NO_CHANGE = re.compile(
    r"(?:与|较|比)([^，,。]{0,12}?)(?:相比)?[,，]?(?:无增减|无[变變]化|無[变變]化|无[变變]动|持平|没有变化|未发生变化)"
)


_YEAR = re.compile(r"((?:19|20)\d{2})年")
_LEADING_YEAR = re.compile(r"((?:19|20)\d{2})年度?的?$")
_ACTUAL_CUE = re.compile(r"实际|决算|支出|发生|开支|使用")
_COMPARISON = re.compile(r"较|比|与")
_BRACKETED_BUDGET = re.compile(r"[（(]\s*预算[数为是]?$")


def _in_budget_mode(
    stated: tuple[str, FactValue, str | None], subject: Subject, cue: str, budget_mode: bool
) -> tuple[tuple[str, FactValue, str | None], bool]:
    """Amounts after a budget (三公经费预算为20万元，其中公务接待费9万元…) are budgets, and their changes
    are the budgets' changes, until an actual amount is named (实际支出, 决算)."""
    key, value, unit = stated
    if subject.budget_change is None:
        return stated, budget_mode
    if key == subject.budget:
        # 较预算数1237万元 compares and states no budget; 公务接待费7.47万元（预算9.96万元）: a budget
        # in brackets after its amount is a side note, the amounts after it are still amounts
        return stated, budget_mode or not (_COMPARISON.search(cue) or _BRACKETED_BUDGET.search(cue))
    if budget_mode and re.search(r"决算|实际", cue):
        return stated, False  # 比上年决算数增加38.97万元: the actual figures again
    if not budget_mode or _ACTUAL_CUE.search(cue):
        return stated, False if key == subject.amount else budget_mode
    if key == subject.amount and subject.budget:
        return (subject.budget, value, unit), True
    if key == subject.change:
        return (subject.budget_change, value, unit), True
    if key == subject.change_rate and subject.budget_change_rate:
        return (subject.budget_change_rate, value, unit), True
    return stated, budget_mode


_COUNT_UNITS = frozenset({"个", "项", "家", "所", "次", "人", "名"})


# 收入总计 is the income of the year unless the sentence also names 本年收入合计: then it is the grand
# total (the year's income plus carry-over and other sources), and the same for spending.
_GRAND_TOTALS = {
    "收入总计": ("本年收入", Subject("income_grand_total")),
    "支出总计": ("本年支出", Subject("expenditure_grand_total")),
}


def _subject(phrase: str, sentence: str) -> Subject:
    grand = _GRAND_TOTALS.get(phrase)
    if grand is not None and grand[0] in sentence:
        return grand[1]
    return _SUBJECT_MAP[phrase]


def _last_budget_word(cue: str) -> str | None:
    matches = list(_BUDGET_RE.finditer(cue))
    return matches[-1].group(0) if matches else None


def _role(
    q: Quantity,
    cue: str,
    subject: Subject | None,
    budget_word: str | None,
    clause: str,
    *,
    against_budget: bool = False,
) -> tuple[str, FactValue, str | None] | None:
    """The fact one number states, from the words before it."""
    if q.unit == "年" or (q.unit is None and clause[q.end : q.end + 1] == "年"):
        return None
    if _CONDITION.search(cue) and clause[q.end : q.end + 1] == "的":
        return None  # "预算执行率未达到90%的需说明原因": a form's rule, not a figure of the report
    sign = Decimal(-1) if _DECREASE.search(cue) and "节约" not in cue else Decimal(1)
    if q.unit == "%":
        if subject is not None and subject.saving_rate and re.search(r"节约", cue):
            return subject.saving_rate, q.number, "%"
        if subject is not None and subject.execution_rate and re.search(r"(完成(?:全年|年初)?预算|执行率|控制率)", cue):
            return subject.execution_rate, q.number, "%"
        if budget_word in ("预算执行率", "执行率") and (subject is None or subject.execution_rate is None):
            return "execution_rate", q.number, "%"
        if subject is not None and subject.change_rate and (_DECREASE.search(cue) or _INCREASE.search(cue)):
            if against_budget:  # 较年初预算数减少10.93万元,下降54.65%: against the budget, not the year before
                return (subject.budget_variance_rate, sign * q.number, "%") if subject.budget_variance_rate else None
            return subject.change_rate, sign * q.number, "%"
        if subject is not None and subject.share and "占" in cue and not re.search(r"(收入|预算)", cue):
            return subject.share, q.number, "%"  # a share of expenditure, not of income or of the budget
        return None
    amount = money_in_wan(q.number, q.unit, default_unit=None)
    if amount is None:
        return None
    changed = bool(_DECREASE.search(cue) or _INCREASE.search(cue))
    if subject is not None and changed and against_budget:
        # 较年初预算数减少10.93万元: spending against the budget
        return (subject.budget_variance, sign * amount, q.unit) if subject.budget_variance else None
    # 完成预算12.02万元的100%: the amount between 完成预算 and 的 is the budget the rate is of
    budget_of_rate = bool(_COMPLETED_BUDGET.search(cue)) and clause[q.end : q.end + 1] == "的"
    budget_cue = "预算" in cue and ("完成预算" not in cue or budget_of_rate) and "决算" not in cue
    if subject is not None and subject.budget and budget_cue and not changed:
        return subject.budget, amount, q.unit
    if budget_word is not None and (subject is None or subject.budget is None):
        key = _BUDGET_MAP[budget_word]
        return None if key == "execution_rate" else (key, amount, q.unit)  # a rate is never an amount
    if subject is None:
        return None
    if subject.saving and "节约" in cue:
        return subject.saving, amount, q.unit
    if subject.change and changed:
        return subject.change, sign * amount, q.unit
    if _DECREASE.search(cue) or _INCREASE.search(cue) or re.search(r"(较|比|同比)", cue):
        return None  # a change of a subject that has no change key: not its amount
    if subject.amount and _AMOUNT_CUE.fullmatch(cue):
        return subject.amount, amount, q.unit
    return None


# The only words that may stand between a subject and its amount: anything else (投入资金, 培训经费 ...)
# means the number is about something the subject does not name.
_SHARE_OF = re.compile(r"占[总全]?$")


def _is_share_whole(clause: str, at: int) -> bool:
    """A subject named right after 占 (占总支出决算的77.90%) is the whole a share is of, not a new subject."""
    return _SHARE_OF.search(clause, max(0, at - 2), at) is not None


_COMPLETED_BUDGET = re.compile(r"完成(?:全年|年初|调整后)?预算(?:数)?$")
_AMOUNT_CUE = re.compile(
    r"(?:(?:一般公共预算)?财政拨款|支出|决算|总额|金额|合计|共计|总计|汇总|实际|完成|发生|为|是|共|计|达|本年度?|全年|年度|数|额|了|的|总|"
    r"[:：\s]|(?:19|20)\d{2}年度?|[“”\"])*"
)


# "与2019年相比": the prior year named; "与2021年度预算相比" compares with a budget, not a year
_COMPARED = re.compile(r"(?:与|较|比)\s*((?:19|20)\d{2})\s*年(?:度)?(?!的?预算)(?:相比|同期|比较)?")


def _year_comparison(
    clause: str, q: Quantity, subject: Subject | None, prov: Provenance, result: NarrativeFacts
) -> None:
    m = _COMPARED.match(clause, max(0, q.start - 2)) or None
    if m is None:
        window = clause[max(0, q.start - 2) : q.end + 6]
        m = _COMPARED.search(window)
    if m is None or q.unit not in (None, "年"):
        return
    if Decimal(m.group(1)) != q.number:
        return
    what = _subject_name(subject)
    if any(s.provenance == prov and s.unit == what for s in result.comparison_years):
        return
    result.comparison_years.append(Stated("comparison_year", int(q.number), what, prov))


def _subject_name(subject: Subject | None) -> str:
    if subject is None or subject.amount is None:
        return "unknown"
    return {
        "income_total": "income",
        "expenditure_total": "expenditure",
        "three_public_total": "three_public",
        "reception": "reception",
    }.get(subject.amount, subject.amount)


# --- staff, counts, scores --------------------------------------------------------------------------

_STAFF_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"(?:行政政法编制|行政编制|人员编制|编制人数|编制数|核定编制|编制人员|(?<!事业)(?<!专项)(?<!政法)(?<!辅警)编制)(?:数|人数)?(?:为|共|:|有)?"
            r"(\d+)(?:人|名)"
        ),
        "staff_authorized",
    ),
    (re.compile(r"(?:政法专项编制|政法编制)(?:为|共)?(\d+)(?:人|名)"), "staff_authorized_political"),
    (re.compile(r"事业编制(?:为|共)?(\d+)(?:人|名)"), "staff_authorized_institution"),
    (re.compile(r"实有(?:政法)?在编(?:人员)?(\d+)(?:人|名)"), "staff_actual_political"),
    (
        re.compile(
            r"(?:实有人数|实际在编人数|实有在编人数|在编人数|实有在职人员|实有在职人数|在职人员|在职人数|实有人员|在编人员)"
            r"(?:为|共|:)?(\d+)(?:人|名)"
        ),
        "staff_actual",
    ),
    (re.compile(r"(?<!编制)(?<!实有)事业编(?!制)(\d+)(?:人|名)"), "staff_actual_institution"),
)
_VEHICLES = re.compile(r"(?:公务用车|公务车辆)(?:保有量|编制)?(?:为|共|有)?(\d+)(?:台|辆)")


def _staff_facts(sentence: str, prov: Provenance) -> Iterator[Stated]:
    taken: list[tuple[int, int]] = []
    for pattern, key in _STAFF_PATTERNS:
        for m in pattern.finditer(sentence):
            if any(a <= m.start(1) < b for a, b in taken):
                continue
            taken.append((m.start(1), m.end(1)))
            yield Stated(key, int(m.group(1)), "人", prov)
    for m in _VEHICLES.finditer(sentence):
        yield Stated("official_vehicles", int(m.group(1)), "辆", prov)


_EXECUTION_SCORE = re.compile(r"预算执行(?:率|情况)?(?:指标)?得分(?:为|是|:)?\s*(\d+(?:\.\d+)?)\s*分")
_SCORE = re.compile(
    r"(?:自评|综合|考评|评价|绩效)[^,，。;；]{0,8}?(?:得分|总分|评分|分数)(?:为|是|:|确定为)?\s*(\d+(?:\.\d+)?)\s*分"
)
_GRADE = re.compile(
    r"(?:评价|自评|绩效|考评)?(?:等次|等级|评级|评价结果|自评结果|评价结论|自评结论)(?:确定|评定|认定)?(?:为|是|:)?\s*[“\"]?"
    r"(优秀|良好|合格|不合格|较好|一般|较差|优|良|中|差)(?![\u4e00-\u9fff]{2})"
)


def _score_facts(sentence: str, prov: Provenance) -> Iterator[Stated]:
    for m in _EXECUTION_SCORE.finditer(sentence):
        yield Stated("execution_score", Decimal(m.group(1)), "分", prov)
    for m in _SCORE.finditer(sentence):
        yield Stated("self_score", Decimal(m.group(1)), "分", prov)
    for m in _GRADE.finditer(sentence):
        yield Stated("grade", m.group(1), None, prov)


_PROJECT_COUNT = re.compile(r"项目(?:共|有|共有|合计)?(\d+)个(?:\((?:含|其中)?(\d+)个涉密项目\))?")
_SUPPLEMENT = re.compile(r"追加(?:预算)?项目(?:共|有)?(\d+)个(?:\([^)]*\))?,?金额合计(\d+(?:\.\d+)?)(万元|元)")


def _count_facts(sentence: str, prov: Provenance) -> Iterator[Stated]:
    m = _SUPPLEMENT.search(sentence)
    if m:
        yield Stated("supplementary_project_count", int(m.group(1)), "个", prov)
        amount = money_in_wan(Decimal(m.group(2)), m.group(3))
        if amount is not None:
            yield Stated("supplementary_amount", amount, m.group(3), prov)
    counted = _LIST_COUNT.search(sentence)
    if counted and _LIST_START.search(sentence, counted.end()):
        return  # the project list reader states this count
    for m in _PROJECT_COUNT.finditer(sentence):
        if "追加" in sentence[max(0, m.start() - 6) : m.start()] or _in_parentheses(sentence, m.start()):
            continue  # "(含…项目5个)": a part of the count stated before it
        yield Stated("project_count", int(m.group(1)), "个", prov)
        if m.group(2):
            yield Stated("project_count_classified", int(m.group(2)), "个", prov)


def _in_parentheses(text: str, at: int) -> bool:
    before = text[:at]
    return before.count("(") > before.count(")")


# --- projects -----------------------------------------------------------------------------------------

_NUMBERED_PROJECT = re.compile(r"^\s*\d+\s*[、.．]\s*(?P<name>[^:：。]{2,80}?)\s*[:：]\s*(?=项目)")
_PROJECT_FIELDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"年初预算(?:安排|数)?(?:为)?(\d+(?:\.\d+)?)(万元|元|万)"), "budget_initial"),
    (re.compile(r"全年预算(?:安排|数)?(?:为)?(\d+(?:\.\d+)?)(万元|元|万)"), "budget_adjusted"),
    (re.compile(r"(?<!预算)执行数(?:为)?(\d+(?:\.\d+)?)(万元|元|万)"), "budget_executed"),
    (re.compile(r"预算执行率(?:为)?(\d+(?:\.\d+)?)(%)"), "execution_rate"),
    (re.compile(r"追加预算(?:为)?(\d+(?:\.\d+)?)(万元|元|万)"), "supplement"),
)


def _numbered_project(text: str, prov: Provenance) -> Project | None:
    """'1、NAME：项目年初预算安排105万元，全年预算数179.8642万元，执行数为179.8642万元，预算执行率100%。'"""
    m = _NUMBERED_PROJECT.match(text)
    if not m:
        return None
    head = text[m.end() : m.end() + 160].split("。", maxsplit=1)[0]
    values: dict[str, Decimal] = {}
    for pattern, key in _PROJECT_FIELDS:
        found = pattern.search(head)
        if found:
            number = Decimal(found.group(1))
            if key != "execution_rate":
                converted = money_in_wan(number, found.group(2))
                if converted is None:
                    continue
                number = converted
            values[key] = number
    if not values:
        return None
    return Project(name=m.group("name").strip(), provenance=prov, **values)


_LIST_COUNT = re.compile(r"项目(?:有|共|共有|合计)?(\d+)个")
_LIST_START = re.compile(r"(?:分别是|分别为|包括|具体为|具体是)\s*[:：]?")
_ITEM = re.compile(r"^\s*(?P<name>[^\d]{2,60}?)\s*(?:支出|资金|金额)?(?P<amount>\d+(?:\.\d+)?)(?P<unit>万元|万|元)\s*$")
_WRAPPING_QUOTES = re.compile(r'^[“"](?P<inner>[^“”"]+)[”"]$')


def _project_list(sentence: str, prov: Provenance) -> tuple[int | None, list[Project]] | None:
    """'项目有15个，分别是禁毒专项550万元，公安强戒人员生活补助252.72万元，…'"""
    counted = _LIST_COUNT.search(sentence)
    if not counted:
        return None
    start = _LIST_START.search(sentence, counted.end())
    if not start:
        return None
    projects = []
    for item in CLAUSE_SPLIT.split(sentence[start.end() :].rstrip("。")):
        found = _ITEM.match(item)
        if not found:
            continue
        name = re.sub(r"^.*(?:要求|规定)[,，]?", "", found.group("name").strip())
        wrapped = _WRAPPING_QUOTES.match(name)
        name = wrapped.group("inner") if wrapped else name
        amount = money_in_wan(Decimal(found.group("amount")), found.group("unit"))
        if not name or amount is None:
            continue
        projects.append(Project(name=name, amount=amount, provenance=prov.with_text(item.strip())))
    return int(counted.group(1)), projects


def item_budget_lines(units: list[TextUnit]) -> Iterator[tuple[str, str, Decimal, Provenance]]:
    """Items of 其中 lists: (item name, field, 万元, where) — '其中：户口本工本费年初预算安排5万元，全年预算数0万元'."""
    for unit in join_broken_paragraphs(units):
        text = normalize(unit.text)
        for sentence in _SENTENCE_SPLIT.split(text):
            if not re.match(r"^\s*其中", sentence):
                continue
            name = ""
            for clause in CLAUSE_SPLIT.split(sentence.removeprefix("其中").lstrip(":：")):
                for pattern, key in _PROJECT_FIELDS:
                    found = pattern.search(clause)
                    if not found:
                        continue
                    before = clause[: found.start()].strip(" :：")
                    if before and not _SUBJECT_RE.search(before):
                        name = before.removeprefix("其中").strip(" :：")
                    if not name or key == "execution_rate":
                        continue
                    amount = money_in_wan(Decimal(found.group(1)), found.group(2))
                    if amount is not None:
                        yield name, key, amount, unit.provenance.with_text(clause.strip())
