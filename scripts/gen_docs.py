"""Generate the docs that come from the code (`make docs`): docs/rules.md from the rule registry and
docs/profiles.md from the built-in scoring profiles.

`python scripts/gen_docs.py --check` exits 1 when a generated file is stale (tests/test_docs_rules.py
runs the same comparison).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from jixiao.profiles.docs import profiles_markdown  # noqa: E402 — after the path set-up above
from jixiao.rules.docs import rules_markdown  # noqa: E402

GENERATED: dict[str, Callable[[], str]] = {"docs/rules.md": rules_markdown, "docs/profiles.md": profiles_markdown}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for rel, make in GENERATED.items():
        path = ROOT / rel
        text = make()
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == text:
            continue
        if check:
            stale.append(rel)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {rel}")
    if stale:
        print("stale (run `make docs`): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
