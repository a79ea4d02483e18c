"""The `jixiao` command: argument parsing, output formats and exit codes, nothing else.

Each command makes one call into `jixiao.service`; a `JixiaoError` becomes one line on stderr and
exit code 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from jixiao import service
from jixiao.errors import JixiaoError

app = typer.Typer(
    name="jixiao",
    help="jixiao 预算绩效自评：读取、评分、勾稽检查、填报表格。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

F = TypeVar("F", bound=Callable[..., Any])


@app.callback()
def _root() -> None:
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

    return wrapper  # type: ignore[return-value]


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


# --- commands added by later layers register below (keep one section per command) ---------------


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
