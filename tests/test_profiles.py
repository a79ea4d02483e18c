"""Scoring profiles: the built-in files load, mistakes are rejected with file, key and reason, user
profiles are found, and a report's region and year choose one."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.errors import InvalidProfile
from jixiao.model.report import DeclaredWeight, FundsSource, Report, Unit
from jixiao.profiles import available_profiles, get_profile, load_profile, select_profile
from jixiao.profiles.loader import BUILTIN_DIR

NATIONAL_TEXT = (BUILTIN_DIR / "national-2020.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_builtin_profiles_load_with_their_rules() -> None:
    profiles = available_profiles()
    assert {"national-2020", "hunan-dept", "sichuan-510000_0013zp", "hebei"} <= set(profiles)
    national = profiles["national-2020"]
    assert national.default and national.weights.execution == 10
    assert national.weights.level1 == {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
    assert [b.label for b in national.grades.bands] == ["优", "良", "中", "差"]
    assert [b.label for b in profiles["hunan-dept"].grades.bands] == ["优秀", "良好", "合格", "不合格"]
    assert profiles["sichuan-510000_0013zp"].weights.level1 == {}  # 90 indicator points, split freely
    for p in profiles.values():  # vendor rules are off unless a user turns them on
        assert not (p.vendor.execution_caps or p.vendor.deviation_deduction or p.vendor.red_warning)


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, NATIONAL_TEXT.replace("[weights]\n", "[weights]\nbonus = 5\n"))
    with pytest.raises(InvalidProfile) as err:
        load_profile(path)
    assert err.value.path == str(path) and err.value.key == "weights.bonus"
    assert "未知的配置项" in err.value.one_line() and str(path) in err.value.one_line()


def test_weights_not_adding_up_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, NATIONAL_TEXT.replace('"效益指标" = 30', '"效益指标" = 32'))
    with pytest.raises(InvalidProfile) as err:
        load_profile(path)
    assert err.value.key == "weights"
    assert "92" in err.value.reason_zh and "100" in err.value.reason_zh


def test_bands_out_of_order_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, NATIONAL_TEXT.replace('{ label = "良", min = 80 }', '{ label = "良", min = 95 }'))
    with pytest.raises(InvalidProfile) as err:
        load_profile(path)
    assert err.value.key == "grades" and "递减" in err.value.reason_zh


def test_qualitative_default_outside_its_tier_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, NATIONAL_TEXT.replace("max = 0.8, default = 0.7", "max = 0.8, default = 0.9"))
    with pytest.raises(InvalidProfile) as err:
        load_profile(path)
    assert err.value.key.startswith("scoring.qualitative.1")


def test_bad_formula_choice_and_bad_toml(tmp_path: Path) -> None:
    bad = write(tmp_path, NATIONAL_TEXT.replace('reverse_formula = "pmkpi_linear"', 'reverse_formula = "magic"'))
    with pytest.raises(InvalidProfile) as err:
        load_profile(bad)
    assert err.value.key == "scoring.reverse_formula"
    broken = write(tmp_path, "id = ", "broken.toml")
    with pytest.raises(InvalidProfile, match="TOML"):
        load_profile(broken)


def test_user_profile_directory_and_explicit_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (
        NATIONAL_TEXT.replace('id = "national-2020"', 'id = "guangxi-test"')
        .replace("default = true", "default = false")
        .replace("regions = []", 'regions = ["广西"]')
        .replace("deviation_deduction = false", "deviation_deduction = true")
    )
    path = write(tmp_path, text, "guangxi.toml")
    monkeypatch.setenv("JIXIAO_PROFILE_DIR", str(tmp_path))
    assert available_profiles()["guangxi-test"].vendor.deviation_deduction
    report = Report(unit=Unit(region="广西壮族自治区南宁市", fiscal_year=2023))
    assert select_profile(report).id == "guangxi-test"
    assert get_profile(str(path)).id == "guangxi-test"


@pytest.mark.parametrize(
    ("region", "year", "expected"),
    [
        ("湖南省岳阳市", 2022, "hunan-dept"),
        ("四川省成都市", 2023, "sichuan-510000_0013zp"),
        ("河北省秦皇岛市卢龙县", 2021, "hebei"),
        ("安徽省池州市", 2022, "national-2020"),
        (None, None, "national-2020"),
    ],
)
def test_selection_by_region_and_year(region: str | None, year: int | None, expected: str) -> None:
    assert select_profile(Report(unit=Unit(region=region, fiscal_year=year))).id == expected


def test_selection_respects_years_and_report_kinds() -> None:
    # before any profile's years: the default
    assert select_profile(Report(unit=Unit(region="湖南省", fiscal_year=2015))).id == "national-2020"
    # the Hunan profile is for department-overall reports
    assert select_profile(Report(unit=Unit(region="湖南省", fiscal_year=2022, report_kind="project"))).id == (
        "national-2020"
    )


def test_explicit_choice_wins_and_unknown_id_is_an_error() -> None:
    report = Report(unit=Unit(region="湖南省岳阳市", fiscal_year=2022))
    assert select_profile(report, "hebei").id == "hebei"
    with pytest.raises(InvalidProfile, match="没有这个评分规则"):
        select_profile(report, "atlantis")


def test_tolerances_are_decimals() -> None:
    assert get_profile("national-2020").tolerances.score == Decimal("0.01")


def test_a_sichuan_form_is_checked_under_its_own_profile_wherever_its_region() -> None:
    """青神 form: the region was not read; the form's 报表编号, its level-1 headings or its funds rows say
    it is Sichuan's 510000_0013zp (10 execution points + 90 indicator points, not 50/30/10)."""
    sichuan = "sichuan-510000_0013zp"
    assert select_profile(Report(unit=Unit(fiscal_year=2023, form_code="510000_0013zp"))).id == sichuan
    headings = Report(unit=Unit(fiscal_year=2023))
    headings.declared_weights = [
        DeclaredWeight(level=1, name="预算执行情况(10分)", points=Decimal(10)),
        DeclaredWeight(level=1, name="绩效指标（90分）", points=Decimal(90)),
    ]
    assert select_profile(headings).id == sichuan
    rows = Report(unit=Unit(fiscal_year=2023))
    rows.funds_sources = [
        FundsSource(name="财政资金"),
        FundsSource(name="财政专户管理资金"),
        FundsSource(name="单位资金"),
    ]
    assert select_profile(rows).id == sichuan
    # the national form's marks choose nothing special: 产出指标(50分) alone, or the national funds rows
    national = Report(unit=Unit(fiscal_year=2023))
    national.declared_weights = [DeclaredWeight(level=1, name="产出指标(50分)", points=Decimal(50))]
    national.funds_sources = [FundsSource(name="当年财政拨款"), FundsSource(name="上年结转资金")]
    assert select_profile(national).id == "national-2020"
    # …and an explicit choice still wins over the form
    assert select_profile(Report(unit=Unit(form_code="510000_0013zp")), "hebei").id == "hebei"
