"""The command line without rough edges (issue 14): no traceback for any command given a missing file, an
unwritable output or a folder where a file is expected; bilingual argument errors; --version; flags
without a value; the user's umask; `check` on an extracted or imported report, with unit, year and kind
in its header and JSON; warnings when the form or the suffix does not fit; one message per unreadable file."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from jixiao import cli
from jixiao.ingest import limits

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED = SEEDS / "000_30a2303e1e92f5c4.txt"
pytestmark = pytest.mark.skipif(not SEED.is_file(), reason="../shared/seeds is not beside the repository")


@pytest.fixture(autouse=True)
def _no_memory_cap(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(limits, "limit_memory", lambda: None)  # main() caps its own process; not pytest's
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """The console entry point as a user runs it: exit code, stdout, stderr."""
    monkeypatch.setattr("sys.argv", ["jixiao", *args])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    out = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), out.out, out.err


def _commands(missing: str, out: str) -> list[list[str]]:
    return [
        ["parse", missing],
        ["extract", missing],
        ["check", missing],
        ["import", missing],
        ["render", missing, "--form", "national-project", "-o", out],
        ["template", "--form", "national-project", "-o", out, "--report", missing],
    ]


@pytest.mark.parametrize("case", ["missing", "folder", "unwritable"])
def test_no_traceback_anywhere(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    source = {"missing": str(tmp_path / "nope.docx"), "folder": str(folder), "unwritable": str(SEED)}[case]
    out = {"missing": str(tmp_path / "o.xlsx"), "folder": str(folder), "unwritable": "/proc/no/o.xlsx"}[case]
    # check takes folders: a folder is no mistake there
    commands = [c for c in _commands(source, out) if not (case == "folder" and c[0] == "check")]
    if case == "unwritable":  # only the writing commands can fail to write
        commands = [
            ["render", str(SEED), "--form", "hunan-dept-a", "-o", out],
            ["template", "--form", "national-project", "-o", out],
        ]
    for args in commands:
        code, stdout, stderr = run(capsys, monkeypatch, *args)
        message = stdout + stderr
        assert "Traceback" not in message, args
        assert code in (1, 2), args
        assert "内部错误" not in message, (args, message)
        named = out if case == "unwritable" else source
        assert named in message and ".tmp" not in message, (args, message)


def test_argument_errors_are_bilingual(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run(capsys, monkeypatch, "check")
    assert code == 2 and "缺少参数 / Missing argument" in err and "Traceback" not in err
    code, _, err = run(capsys, monkeypatch, "check", "--frob", "x")
    assert code == 2 and "没有此选项 / No such option" in err


def test_version(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao import __version__

    code, out, _ = run(capsys, monkeypatch, "--version")
    assert code == 0 and out.strip() == f"jixiao {__version__}"


def test_flags_show_no_value(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = run(capsys, monkeypatch, "check", "--help")
    assert code == 0
    line = next(line for line in out.splitlines() if "--no-cache" in line)
    assert "<bool>" not in line and "BOOLEAN" not in line


def test_files_follow_the_umask(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o022)
    try:
        out = tmp_path / "t.xlsx"
        code, _, _ = run(capsys, monkeypatch, "template", "--form", "national-project", "-o", str(out))
        rendered = tmp_path / "f.docx"
        code2, _, _ = run(capsys, monkeypatch, "render", str(SEED), "--form", "hunan-dept-a", "-o", str(rendered))
    finally:
        os.umask(old)
    assert code == code2 == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert stat.S_IMODE(rendered.stat().st_mode) == 0o644


def test_check_takes_the_extract_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, extracted, _ = run(capsys, monkeypatch, "extract", str(SEED), "-f", "json")
    assert code == 0
    draft = tmp_path / "draft.json"
    draft.write_text(extracted, encoding="utf-8")
    code, direct, _ = run(capsys, monkeypatch, "check", str(SEED), "-f", "json", "--no-cache")
    code_json, from_json, err = run(capsys, monkeypatch, "check", str(draft), "-f", "json", "--no-cache")
    assert "不是文档" not in err
    assert code_json == code
    a, b = json.loads(direct)["reports"][0], json.loads(from_json)["reports"][0]
    assert [f["code"] for f in b["findings"]] == [f["code"] for f in a["findings"]]
    assert b["score"] == a["score"]
    assert b["unit"] == {
        "department": "临湘市公安局",
        "project_name": None,
        "fiscal_year": 2021,
        "report_kind": "department_overall",
    }
    _, text, _ = run(capsys, monkeypatch, "check", str(draft), "--no-cache")
    assert text.splitlines()[0].startswith(f"== {draft}  临湘市公安局 2021年度 部门整体")


def test_check_takes_a_filled_entry_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    template = tmp_path / "填报.xlsx"
    code, _, _ = run(
        capsys, monkeypatch, "template", "--form", "hunan-dept-a", "-o", str(template), "--report", str(SEED)
    )
    assert code == 0
    code, out, _ = run(capsys, monkeypatch, "check", str(template), "-f", "json", "--no-cache")
    result = json.loads(out)["reports"][0]
    assert "error" not in result, result
    assert result["unit"]["department"] == "临湘市公安局"
    assert result["unit"]["fiscal_year"] == 2021


def test_an_unreadable_file_is_named_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"not a docx")
    code, out, err = run(capsys, monkeypatch, "check", str(bad), "--no-cache")
    assert code == 2
    assert (out + err).count(str(bad)) == 1


def test_render_warns_on_kind_and_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run(
        capsys, monkeypatch, "render", str(SEED), "--form", "national-project", "-o", str(tmp_path / "p.xlsx")
    )
    assert code == 0 and "用于项目支出" in err and "部门整体" in err
    code, _, err = run(
        capsys,
        monkeypatch,
        "render",
        str(SEED),
        "--form",
        "hunan-dept-a",
        "-o",
        str(tmp_path / "x.pdf"),
        "--to",
        "xlsx",
    )
    assert code == 0 and "后缀 .pdf" in err
    code, _, err = run(
        capsys, monkeypatch, "render", str(SEED), "--form", "hunan-dept-a", "-o", str(tmp_path / "a.xlsx")
    )
    assert code == 0 and err == ""


def test_one_way_to_name_a_position(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """parse, extract and check name a cell the same way, counted from 1: 表1 第3行第4列."""
    import re

    _, parsed, _ = run(capsys, monkeypatch, "parse", str(SEED))
    assert "第1行第1列" in parsed and not re.search(r"\br\d+ c\d+\b", parsed)
    _, extracted, _ = run(capsys, monkeypatch, "extract", str(SEED))
    assert re.search(r"表1 第\d+行第\d+列", extracted) and not re.search(r"行\d+列\d+", extracted)
    _, checked, _ = run(capsys, monkeypatch, "check", str(SEED), "--no-cache")
    assert re.search(r"表1 第\d+行第\d+列", checked)
