"""`make demo`: the main jobs on fictional reports.

Each bundled sample is read, its facts and indicators extracted, re-scored under its profile and
checked by every rule; one report is written out as official forms and a narrative report. Then a
corpus of fictional units is generated (`jixiao samples generate`), reviewed as a finance bureau
would (`jixiao review`), and the summary and the dashboard's path are printed. Outputs go to
./demo-out (or the folder given as the first argument).
"""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from jixiao import service
from jixiao.errors import JixiaoError

# What a bundled report can be; the samples package also holds code (the corpus generator).
REPORT_SUFFIXES = frozenset({".txt", ".docx", ".doc", ".wps", ".xlsx", ".xls", ".et", ".pdf", ".html", ".htm"})
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
DEMO_CORPUS_SIZE = 30


def sample_files() -> list[Path]:
    """The bundled sample reports: files of samples/ (not its folders, such as labels/) with a report suffix."""
    root = Path(str(resources.files("jixiao") / "samples"))
    return sorted(
        p
        for p in root.iterdir()
        if p.is_file() and p.suffix.lower() in REPORT_SUFFIXES and not p.name.startswith(("_", "."))
    )


def _score(value: Any) -> str:
    return "—" if value is None else f"{value:g}" if isinstance(value, int | float) else str(value)


def check_samples(files: list[Path]) -> int:
    """Extract, score and check every sample; print one block per report. Returns the number unread."""
    results = service.check_files(list(files), use_cache=False)
    failures = 0
    for result in results:
        name = Path(result["source"]["path"]).name
        if "error" in result:
            failures += 1
            print(f"  ✗ {name}: {result['error']}")
            continue
        score = result["score"]
        counts = Counter(f["severity"] for f in result["findings"])
        tally = (
            "，".join(f"{SEVERITY_ZH[s]} {counts[s]}" for s in ("error", "warning", "info") if counts[s]) or "无问题"
        )
        print(
            f"  ✓ {name}\n"
            f"      得分 所述 {_score(score.get('stated'))} / 重算 {_score(score.get('computed'))}，"
            f"等次 所述 {score.get('grade_stated') or '—'} / 重算 {score.get('grade_computed') or '—'}"
            f"（评分规则 {result['profile']}）；{tally}"
        )
        for finding in result["findings"][:4]:
            print(f"      {finding['code']} {SEVERITY_ZH[finding['severity']]}  {finding['message']}")
        if len(result["findings"]) > 4:
            print(f"      …另有 {len(result['findings']) - 4} 条，见 jixiao check {name}")
    return failures


def render_outputs(files: list[Path], out: Path) -> list[Path]:
    """Forms and a narrative report from the samples: what a unit hands in."""
    project = next((p for p in files if p.stem.startswith("project_") and p.suffix == ".docx"), None)
    department = next((p for p in files if p.stem.startswith("dept_table_") and p.suffix == ".docx"), None)
    narrative = next((p for p in files if p.stem.startswith("dept_narrative_") and p.suffix == ".txt"), None)
    jobs: list[tuple[Path, str, str]] = []
    if project is not None:
        jobs += [(project, "national-project", "xlsx"), (project, "national-project", "docx")]
    if department is not None:
        jobs += [(department, "hunan-dept-b", "xlsx"), (department, "narrative-hunan", "docx")]
    if narrative is not None:
        jobs.append((narrative, "narrative-hunan", "docx"))
    written = []
    for source, form_id, to in jobs:
        target = out / f"{source.stem}.{form_id}.{to}"
        written.append(service.render_output(source, form_id, to, target))
    if department is not None and shutil.which("soffice"):
        written.append(service.render_output(department, "narrative-hunan", "pdf", out / f"{department.stem}.pdf"))
    template = service.write_entry_template("national-project", out / "填报模板-项目支出绩效自评表.xlsx")
    written.append(template)
    return written


def review_corpus(out: Path) -> None:
    """Generate a corpus of fictional units, review it, print the summary and where the outputs are."""
    corpus, review_out = out / "corpus", out / "review"
    print(f"\n生成虚构语料：{DEMO_CORPUS_SIZE} 份报告（多个单位、多个年度、各表式与格式，部分植入缺陷）…")
    truth_path = service.generate_samples(DEMO_CORPUS_SIZE, corpus, seed=0, jobs=2)
    print(f"批量审核 {corpus}/ …")
    review = service.review_files([corpus], review_out, jobs=2, use_cache=False)
    counts = Counter(f["severity"] for r in review.results for f in r["findings"])
    tally = "，".join(f"{SEVERITY_ZH[s]} {counts[s]}" for s in ("error", "warning", "info"))
    print(f"  共 {len(review.results)} 份报告：{tally}；读取失败 {len(review.failures)}")
    planted = sum(1 for f in service.load_ground_truth(corpus)["files"] if f["defects"])
    print(f"  植入缺陷的报告 {planted} 份，标准答案：{truth_path}")
    print(f"  工作簿：{review.out / 'review.xlsx'}")
    if review.dashboard is not None:
        print(f"  仪表板：{review.dashboard}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path("demo-out")
    files = sample_files()
    print(f"jixiao 演示：{len(files)} 个内置示例报告（虚构单位）——读取、提取、按评分规则重算、勾稽检查\n")
    try:
        failures = check_samples(files)
        out.mkdir(parents=True, exist_ok=True)
        written = render_outputs(files, out)
    except JixiaoError as exc:
        print(f"jixiao: {exc.one_line()}", file=sys.stderr)
        return 2
    print(f"\n已生成 {len(written)} 个文件（官方表格、自评报告、填报模板）于 {out}/：")
    for path in written:
        print(f"  {path.name}")
    if not shutil.which("soffice"):
        print("  （未安装 LibreOffice，未生成 PDF；运行 scripts/install-system-deps.sh 安装）")
    try:
        review_corpus(out)
    except JixiaoError as exc:
        print(f"jixiao: {exc.one_line()}", file=sys.stderr)
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
