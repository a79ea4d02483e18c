"""What the service layer calls: the catalogue of outputs, loading a report, rendering one output.

Forms come from render/templates/*.toml; the narrative report appears as one output per outline
(`narrative-national`, `narrative-hunan`, `narrative-hebei`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jixiao.errors import CorruptFile, UnsupportedFormat
from jixiao.model.report import Report
from jixiao.render import entry, forms, narrative

NARRATIVE_PREFIX = "narrative-"


def catalog() -> list[dict[str, Any]]:
    """Every output `render` can write: `[{"id", "name", "formats"}]` (contract.md, jixiao forms)."""
    out = [f.to_dict() for f in forms.list_forms()]
    out += [
        {"id": NARRATIVE_PREFIX + key, "name": o.name, "formats": ["docx", "pdf"], "kind": "narrative"}
        for key, o in narrative.outlines().items()
    ]
    return out


_KIND_NAMES = {"department_overall": "部门整体支出", "project": "项目支出", "mixed": "部门整体及项目"}


def kind_warning(report: Report, form_id: str) -> str | None:
    """A line when a form is for another kind of report than this one (a project into a department form)."""
    if form_id.startswith(NARRATIVE_PREFIX):
        return None
    form = forms.get_form(form_id)
    kind = report.unit.report_kind
    if not form.kind or kind in ("mixed", form.kind):
        return None
    return (
        f"表单 {form_id} 用于{_KIND_NAMES.get(form.kind, form.kind)}，报告是{_KIND_NAMES.get(kind, kind)}"
        f" / form {form_id} is for {form.kind} reports, this one is {kind}"
    )


def is_entry_template(path: Path) -> bool:
    """A workbook written by `jixiao template`: it has the template's 单位信息 and 基本数据 sheets."""
    import zipfile

    if path.suffix.lower() != ".xlsx" or not path.is_file():
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return all(f'name="{name}"' in workbook for name in (entry.UNIT_SHEET, entry.FACTS_SHEET))


def prepared_report(path: Path) -> Report | None:
    """A report already typed: the JSON `jixiao extract`/`import` wrote, or a filled entry template
    (its problems raised as ImportProblems); None for an ordinary document."""
    if is_entry_template(path):
        return entry.import_template(path)
    return report_from_json(path) if path.is_file() else None


def report_from_json(path: Path) -> Report | None:
    """A JSON from `jixiao extract --format json` (its "report" key) or a dumped Report; None if not JSON."""
    with path.open("rb") as fh:
        head = fh.read(64)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"{":
        return None
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if isinstance(data, dict) and isinstance(data.get("report"), dict):
        data = data["report"]
    if not isinstance(data, dict) or "unit" not in data:
        raise UnsupportedFormat(
            path,
            "JSON 不是 jixiao extract 的输出（缺少 report 字段）",
            "JSON is not jixiao extract output (no report key)",
        )
    try:
        return Report.model_validate(data)
    except ValueError as exc:
        raise CorruptFile(path, f"报告 JSON 内容不符合模型：{exc}", "report JSON does not match the model") from None


def render(report: Report, output_id: str, to: str, out: str | Path, profile: str | None = None) -> Path:
    """Write one form or narrative report."""
    if output_id.startswith(NARRATIVE_PREFIX):
        outline = output_id[len(NARRATIVE_PREFIX) :]
        if to not in ("docx", "pdf"):
            raise forms.UnsupportedOutput(output_id, to)
        return narrative.render_narrative(report, out, outline, to, narrative.assess(report, profile))
    return forms.render_form(report, output_id, to, out)  # type: ignore[arg-type]


def write_entry_template(form_id: str, out: str | Path, report: Report | None = None) -> Path:
    """The Excel entry template for a form, pre-filled from `report` when given."""
    form = forms.get_form(form_id)
    if report is None:
        report = Report()
        report.unit.report_kind = "project" if form.kind == "project" else "department_overall"
    return entry.write_template(out, report, form_id=form.id)


def import_entry(path: str | Path) -> Report:
    return entry.import_template(path)
