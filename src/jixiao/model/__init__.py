"""Typed domain values. Imports nothing else of jixiao."""

from jixiao.model.document import (
    Block,
    Cell,
    Document,
    Paragraph,
    Provenance,
    Source,
    Table,
    number_blocks,
)
from jixiao.model.findings import Finding, Issue, Severity
from jixiao.model.report import (
    FACT_SECTIONS,
    DeclaredWeight,
    Fact,
    FactConflict,
    IndicatorRow,
    NarrativeSection,
    ParsedValue,
    Project,
    QualitativeTarget,
    Report,
    Unit,
    fact_kind,
    json_number,
)
from jixiao.model.scorecard import LevelSum, Scorecard, ScoreItem

__all__ = [
    "FACT_SECTIONS",
    "Block",
    "Cell",
    "DeclaredWeight",
    "Document",
    "Fact",
    "FactConflict",
    "Finding",
    "IndicatorRow",
    "Issue",
    "LevelSum",
    "NarrativeSection",
    "Paragraph",
    "ParsedValue",
    "Project",
    "Provenance",
    "QualitativeTarget",
    "Report",
    "ScoreItem",
    "Scorecard",
    "Severity",
    "Source",
    "Table",
    "Unit",
    "fact_kind",
    "json_number",
    "number_blocks",
]
