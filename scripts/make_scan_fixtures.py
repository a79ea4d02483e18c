"""Scanned-report fixtures: the seeds and the shared forms printed to images with realistic damage.

Usage: python scripts/make_scan_fixtures.py OUT_DIR [--damage all,fax,photo] [--seed 18] [--only 002,006]

Sources: the five seeds as PDF (../shared/corpus/formats/*.pdf) and the four forms of
../shared/corpus/forms (their .docx printed to PDF by LibreOffice, when it is installed). Each page is
rendered at the damage's resolution (150–300 dpi) and damaged (jixiao.samples.scans: skew up to 2°,
blur, noise, JPEG q50, a red round seal over the signature block, a fax-like binarised page, a phone
photo with perspective; "all" is skew + seal + blur + noise + JPEG on every page), then written as a PDF
of images, `<source>.<damage>.pdf`, with the source document's label in `OUT_DIR/labels/` (what a
document states does not change when it is printed). Fax copies are also written as multi-page TIFF.
`OUT_DIR/text/` gets the born-digital PDFs with the same labels: the baseline the scans are measured
against (`python scripts/accuracy.py OUT_DIR` and `python scripts/accuracy.py OUT_DIR/text`).
Deterministic: the same seed gives the same files.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

from jixiao.samples.scans import DAMAGES, damaged, render_pages, scan_pdf

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DPI = {"clean": 200, "skew": 200, "blur": 150, "noise": 200, "jpeg50": 150, "seal": 300, "fax": 200, "photo": 200}
DPI["all"] = 200


def sources(only: set[str] | None) -> list[tuple[Path, Path]]:
    """(born-digital PDF, its label) for the seeds and, through LibreOffice, the forms."""
    out = [(pdf, CORPUS / "formats" / "labels" / f"{pdf.name}.json") for pdf in sorted(CORPUS.glob("formats/*.pdf"))]
    forms = sorted(CORPUS.glob("forms/*.docx"))
    if forms and shutil.which("soffice"):
        from jixiao.render.pdf import convert_batch

        printed = Path(tempfile.mkdtemp(prefix="jixiao-forms-"))
        for docx, pdf in zip(forms, convert_batch(forms, "pdf", printed), strict=True):
            out.append((pdf, CORPUS / "forms" / "labels" / f"{docx.name}.json"))
    return [s for s in out if s[1].is_file() and (only is None or s[0].name[:3] in only)]


def write_label(label: Path, folder: Path, document: str) -> None:
    data = json.loads(label.read_text("utf-8"))
    data["document"] = document
    (folder / "labels").mkdir(parents=True, exist_ok=True)
    (folder / "labels" / f"{document}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--damage", default="all,fax,photo", help=f"comma-separated: {', '.join(DAMAGES)}")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--only", default="", help="comma-separated source prefixes (002,006)")
    args = parser.parse_args(argv)
    damages = [d for d in args.damage.split(",") if d]
    unknown = sorted(set(damages) - set(DAMAGES))
    if unknown:
        parser.error(f"unknown damage: {', '.join(unknown)}")
    only = set(args.only.split(",")) if args.only else None
    text = args.out / "text"
    text.mkdir(parents=True, exist_ok=True)
    for pdf, label in sources(only):
        stem = pdf.stem
        shutil.copyfile(pdf, text / pdf.name)
        write_label(label, text, pdf.name)
        for damage in damages:
            # One generator per file, seeded by its name: a file does not change when others are added.
            rng = random.Random(f"{args.seed}:{stem}:{damage}")
            dpi = DPI[damage]
            pages = [damaged(page, damage, rng) for page in render_pages(pdf, dpi)]
            name = f"{stem}.{damage}.pdf"
            scan_pdf(pages, args.out / name, dpi)
            write_label(label, args.out, name)
            if damage == "fax":
                tiff = f"{stem}.fax.tiff"
                first, *rest = [p.convert("1") for p in pages]
                first.save(args.out / tiff, save_all=True, append_images=rest, compression="group4", dpi=(dpi, dpi))
                write_label(label, args.out, tiff)
            print(f"{name}: {len(pages)} page(s) at {dpi} dpi")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
