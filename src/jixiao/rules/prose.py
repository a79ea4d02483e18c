"""JX613, JX614 — parts and wholes stated in prose: a small parser over the report's narrative
sections, and the two rules that use it.

It reads only three shapes, sentence by sentence, and gives up on anything ambiguous:

- a breakdown: "共建设…设备16954套，其中：总平台558套；…" — the one figure of a unit before 其中 (in the
  sentence, or the sentence before; among several, the one marked 共/合计/总额) against the figures of that
  unit after it. 其中 may list only some parts, so only parts that add up to *more* than the whole are a
  finding, and a part above the whole means the 其中 is about something else;
- a year's additions: "实施项目共15个，年初批复预算8个项目…，年中增加8个项目" — 年初 + 年中 against 共;
- a count and its list: "直属事业单位10个，即A、B、…" — the count against the names listed (none with 等).

Parenthesised asides ("(含2023年转列项目5个)", "(台、块、项)") are dropped first; a figure after a change word
(减少, 增长, 同比 …) is a change, not a part, and is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from jixiao.model.document import Provenance
from jixiao.model.findings import Issue, Severity
from jixiao.rules.common import fmt, short_text
from jixiao.rules.registry import Context, rule
from jixiao.scoring.arith import Figure, check_sum

_ASIDE = re.compile(r"[（(][^（）()]*[）)]")
# "16954套(台、块、项)", "14666台(套)": the document itself counts these units as one.
_PIECES = re.compile(r"(\d+)\s*[套台块项件][（(][套台块项件、]+[）)]")
_SENTENCE = re.compile(r"。+")
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|亿元|元|个|套|台|项|人|家|所|次|件|辆|名|户|处|座)")
_CHANGE = re.compile(r"减少|增加|增长|下降|节约|同比|上年|较|比")
# A figure labelled as a column of an item (年初预算安排 5 万元, 全年预算数 0 万元) is not a share of the whole.
_ATTRIBUTE = re.compile(r"预算|执行|决算|调整")
_TOTAL_WORD = re.compile(r"共|合计|总计|总数|总额")
_INITIAL = re.compile(r"年初[^，,；;]{0,8}$")
_ADDED = re.compile(r"(?:年中|年内|期间)?(?:增加|新增|追加)[^，,；;]{0,6}$")
_LIST = re.compile(r"(\d+)\s*(个|家|所|名|项|处)\s*[,，:：]?\s*(?:即|分别为|分别是|包括)[:：]?\s*([^。；;,，]+)")
_LAST_AND = re.compile(r"(.+)(?:和|及|与)(.+)")


@dataclass(frozen=True, slots=True)
class Parts:
    """A whole and its parts as one sentence states them."""

    kind: Literal["breakdown", "additions"]  # 其中 (parts may be a subset) / 年初 + 年中 = 共
    unit: str
    total: Decimal
    parts: tuple[Decimal, ...]
    text: str  # the sentence(s), for the evidence
    complete: bool = False  # the sentence says how many kinds there are (二类支出) and 其中 lists them all


@dataclass(frozen=True, slots=True)
class Listing:
    """A count and the names listed after it."""

    count: int
    names: tuple[str, ...]
    text: str


def sentences(text: str) -> list[str]:
    """The sentences of a text (lines joined: a web page breaks them anywhere), without asides."""
    joined = _ASIDE.sub("", _PIECES.sub(r"\1套", text.replace("\r", "").replace("\n", "")))
    return [s.strip() for s in _SENTENCE.split(joined) if s.strip()]


def _figures(text: str, *, changes: bool = False, attributes: bool = True) -> list[tuple[Decimal, str, int]]:
    """(number, unit, position) of each figure; one after a change word only with `changes`, one in a
    clause naming a budget column only with `attributes`."""
    out = []
    for m in _FIGURE.finditer(text):
        clause = re.split(r"[，,；;:：]", text[: m.start()])[-1]
        if not changes and _CHANGE.search(clause[-6:]):
            continue
        if not attributes and _ATTRIBUTE.search(clause):
            continue
        out.append((Decimal(m.group(1)), m.group(2), m.start()))
    return out


def _whole(lead: str, unit: str) -> Decimal | None:
    """The one figure of a unit before 其中; among several, the one marked 共/合计/总额."""
    figures = [(n, p) for n, u, p in _figures(lead) if u == unit]
    if len(figures) == 1:
        return figures[0][0]
    marked = [n for n, p in figures if _TOTAL_WORD.search(lead[max(0, p - 8) : p])]
    return marked[-1] if len(marked) == 1 else None


def breakdowns(text: str) -> Iterator[Parts]:
    """Each "whole … 其中 parts" of a text, unit by unit, where the whole is one figure of its unit.

    When the lead says how many kinds make the whole ("部门预算项目支出、专项预算支出二类支出，总预算…"),
    the parts are read whatever their clause names (their own names may hold 预算), and a 其中 that
    lists that many parts is the whole breakdown.
    """
    previous = ""
    for sentence in sentences(text):
        at = sentence.find("其中")
        if at >= 0:
            head = sentence[:at].strip("，,：: ")
            lead, body = (head, sentence[at:]) if len(head) > 4 else (previous, sentence[at:])
            kinds = _kinds(lead)
            pieces: dict[str, list[Decimal]] = {}
            for number, unit, _ in _figures(body, attributes=kinds is not None):
                pieces.setdefault(unit, []).append(number)
            for unit, parts in pieces.items():
                total = _whole(lead, unit)
                # A part above the whole means the 其中 is about something else (派出机构7个。其中副处机构10个).
                if total is None or len(parts) < 2 or max(parts) > total or _nested(parts):
                    continue
                evidence = sentence if lead == head else f"{lead}。{body}"
                yield Parts("breakdown", unit, total, tuple(parts), evidence, complete=kinds == len(parts))
        previous = sentence


_KINDS = re.compile(r"(?<![\d.])([一二两三四五六七八九\d])\s*(?:大类|类|部分|种)")
_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _kinds(lead: str) -> int | None:
    """How many kinds the lead says make the whole (二类支出, 两部分), when it says so once."""
    found = _KINDS.findall(lead)
    if len(found) != 1:
        return None
    return _NUMERALS.get(found[0]) or int(found[0])


def _nested(parts: list[Decimal]) -> bool:
    """Whether a part is the sum of parts after it (a sub-breakdown written flat): not one level."""
    for i, part in enumerate(parts):
        running = Decimal(0)
        for n, later in enumerate(parts[i + 1 :], start=1):
            running += later
            if n >= 2 and running == part:
                return True
    return False


def additions(text: str) -> Iterator[Parts]:
    """ "共N个 … 年初…a个 … 年中增加b个" in one sentence: a + b against N."""
    for sentence in sentences(text):
        figures = _figures(sentence, changes=True)
        for number, unit, pos in figures:
            if not _TOTAL_WORD.search(sentence[max(0, pos - 6) : pos]):
                continue
            initial = [n for n, u, p in figures if u == unit and p != pos and _INITIAL.search(sentence[:p])]
            added = [n for n, u, p in figures if u == unit and p != pos and _ADDED.search(sentence[:p])]
            if len(initial) == 1 and len(added) == 1:
                yield Parts("additions", unit, number, (initial[0], added[0]), sentence)
            break


def listings(text: str) -> Iterator[Listing]:
    """ "N个，即A、B、C" : the count and the names (a list ending in 等 is not complete, and is skipped)."""
    for sentence in sentences(text):
        for m in _LIST.finditer(sentence):
            names_text = m.group(3).strip()
            if "等" in names_text or "、" not in names_text:
                continue
            names = [n.strip() for n in names_text.split("、") if n.strip()]
            last = _LAST_AND.fullmatch(names[-1])
            if last is not None:
                names[-1:] = [last.group(1), last.group(2)]
            yield Listing(int(m.group(1)), tuple(names), sentence)


# --- the rules ------------------------------------------------------------------------------------

_MONEY_UNITS = frozenset({"万元", "元", "亿元"})


def _section_texts(ctx: Context) -> Iterator[tuple[str, Provenance]]:
    """The report's prose: its narrative sections, and the 年度总体目标 cells of a form (预期目标 and
    实际完成情况 are sentences too: "本项目共完成预算资金89.97万元。其中:30万元…")."""
    for section in ctx.report.sections:
        if section.text:
            yield section.text, section.provenance
    for target in ctx.report.targets:
        for text in (target.expected, target.achieved):
            if text:
                yield text, target.provenance


@rule(code="JX613", name="prose-parts-sum", severity=Severity.WARNING, since="0.1")
def prose_parts_sum(ctx: Context) -> Iterator[Issue]:
    """叙述中“其中”所列分项之和超过所述合计，或“年初 + 年中增加”与“共”不符。

    检查什么：
        报告正文（以及自评表“年度总体目标”的预期目标、实际完成情况栏）一句话（或紧接的“其中”句）写了
        合计与分项时：同一单位的分项之和是否超过合计（“其中”
        可能只列出一部分，少于合计不报告；分项超过合计本身的，说明“其中”说的是别的事，也不报告；句中写明
        合计由几类组成（“二类支出”“两部分”）而“其中”正好列出这几类时，分项之和少于合计也报告）；
        “共 N 个……年初 a 个……年中增加 b 个”是否 a + b = N。金额按各数的印刷精度比较。
    为什么重要：
        文字中的合计与分项常是分别手写的，对不上说明有一处漏算或抄错，读者不知以哪个为准。
    示例：
        “共建设和安装软硬件设备共16954套，其中：总平台558套；综治分平台1488套，公安分平台34套；
        前端补点14666台（套）；精品社区242套”，分项合计 16988 套，多出 34 套。
    如何修改：
        核对合计与各分项，改正漏算或多算的数字。
    """
    for text, provenance in _section_texts(ctx):
        for found in (*breakdowns(text), *additions(text)):
            money = found.unit in _MONEY_UNITS
            total = Figure.printed(found.total, found.text) if money else Figure(found.total)
            parts = [Figure.printed(p, found.text) if money else Figure(p) for p in found.parts]
            comparison = check_sum(total, parts, ctx.profile.tolerances.amount if money else Decimal(0))
            summed = sum(found.parts, Decimal(0))
            if comparison.ok or (found.kind == "breakdown" and summed < found.total and not found.complete):
                continue
            unit = found.unit
            if found.kind == "additions":
                listing = f"年初 {fmt(found.parts[0])} {unit} + 年中增加 {fmt(found.parts[1])} {unit}"
                message = f"{listing} = {fmt(summed)} {unit}，与所述共 {fmt(found.total)} {unit} 不符"
            else:
                listing = " + ".join(fmt(p) for p in found.parts)
                kinds, more = ("", "多于") if summed > found.total else (f" {len(found.parts)} 类", "少于")
                message = (
                    f"其中所列{kinds} {listing} = {fmt(summed)} {unit}，{more}所述合计 {fmt(found.total)} {unit}"
                    f"（差 {fmt(abs(summed - found.total))}）"
                )
            yield Issue(
                message, (found.total, *found.parts, summed), (provenance.with_text(short_text(found.text, 80)),)
            )


@rule(code="JX614", name="prose-count-list-mismatch", severity=Severity.WARNING, since="0.1")
def prose_count_list_mismatch(ctx: Context) -> Iterator[Issue]:
    """叙述中写明的个数与随后列出的名称个数不符。

    检查什么：
        “直属事业单位10个，即……”“单位有3个，分别为……”一类写法：所写个数是否等于随后用顿号列出的名称
        个数（列表以“等”结尾的不检查）。
    为什么重要：
        个数与名单不符，说明漏列了单位或个数写错，机构、人员和预算的口径随之不清。
    示例：
        “直属事业单位10个，即县国库集中支付中心、县财政信息中心、……、县经济开发区财政所”，只列了 9 个。
    如何修改：
        补全名单，或改正个数。
    """
    for text, provenance in _section_texts(ctx):
        for listing in listings(text):
            if listing.count == len(listing.names):
                continue
            yield Issue(
                f"写明 {listing.count} 个，随后列出的名称有 {len(listing.names)} 个：{'、'.join(listing.names)}",
                (listing.count, len(listing.names)),
                (provenance.with_text(short_text(listing.text, 80)),),
            )
