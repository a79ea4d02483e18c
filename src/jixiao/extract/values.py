"""Values as reports write them: amounts with units, percentages, counts, Chinese numerals, targets
with a direction, qualitative judgements and dates. One parser per kind; nothing is guessed — text
that does not read as a value stays text and is flagged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import cn2an

from jixiao.model.report import Direction, ParsedValue

# Variant and Japanese forms seen in Chinese government documents, mapped to the simplified form.
_VARIANTS = {"黒": "黑", "査": "查", "経": "经", "収": "收", "従": "从", "転": "转", "県": "县", "\u2212": "-"}
# Traditional characters of budget wording (pages served in 繁體 by mirror sites), each with exactly one
# simplified form: 預算 決算 經費 財政撥款 … read as the simplified text they are.
_TRADITIONAL = (
    "預预 財财 撥拨 經经 費费 決决 單单 萬万 項项 數数 計计 國国 務务 車车 購购 運运 維维 護护 說说 總总 體体 "
    "區区 辦办 與与 減减 節节 領领 導导 無无 學学 習习 動动 內内 規规 嚴严 貫贯 執执 黨党 關关 機机 資资 產产 "
    "設设 備备 況况 據据 為为 個个 門门 會会 縣县 鎮镇 鄉乡 屬属 績绩 評评 價价 報报 開开 較较 實实 際际 長长 "
    "這这 於于 轉转 結结 餘余 調调 標标 質质 達达 進进 時时 間间 參参 員员 對对 應应 並并 將将 當当 發发 現现 "
    "問问 題题 處处 稅税 補补 貼贴 險险 醫医 療疗 衛卫 環环 營营 億亿 厲厉 類类 優优 劃划 議议 顯显 範范 圍围 "
    "驗验 證证 確确 統统 檢检 測测 還还 構构 條条 紀纪 錄录 請请 認认 識识 銷销 選选 細细 難难 點点 舉举 壓压 "
    "縮缩 後后 裡里 準准 廳厅 館馆 隊队 戶户 興兴 業业 農农 職职 級级 擔担 審审 綜综 彙汇 匯汇 額额 虧亏 傳传 "
    "層层 幣币 歲岁"
)
_CHARACTER_MAP = str.maketrans(_VARIANTS | {pair[0]: pair[1] for pair in _TRADITIONAL.split()})
_MAPPED = re.compile("[" + re.escape("".join(chr(c) for c in _CHARACTER_MAP)) + "]")
# Pinyin a page prints after a character: 經(jīng)費, 預算數(shù).
_PINYIN = re.compile(r"(?<=[\u3400-\u9fff])\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")
_CJK = r"\u3400-\u9fff"
# Clauses end at a Chinese comma or semicolon, or an ASCII comma that is not a thousands separator.
# An ASCII comma between digits ("1,239.7", "1, 537.4") is no clause break: the number reader decides
# whether it is a thousands separator or two numbers side by side.
CLAUSE_SPLIT = re.compile(r"[，;；]|(?<!\d),|,(?!\s*\d)")
# Spaces go between CJK and whatever follows, and between a number and its unit; never between two
# numbers ("100 100%" is two cells of a flattened row, not 100100%).
_SPACE_BETWEEN = re.compile(
    rf"(?<=[{_CJK}，:;()]) +(?=[{_CJK}\d%(])|(?<=[\d%.,]) +(?=[{_CJK}%(])|(?<=[{_CJK}]) +(?=[A-Za-z])"
)


@lru_cache(maxsize=16384)
def normalize(text: str) -> str:
    """NFKC (full-width digits and punctuation to ASCII), variant and traditional forms, no spaces around CJK."""
    # The Chinese comma stays: after NFKC an ASCII comma could not be told from a thousands separator.
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text.replace("，", "\x00")).replace("\x00", "，")
    if _MAPPED.search(text):  # most text has no variant or traditional character: skip the table walk
        text = text.translate(_CHARACTER_MAP)
    if "(" in text:
        text = _PINYIN.sub("", text)
    text = text.replace("\u3000", " ").replace("\xa0", " ")
    return _SPACE_BETWEEN.sub("", text) if " " in text else text


@lru_cache(maxsize=16384)
def compact(text: str) -> str:
    """A label for matching: normalized, without whitespace, numbering or trailing punctuation."""
    text = re.sub(r"\s+", "", normalize(text))
    text = re.sub(r"^(?:\d+[.、)]|[(（][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、)", "", text)
    return text.strip(":;,.。，；：")


# A thousands group is exactly three digits: "1,2345" is two numbers, not 12345.
_NUMBER = r"[-+]?\d+(?:,\d{3}(?!\d))*(?:\.\d+)?"
NUMBER_RE = re.compile(_NUMBER)
_CN_NUMBER = re.compile(r"^[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟点]+$")


def to_decimal(token: str) -> Decimal | None:
    """'1,234.50' → Decimal('1234.50'); Chinese numerals through cn2an; anything else → None."""
    token = normalize(token).strip()
    if not token:
        return None
    if NUMBER_RE.fullmatch(token):
        try:
            return Decimal(token.replace(",", ""))
        except InvalidOperation:
            return None
    if _CN_NUMBER.match(token):
        try:
            return Decimal(str(cn2an.cn2an(token, "smart")))
        except (ValueError, KeyError):
            return None
    return None


MONEY_UNITS = {
    "元": Decimal("0.0001"),
    "千元": Decimal("0.1"),
    "万元": Decimal(1),
    "万": Decimal(1),
    "亿元": Decimal(10000),
    "亿": Decimal(10000),
}
COUNT_UNITS = (
    "个",
    "起",
    "人次",
    "人",
    "名",
    "辆",
    "台",
    "件",
    "天",
    "次",
    "家",
    "项",
    "条",
    "份",
    "所",
    "处",
    "户",
    "套",
    "场",
    "期",
    "篇",
    "批",
    "座",
    "公里",
    "平方米",
    "亩",
    "小时",
    "分钟",
    "日",
    "月",
    "年",
    "分",
)
_UNIT_ALTERNATION = "|".join(sorted([*MONEY_UNITS, "%", "‰", *COUNT_UNITS], key=len, reverse=True))
_QUANTITY = re.compile(rf"({_NUMBER})(?:\s*({_UNIT_ALTERNATION}))?")


@dataclass(frozen=True, slots=True)
class Quantity:
    number: Decimal
    unit: str | None
    start: int
    end: int
    text: str


def quantities(text: str) -> list[Quantity]:
    """Every number in a (normalized) text with the unit written right after it.

    Numbers side by side (cells of a flattened row, "100 100 10 100%") are left out: nothing says
    which is which, and a wrong fact is worse than a missing one.
    """
    found = _all_quantities(text)
    in_run = _in_runs(found, text)
    return [q for i, q in enumerate(found) if i not in in_run]


def has_number_run(text: str) -> bool:
    """Whether a (normalized) text holds numbers side by side, with nothing saying which is which."""
    return bool(_in_runs(_all_quantities(text), text))


def _all_quantities(text: str) -> list[Quantity]:
    out = []
    for m in _QUANTITY.finditer(text):
        number = to_decimal(m.group(1))
        if number is None:
            continue
        out.append(Quantity(number, m.group(2), m.start(), m.end(), m.group(0)))
    return out


_RUN_GAP = re.compile(r"[\s,]*")
_DATE_PARTS = ("年", "月", "日")  # 2021年12月31日 is one date, not a run of numbers


def _in_runs(found: list[Quantity], text: str) -> set[int]:
    """Indices of numbers with only spaces or commas between them and a neighbour ("100 100", "3, 704")."""
    out: set[int] = set()
    for i in range(len(found) - 1):
        a, b = found[i], found[i + 1]
        gap = text[a.end : b.start]
        if not _RUN_GAP.fullmatch(gap) or a.unit in _DATE_PARTS:
            continue
        if gap or b.text[0].isdigit():  # "90%-100%" is a range, its dash no separator
            out.update((i, i + 1))
    return out


def money_in_wan(number: Decimal, unit: str | None, default_unit: str | None = "万元") -> Decimal | None:
    """An amount converted to 万元; None when the unit is not a money unit."""
    unit = unit or default_unit
    if unit is None or unit not in MONEY_UNITS:
        return None
    return tidy(number * MONEY_UNITS[unit])


def tidy(value: Decimal) -> Decimal:
    """Drop trailing zeros that unit conversion adds (1200 元 → 0.12 万元), keeping integers plain."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def parse_amount(text: str, default_unit: str | None = "万元") -> tuple[Decimal, str] | None:
    """The single amount in a cell such as '57954.3', '1,200元', '3.5亿元' → (万元, unit as stated)."""
    norm = normalize(text).strip()
    found = quantities(norm)
    if len(found) != 1:
        return None
    q = found[0]
    if q.unit is not None and q.unit not in MONEY_UNITS:
        return None
    rest = (norm[: q.start] + norm[q.end :]).strip(" :：")
    if rest and rest not in ("万元", "元", "(万元)", "合计"):
        return None
    unit = q.unit or default_unit or ""
    value = money_in_wan(q.number, q.unit, default_unit)
    return None if value is None else (value, unit)


def parse_percent(text: str) -> Decimal | None:
    """'52.61%' → 52.61; '100％' → 100; a bare number is not a percentage."""
    m = re.fullmatch(rf"\s*({_NUMBER})\s*%\s*", normalize(text))
    return to_decimal(m.group(1)) if m else None


def parse_plain_number(text: str) -> Decimal | None:
    """A cell holding only a number (a weight, a score, a count)."""
    norm = normalize(text).strip().rstrip("分")
    return to_decimal(norm)


def parse_count(text: str) -> int | None:
    """'285', '2247人', '十五个' → int."""
    norm = normalize(text).strip()
    m = re.fullmatch(rf"({_NUMBER}|[零〇一二两三四五六七八九十百千万]+)\s*(?:{'|'.join(COUNT_UNITS)})?", norm)
    if not m:
        return None
    value = to_decimal(m.group(1))
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


_NUMBERING = re.compile(r"^\s*(?:指标\s*\d*\s*[:：]|\d+\s*[.、．](?!\d)\s*|[(（]\d+[)）]\s*)")

# --- targets and actual values --------------------------------------------------------------------

_DIRECTION_SYMBOLS: tuple[tuple[str, Direction], ...] = (
    ("≥", ">="),
    (">=", ">="),
    ("≤", "<="),
    ("<=", "<="),
    ("=", "="),
    (">", ">"),
    ("<", "<"),
)
_DIRECTION_WORDS: tuple[tuple[str, Direction], ...] = (
    ("不低于", ">="),
    ("不少于", ">="),
    ("大于等于", ">="),
    ("至少", ">="),
    ("及以上", ">="),
    ("以上", ">="),
    ("不高于", "<="),
    ("不超过", "<="),
    ("不大于", "<="),
    ("小于等于", "<="),
    ("以内", "<="),
    ("及以下", "<="),
    ("以下", "<="),
    ("控制在", "<="),
    ("低于", "<"),
    ("少于", "<"),
    ("高于", ">"),
    ("超过", ">"),
    ("大于", ">"),
    ("小于", "<"),
    ("达到", ">="),
    ("达", ">="),
    ("等于", "="),
)
# Words written after the number: 95%以上, 120万元以内, 12月底前.
_DIRECTION_AFTER: tuple[tuple[str, Direction], ...] = (
    ("及以上", ">="),
    ("以上", ">="),
    ("及以下", "<="),
    ("以下", "<="),
    ("以内", "<="),
    ("之内", "<="),
    ("之前", "<="),
    ("前", "<="),
)
QUALITATIVE_TIERS: tuple[tuple[str, int], ...] = (
    ("未达成", 3),
    ("未达到", 3),
    ("未完成", 3),
    ("部分达成", 2),
    ("部分完成", 2),
    ("基本达成", 2),
    ("达成预期指标", 1),
    ("达成年度指标", 1),
    ("达成预期", 1),
    ("达成", 1),
    ("全部完成", 1),
    ("已完成", 1),
)
GRADE_WORDS = ("优秀", "良好", "合格", "不合格", "较好", "一般", "较差", "优", "良", "中", "差", "好")
# Wording that states no measurable value (domain.md §4 marker 5).
VAGUE_PHRASES = (
    "控制在预算内",
    "控制在预算经费内",
    "不超过预算",
    "基本完成",
    "按时完成",
    "稳步推进",
    "有效提升",
    "明显提升",
    "进一步提高",
    "逐步提高",
    "稳定",
    "良好",
    "有序",
    "显著",
    "全面提升",
    "持续",
    "较好",
)


_REFERENCE_ELSEWHERE = re.compile(r"(?:详|具体)?见(?:附件|附表|附录|说明|正文|报告|下表|上表)")


def parse_target(text: str) -> ParsedValue:
    """Read a 年度指标值 or 实际完成值: direction, number, unit, change wording, qualitative tier."""
    raw = text.strip()
    norm = _NUMBERING.sub("", normalize(raw))  # 指标1：… / 1. … number the row, they state no value
    value = ParsedValue(text=raw)
    if not norm or _REFERENCE_ELSEWHERE.match(norm):  # 详见附件3: the value is elsewhere, 3 is no value
        value.flagged = True
        return value
    for word, tier in QUALITATIVE_TIERS:
        if word in norm:
            value.qualitative, value.qualitative_tier = word, tier
            break
    if has_number_run(norm):  # "100 100%": two cells run together, neither is the value
        value.flagged = True
        return value
    found = [q for q in quantities(norm) if not _is_year(q, norm)]
    if found:
        q = _principal_quantity(found, norm)
        value.number = q.number
        value.unit = q.unit
        value.direction = _direction(norm, q)
        if re.search(r"(下降|降低|减少|压减|缩减)", norm[: q.start]):
            value.change = "decrease"
        elif re.search(r"(增长|提高|增加|上升|提升)", norm[: q.start]):
            value.change = "increase"
    else:
        grade = next((g for g in GRADE_WORDS if norm.endswith(g) or norm == g), None)
        if value.qualitative is None and grade is not None:
            value.qualitative = grade
        value.direction = "qualitative"
        value.vague = any(p in norm for p in VAGUE_PHRASES) or value.qualitative is None
    return value


def _is_year(q: Quantity, text: str) -> bool:
    return (q.unit == "年" and 1990 <= q.number <= 2100) or (
        q.unit is None and 1990 <= q.number <= 2100 and text[q.end : q.end + 1] == "年"
    )


def _principal_quantity(found: list[Quantity], norm: str) -> Quantity:
    """The number a target is about: the one with a unit or a direction next to it, else the last."""
    for q in found:
        if q.unit == "%":
            return q
    for q in found:
        if q.unit is not None:
            return q
    return found[-1]


def _direction(norm: str, q: Quantity) -> Direction:
    before, after = norm[max(0, q.start - 8) : q.start], norm[q.end : q.end + 6]
    for symbol, direction in _DIRECTION_SYMBOLS:
        if before.rstrip().endswith(symbol):
            return direction
    for word, direction in _DIRECTION_AFTER:
        if after.lstrip("底末").startswith(word):
            return direction
    for word, direction in _DIRECTION_WORDS:
        if word in before:
            return direction
    return "="


# --- dates, years, grades ------------------------------------------------------------------------

_DATE = re.compile(r"((?:19|20)\d{2})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?")


def parse_date(text: str) -> str | None:
    """'2022年4月12日', '2022.4.12', '2022-04-12' → '2022-04-12'."""
    m = _DATE.search(normalize(text))
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def parse_grade(text: str) -> str | None:
    """A grade as stated: 优秀, 良好, 优, 良, 中, 差, 较好 ... (longest word first)."""
    norm = compact(text)
    for word in GRADE_WORDS:
        if norm in (word, f"{word}级", f"{word}等"):
            return word
    return None
