"""The rule registry: codes, names, default severities, documentation, selection and the runner.

A rule is a small function over a `Context` (report, scorecard, profile) yielding `Issue`s, registered
with `@rule(code=..., name=..., severity=..., since=...)`. Its docstring is its documentation, a one-line
summary then the sections 检查什么 / 为什么重要 / 示例 / 如何修改; a rule without them does not register.
Codes are grouped by hundred by theme and never reused. A rule that raises becomes finding JX000 and the
other rules still run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

from jixiao.errors import JixiaoError
from jixiao.model.document import Provenance
from jixiao.model.findings import Finding, Issue, Severity
from jixiao.model.report import FACT_SECTION_TYPES, Fact, Report, fact_kind
from jixiao.model.scorecard import Scorecard
from jixiao.profiles.model import Profile
from jixiao.scoring.arith import Figure, dec

SECTIONS = ("检查什么", "为什么重要", "示例", "如何修改")
THEMES = {
    "JX0": "内部 / internal",
    "JX1": "资金与预算执行 / funds and execution",
    "JX2": "收入与支出 / income and expenditure",
    "JX3": "三公经费 / three public expenses",
    "JX4": "指标与分值 / indicators and weights",
    "JX5": "得分与等次 / scores and grades",
    "JX6": "绩效目标与叙述 / targets and narrative",
    "JX7": "年度与比较 / years and comparisons",
}
_THEME_MODULES = ("funds", "income_expenditure", "sangong", "indicators", "scores", "narrative", "prose", "years")
_CODE = re.compile(r"^JX\d{3}$")


@dataclass(slots=True)
class Context:
    """What a rule sees: the report as stated, its scorecard and the profile."""

    report: Report
    card: Scorecard
    profile: Profile
    _facts: dict[str, Fact] | None = None
    _nums: dict[str, Decimal | None] = field(default_factory=dict)
    _figures: dict[str, Figure | None] = field(default_factory=dict)
    _memo: dict[str, object] = field(default_factory=dict)

    def memo(self, name: str, compute: Callable[[Report], object]) -> object:
        """A value several rules derive from the report, computed once per report."""
        if name not in self._memo:
            self._memo[name] = compute(self.report)
        return self._memo[name]

    def num(self, key: str) -> Decimal | None:
        if self._facts is None:
            self._load()
        return self._nums.get(key)

    def figure(self, key: str) -> Figure | None:
        """A stated number with the interval its printed text allows (counts, years, scores exact)."""
        if key in self._figures:
            return self._figures[key]
        value = self.num(key)
        out: Figure | None = None
        if value is not None:
            fact = self.fact(key)
            text = fact.provenance.text if fact is not None else None
            kind = fact_kind(key)
            exact = kind in ("count", "year", "score")
            out = Figure(value) if exact else Figure.printed(value, text, rate=kind == "rate")
        self._figures[key] = out
        return out

    def fact(self, key: str) -> Fact | None:
        if self._facts is None:
            self._load()
        assert self._facts is not None
        return self._facts.get(key)

    def _load(self) -> None:
        # Every rule asks for facts: read the report's sections once per report, straight from
        # their field dicts (report.facts() looks each vocabulary key up one by one).
        facts: dict[str, Fact] = {}
        for section in FACT_SECTION_TYPES:
            for key, value in getattr(self.report, section).__dict__.items():
                if value is not None:
                    facts[key] = value
        self._facts = facts
        self._nums = {k: dec(f.value) for k, f in facts.items()}

    def ev(self, *keys: str) -> tuple[Provenance, ...]:
        """Evidence: the provenance of each stated fact among `keys`."""
        out: list[Provenance] = []
        for key in keys:
            fact = self.fact(key)
            if fact is not None:
                out.append(fact.provenance)
        return tuple(out)


RuleFunc = Callable[[Context], Iterable[Issue]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    since: str
    func: RuleFunc
    summary: str
    sections: dict[str, str] = field(default_factory=dict)

    @property
    def theme(self) -> str:
        return THEMES.get(self.code[:3], "")

    def doc(self) -> str:
        """The rule's documentation as text (`jixiao rule CODE`)."""
        head = f"{self.code} {self.name}（默认级别 {self.severity.value}，自 {self.since} 起）\n{self.summary}\n"
        body = "\n".join(f"\n{name}：\n{self.sections[name]}" for name in SECTIONS)
        return head + body


REGISTRY: dict[str, Rule] = {}


def parse_doc(doc: str) -> tuple[str, dict[str, str]]:
    """Split a rule docstring into its summary and its sections."""
    lines = [line.strip() for line in doc.strip().splitlines()]
    summary = lines[0] if lines else ""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines[1:]:
        head = line.rstrip("：:")
        if head in SECTIONS and line != head:
            current = head
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return summary, {k: "\n".join(v).strip() for k, v in sections.items()}


def rule(*, code: str, name: str, severity: Severity, since: str) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function under a stable code."""

    def register(func: RuleFunc) -> RuleFunc:
        if not _CODE.match(code):
            raise ValueError(f"rule code must be JX + three digits: {code}")
        if code in REGISTRY or any(r.name == name for r in REGISTRY.values()):
            raise ValueError(f"rule {code} {name} registered twice")
        summary, sections = parse_doc(func.__doc__ or "")
        missing = [s for s in SECTIONS if not sections.get(s)]
        if not summary or missing:
            raise ValueError(f"rule {code} lacks documentation sections: {missing or ['summary']}")
        REGISTRY[code] = Rule(code, name, severity, since, func, summary, sections)
        return func

    return register


def _internal(ctx: Context) -> Iterator[Issue]:
    """规则运行出错（内部错误）。

    检查什么：
        某条规则在检查本报告时自身出错。
    为什么重要：
        出错的规则没有完成检查，其结论缺失；其他规则照常运行。
    示例：
        JX304 运行出错：division by zero
    如何修改：
        这是 jixiao 的问题而非报告的问题，请将报告与这条信息反馈给维护者。
    """
    return iter(())


def all_rules() -> list[Rule]:
    """Every registered rule, by code (theme modules are imported on first use)."""
    if "JX000" not in REGISTRY:
        rule(code="JX000", name="internal-error", severity=Severity.ERROR, since="0.1")(_internal)
    for module in _THEME_MODULES:
        import_module(f"jixiao.rules.{module}")
    return [REGISTRY[c] for c in sorted(REGISTRY)]


def get_rule(code: str) -> Rule:
    """One rule by code or name."""
    rules = all_rules()
    for r in rules:
        if code.upper() == r.code or code == r.name:
            return r
    raise UnknownRule(code)


class UnknownRule(JixiaoError):
    def __init__(self, selector: str) -> None:
        self.selector = selector
        super().__init__(f"没有这条规则或规则前缀：{selector}", f"no rule or rule prefix matches {selector!r}")


def _matches(selector: str, r: Rule) -> bool:
    s = selector.strip()
    return s.upper() == "ALL" or r.code.startswith(s.upper()) or s == r.name


def select_rules(select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> list[Rule]:
    """Rules chosen like a linter: `select` and `ignore` take ALL, a code prefix (JX3), a code or a name."""
    rules = all_rules()
    chosen = list(select) if select else ["ALL"]
    dropped = list(ignore or [])
    for selector in (*chosen, *dropped):
        if not any(_matches(selector, r) for r in rules):
            raise UnknownRule(selector)
    return [r for r in rules if any(_matches(s, r) for s in chosen) and not any(_matches(s, r) for s in dropped)]


def run_rules(ctx: Context, rules: Iterable[Rule]) -> list[Finding]:
    """Run rules over one report; a rule that raises becomes JX000 and the rest still run."""
    findings: list[Finding] = []
    for r in rules:
        try:
            for issue in r.func(ctx):
                evidence = tuple(dict.fromkeys(issue.evidence))  # one sentence may hold several facts
                findings.append(
                    Finding(r.code, issue.severity or r.severity, issue.message, issue.numbers, evidence, r.name)
                )
        except Exception as exc:  # the one boundary where a rule's own bug is contained
            findings.append(
                Finding(
                    "JX000",
                    Severity.ERROR,
                    f"规则 {r.code} {r.name} 运行出错：{type(exc).__name__}: {exc}",
                    (),
                    (),
                    "internal-error",
                )
            )
    findings.sort(key=lambda f: (f.severity.rank, f.code))
    return findings
