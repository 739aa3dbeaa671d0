"""Maintainer tool: list the messages in the source that the Dutch catalog lacks.

    .venv/bin/python tools/po_check.py            # report
    .venv/bin/python tools/po_check.py --update   # add missing ids (empty) to goodwill.po

Messages are English text marked with ``_``, ``N_`` or ``gettext``, or passed as the
first argument of a goodwill error class.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "src/goodwill/locale/nl/LC_MESSAGES/goodwill.po"
ERROR_CLASSES = [
    "GoodwillError",
    "StoreError",
    "NotAStoreError",
    "StoreVersionError",
    "StoreLockedError",
    "InputFileError",
    "UndoError",
    "ExportError",
    "ConvergenceError",
    "SimulationError",
]
KEYWORDS: dict[str, None] = {k: None for k in ("_", "N_", "gettext", *ERROR_CLASSES)}


def source_messages() -> list[str]:
    seen: list[str] = []
    for _fn, _line, msg, _comments, _ctx in extract_from_dir(
        str(ROOT / "src/goodwill"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        text = msg[0] if isinstance(msg, tuple) else msg
        if text and text not in seen:
            seen.append(text)
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
