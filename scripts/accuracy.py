"""`make accuracy`: extraction and checking measured against every labelled folder.

Usage: python scripts/accuracy.py [--details] [FOLDER | LABELS_DIR [DOCUMENTS_DIR]]

Without arguments it reads ../shared/seeds, ../shared/corpus/{real,forms,formats} and every labelled
folder under tests/corpus/ (with the project's corrections of shared labels in
tests/corpus/label_corrections.json, each with its reason), and prints one summary per folder and per
format (facts and identity: precision and recall; indicator rows intact; expected findings found; error
findings no label names; documents refused), then the details of each folder with --details. A folder
argument prints its details. Exit code 1 when the seeds are not read exactly.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jixiao.accuracy import HEADER, evaluate, format_evaluation, label_files, load_corrections, summary_line

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def default_folders() -> list[Path]:
    folders = [SHARED / "seeds", *(SHARED / "corpus" / name for name in ("real", "forms", "formats"))]
    folders += sorted(p.parent for p in (ROOT / "tests" / "corpus").glob("**/labels"))
    return [f for f in folders if (f / "labels").is_dir()]


def folder_name(folder: Path) -> str:
    """shared/seeds, corpus/real, …: the folder and its parent, as the report and the corrections name it."""
    return str(folder.relative_to(folder.parents[1]))


def main(argv: list[str]) -> int:
    details = "--details" in argv
    args = [a for a in argv if a != "--details"]
    if args:
        labels = Path(args[0])
        if (labels / "labels").is_dir():
            labels = labels / "labels"
        documents = Path(args[1]) if len(args) > 1 else labels.parent
        corrections = load_corrections(ROOT / "tests" / "corpus" / "label_corrections.json")
        evaluation = evaluate(
            sorted(labels.glob("*.json")), documents, corrections.get(folder_name(documents.resolve()))
        )
        print(format_evaluation(evaluation, str(documents)))
        total = evaluation.total()
        return 0 if total.precision == 1 and total.recall == 1 else 1
    corrections = load_corrections(ROOT / "tests" / "corpus" / "label_corrections.json")
    results = {
        folder: evaluate(label_files(folder), folder, corrections.get(folder_name(folder)))
        for folder in default_folders()
    }
    print(HEADER)
    for folder, evaluation in results.items():
        name = folder_name(folder)
        print(summary_line(name, evaluation.files))
        by_format: dict[str, list] = {}  # type: ignore[type-arg]
        for f in evaluation.files:
            by_format.setdefault(f.format, []).append(f)
        if len(by_format) > 1:
            for fmt, files in sorted(by_format.items()):
                print(summary_line(f"  .{fmt}", files))
    if details:
        for folder, evaluation in results.items():
            print()
            print(format_evaluation(evaluation, str(folder)))
    seeds = results.get(SHARED / "seeds")
    exact = seeds is None or (seeds.total().precision == 1 and seeds.total().recall == 1)
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
