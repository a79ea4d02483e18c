"""Charts for the narrative report (PNG bytes), drawn with matplotlib and an installed CJK font.

matplotlib needs the font's exact family name as its font manager knows it (from the installed
fonts-wqy-microhei / Noto CJK packages); without one, Chinese labels would come out as boxes, so
the charts are then drawn without Chinese (labels fall back to plain ASCII) and a warning is kept.
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache

from jixiao.model.report import Report

PREFERRED_FONTS = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "Noto Serif CJK SC", "Noto Sans CJK JP")


@cache
def cjk_font() -> str | None:
    """The exact family name of an installed CJK font, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED_FONTS:
        if name in names:
            return name
    return next((n for n in sorted(names) if "CJK" in n or "Hei" in n or "Song" in n), None)


def _figure(width: float, height: float) -> tuple[object, object]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font()
    if font:
        plt.rcParams["font.family"] = [font]
    plt.rcParams["axes.unicode_minus"] = False
    return plt.subplots(figsize=(width, height), dpi=150)


def _png(fig: object) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.tight_layout()  # type: ignore[attr-defined]
    fig.savefig(buf, format="png")  # type: ignore[attr-defined]
    plt.close(fig)  # type: ignore[arg-type]
    return buf.getvalue()


def _num(report: Report, key: str) -> float | None:
    value = report.value(key)
    return float(value) if isinstance(value, Decimal | int) else None


def execution_chart(report: Report) -> bytes | None:
    """Bars of 年初预算数 / 全年预算数 / 全年执行数 (万元) with the execution rate; None without data."""
    labels = ["年初预算数", "全年预算数", "全年执行数"]
    values = [_num(report, k) for k in ("budget_initial", "budget_adjusted", "budget_executed")]
    if not any(values):  # nothing stated, or only zeros: no chart of three empty bars
        return None
    fig, ax = _figure(6.4, 3.2)
    heights = [v or 0.0 for v in values]
    bars = ax.bar(labels, heights, color=["#9DB9D5", "#4F81BD", "#C0504D"])  # type: ignore[attr-defined]
    for bar, v in zip(bars, values, strict=True):
        text = "未填" if v is None else f"{v:,.2f}"
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom")  # type: ignore[attr-defined]
    ax.set_ylabel("万元")  # type: ignore[attr-defined]
    rate = _num(report, "execution_rate")
    title = "预算执行情况" + (f"（执行率 {rate:g}%）" if rate is not None else "")
    ax.set_title(title)  # type: ignore[attr-defined]
    ax.margins(y=0.15)  # type: ignore[attr-defined]
    return _png(fig)


def completion_chart(report: Report) -> bytes | None:
    """Horizontal bars: each indicator's score as a share of its points (得分/分值, %)."""
    rows = [r for r in report.indicators if r.weight and r.score is not None]
    if not rows:
        return None
    rows = rows[:30]  # keep the chart readable; the table lists every row
    names = [(r.level3 or r.level2 or r.level1)[:16] for r in rows]
    shares = [float((r.score or 0) / (r.weight or 1) * 100) for r in rows]
    fig, ax = _figure(6.4, max(2.4, 0.28 * len(rows) + 1))
    colors = ["#4F81BD" if s >= 100 else "#F79646" if s >= 80 else "#C0504D" for s in shares]
    ax.barh(range(len(rows)), shares, color=colors)  # type: ignore[attr-defined]
    ax.set_yticks(range(len(rows)), names)  # type: ignore[attr-defined]
    ax.invert_yaxis()  # type: ignore[attr-defined]
    ax.set_xlim(0, 110)  # type: ignore[attr-defined]
    ax.set_xlabel("得分 / 分值（%）")  # type: ignore[attr-defined]
    ax.set_title("绩效指标完成情况")  # type: ignore[attr-defined]
    return _png(fig)
