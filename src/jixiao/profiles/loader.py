"""Loading, validating and selecting scoring profiles.

Built-in profiles are the TOML files beside this module; users add their own in a directory named by
JIXIAO_PROFILE_DIR (or pass a file with --profile). A profile with a mistake is rejected on load with
`InvalidProfile` naming the file, the key and the reason.
"""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path

from pydantic import ValidationError

from jixiao.errors import InvalidProfile
from jixiao.model.report import Report, stem
from jixiao.profiles.model import Profile

BUILTIN_DIR = Path(__file__).resolve().parent
DEFAULT_PROFILE = "national-2020"
ENV_DIR = "JIXIAO_PROFILE_DIR"


def load_profile(path: str | Path) -> Profile:
    """Read and validate one profile file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidProfile(path, "-", "评分规则文件不存在", "profile file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidProfile(path, "-", f"TOML 格式错误：{exc}", f"not valid TOML: {exc}") from None
    return profile_from_dict(data, path)


def profile_from_dict(data: dict[str, object], path: str | Path = "<profile>") -> Profile:
    """Validate a profile given as a dict (a parsed TOML file)."""
    try:
        profile = Profile.model_validate({**data, "path": str(path)})
    except ValidationError as exc:
        errors = exc.errors()
        # An unknown key is the likeliest typo and may explain other errors: report it first.
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        key = ".".join(str(p) for p in err["loc"]) or "-"
        if err["type"] == "extra_forbidden":
            raise InvalidProfile(path, key, "未知的配置项", "unknown key") from None
        if err["type"] == "missing":
            raise InvalidProfile(path, key, "缺少必填项", "required key missing") from None
        message = str(err["msg"]).removeprefix("Value error, ")
        raise InvalidProfile(path, key, message, err["type"]) from None
    return profile


def _profile_files() -> list[Path]:
    files = sorted(BUILTIN_DIR.glob("*.toml"))
    extra = os.environ.get(ENV_DIR)
    if extra:
        files.extend(sorted(Path(extra).glob("*.toml")))
    return files


@cache
def _load_cached(path: str, mtime: float) -> Profile:
    return load_profile(path)


def available_profiles() -> dict[str, Profile]:
    """Every profile by id: the built-in ones, then the user's (a user file may replace a built-in id)."""
    out: dict[str, Profile] = {}
    for path in _profile_files():
        profile = _load_cached(str(path), path.stat().st_mtime)
        out[profile.id] = profile
    return out


def get_profile(name_or_path: str | Path) -> Profile:
    """A profile by id, or from a .toml path."""
    text = str(name_or_path)
    if text.endswith(".toml") or Path(text).is_file():
        path = Path(text)
        return _load_cached(str(path.resolve()), path.stat().st_mtime) if path.is_file() else load_profile(path)
    profiles = available_profiles()
    if text not in profiles:
        known = "、".join(sorted(profiles))
        raise InvalidProfile(text, "id", f"没有这个评分规则（可用：{known}）", f"no such profile (known: {known})")
    return profiles[text]


def select_profile(report: Report, requested: str | Path | None = None) -> Profile:
    """The profile asked for, else one whose form the report is (报表编号, declared level-1 points, funds
    rows), else the most specific one whose region and years match the report."""
    if requested:
        return get_profile(requested)
    profiles = available_profiles()
    region = report.unit.region or ""
    year = report.unit.fiscal_year
    in_years = [p for p in profiles.values() if year is None or p.applies.year_from <= year <= p.applies.year_to]
    declared = {stem(d.name): d.points for d in report.declared_weights if d.level == 1}
    funds_rows = {"".join(s.name.split()) for s in report.funds_sources}
    for profile in in_years:
        if profile.applies.form_matches(report.unit.form_code, declared, funds_rows):
            return profile
    best: tuple[int, Profile] | None = None
    for profile in in_years:
        applies = profile.applies
        if report.unit.report_kind not in applies.report_kinds:
            continue
        if applies.regions:
            matched = [len(r) for r in applies.regions if region.startswith(r)]
            if not matched:
                continue
            rank = max(matched)
        else:
            rank = 0
        if best is None or rank > best[0]:
            best = (rank, profile)
    if best is not None and best[0] > 0:
        return best[1]
    return profiles.get(DEFAULT_PROFILE) or next(p for p in profiles.values() if p.default)
