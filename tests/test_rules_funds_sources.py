"""JX110: the funds block's source rows against its 年度资金总额 row, read from a real table."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from jixiao.pipeline import analyse

HEADER = "\t项目资金（万元）\n\t\n\t年初预算数\n\t全年预算数\n\t全年执行数\n\t分值\n\t执行率\n\t得分\n\n"


def funds_block(total: tuple[str, str, str], fiscal: tuple[str, str, str], carry: tuple[str, str, str]) -> str:
    def row(label: str, values: tuple[str, str, str], score: tuple[str, str, str] = ("", "", "")) -> str:
        cells = ["", label, *values, *score]
        return "\n".join("\t" + c for c in cells) + "\n\n"

    return (
        "2022年度项目支出绩效自评表\n\n"
        "\t项目名称\n\t城区道路维修\n\n"
        + HEADER
        + row("年度资金总额", total, ("10", "100%" if total[1] != "0" else "0%", "10" if total[1] != "0" else "0"))
        + row("其中：当年财政拨款", fiscal)
        + row("上年结转资金", carry)
        + row("其他资金", ("0", "0", "0"))
    )


def codes(tmp_path: Path, text: str) -> dict[str, list[tuple[str, list[object]]]]:
    path = tmp_path / "form.txt"
    path.write_text(text, encoding="utf-8")
    result = analyse(path)
    out: dict[str, list[tuple[str, list[object]]]] = {}
    for finding in result.findings:
        out.setdefault(finding.code, []).append((finding.severity.value, list(finding.numbers)))
    return out


def test_sources_that_add_up_give_nothing(tmp_path: Path) -> None:
    found = codes(tmp_path, funds_block(("100", "120", "120"), ("90", "110", "110"), ("10", "10", "10")))
    assert "JX110" not in found


def test_a_total_of_zero_over_stated_sources_is_an_error(tmp_path: Path) -> None:
    """The 池州 case of domain.md §2.4: 年度资金总额 0/0/0 while 财政拨款 reads 90 / 89.974 / 89.974."""
    found = codes(tmp_path, funds_block(("0", "0", "0"), ("90", "89.974", "89.974"), ("0", "0", "0")))
    # one defect, one finding: the three columns are named in one error
    ((severity, numbers),) = found["JX110"]
    assert severity == "error"
    assert numbers[:5] == [Decimal(90), Decimal(0), Decimal(0), Decimal(0), Decimal(90)]
    assert numbers[5:10] == [Decimal("89.974"), Decimal(0), Decimal(0), Decimal(0), Decimal("89.974")]
    # …and it says what the execution rate and score should be: 89.974 / 89.974 = 100%, 10 points
    assert numbers[-2:] == [Decimal(100), Decimal(10)]


def test_sources_that_do_not_add_up_are_a_warning(tmp_path: Path) -> None:
    found = codes(
        tmp_path, funds_block(("100.00", "120.00", "118.00"), ("90.00", "110.00", "110.00"), ("10.00", "12.50", "8.00"))
    )
    assert [severity for severity, _ in found["JX110"]] == ["warning"]
    assert found["JX110"][0][1] == [Decimal(110), Decimal("12.5"), Decimal(0), Decimal(120), Decimal("122.5")]
