"""`make accuracy`: extraction precision and recall against labelled reports.

Usage: python scripts/accuracy.py [LABELS_DIR [DOCUMENTS_DIR]] (default: ../shared/seeds/labels and its parent).
Exit code 1 when precision or recall is below 100% on the given labels.
"""

from __future__ import annotations

import sys
from pathlib import Path

from jixiao.extract.accuracy import evaluate, format_evaluation

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    labels_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "seeds" / "labels"
    documents_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else labels_dir.parent
    evaluation = evaluate(sorted(labels_dir.glob("*.json")), documents_dir)
    print(format_evaluation(evaluation))
    total = evaluation.total()
    return 0 if total.precision == 1 and total.recall == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
