"""`jixiao review`: a batch of good and bad files in, every file accounted for, the workbook, the
per-report JSON, the cache, the atomic output folder, years compared, the baseline and exit codes."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from jixiao import pipeline, service
from jixiao.cli import app
from jixiao.review import run as review_run
from jixiao.review.controls import finding_key

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "src" / "jixiao" / "samples"
NARRATIVE = SAMPLES / "dept_narrative_baishi_agriculture_2023.txt"  # planted: 支出增减率 2.36% for 2.63%
TABLE = SAMPLES / "dept_table_yunxi_transport_2023.txt"  # consistent: only the missing grade (info)
ACROSS_YEARS = {"JX711", "JX712", "JX713", "JX714"}
runner = CliRunner()


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))


class GbkName(zipfile.ZipInfo):
    """A member name written as Chinese Windows writes it: GBK bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # zipfile's own hook
        return self.filename.encode("gbk"), self.flag_bits


def _zip_with_bad_members(path: Path, report: bytes) -> None:
    inner = path.with_name("inner.zip")
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("a.txt", report)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(GbkName("报告/云溪交通2023.txt"), report)
        z.writestr("../../escaped.txt", report)
        z.writestr("/etc/absolute.txt", report)
        z.write(inner, "inner.zip")
        z.writestr("说明.md", "not a report")
    inner.unlink()


def _rows(book: openpyxl.Workbook, sheet: str) -> list[dict[str, Any]]:
    rows = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _findings(result: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f["code"], f["severity"], f["message"]) for f in result["findings"] if f["code"] not in ACROSS_YEARS]


def test_mixed_folder_lists_every_bad_file_and_keeps_every_good_result(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    good = [*sorted((SHARED / "seeds").glob("*.txt")), *sorted((SHARED / "corpus" / "forms").glob("*.*"))]
    good += [p for p in sorted(SAMPLES.glob("*.*")) if p.suffix in {".txt", ".docx", ".xlsx", ".pdf", ".html"}]
    hostile = sorted(p for p in (SHARED / "hostile").glob("*") if p.suffix != ".md")
    for i, path in enumerate(good + hostile):
        (batch / f"{i:02d}").mkdir(parents=True)
        shutil.copy(path, batch / f"{i:02d}" / path.name)
    (batch / "empty.docx").write_bytes(b"")
    shutil.copy(NARRATIVE, batch / "copy_of_narrative.txt")  # the same content twice
    member = TABLE.read_bytes() + "\n备注：压缩包内的版本。\n".encode()
    _zip_with_bad_members(batch / "收到的报告.zip", member)
    (batch / "broken.zip").write_bytes(b"PK\x03\x04 not really an archive")
    before = {p: p.read_bytes() for p in batch.rglob("*") if p.is_file()}

    review = service.review_files([batch], tmp_path / "out", jobs=2)

    by_path = {r["source"]["path"]: r for r in review.results}
    failed = {f["path"]: f for f in review.failures}
    zip_name = str(batch / "收到的报告.zip")
    assert f"{zip_name}!报告/云溪交通2023.txt" in by_path  # the GBK name decoded
    assert "jixiao-review-" not in json.dumps(by_path[f"{zip_name}!报告/云溪交通2023.txt"], ensure_ascii=False)
    for name, kind in [
        ("empty.docx", "empty"),
        ("copy_of_narrative.txt", "duplicate"),
        ("收到的报告.zip!../../escaped.txt", "traversal"),
        ("收到的报告.zip!/etc/absolute.txt", "traversal"),
        ("收到的报告.zip!inner.zip", "nested_archive"),
        ("broken.zip", "corrupt"),
    ]:
        row = failed[str(batch / name)]
        assert row["kind"] == kind and "\n" not in row["error"] and str(batch / name) in row["error"]
    assert (
        str(batch / "copy_of_narrative.txt")
        in by_path[next(p for p in by_path if p.endswith(NARRATIVE.name))]["also_at"]
    )
    # every input file is either a report or a failure row, none lost, none twice
    inputs = {str(p) for p in batch.rglob("*") if p.is_file() and p.name != "收到的报告.zip"}
    inputs |= {
        f"{zip_name}!{n}" for n in ("报告/云溪交通2023.txt", "../../escaped.txt", "/etc/absolute.txt", "inner.zip")
    }
    listed = list(by_path) + list(failed)
    assert sorted(listed) == sorted(inputs)
    for path in hostile:
        shown = next(p for p in listed if p.endswith(path.name))
        assert shown in by_path or "\n" not in failed[shown]["error"]
    # no good file's result is lost: the same findings as checking it alone
    alone = {str(p): r for p, r in zip(good, pipeline.check_paths(good, jobs=2), strict=True)}
    for i, path in enumerate(good):
        assert _findings(by_path[str(batch / f"{i:02d}" / path.name)]) == _findings(alone[str(path)])
    loose = tmp_path / "member.txt"
    loose.write_bytes(member)
    (member_alone,) = pipeline.check_paths([loose])
    assert _findings(by_path[f"{zip_name}!报告/云溪交通2023.txt"]) == _findings(member_alone)
    # the outputs: one JSON per report with its extraction and document, the workbook's sheets
    out = tmp_path / "out"
    for result in review.results:
        saved = json.loads((out / "reports" / f"{result['source']['sha256']}.json").read_text(encoding="utf-8"))
        assert saved["findings"] == result["findings"] and saved["document"]["blocks"] and "facts" in saved["report"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'data-sha="{r["source"]["sha256"]}"' in page for r in review.results)
    book = openpyxl.load_workbook(out / "review.xlsx")
    assert book.sheetnames == ["汇总", "排名", "问题清单", "规则统计", "指标", "三公", "跨年对比", "抽查", "读取失败"]
    assert sorted(r["文件"] for r in _rows(book, "读取失败")) == sorted(failed)
    assert len(_rows(book, "汇总")) == len(review.results)
    assert sum(len(r["findings"]) for r in review.results) == len(_rows(book, "问题清单"))
    assert review.exit_code == 3  # error findings and unreadable files
    assert {p: p.read_bytes() for p in batch.rglob("*") if p.is_file()} == before  # inputs untouched


def test_workbook_numbers_are_numbers_with_formats_filters_and_links(tmp_path: Path) -> None:
    service.review_files([NARRATIVE, TABLE], tmp_path / "out")
    book = openpyxl.load_workbook(tmp_path / "out" / "review.xlsx")
    summary = book["汇总"]
    assert summary.freeze_panes == "A2" and summary.auto_filter.ref.startswith("A1:")
    rows = _rows(book, "汇总")
    table = next(r for r in rows if r["文件"] == str(TABLE))
    assert table["单位"] == "云溪市交通运输局" and table["年度"] == 2023
    assert table["自评得分"] == 99.85 and isinstance(table["预算执行率"], float)
    header = [c.value for c in summary[1]]
    rate_cell = summary.cell(rows.index(table) + 2, header.index("预算执行率") + 1)
    assert rate_cell.number_format == '0.00"%"'
    link = summary.cell(rows.index(table) + 2, header.index("页面") + 1).hyperlink
    assert link is not None and link.target == f"index.html#r/{table['SHA-256']}"
    assert summary.conditional_formatting  # errors and warnings coloured
    jx206 = next(r for r in _rows(book, "问题清单") if r["编码"] == "JX206")
    assert jx206["级别"] == "错误" and "-2.36" in jx206["数值"] and jx206["原文"].startswith("2023年度支出总计")
    indicators = [r for r in _rows(book, "指标") if r["单位"] == "云溪市交通运输局"]
    assert len(indicators) == 16 and all(isinstance(r["分值"], int | float) for r in indicators)
    stats = {r["编码"]: r for r in _rows(book, "规则统计")}
    assert stats["JX206"]["发现数"] == 1 and stats["JX206"]["涉及报告数"] == 1


def test_review_lists_the_same_findings_as_check_on_the_shared_corpus(tmp_path: Path) -> None:
    corpus = SHARED / "corpus"
    review = service.review_files([corpus], tmp_path / "out", jobs=2)
    checked = {r["source"]["path"]: r for r in pipeline.check_paths([corpus], jobs=2)}
    assert review.failures == [] and len(review.results) == len(checked)
    for result in review.results:
        assert _findings(result) == _findings(checked[result["source"]["path"]])


def test_second_run_reads_nothing_and_writes_the_same(tmp_path: Path) -> None:
    first = service.review_files([NARRATIVE, TABLE], tmp_path / "out", jobs=2)
    book_one = [_rows(openpyxl.load_workbook(tmp_path / "out" / "review.xlsx"), "问题清单")]
    second = service.review_files([NARRATIVE, TABLE], tmp_path / "out", jobs=2)
    book_two = [_rows(openpyxl.load_workbook(tmp_path / "out" / "review.xlsx"), "问题清单")]
    assert first.read == 2 and second.read == 0
    assert first.results == second.results and book_one == book_two
    renamed = tmp_path / "renamed.txt"
    shutil.copy(TABLE, renamed)
    again = service.review_files([renamed], tmp_path / "again")
    assert again.read == 0  # keyed on content, not name
    assert str(TABLE) not in json.dumps(again.results, ensure_ascii=False)  # and named as it is now
    assert service.review_files([renamed], tmp_path / "fresh", use_cache=False).read == 1


def test_an_interrupted_review_leaves_the_previous_output_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    service.review_files([TABLE], out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def interrupted(*args: object, **kwargs: object) -> Path:
        raise KeyboardInterrupt

    monkeypatch.setattr(review_run, "write_workbook", interrupted)
    with pytest.raises(KeyboardInterrupt):
        service.review_files([NARRATIVE], out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "out"]  # no half-built folder left


def _year_before(text: str) -> str:
    return text.replace("2022", "2021").replace("2023", "2022").replace("2024", "2023")


def test_two_years_of_one_unit_are_compared(tmp_path: Path) -> None:
    folder = tmp_path / "years"
    folder.mkdir()
    narrative = NARRATIVE.read_text(encoding="utf-8")
    shutil.copy(NARRATIVE, folder / "baishi_2023.txt")
    last = _year_before(narrative).replace("收入总计3256.80万元", "收入总计3100.00万元")
    last = last.replace("支出总计3198.45万元", "支出总计3284.70万元")  # 2023's 3198.45 + 86.25: consistent
    (folder / "baishi_2022.txt").write_text(last, encoding="utf-8")
    table = TABLE.read_text(encoding="utf-8")
    assert "≥120公里" in table
    shutil.copy(TABLE, folder / "yunxi_2023.txt")
    (folder / "yunxi_2022.txt").write_text(_year_before(table).replace("≥120公里", "≥100公里"), encoding="utf-8")

    review = service.review_files([folder], tmp_path / "out")
    by_name = {Path(r["source"]["path"]).name: r for r in review.results}
    codes = {name: {f["code"] for f in r["findings"]} & ACROSS_YEARS for name, r in by_name.items()}
    assert codes["baishi_2022.txt"] == set() and codes["yunxi_2022.txt"] == set()  # the earlier year: nothing
    assert {"JX713", "JX714"} <= codes["baishi_2023.txt"]
    assert codes["yunxi_2023.txt"] == {"JX711", "JX712"}  # same names; all targets but the one changed
    # income was changed in the copy, 公务接待费 (9.46, down 1.28 on last year) was not: both differ
    jx714s = {f["message"].split("：")[0]: f for f in by_name["baishi_2023.txt"]["findings"] if f["code"] == "JX714"}
    assert sorted(jx714s) == ["公务接待费", "收入合计"]  # spending was made consistent: no finding
    jx714 = jx714s["收入合计"]
    assert jx714["numbers"] == [3256.8, 215.4, 3041.4, 3100]
    assert jx714["evidence"] and jx714["evidence"][0]["text"].startswith("2023年度收入总计")
    (jx711,) = [f for f in by_name["yunxi_2023.txt"]["findings"] if f["code"] == "JX711"]
    assert jx711["numbers"][:2] == [15, 16] and "≥120公里" not in jx711["message"]
    income = next(r for r in review.comparisons if r["measure"] == "收入合计" and r["unit"] == "白石县农业农村局")
    assert (income["year"], income["prior_year"], float(income["change"])) == (2023, 2022, pytest.approx(156.8))
    rows = _rows(openpyxl.load_workbook(tmp_path / "out" / "review.xlsx"), "跨年对比")
    assert any(r["项目"] == "收入合计" and r["上年数"] == 3100 for r in rows)


def test_baseline_suppresses_accepted_findings_by_content_not_by_name(tmp_path: Path) -> None:
    baseline = tmp_path / "accepted.json"
    first = service.review_files([NARRATIVE], tmp_path / "one", baseline=baseline, accept_reason="已与单位核实")
    assert first.exit_code == 1 and baseline.exists()
    saved = json.loads(baseline.read_text(encoding="utf-8"))["accepted"]
    assert {e["reason"] for e in saved} == {"已与单位核实"} and len(saved) == len(first.results[0]["findings"])
    renamed = tmp_path / "renamed.txt"
    shutil.copy(NARRATIVE, renamed)
    second = service.review_files([renamed], tmp_path / "two", baseline=baseline)
    assert second.results[0]["findings"] == [] and second.results[0]["suppressed"] == len(saved)
    assert second.exit_code == 0
    changed = tmp_path / "changed.txt"
    changed.write_text(NARRATIVE.read_text(encoding="utf-8") + "\n（修订稿）\n", encoding="utf-8")
    third = service.review_files([changed], tmp_path / "three", baseline=baseline)
    assert third.results[0]["findings"] and third.exit_code == 1  # new content: checked afresh
    code, out = _check("--baseline", str(baseline), str(renamed))
    assert code == 0 and out["reports"][0]["findings"] == []


def _check(*args: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(app, ["check", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout)


def test_a_finding_key_ignores_the_message_and_file_but_not_the_place() -> None:
    finding = {"code": "JX206", "message": "a", "numbers": [1], "evidence": [{"line": 8, "text": "x"}]}
    assert finding_key(finding) == finding_key({**finding, "message": "b"})
    assert finding_key(finding) != finding_key({**finding, "evidence": [{"line": 9, "text": "x"}]})
    assert finding_key(finding) != finding_key({**finding, "numbers": [2]})


def _review(tmp_path: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["review", *args, "--out", str(tmp_path / "out")])
    return result.exit_code, result.output


def test_exit_codes_tell_findings_from_unreadable_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    assert _review(tmp_path, str(TABLE))[0] == 0  # only an info finding
    assert _review(tmp_path, str(TABLE), "--fail-on", "warning")[0] == 0
    assert _review(tmp_path, str(NARRATIVE))[0] == 1
    assert _review(tmp_path, str(bad))[0] == 2
    code, output = _review(tmp_path, str(NARRATIVE), str(bad))
    assert code == 3 and "bad.pdf" in output
    assert _review(tmp_path, str(NARRATIVE), "--ignore", "JX206")[0] == 0
    code, _ = _check(str(NARRATIVE), "--severity", "error")
    assert code == 1
    assert _check(str(TABLE), "--severity", "warning")[1]["reports"][0]["findings"] == []
    assert runner.invoke(app, ["review", str(TABLE), "--out", str(tmp_path / "o"), "--select", "JX999"]).exit_code == 2


def test_severity_and_fail_on_follow_the_linter_convention(tmp_path: Path) -> None:
    review = service.review_files([NARRATIVE, TABLE], tmp_path / "out", severity="warning")
    assert all(f["severity"] in {"error", "warning"} for r in review.results for f in r["findings"])
    warned = service.review_files([NARRATIVE], tmp_path / "out", ignore=["JX206"], fail_on="warning")
    has_warning = any(f["severity"] == "warning" for r in warned.results for f in r["findings"])
    assert warned.exit_code == (1 if has_warning else 0)


def test_the_sample_is_reproducible_stratified_and_weighted_toward_errors() -> None:
    from jixiao.review.sample import draw

    def fake(i: int, score: float | None, errors: int) -> dict[str, Any]:
        findings = [{"severity": "error"}] * errors
        return {"source": {"sha256": f"{i:04d}"}, "score": {"computed": score}, "findings": findings}

    reports = [fake(i, [95, 85, 70, 40, None][i % 5], 1 if i % 7 == 0 else 0) for i in range(200)]
    one = draw(reports, 20, seed=7)
    assert [r["source"]["sha256"] for r, _, _ in one] == [
        r["source"]["sha256"] for r, _, _ in draw(reports[::-1], 20, 7)
    ]
    assert [r["source"]["sha256"] for r, _, _ in one] != [r["source"]["sha256"] for r, _, _ in draw(reports, 20, 8)]
    assert len(one) == 20 and {band for _, band, _ in one} == {
        "90分及以上",
        "80–90分",
        "60–80分",
        "60分以下",
        "无法复算",
    }
    share_with_errors = sum(1 for r, _, _ in one if r["findings"]) / len(one)
    base_rate = sum(1 for r in reports if r["findings"]) / len(reports)
    drawn = [sum(1 for r, _, _ in draw(reports, 20, seed) if r["findings"]) for seed in range(50)]
    assert sum(drawn) / (50 * 20) > 1.5 * base_rate and share_with_errors >= 0
    assert len(draw(reports[:3], 20, 1)) == 3


def test_one_finding_is_accepted_by_its_key_from_a_file_or_a_review(tmp_path: Path) -> None:
    baseline = tmp_path / "accepted.json"
    review = service.review_files([NARRATIVE], tmp_path / "out")
    (result,) = review.results
    jx206 = next(f for f in result["findings"] if f["code"] == "JX206")
    saved = tmp_path / "out" / "reports" / f"{result['source']['sha256']}.json"
    done = runner.invoke(
        app, ["accept", str(saved), finding_key(jx206), "--baseline", str(baseline), "--reason", "核实"]
    )
    assert done.exit_code == 0 and "JX206" in done.output
    again = service.review_files([NARRATIVE], tmp_path / "out", baseline=baseline)
    assert [f["code"] for f in again.results[0]["findings"]] == [
        f["code"] for f in result["findings"] if f is not jx206
    ]
    assert again.results[0]["suppressed"] == 1
    wrong = runner.invoke(app, ["accept", str(NARRATIVE), "JX999:0", "--baseline", str(baseline), "--reason", "x"])
    assert wrong.exit_code == 2 and "JX999:0" in wrong.output and finding_key(jx206) in wrong.output


def test_zip_bombs_are_refused_member_by_member(tmp_path: Path) -> None:
    from jixiao.ingest.limits import Limits
    from jixiao.review.inputs import unpack_zip

    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros.txt", b"0" * 2_000_000)  # inflates 2 MB from a few KB
        z.writestr("a.txt", TABLE.read_bytes())
        z.writestr("b.txt", NARRATIVE.read_bytes())
    small = Limits(max_file_bytes=1_000_000)
    files, refused = unpack_zip(archive, tmp_path / "in", small)
    assert [f.shown.rsplit("!", 1)[1] for f in files] == ["a.txt", "b.txt"]
    assert [(r.shown.rsplit("!", 1)[1], r.kind) for r in refused] == [("zeros.txt", "too_large")]
    assert "压缩炸弹" in refused[0].reason and "zip bomb" in refused[0].reason
    # the whole archive's unpacked size is bounded too: members past it are refused, the first kept
    files, refused = unpack_zip(archive, tmp_path / "in2", max_total=2_000_000 + TABLE.stat().st_size)
    assert [f.shown.rsplit("!", 1)[1] for f in files] == ["zeros.txt", "a.txt"]
    assert [r.shown.rsplit("!", 1)[1] for r in refused] == ["b.txt"]
    assert files[1].path.read_bytes() == TABLE.read_bytes() and files[1].path.parent.parent == tmp_path / "in2"


def test_progress_is_reported_as_files_are_done(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    service.review_files(
        [NARRATIVE, TABLE, *sorted((SHARED / "seeds").glob("*.txt"))],
        tmp_path / "out",
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[0] == (0, 7) and seen[-1] == (7, 7)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    seen.clear()
    service.review_files([NARRATIVE, TABLE], tmp_path / "out", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(2, 2)]  # all from the cache


def test_a_folder_that_is_not_a_review_output_is_never_replaced(tmp_path: Path) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "mine.txt").write_text("keep", encoding="utf-8")
    done = runner.invoke(app, ["review", str(TABLE), "--out", str(documents)])
    assert (
        done.exit_code == 2
        and "不予覆盖" in done.output
        and (documents / "mine.txt").read_text(encoding="utf-8") == "keep"
    )
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    assert runner.invoke(app, ["review", str(TABLE), "--out", str(a_file)]).exit_code == 2
    assert a_file.read_text(encoding="utf-8") == "x"
    assert service.review_files([TABLE], tmp_path / "out").exit_code == 0
    assert service.review_files([TABLE], tmp_path / "out").exit_code == 0  # its own output is replaced


def test_units_are_matched_by_code_when_both_state_one_else_by_name() -> None:
    from jixiao.review.years import pairs

    def report(year: int, name: str, code: str | None = None, project: str | None = None) -> dict[str, Any]:
        unit = {"department": name, "code": code, "report_kind": "project" if project else "department_overall"}
        unit["project_name"] = project
        return {"report": {"report": {"unit": unit}, "document": {"fiscal_year": year}}, "id": f"{name}{code}{year}"}

    reports = [
        report(2023, "云溪市交通运输局", "906017"),
        report(2022, "云溪市 交通运输局"),  # no code last year: matched by its name (spaces aside)
        report(2022, "云溪市交通局", "906017"),  # renamed, same code
        report(2022, "云溪市交通运输局", "111111"),  # same name, another code: another unit
        report(2021, "云溪市交通运输局", "906017"),  # not the year before
        report(2023, "云溪市交通运输局", project="农村公路"),  # a project report pairs with its project only
        report(2022, "云溪市交通运输局", project="农村公路"),
    ]
    got = sorted((a["id"], b["id"]) for a, b in pairs(reports))
    assert got == [
        ("云溪市 交通运输局None2022", "云溪市交通运输局9060172021"),  # no code this year: by name
        ("云溪市交通局9060172022", "云溪市交通运输局9060172021"),  # by code, whatever the name
        ("云溪市交通运输局9060172023", "云溪市 交通运输局None2022"),
        ("云溪市交通运输局9060172023", "云溪市交通局9060172022"),
        ("云溪市交通运输局None2023", "云溪市交通运输局None2022"),
    ]
