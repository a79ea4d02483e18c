"""The `jixiao` command: argument parsing, output formats and exit codes, nothing else.

Each command makes one call into `jixiao.service`; a `JixiaoError` becomes one line on stderr and
exit code 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

# typer ≥ 0.29 carries its own click: its usage errors are these classes, not the click package's
from typer._click import exceptions as click_errors

from jixiao import service
from jixiao.errors import JixiaoError

app = typer.Typer(
    name="jixiao",
    help="jixiao 预算绩效自评：读取、评分、勾稽检查、填报表格。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain click help: flags show no "<bool>" value they do not take
)

F = TypeVar("F", bound=Callable[..., Any])


def _print_version(value: bool) -> None:
    if value:
        from jixiao import __version__

        typer.echo(f"jixiao {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="显示版本 / show the version"),
    ] = False,
) -> None:
    """jixiao 预算绩效自评：读取、评分、勾稽检查、填报表格。"""


class OutputFormat(StrEnum):
    json = "json"
    text = "text"


def reports_errors(func: F) -> F:
    """Turn a JixiaoError into one line on stderr and exit code 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except JixiaoError as exc:
            typer.echo(f"jixiao: {exc.one_line()}", err=True)
            raise typer.Exit(2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except OSError as exc:  # a missing input, an unwritable output, a folder where a file is expected
            typer.echo(f"jixiao: {os_error_line(exc)}", err=True)
            raise typer.Exit(2) from None
        except Exception as exc:  # the CLI boundary: one line, never click's bare "Aborted." for an EOFError
            detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
            typer.echo(f"jixiao: {_named_file(args, kwargs)}内部错误 / internal error: {detail}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


_OS_REASONS: dict[type[OSError], tuple[str, str]] = {
    FileNotFoundError: ("文件或文件夹不存在", "no such file or folder"),
    IsADirectoryError: ("这是文件夹，需要文件", "is a folder, a file is expected"),
    NotADirectoryError: ("路径中有一段不是文件夹", "a part of the path is not a folder"),
    PermissionError: ("没有权限读取或写入", "permission denied"),
}


def os_error_line(exc: OSError) -> str:
    """One bilingual line naming the file: "/x/out.xlsx: 没有权限读取或写入 / permission denied"."""
    zh, en = next(
        (reason for kind, reason in _OS_REASONS.items() if isinstance(exc, kind)),
        ("无法读取或写入", exc.strerror or type(exc).__name__),
    )
    name = exc.filename if exc.filename is not None else ""
    return f"{name}: {zh} / {en}" if name else f"{zh} / {en}"


def _named_file(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """The file a command was given, for the one line an unexpected failure prints."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, Path):
            return f"{value}: "
    return ""


def emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@app.command()
@reports_errors
def parse(
    file: Annotated[Path, typer.Argument(help="报告文件 / report file")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="json 或 text")] = OutputFormat.text,
) -> None:
    """读取文档结构（段落与表格） / print the document layer: blocks, span-aware tables, provenance."""
    document = service.parse_document(file)
    if format is OutputFormat.json:
        emit_json(document.to_dict())
        return
    from jixiao.ingest.show import document_as_text

    typer.echo(document_as_text(document))


@app.command("extract")
@reports_errors
def extract_command(
    file: Annotated[Path, typer.Argument(help="报告文件 / report file")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="json 或 text")] = OutputFormat.text,
) -> None:
    """提取自评报告的数据（事实、指标、项目），每个数值可追溯到原文 / extract a report's typed content."""
    data = service.extract_json(file)
    if format is OutputFormat.json:
        emit_json(data)
        return
    from jixiao.extract.show import extraction_as_text

    typer.echo(extraction_as_text(data))


# --- check / rules / rule / profiles: scoring profiles and consistency rules ----------------------


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class Level(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"


def _selectors(values: list[str] | None) -> list[str] | None:
    """--select JX1,JX301 --select JX4 → ["JX1", "JX301", "JX4"]."""
    if not values:
        return None
    return [v.strip() for raw in values for v in raw.split(",") if v.strip()]


BrokerOption = Annotated[
    str | None,
    typer.Option(
        "--broker",
        envvar="JIXIAO_BROKER_URL",
        help="任务队列（redis://… 或 amqp://…）：每个文件交给 jixiao worker 处理 / Celery broker URL",
    ),
]
QueueOption = Annotated[
    str | None, typer.Option("--queue", envvar="JIXIAO_QUEUE", help="队列名（默认 jixiao）/ queue name")
]
# the reviewer's controls, the same for check and review
SeverityOption = Annotated[Level, typer.Option("--severity", help="只报告此级别及以上 / lowest severity shown")]
FailOnOption = Annotated[FailOn, typer.Option("--fail-on", help="此级别及以上的发现使退出码含 1")]
BaselineOption = Annotated[Path | None, typer.Option("--baseline", help="已接受发现的基线文件 / accepted findings")]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="不使用缓存 / do not use the result cache")]


@app.command()
@reports_errors
def check(  # noqa: PLR0917 — typer maps each parameter to an option
    paths: Annotated[list[Path], typer.Argument(help="报告文件或文件夹 / report files or folders")],
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", help="评分规则 ID 或 .toml 文件；默认按地区与年度选择")
    ] = None,
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="text、json 或 sarif")] = CheckFormat.text,
    select: Annotated[list[str] | None, typer.Option("--select", help="只运行这些规则：ALL、前缀 JX3 或编码")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="不运行这些规则：前缀或编码")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="并行进程数 / parallel processes")] = 1,
    no_cache: NoCacheOption = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="text 输出中列出计分过程 / show how each score was computed")
    ] = False,
    broker: BrokerOption = None,
    queue: QueueOption = None,
    severity: SeverityOption = Level.info,
    fail_on: FailOnOption = FailOn.error,
    baseline: BaselineOption = None,
) -> None:
    """重新评分并运行全部勾稽规则 / re-score reports and run every consistency rule.

    退出码 / exit code: 0 无问题 clean; 1 有 --fail-on 级别（默认 error）的发现 findings;
    否则 2 有文件无法读取 otherwise 2 when a file could not be read.
    """
    results = service.check_files(
        list(paths),
        profile,
        select=_selectors(select),
        ignore=_selectors(ignore),
        jobs=jobs,
        use_cache=not no_cache,
        broker=broker,
        queue=queue,
    )
    text, code = service.check_report_output(
        results, format.value, explain, severity=severity.value, fail_on=fail_on.value, baseline=baseline
    )
    typer.echo(text)
    # the text output names an unreadable file already; JSON and SARIF readers get the line on stderr
    if code == 2 and len(results) == 1 and "error" in results[0] and format is not CheckFormat.text:
        typer.echo(f"jixiao: {results[0]['error']}", err=True)
    raise typer.Exit(code)


@app.command("rules")
@reports_errors
def rules_command(
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="json 或 text")] = OutputFormat.text,
) -> None:
    """列出全部勾稽规则 / list the consistency rules."""
    rules = service.list_rules()
    if format is OutputFormat.json:
        emit_json(rules)
        return
    for r in rules:
        typer.echo(f"{r['code']}  {r['severity']:<7}  {r['name']:<36}  {r['summary']}")


@app.command("rule")
@reports_errors
def rule_command(code: Annotated[str, typer.Argument(help="规则编码或名称，如 JX301")]) -> None:
    """说明一条规则：检查什么、为什么重要、示例、如何修改 / explain one rule."""
    typer.echo(service.rule_doc(code))


@app.command("profiles")
@reports_errors
def profiles_command(
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="json 或 text")] = OutputFormat.text,
) -> None:
    """列出评分规则（内置及 JIXIAO_PROFILE_DIR 中的） / list the scoring profiles."""
    profiles = service.list_profiles()
    if format is OutputFormat.json:
        emit_json(profiles)
        return
    for p in profiles:
        regions = "、".join(p["regions"]) or "全国"
        typer.echo(f"{p['id']:<24} {regions:<8} {p['years'][0]}–{p['years'][1]}  {p['name']}")


# --- forms / render / template / import: official outputs and the entry template ---------------


class RenderTarget(StrEnum):
    xlsx = "xlsx"
    docx = "docx"
    pdf = "pdf"


@app.command("forms")
@reports_errors
def forms_command(
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="json 或 text")] = OutputFormat.text,
) -> None:
    """列出可输出的表单与报告提纲 / list the forms and narrative outlines that render can write."""
    forms = service.list_forms()
    if format is OutputFormat.json:
        emit_json(forms)
        return
    for form in forms:
        typer.echo(f"{form['id']:<28} {'/'.join(form['formats']):<16} {form['name']}")


@app.command("render")
@reports_errors
def render_command(
    report: Annotated[Path, typer.Argument(help="报告文件或 jixiao extract 的 JSON / report file or extract JSON")],
    form: Annotated[str, typer.Option("--form", help="表单编号，见 jixiao forms / form id")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件 / output file")],
    to: Annotated[RenderTarget | None, typer.Option("--to", help="xlsx、docx 或 pdf（默认按输出文件后缀）")] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="评分规则（叙述报告复算用）")] = None,
) -> None:
    """按官方表式输出自评表或自评报告 / write an official form or the narrative report."""
    if out.is_dir():
        raise IsADirectoryError(21, "is a directory", str(out))
    suffix = out.suffix.lstrip(".").lower()
    target = to.value if to is not None else suffix
    if target not in {t.value for t in RenderTarget}:
        typer.echo("jixiao: 请用 --to 指定 xlsx、docx 或 pdf / use --to xlsx|docx|pdf", err=True)
        raise typer.Exit(2)
    if suffix != target:
        typer.echo(
            f"jixiao: 注意 / warning: 输出文件后缀 .{suffix} 与格式 {target} 不符 / the suffix does not fit {target}",
            err=True,
        )
    written, warnings = service.render_output_checked(report, form, target, out, profile)
    for warning in warnings:
        typer.echo(f"jixiao: 注意 / warning: {warning}", err=True)
    typer.echo(str(written))


@app.command("template")
@reports_errors
def template_command(
    form: Annotated[str, typer.Option("--form", help="表单编号，见 jixiao forms / form id")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出的 .xlsx / output .xlsx")],
    report: Annotated[Path | None, typer.Option("--report", help="用已有报告预填 / pre-fill from a report")] = None,
) -> None:
    """生成单位填报用的 Excel 模板 / write the Excel entry template for units."""
    typer.echo(str(service.write_entry_template(form, out, report)))


@app.command("import")
@reports_errors
def import_command(
    file: Annotated[Path, typer.Argument(help="填好的填报模板 .xlsx / filled entry template")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="json 或 text")] = OutputFormat.text,
) -> None:
    """读取填好的 Excel 模板；有问题时逐条列出（工作表、行、列），不做部分导入 / import an entry template.

    Exit code 1 when the template has problems (nothing is imported), 2 when the file cannot be read.
    """
    from jixiao.errors import ImportProblems

    try:
        data = service.import_entry_json(file)
    except ImportProblems as exc:
        typer.echo(f"jixiao: {exc.one_line()}", err=True)
        for line in exc.problems:
            typer.echo(f"  - {line}", err=True)
        raise typer.Exit(1) from None
    for warning in data["warnings"]:  # imported, but worth a second look (a 分值 its rows do not add up to)
        typer.echo(f"jixiao: 注意 / warning: {warning}", err=True)
    if format is OutputFormat.json:
        emit_json(data)
        return
    from jixiao.extract.show import extraction_as_text

    typer.echo(extraction_as_text(data))


# --- commands added by later layers register below (keep one section per command) ---------------


@app.command("worker")
@reports_errors
def worker_command(
    broker: Annotated[
        str,
        typer.Option("--broker", envvar="JIXIAO_BROKER_URL", help="任务队列 redis://… 或 amqp://… / Celery broker URL"),
    ],
    queue: QueueOption = None,
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", min=1, help="并行进程数 / processes")] = 1,
) -> None:
    """处理任务队列中的报告，直到被停止 / check the reports sent to the queue until stopped."""
    service.run_worker(broker, queue, concurrency)


samples_app = typer.Typer(help="虚构样本语料 / the synthetic sample corpus", no_args_is_help=True)
app.add_typer(samples_app, name="samples")


@samples_app.command("generate")
@reports_errors
def samples_generate(
    n: Annotated[int, typer.Argument(min=1, help="报告份数 / number of reports")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹 / output folder")],
    seed: Annotated[int, typer.Option("--seed", help="随机种子：同一种子生成同样的语料")] = 0,
    defect_share: Annotated[
        float, typer.Option("--defect-share", min=0.0, max=1.0, help="植入缺陷的报告比例 / share with a planted defect")
    ] = 0.3,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="并行进程数 / parallel processes")] = 1,
) -> None:
    """生成虚构单位的多年度自评报告（各表式、各格式），部分植入缺陷，并写出 ground-truth.json。"""
    truth = service.generate_samples(n, out, seed=seed, defect_share=defect_share, jobs=jobs)
    typer.echo(f"已生成 {n} 份报告：{out}（标准答案 {truth}）")


@contextmanager
def progress_bar() -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr; yields the callback the review calls as files are done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("审核 / reviewing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=_stderr()
    ) as bar:
        task = bar.add_task("review", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True)


def summary_table(review: Any) -> None:
    """The closing summary: reports, findings by severity, failures, and where the output is."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="审核汇总 / review summary")
    for name in ("报告 reports", "错误 errors", "警告 warnings", "提示 info", "已接受 accepted", "读取失败 failed"):
        table.add_column(name, justify="right")
    counts = {s: sum(1 for r in review.results for f in r["findings"] if f["severity"] == s) for s in Level}
    suppressed = sum(r.get("suppressed", 0) for r in review.results)
    table.add_row(
        str(len(review.results)),
        *(str(counts[s]) for s in Level),
        str(suppressed),
        str(len(review.failures)),
    )
    console = Console()
    console.print(table)
    for failure in review.failures:
        console.print(f"  读取失败 / failed: {failure['error']}", markup=False, highlight=False, soft_wrap=True)
    console.print(f"工作簿 / workbook: {review.out / 'review.xlsx'}", markup=False, highlight=False)
    console.print(f"仪表板 / dashboard: {review.dashboard}", markup=False, highlight=False)


@app.command("review")
@reports_errors
def review_command(  # noqa: PLR0917 — typer maps each parameter to an option
    paths: Annotated[list[Path], typer.Argument(help="报告文件、文件夹或 .zip / report files, folders or zips")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件夹 / output folder")],
    profile: Annotated[str | None, typer.Option("--profile", "-p", help="评分规则 ID 或 .toml 文件")] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="只报告这些规则：ALL、前缀 JX3 或编码")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="不报告这些规则：前缀或编码")] = None,
    severity: SeverityOption = Level.info,
    fail_on: FailOnOption = FailOn.error,
    baseline: BaselineOption = None,
    accept: Annotated[
        str | None,
        typer.Option("--accept", help="把本次报告的全部发现记入基线，并写明理由 / accept all, with a reason"),
    ] = None,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=0, help="并行进程数，0 为 CPU 核数 / processes, 0 for one per core")
    ] = 0,
    no_cache: NoCacheOption = False,
    sample: Annotated[int, typer.Option("--sample", min=0, help="抽查份数 / reports in the sample")] = 20,
    seed: Annotated[int, typer.Option("--seed", help="抽查的随机种子 / sample seed")] = 0,
    broker: BrokerOption = None,
    queue: QueueOption = None,
) -> None:
    """批量审核：汇总工作簿、离线仪表板和每份报告的 JSON / review a batch into a workbook, a dashboard and JSON.

    退出码 / exit code: 0 无问题 clean; 1 有 --fail-on 级别（默认 error）的发现 findings;
    否则 2 有文件无法读取 otherwise 2 when a file could not be read.
    """
    import os

    if accept is not None and baseline is None:
        typer.echo("jixiao: --accept 需要同时给出 --baseline / --accept needs --baseline", err=True)
        raise typer.Exit(2)
    with progress_bar() as advance:
        review = service.review_files(
            list(paths),
            out,
            profile,
            select=_selectors(select),
            ignore=_selectors(ignore),
            severity=severity.value,
            fail_on=fail_on.value,
            baseline=baseline,
            accept_reason=accept,
            jobs=jobs or os.cpu_count() or 1,
            use_cache=not no_cache,
            sample_size=sample,
            seed=seed,
            progress=advance,
            broker=broker,
            queue=queue,
        )
    summary_table(review)
    raise typer.Exit(review.exit_code)


@app.command("accept")
@reports_errors
def accept_command(
    report: Annotated[Path, typer.Argument(help="报告文件，或 review 输出的 reports/<sha>.json")],
    keys: Annotated[list[str], typer.Argument(help="发现标识（问题清单的“发现标识”列），如 JX206:33de93e08bd4764f")],
    baseline: Annotated[Path, typer.Option("--baseline", help="基线文件（不存在时新建） / baseline file")],
    reason: Annotated[str, typer.Option("--reason", help="接受的理由 / why the finding is accepted")],
) -> None:
    """接受发现并记入基线：同一报告内容不再报告 / accept findings into the baseline, with a reason."""
    for finding in service.accept_findings(baseline, report, keys, reason):
        typer.echo(f"已接受 / accepted: {finding['code']} {finding['message']}")


_USAGE_WORDS = (
    ("Missing argument", "缺少参数"),
    ("Missing option", "缺少选项"),
    ("No such option", "没有此选项"),
    ("No such command", "没有此命令"),
    ("Invalid value", "取值无效"),
    ("Got unexpected extra argument", "多余的参数"),
    ("requires an argument", "选项需要一个值"),
)


def usage_error_line(exc: click_errors.UsageError) -> str:
    """click's English message with its Chinese name first: "缺少参数 / Missing argument 'FILE'."."""
    message = exc.format_message()
    zh = next((z for en, z in _USAGE_WORDS if en in message), "参数错误")
    command = exc.ctx.command_path if exc.ctx is not None else "jixiao"
    return f"jixiao: {zh} / {message}（{command} --help 查看用法 / see {command} --help）"


def main() -> None:
    """Console entry point; the process is a worker of its own: its memory is capped (JIXIAO_MAX_MEMORY_MB)."""
    from jixiao.ingest.limits import limit_memory

    limit_memory()
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:
        sys.exit(130)
    except click_errors.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx is not None else "")
        sys.exit(0)
    except click_errors.UsageError as exc:
        typer.echo(usage_error_line(exc), err=True)
        sys.exit(2)
    except typer.Abort:
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
