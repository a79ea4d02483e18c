"""The shared corpus of real reports (../shared/corpus/real and its .docx/.xlsx forms): every labelled
finding the product finds stays found, no error appears that the labels do not record, and every other
warning or info is listed here with the reason a reviewer agrees with it (issue 13).

The lists at the top are the data; update them when extraction or the rules change what is found:

- KNOWN_GAPS: labelled findings not found yet, with why (a fact not read, or a doubtful label);
- EXTRA: warnings and infos beyond the labels that a reviewer would agree with;
- NOT_READ: warnings and infos that come from a fact the extractor misses or misreads — they go away
  when it reads the document right, and are listed so that the gap is on record.

A known gap that is now found fails the test: delete its line. An extra that is no longer produced does
not fail.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from jixiao.accuracy import finding_matches
from jixiao.model.findings import Finding, Severity
from jixiao.pipeline import analyse

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FOLDERS = ("real", "forms")

_FORM_TEXT_NOT_READ = (
    "fact not read: the 四川 form's 年度目标完成情况 cell and its 评价结论 / 存在问题 / 改进措施 cells are not read "
    "into report.targets / report.sections, so JX611 (template-text-left) cannot see the instruction text"
)

# Labelled findings the product does not find yet: (folder, document prefix, start of `what`) → why.
KNOWN_GAPS: dict[tuple[str, str, str], str] = {
    ("real", "004", "Basic (4204.8) + project (3704)"): "tolerated by design: 3704 is printed without decimals "
    "(±0.5), so 4204.8 + 3704 = 7908.8 is inside what the printed digits allow of 7908.83; rounding notes are off "
    "in the profiles (tolerances.rounding_info), and the label itself says 'should be tolerated or at most noted'",
    ("real", "007", "评价结论 / 存在问题 / 改进措施"): _FORM_TEXT_NOT_READ,
    ("forms", "007", "评价结论 / 存在问题 / 改进措施"): _FORM_TEXT_NOT_READ,
    ("real", "011", "Stated 自评得分 98 exceeds"): "fact not read: the 银川 indicator table (OCR text) gives no rows "
    "and the 自评得分 98 is not read; JX511 finds it once read (its documented example is this report)",
    ("real", "011", "预算执行率 indicator: execution is 64.8/64.8"): "fact not read: the funds row 64.8 / 64.8 and the "
    "预算执行率 indicator row (10 分, 得 9) are not read",
    ("real", "011", "时效指标 '公用经费完成时间'"): "fact not read: indicator rows not read; JX512 finds a met target "
    "marked down (its fixture is this row)",
    ("real", "014", "Self-report states the project did not meet"): "doubtful label: the report itself says it missed "
    "its targets (未能完成绩效任务目标) and why; nothing contradicts anything and no figure is computed — a reviewer "
    "reads it, but there is no finding to compute",
    (
        "real",
        "017",
        "政府采购执行率: target 100%",
    ): "fact not read: the 重庆 部门整体 table (得分系数 columns) gives no "
    "indicator rows; JX502 recomputes 2 × 72.74% = 1.45 once read",
    ("real", "017", "Budget execution rate 76%"): "fact not read: the same table's 预算完成率 row and execution "
    "figures are not read",
    ("real", "020", "Project breakdown does not add up"): "doubtful label: 其中 本级 8 个 + 对下转移支付 0 个 is not a "
    "complete split of the 21 (the label's own note: 13 projects of 所属二层单位 are not itemised); JX613 reports a "
    "其中 only when its parts exceed the whole",
    ("real", "020", "Budget adjustment of +758.97"): "fact not read: the mid-year amounts that explain the adjustment "
    "(286, 346.87) have no fact key; JX103 notes the +74.2% adjustment itself",
    (
        "real",
        "024",
        "The numbered list of 年度主要工作内容",
    ): "doubtful label: a repeated item number in a list of work "
    "items contradicts no figure; the label frames it as a trap for counters, not a defect a reviewer records",
}

_NO_SCORE = "a self-evaluation that states neither a score nor a grade (domain.md §4 marker 3)"
_NO_TABLE = "a narrative report with no indicator table: its targets cannot be checked (§4 markers 4–5)"
_NARRATIVE = ("004", "005", "014", "016", "020", "021", "022", "023", "024", "028", "029", "031")

# Warnings and infos beyond the labels, by (document prefix, code), with the reason a reviewer agrees.
EXTRA: dict[tuple[str, str], str] = {
    # 007/008: the 四川 form's 合计 row gives the points (100) and leaves its 得分 blank
    **{(prefix, "JX506"): _NO_SCORE for prefix in (*_NARRATIVE, "001", "006", "007", "008", "009", "013", "018")},
    **{(prefix, "JX605"): _NO_TABLE for prefix in (*_NARRATIVE, "012", "015", "019")},
    ("025", "JX309"): "公务用车 占32.24% is 2.48 ÷ 7.69 = 32.2497% truncated, not rounded (the label's info finding)",
    ("001", "JX403"): "10 + 24 of 100 points and no 总分 row: the copy stops after the first 质量指标 row, rows are "
    "missing — what the warning says",
    ("001", "JX407"): "the table as given has no 满意度 indicator",
    (
        "001",
        "JX606",
    ): "毛发检查试剂 3200 份 against ≥2400 份 (133%) with no reason: the target may be set too low (info)",
    (
        "006",
        "JX403",
    ): "10 + 50 + 30 = 90 of 100: the 满意度指标(10分) block is cut off ('公众满') and there is no 总分 row",
    ("006", "JX409"): "the cut-off 满意度 row ('公众满') has no points",
    ("006", "JX601"): "严格执行相关制度规定, 在项目计划完成时间内完成, 符合相关规定: output targets without a number",
    ("009", "JX602"): "the indicator table gives targets only: no 完成值 for any of its six indicators",
    ("010", "JX404"): "产出 40 and 满意度 20 instead of 10号's 50 and 10: a reviewer confirms the change has grounds",
    ("010", "JX502"): "政策知晓率 98% against ═100%, 分值 10: the formula gives 9.8, the form 9",
    ("010", "JX604"): "减轻贫困学生家庭经济负担: the 完成值 有效 copies the target",
    ("010", "JX606"): "政策知晓率 scored 9 of 10 with an empty 偏差原因",
    ("012", "JX507"): "自评得分 100 with no indicator table behind it (§4 marker 4)",
    ("013", "JX403"): "10 + 30 of 100 points: the copy ends after the second indicator row (label notes)",
    ("013", "JX404"): "产出指标 declared 30 分, not 10号's 50 (info)",
    ("013", "JX407"): "the copy as given has no 满意度 indicator (it ends after the output rows)",
    ("020", "JX103"): "全年预算 1781.86 is 74.2% above 年初 1022.89; the text explains only 286 + 346.87 of the 758.97 "
    "(the label's second finding)",
}

# Warnings and infos caused by a fact the extractor misses or misreads (issue 13 (b)), by (prefix, code).
NOT_READ: dict[tuple[str, str], str] = {
    ("006", "JX407"): "the .txt copy does not read the cut-off 满意度指标(10分) row ('公众满'); the forms read it",
    ("011", "JX506"): "the 自评得分 98 is not read",
    ("011", "JX605"): "the indicator table (OCR text) is not read",
    ("017", "JX506"): "the 重庆 table's 自评得分 97.6 is not read",
    ("017", "JX605"): "the 重庆 部门整体 indicator table is not read",
    ("030", "JX506"): "a finance-bureau 重点评价 (财政局 and a third party) is read as a self-evaluation",
    ("030", "JX605"): "a finance-bureau 重点评价 is read as a self-evaluation",
}


def _labels() -> list[tuple[str, Path]]:
    out = []
    for folder in FOLDERS:
        labels = CORPUS / folder / "labels"
        if labels.is_dir():
            out += [(folder, p) for p in sorted(labels.glob("*.json"))]
    return out


LABELS = _labels()
pytestmark = pytest.mark.skipif(not LABELS, reason=f"shared corpus not found at {CORPUS}")


def _id(item: tuple[str, Path]) -> str:
    return f"{item[0]}/{item[1].stem}"


@cache
def _label(folder: str, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / folder / "labels" / name).read_text(encoding="utf-8"))
    return data


@cache
def _findings(folder: str, document: str) -> tuple[Finding, ...]:
    return tuple(analyse(CORPUS / folder / document).findings)


def _case(item: tuple[str, Path]) -> tuple[str, list[dict[str, Any]], tuple[Finding, ...]]:
    folder, path = item
    label = _label(folder, path.name)
    return label["document"][:3], label.get("expected_findings", []), _findings(folder, label["document"])


def _gap(folder: str, prefix: str, expected: dict[str, Any]) -> str | None:
    return next(
        (
            why
            for (f, p, start), why in KNOWN_GAPS.items()
            if (f, p) == (folder, prefix) and expected["what"].startswith(start)
        ),
        None,
    )


@pytest.mark.parametrize("item", LABELS, ids=_id)
def test_every_labelled_finding_is_found_or_a_known_gap(item: tuple[str, Path]) -> None:
    prefix, expected, findings = _case(item)
    for e in expected:
        found = any(finding_matches(e, f) for f in findings)
        gap = _gap(item[0], prefix, e)
        assert found or gap, f"not found and not a known gap: {e['what']}"
        assert not (found and gap), f"now found — delete its KNOWN_GAPS entry: {e['what']}"


@pytest.mark.parametrize("item", LABELS, ids=_id)
def test_no_error_the_labels_do_not_record(item: tuple[str, Path]) -> None:
    _, expected, findings = _case(item)
    for f in findings:
        if f.severity is Severity.ERROR:
            assert any(finding_matches(e, f) for e in expected), f"{f.code} {f.message}"


@pytest.mark.parametrize("item", LABELS, ids=_id)
def test_every_other_finding_is_one_a_reviewer_agrees_with(item: tuple[str, Path]) -> None:
    prefix, expected, findings = _case(item)
    for f in findings:
        if f.severity is Severity.ERROR or any(finding_matches(e, f) for e in expected):
            continue
        assert (prefix, f.code) in EXTRA or (prefix, f.code) in NOT_READ, f"unlisted {f.code}: {f.message}"


def test_every_known_gap_names_a_labelled_finding() -> None:
    """A KNOWN_GAPS line whose label changed would silently excuse nothing: each must match a label."""
    labelled = {
        (folder, _label(folder, path.name)["document"][:3], e["what"])
        for folder, path in LABELS
        for e in _label(folder, path.name).get("expected_findings", [])
    }
    for folder, prefix, start in KNOWN_GAPS:
        assert any((f, p) == (folder, prefix) and w.startswith(start) for f, p, w in labelled), (folder, prefix, start)
