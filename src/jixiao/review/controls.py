"""The reviewer's controls, as a linter gives them, for `jixiao review` and `jixiao check`.

- `--select/--ignore`: which rules are reported (ALL, a prefix such as JX3, a code or a name);
- `--severity`: the lowest severity reported (error, warning or info);
- a baseline file of accepted findings: a finding a reviewer accepted once, with a reason, is not
  reported again for the same report content. Its key is the content's SHA-256, the rule code and the
  finding's place and numbers — never the file name, so a renamed or copied file stays accepted and a
  changed one is checked afresh;
- `--fail-on error|warning` and the exit code: bit 1 set when a reported finding is at or above the
  `--fail-on` severity, bit 2 set when a file could not be read (0 clean, 1 findings, 2 unreadable,
  3 both).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.errors import JixiaoError
from jixiao.model.findings import Severity
from jixiao.rules import select_rules

EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2
_RANK = {s.value: s.rank for s in Severity}
_POSITION_KEYS = ("page", "sheet", "block", "table", "row", "col", "line")
NOT_READ_KINDS_EXEMPT = frozenset({"duplicate"})  # listed in 读取失败 for the reviewer, yet read (once)


class BadBaseline(JixiaoError):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"基线文件无法读取：{path}（{reason}）", f"cannot read the baseline file {path}: {reason}")


class UnknownFinding(JixiaoError):
    def __init__(self, report: Path, keys: list[str], known: str) -> None:
        wanted = "、".join(keys)
        super().__init__(
            f"{report} 中没有这些发现：{wanted}（现有：{known}）", f"{report} has no finding {wanted} (it has: {known})"
        )


def finding_key(finding: dict[str, Any]) -> str:
    """The finding's identity within its report: rule code, numbers and the positions of its evidence."""
    places = [[e.get(k) for k in _POSITION_KEYS] for e in finding.get("evidence", [])]
    text = json.dumps([finding["code"], finding.get("numbers", []), places], ensure_ascii=False, default=str)
    return f"{finding['code']}:{hashlib.sha256(text.encode()).hexdigest()[:16]}"


@dataclass(slots=True)
class Baseline:
    """Accepted findings: (content SHA-256, finding key) → why it was accepted."""

    path: Path | None = None
    accepted: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        """The baseline at `path` (empty when the file does not exist yet)."""
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["accepted"]
            accepted = {(e["sha256"], e["key"]): e for e in entries}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BadBaseline(path, f"{type(exc).__name__}: {exc}") from None
        return cls(path, accepted)

    def is_accepted(self, sha256: str, finding: dict[str, Any]) -> bool:
        return (sha256, finding_key(finding)) in self.accepted

    def accept(self, sha256: str, finding: dict[str, Any], reason: str, shown_path: str = "") -> None:
        """Accept one finding of one report's content, with the reviewer's reason."""
        key = finding_key(finding)
        self.accepted[(sha256, key)] = {
            "sha256": sha256,
            "key": key,
            "code": finding["code"],
            "message": finding.get("message", ""),
            "path": shown_path,  # for the reader of the file only; matching ignores it
            "reason": reason,
            "accepted": dt.date.today().isoformat(),
        }

    def save(self) -> None:
        """Write the baseline atomically (sorted, so it diffs well under version control)."""
        assert self.path is not None
        entries = sorted(self.accepted.values(), key=lambda e: (e["path"], e["code"], e["key"]))
        text = json.dumps({"version": 1, "accepted": entries}, ensure_ascii=False, indent=2) + "\n"
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(self.path)


@dataclass(frozen=True, slots=True)
class Controls:
    """What is reported and what fails: rule selection, lowest severity, baseline, fail-on."""

    select: Sequence[str] | None = None
    ignore: Sequence[str] | None = None
    severity: str = "info"
    fail_on: str = "error"
    baseline: Baseline | None = None

    def codes(self) -> frozenset[str]:
        """The codes reported (an unknown selector is refused, naming it)."""
        return frozenset(r.code for r in select_rules(self.select, self.ignore))

    def apply(self, results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each result with only the findings reported; with a baseline, `suppressed` counts what it accepted."""
        codes = self.codes()
        floor = _RANK[self.severity]
        out: list[dict[str, Any]] = []
        for result in results:
            if "findings" not in result:
                out.append(result)
                continue
            digest = result["source"].get("sha256", "")
            kept, suppressed = [], 0
            for finding in result["findings"]:
                if finding["code"] not in codes or _RANK[finding["severity"]] > floor:
                    continue
                if self.baseline is not None and self.baseline.is_accepted(digest, finding):
                    suppressed += 1
                    continue
                kept.append(finding)
            shown = {**result, "findings": kept}
            if self.baseline is not None:
                shown["suppressed"] = suppressed
            out.append(shown)
        return out

    def exit_code(self, results: Sequence[dict[str, Any]], failures: Sequence[dict[str, Any]] = ()) -> int:
        """0 clean; bit 1: a reported finding at or above `fail_on`; bit 2: a file could not be read."""
        limit = _RANK[self.fail_on]
        code = 0
        if any(_RANK[f["severity"]] <= limit for r in results for f in r.get("findings", [])):
            code |= EXIT_FINDINGS
        unread = [r for r in (*results, *failures) if "error" in r and r.get("kind") not in NOT_READ_KINDS_EXEMPT]
        if unread or not any("findings" in r for r in results):
            code |= EXIT_UNREADABLE
        return code
