"""A synthetic corpus: fictional units over two or three years, each year's report written through
the render layer (an official form or the narrative report) in one of the supported formats, a chosen
share with one planted defect, and a ground-truth file saying what the rules must find.

The expected rule codes of a planted file come from the typed model, not from reading the file back:
the report is cut down to what its form shows (`shown`), checked before and after planting, and the
codes that appear are the ones the reader must make fire. A defect the form cannot show (the national
project form has no income table) is never planted into it.
"""

from __future__ import annotations

import json
import random
import tempfile
import zipfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jixiao.model.report import FACT_SECTIONS, IndicatorRow, Report, ReportKind
from jixiao.profiles import get_profile
from jixiao.render import forms, narrative
from jixiao.render.atomic import atomic_write_bytes
from jixiao.render.pdf import convert_batch
from jixiao.rules import check
from jixiao.samples.generator import DEFECTS, consistent_report, plant
from jixiao.scoring import score

GROUND_TRUTH = "ground-truth.json"
# Share of each format in a corpus, as bureaus receive them: many PDFs, Word and Excel, a few web
# pages and text exports. Narrative reports have no Excel form: their share goes to Word.
FORMAT_SHARE = {"pdf": 0.3, "docx": 0.25, "xlsx": 0.2, "html": 0.15, "txt": 0.1}
LIBREOFFICE_BATCH = 40  # files per soffice start: well inside its timeout
_INDICATOR_FIELDS = ("target", "actual", "weight", "score", "deviation_reason", "unit_stated")
_ROWS_ALL = frozenset({f"indicators.{f}" for f in _INDICATOR_FIELDS[:5]} | {"indicators", "declared_weights"})
# What the narrative report writes (render/narrative.py): its money sentences, 三公 and score blocks.
_NARRATIVE_FACTS = frozenset(
    {
        "staff_authorized",
        "staff_actual",
        "budget_initial",
        "budget_adjusted",
        "budget_executed",
        "execution_rate",
        "income_total",
        "carryover",
        "income_general_budget",
        "income_fund_budget",
        "income_special_account",
        "income_other",
        "expenditure_total",
        "basic_expenditure",
        "personnel_expenditure",
        "public_expenditure",
        "project_expenditure",
        "three_public_total",
        "three_public_budget",
        "reception",
        "reception_budget",
        "vehicle_total",
        "vehicle_budget",
        "vehicle_operation",
        "vehicle_purchase",
        "overseas_travel",
        "overseas_travel_budget",
        "self_score",
        "grade",
    }
)


@dataclass(frozen=True)
class Carrier:
    """One output of the render layer a report can be written in, and what it shows of a report."""

    output: str  # a form id or narrative-<outline>
    kind: ReportKind
    provinces: tuple[str, ...]  # the province decides the profile (四川 → sichuan, 河北 → hebei …)
    facts: frozenset[str]
    places: frozenset[
        str
    ]  # parts beyond facts: indicators[.<field>], declared_weights, projects[.supplement], unit.<field>

    @property
    def is_form(self) -> bool:
        return not self.output.startswith("narrative-")

    def formats(self) -> tuple[str, ...]:
        return tuple(f for f in FORMAT_SHARE if self.is_form or f != "xlsx")


def _form(output: str, kind: ReportKind, provinces: tuple[str, ...], places: frozenset[str]) -> Carrier:
    """A form: the facts its template has placeholders for; its unit fields likewise."""
    spec = forms.get_form(output)
    said = _template_text(spec.docx) + _template_text(spec.xlsx)
    places = frozenset(p for p in places if not p.startswith("unit.") or p.removeprefix("unit.") in said)
    return Carrier(output, kind, provinces, spec.fact_keys(), places)


def _template_text(path: Path | None) -> str:
    """The XML of a template file (where its Jinja placeholders are)."""
    if path is None:
        return ""
    with zipfile.ZipFile(path) as package:
        return "".join(package.read(n).decode("utf-8", "replace") for n in package.namelist() if n.endswith(".xml"))


def carriers() -> tuple[Carrier, ...]:
    """The outputs a corpus uses: every official form and the narrative outlines."""
    unit = frozenset({"unit.report_date", "unit.fiscal_year"})
    # the narrative's indicator table (no 偏差原因 column), its title's year; no weights by level, no date
    prose = frozenset({"indicators", *(f"indicators.{f}" for f in ("target", "actual", "weight", "score"))})
    prose |= {"unit.fiscal_year", "projects"}  # its projects table has no 追加 column
    template_a = frozenset({"indicators", "indicators.target", "indicators.actual"})  # names and texts only
    return (
        _form("national-project", "project", ("江西省", "安徽省", "河北省"), _ROWS_ALL | unit),
        _form("sichuan-510000_0013zp", "project", ("四川省",), _ROWS_ALL | unit),
        _form("hunan-dept-b", "department_overall", ("湖南省",), _ROWS_ALL | unit),
        _form("hunan-dept-a", "department_overall", ("湖南省",), template_a | unit),
        Carrier("narrative-national", "project", ("江西省", "安徽省"), _NARRATIVE_FACTS, prose),
        Carrier("narrative-hunan", "department_overall", ("湖南省",), _NARRATIVE_FACTS, prose),
        Carrier("narrative-hebei", "project", ("河北省",), _NARRATIVE_FACTS, prose),
    )


def _profile_id(carrier: Carrier, province: str) -> str:
    if province.startswith("四川"):
        return "sichuan-510000_0013zp"
    if province.startswith("湖南") and carrier.kind == "department_overall":
        return "hunan-dept"
    if province.startswith("河北"):
        return "hebei"
    return "national-2020"


# --- what a form shows of a report, and the rules a defect must make fire -------------------------


def shown(report: Report, carrier: Carrier) -> Report:
    """The report as `carrier` shows it: facts and parts it has no place for are left out."""
    copy = report.model_copy(deep=True)
    for key, section in FACT_SECTIONS.items():
        if key not in carrier.facts:
            setattr(getattr(copy, section), key, None)
    if "indicators" not in carrier.places:
        copy.indicators = []
    else:
        blank = {f: None for f in _INDICATOR_FIELDS if f"indicators.{f}" not in carrier.places}
        copy.indicators = [_blank_fields(row, blank) for row in copy.indicators]
    if "declared_weights" not in carrier.places:
        copy.declared_weights = []
    if "projects" not in carrier.places:
        copy.projects = []
    elif "projects.supplement" not in carrier.places:
        copy.projects = [p.model_copy(update={"supplement": None}) for p in copy.projects]
    copy.funds_sources, copy.conflicts, copy.comparison_years = [], [], []
    update = {f: None for f in ("report_date", "fiscal_year") if f"unit.{f}" not in carrier.places}
    copy.unit = copy.unit.model_copy(update=update)
    return copy


def _blank_fields(row: IndicatorRow, blank: dict[str, None]) -> IndicatorRow:
    update: dict[str, Any] = dict(blank)
    if "deviation_reason" in update:
        update["deviation_reason"] = ""
    return row.model_copy(update=update)


def _codes(report: Report, profile_id: str) -> set[str]:
    profile = get_profile(profile_id)
    return {f.code for f in check(report, score(report, profile), profile, None, None)}


def expected_rules(
    clean: Report, planted: Report, carrier: Carrier, profile_id: str, clean_codes: set[str] | None = None
) -> frozenset[str]:
    """The rule codes the planted report gives, as its form shows it, that the clean one does not
    (`clean_codes`: the clean one's, when already known)."""
    if clean_codes is None:
        clean_codes = _codes(shown(clean, carrier), profile_id)
    return frozenset(_codes(shown(planted, carrier), profile_id) - clean_codes)


# --- fictional identities ---------------------------------------------------------------------------

_SYLLABLES = "青岚桐柳枫澄泽川宁崇兰沅岫蓉栖霁榆溆汀岑鹭檀芷涟"
_DEPARTMENTS = (
    "农业农村局",
    "交通运输局",
    "教育局",
    "卫生健康局",
    "水利局",
    "文化旅游广电局",
    "自然资源局",
    "民政局",
    "生态环境分局",
    "住房和城乡建设局",
)
_PROJECTS = (
    "高标准农田建设项目",
    "农村公路养护专项",
    "义务教育薄弱环节改善项目",
    "基层医疗卫生机构能力提升项目",
    "小型水库除险加固项目",
    "公共文化服务体系建设专项",
    "城乡居民养老服务补助项目",
    "城镇老旧小区改造项目",
)


@dataclass(frozen=True)
class FictionalUnit:
    name: str
    code: str
    region: str
    project: str | None


def _unit(rng: random.Random, carrier: Carrier, used: set[str]) -> FictionalUnit:
    """A unit whose name and code no other unit of the corpus has (the code names its files)."""
    while True:
        province = rng.choice(carrier.provinces)
        city = "".join(rng.sample(_SYLLABLES, 2)) + rng.choice(("市", "县"))
        name = city + rng.choice(_DEPARTMENTS)
        code = f"{rng.randint(100000, 999999)}"
        if name not in used and code not in used:
            used.update((name, code))
            break
    project = rng.choice(_PROJECTS) if carrier.kind == "project" else None
    return FictionalUnit(name, code, province + city, project)


def _with_identity(report: Report, unit: FictionalUnit, carrier: Carrier, rng: random.Random) -> Report:
    assert report.unit.fiscal_year is not None
    year = report.unit.fiscal_year
    report.unit = report.unit.model_copy(
        update={
            "department": unit.name,
            "region": unit.region,
            "code": unit.code,
            "report_kind": carrier.kind,
            "project_name": unit.project,
            "report_date": f"{year + 1}-{rng.randint(2, 5):02d}-{rng.randint(10, 28)}",
        }
    )
    return report


# --- the corpus --------------------------------------------------------------------------------------


@dataclass
class Planned:
    """One file of the corpus, before it is written."""

    name: str
    unit: FictionalUnit
    year: int
    carrier: Carrier
    format: str
    profile: str
    report: Report
    defects: tuple[str, ...]
    expected: frozenset[str]

    def truth(self) -> dict[str, Any]:
        return {
            "path": self.name,
            "unit": self.unit.name,
            "code": self.unit.code,
            "region": self.unit.region,
            "year": self.year,
            "form": self.carrier.output,
            "format": self.format,
            "profile": self.profile,
            "defects": list(self.defects),
            "expected_rules": sorted(self.expected),
        }


def plan(n: int, seed: int = 0, defect_share: float = 0.3) -> list[Planned]:
    """`n` reports: units of 2–3 consecutive years, round the carriers, each defect planted in turn."""
    rng = random.Random(seed)
    all_carriers = carriers()
    # each form goes round the defects on its own, so every defect it can show comes to it in turn
    # (each from its own place in the list, so that a small corpus still covers many defects)
    names = list(DEFECTS)
    defect_cycles = {
        c.output: _cycle(names[k * len(names) // len(all_carriers) :] + names[: k * len(names) // len(all_carriers)])
        for k, c in enumerate(all_carriers)
    }
    used: set[str] = set()
    out: list[Planned] = []
    planted_count = 0
    units = 0
    while len(out) < n:
        carrier = all_carriers[units % len(all_carriers)]
        units += 1
        unit = _unit(rng, carrier, used)
        first = rng.randint(2020, 2023)
        profile_id = _profile_id(carrier, unit.region)
        for year in range(first, first + min(rng.randint(2, 3), n - len(out))):
            report_seed = rng.randrange(2**31)
            clean = _with_identity(consistent_report(report_seed, get_profile(profile_id), year), unit, carrier, rng)
            report: Report = clean
            defects: tuple[str, ...] = ()
            expected: frozenset[str] = frozenset()
            # Planting follows the running share, so a small corpus gets its share too.
            if planted_count < round(defect_share * (len(out) + 1)):
                report, defects, expected = _plant_one(clean, carrier, profile_id, defect_cycles[carrier.output])
                planted_count += bool(defects)
            fmt = _weighted_format(rng, carrier)
            name = f"{unit.code}-{year}-{carrier.output}.{fmt}"
            out.append(Planned(name, unit, year, carrier, fmt, profile_id, report, defects, expected))
    return out


def _cycle(items: list[str]) -> Iterator[str]:
    while True:
        yield from items


def _plant_one(
    clean: Report, carrier: Carrier, profile_id: str, defects: Iterator[str]
) -> tuple[Report, tuple[str, ...], frozenset[str]]:
    """The next defect in turn that this form can show (some defects need a part it has no place for)."""
    clean_codes = _codes(shown(clean, carrier), profile_id)
    for _ in range(len(DEFECTS)):
        defect = next(defects)
        try:
            planted = plant(clean, defect)
        except (LookupError, AssertionError, StopIteration):  # the report has no row or fact to plant into
            continue
        expected = expected_rules(clean, planted, carrier, profile_id, clean_codes)
        if expected:
            return planted, (defect,), expected
    return clean, (), frozenset()


def _weighted_format(rng: random.Random, carrier: Carrier) -> str:
    formats = carrier.formats()
    weights = [
        FORMAT_SHARE[f] + (FORMAT_SHARE["xlsx"] if f == "docx" and "xlsx" not in formats else 0) for f in formats
    ]
    return rng.choices(formats, weights)[0]


def _docx_bytes(item: Planned) -> bytes:
    if item.carrier.is_form:
        return forms.render_docx_bytes(forms.get_form(item.carrier.output), item.report)
    outline = item.carrier.output.removeprefix("narrative-")
    return narrative.narrative_docx_bytes(item.report, outline)


def write_corpus(items: list[Planned], out: Path, meta: dict[str, Any], jobs: int = 1) -> Path:
    """Write every planned file under `out` (each atomically) and the ground truth; returns its path.

    Word and Excel files are rendered over `jobs` processes; PDF, web pages and text are the Word
    documents converted by LibreOffice, a batch per soffice start, `jobs` starts at a time.
    """
    out.mkdir(parents=True, exist_ok=True)
    targets = [out / item.name for item in items]
    if jobs > 1 and len(items) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            produced = list(pool.map(_produce, items, targets, chunksize=8))
    else:
        produced = [_produce(item, target) for item, target in zip(items, targets, strict=True)]
    batches: list[tuple[str, list[tuple[bytes, Path]]]] = []
    for fmt in _FILTERS:
        todo = [(data, target) for (kind, data), target in zip(produced, targets, strict=True) if kind == fmt]
        batches += [(fmt, todo[i : i + LIBREOFFICE_BATCH]) for i in range(0, len(todo), LIBREOFFICE_BATCH)]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as threads:  # each soffice is a process of its own
        for future in [threads.submit(_convert, batch, fmt) for fmt, batch in batches]:
            future.result()
    truth = {**meta, "files": [item.truth() for item in items]}
    text = json.dumps(truth, ensure_ascii=False, indent=1)
    return atomic_write_bytes(out / GROUND_TRUTH, text.encode("utf-8"))


def _produce(item: Planned, target: Path) -> tuple[str, bytes]:
    """Write an Excel or Word file in place; for the other formats, the Word bytes to convert."""
    if item.format == "xlsx":
        forms.render_xlsx(forms.get_form(item.carrier.output), item.report, target)
        return "xlsx", b""
    data = _docx_bytes(item)
    if item.format == "docx":
        atomic_write_bytes(target, data)
    return item.format, data


# LibreOffice export filters: text as UTF-8 (its default is the system code page).
_FILTERS = {"pdf": "pdf", "html": "html", "txt": "txt:Text (encoded):UTF8"}


def _convert(batch: list[tuple[bytes, Path]], fmt: str) -> None:
    """Word documents → `fmt` with one LibreOffice start; each output moved into place atomically."""
    with tempfile.TemporaryDirectory(prefix="jixiao-corpus-") as tmp:
        sources = []
        for i, (data, _target) in enumerate(batch):
            source = Path(tmp) / f"{i:04d}.docx"
            source.write_bytes(data)
            sources.append(source)
        converted = convert_batch(sources, _FILTERS[fmt], Path(tmp) / "out")
        for path, (_data, target) in zip(converted, batch, strict=True):
            atomic_write_bytes(target, path.read_bytes())


def generate(n: int, out: str | Path, *, seed: int = 0, defect_share: float = 0.3, jobs: int = 1) -> Path:
    """`jixiao samples generate`: plan `n` reports and write them (over `jobs` processes) with their
    ground truth; the same seed gives the same corpus whatever `jobs`."""
    if n < 1:
        raise ValueError("n must be at least 1")
    if not 0 <= defect_share <= 1:
        raise ValueError("defect_share must be between 0 and 1")
    items = plan(n, seed, defect_share)
    meta = {"generator": "jixiao samples generate", "n": n, "seed": seed, "defect_share": defect_share}
    return write_corpus(items, Path(out), meta, jobs)


def load_ground_truth(corpus: str | Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(corpus) / GROUND_TRUTH).read_text(encoding="utf-8"))
    return data
