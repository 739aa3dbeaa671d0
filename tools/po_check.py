"""Maintainer tool: list the messages in the source that the Dutch catalog lacks.

    .venv/bin/python tools/po_check.py            # report
    .venv/bin/python tools/po_check.py --update   # add missing ids (empty) to goodwill.po

Messages are English text marked with ``_``, ``N_`` or ``gettext``, or passed as the
first argument of a goodwill error class.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "src/goodwill/locale/nl/LC_MESSAGES/goodwill.po"


def error_classes() -> list[str]:
    """GoodwillError and every class in the package that derives from it (by name)."""
    found = {"GoodwillError"}
    pattern = re.compile(r"^class (\w+)\(([^)]*)\)", re.M)
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "src/goodwill").rglob("*.py")]
    changed = True
    while changed:
        changed = False
        for text in sources:
            for name, bases in pattern.findall(text):
                if name not in found and any(b.strip() in found for b in bases.split(",")):
                    found.add(name)
                    changed = True
    return sorted(found)


ERROR_CLASSES = error_classes()


#: packages whose errors speak to programmers using the Python API (English only, for
#: now); the command line's own messages and the data errors are translated
ENGLISH_ONLY = ("models", "features", "simulate")


def source_messages() -> list[str]:
    seen: list[str] = []

    def collect(keywords: dict[str, None], skip: tuple[str, ...]) -> None:
        for path in sorted((ROOT / "src/goodwill").rglob("*.py")):
            rel = path.relative_to(ROOT / "src/goodwill")
            if rel.parts[0] in skip:
                continue
            with path.open("rb") as fh:
                for _line, _func, msg, _comments in extract_python(fh, list(keywords), [], {}):
                    text = msg[0] if isinstance(msg, tuple) else msg
                    if text and text not in seen:
                        seen.append(text)

    collect({k: None for k in ("_", "N_", "gettext")}, ())
    collect({k: None for k in ERROR_CLASSES}, ENGLISH_ONLY)
    return seen


def main() -> int:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="nl_NL")
    missing = [m for m in source_messages() if not (catalog.get(m) and catalog.get(m).string)]
    for m in missing:
        print(f"missing: {m!r}")
    if "--update" in sys.argv and missing:
        for m in missing:
            catalog.add(m, "")
        with PO.open("wb") as fh:
            write_po(fh, catalog, width=0, sort_output=False)
    return 1 if missing else 0


if __name__ == "__main__":
    _ = Catalog
    sys.exit(main())
