"""`jixiao check`, `jixiao rules`, `jixiao rule`: output formats, exit codes, folders in parallel, the
cache, a file that cannot be read among others, and bad profiles. Runs on the bundled samples."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.ingest import read

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "jixiao" / "samples"
NARRATIVE = SAMPLES / "dept_narrative_baishi_agriculture_2023.txt"  # planted: 支出增减率 2.36% for 2.63%
TABLE = SAMPLES / "dept_table_yunxi_transport_2023.txt"  # consistent: only the missing grade (info)
runner = CliRunner()


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(autouse=True, scope="module")
def _extraction_available() -> None:
    from jixiao.extract import extract

    try:
        extract(read(TABLE))
    except NotImplementedError:
        pytest.skip("extraction (jixiao.extract) has not landed yet")


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def check_json(*args: str) -> tuple[int, list[dict[str, Any]]]:
    code, out = invoke("check", *args, "--format", "json")
    return code, json.loads(out)["reports"]


def test_error_finding_gives_exit_1_with_numbers_and_evidence() -> None:
    code, (report,) = check_json(str(NARRATIVE))
    assert code == 1
    assert report["profile"] == "national-2020"
    assert report["score"] == {
        "stated": 93.5,
        "computed": None,
        "grade_stated": "优",
        "grade_computed": "优",
        "recomputable": False,
    }
    jx206 = next(f for f in report["findings"] if f["code"] == "JX206")
    assert jx206["severity"] == "error" and -2.36 in jx206["numbers"] and -2.63 in jx206["numbers"]
    assert jx206["evidence"][0]["line"] == 8 and "86.25" in jx206["evidence"][0]["text"]
    assert any(f["code"] == "JX507" and f["numbers"] == [93.5] for f in report["findings"])


def test_no_error_gives_exit_0() -> None:
    code, (report,) = check_json(str(TABLE))
    assert code == 0
    assert report["score"]["computed"] == report["score"]["stated"] == 99.85
    assert {f["severity"] for f in report["findings"]} <= {"info"}


def test_unreadable_file_alone_gives_exit_2_and_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = runner.invoke(app, ["check", str(broken)])
    assert result.exit_code == 2
    assert "broken.docx" in result.output and "读取失败" in result.output


def test_folder_lists_an_unreadable_file_and_checks_the_others_in_parallel(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(NARRATIVE, folder / "a.txt")
    shutil.copy(TABLE, folder / "b.txt")
    (folder / "c.pdf").write_bytes(b"%PDF-1.4 truncated")
    (folder / ".hidden.txt").write_text("ignored", encoding="utf-8")
    code, reports = check_json(str(folder), "--jobs", "2", "--no-cache")
    assert code == 3  # bit 1: an error finding; bit 2: a file could not be read
    assert [Path(r["source"]["path"]).name for r in reports] == ["a.txt", "b.txt", "c.pdf"]
    assert "error" in reports[2] and "c.pdf" in reports[2]["error"]
    serial = check_json(str(folder), "--jobs", "1", "--no-cache")[1]
    assert [r.get("findings") for r in serial] == [r.get("findings") for r in reports]


def test_cache_skips_unchanged_files_and_notices_changes(tmp_path: Path) -> None:
    copy = tmp_path / "r.txt"
    shutil.copy(NARRATIVE, copy)
    first = check_json(str(copy))[1][0]
    second = check_json(str(copy))[1][0]
    assert "cached" not in first and second["cached"] is True
    assert second["findings"] == first["findings"]
    copy.write_text(copy.read_text(encoding="utf-8").replace("2.36%", "2.63%"), encoding="utf-8")
    third = check_json(str(copy))[1][0]
    assert "cached" not in third and not any(f["code"] == "JX206" for f in third["findings"])
    assert "cached" not in check_json(str(copy), "--no-cache")[1][0]


def test_select_and_ignore() -> None:
    _, (only) = check_json(str(NARRATIVE), "--select", "JX2")
    assert {f["code"] for f in only[0]["findings"]} == {"JX206"}
    code, (rest) = check_json(str(NARRATIVE), "--ignore", "JX206,JX6")
    assert code == 0 and {f["code"] for f in rest[0]["findings"]} == {"JX507"}
    code, out = invoke("check", str(NARRATIVE), "--select", "JX999")
    assert code == 2 and "JX999" in out


def test_text_output_groups_by_report_with_locations() -> None:
    code, out = invoke("check", str(NARRATIVE), str(TABLE), "--no-cache")
    assert code == 1
    assert out.index(f"== {NARRATIVE}") < out.index(f"== {TABLE}")
    assert "JX206 错误" in out and "位置: 第8行" in out and "数字: -86.25, 3284.7, -2.36, -2.63" in out
    assert "共 2 份报告" in out


def test_sarif_output() -> None:
    code, out = invoke("check", str(NARRATIVE), "--format", "sarif", "--no-cache")
    assert code == 1
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert any(r["id"] == "JX304" and r["defaultConfiguration"]["level"] == "error" for r in rules)
    result = next(r for r in run["results"] if r["ruleId"] == "JX206")
    assert result["level"] == "error" and rules[result["ruleIndex"]]["id"] == "JX206"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 8
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(NARRATIVE.name)


def test_profile_option_and_bad_profile(tmp_path: Path) -> None:
    _, (report,) = check_json(str(TABLE), "--profile", "hunan-dept", "--no-cache")
    assert report["profile"] == "hunan-dept" and report["score"]["grade_computed"] == "优秀"
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\nname = "x"\nsurprise = 1\n', encoding="utf-8")
    code, out = invoke("check", str(TABLE), "--profile", str(bad))
    assert code == 2 and "bad.toml" in out and "surprise" in out


def test_rules_and_rule() -> None:
    code, out = invoke("rules")
    assert code == 0 and "JX301" in out and "sangong-over-budget" in out
    code, out = invoke("rules", "--format", "json")
    assert code == 0 and any(r["code"] == "JX203" for r in json.loads(out))
    code, out = invoke("rule", "JX304")
    assert code == 0
    for section in ("检查什么", "为什么重要", "示例", "如何修改"):
        assert section in out
    code, out = invoke("rule", "JX999")
    assert code == 2 and "JX999" in out


def test_explain_shows_each_number_with_inputs_and_formula() -> None:
    code, out = invoke("check", str(TABLE), "--explain", "--no-cache")
    assert code == 0
    assert "计分过程" in out and "预算执行:" in out and "min(执行率, 100%)" in out
    assert "总分: 预算执行得分" in out and "→ 99.85" in out
