"""Match a file's header names to goodwill's columns: case, spaces and Dutch synonyms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from goodwill.ingest.problems import Problem
from goodwill.store.schema import Table

_NON_WORD = re.compile(r"[\s_\-./()\[\]:#]+")


def normalize(name: str) -> str:
    """``"Klant-Nr."`` -> ``"klant nr"``; accents removed, case and separators ignored."""
    text = unicodedata.normalize("NFKD", name.replace("\ufeff", ""))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text.strip().strip('"').lower()).strip()


def lookup(table: Table) -> dict[str, str]:
    """Normalised header -> column, from column names and their synonyms."""
    out: dict[str, str] = {}
    for col in table.columns:
        for alias in (col.name, *col.synonyms):
            out.setdefault(normalize(alias), col.name)
    return out


@dataclass(frozen=True)
class HeaderMatch:
    """Which file column (index) feeds which goodwill column; ignored extra headers."""

    columns: dict[str, int]
    ignored: list[str]
    problems: list[Problem]


def match_headers(
    table: Table,
    headers: list[str],
    file: str,
    mapping: Mapping[str, str],
    ignore_extra: bool,
) -> HeaderMatch:
    known = lookup(table)
    user = {normalize(k): v for k, v in mapping.items()}
    problems: list[Problem] = []
    valid = set(table.column_names)
    for source, wanted in mapping.items():
        if wanted not in valid:
            problems.append(
                Problem(file, 0, "", f"{source}={wanted}", "bad_mapping", ", ".join(valid))
            )
    found: dict[str, list[int]] = {}
    ignored: list[str] = []
    for i, header in enumerate(headers):
        key = normalize(header)
        target = user.get(key) or known.get(key)
        if target is None or target not in valid:
            if ignore_extra or not key:
                ignored.append(header)
            else:
                problems.append(
                    Problem(file, 1, "", header, "unknown_column", ", ".join(table.column_names))
                )
            continue
        found.setdefault(target, []).append(i)
    for target, idx in found.items():
        if len(idx) > 1:
            names = ", ".join(f"'{headers[i]}'" for i in idx)
            problems.append(Problem(file, 1, target, None, "duplicate_column", names))
    for col in table.columns:
        if col.required and col.name not in found:
            have = ", ".join(h for h in headers if h.strip()) or "-"
            problems.append(Problem(file, 1, col.name, None, "missing_column", have))
    return HeaderMatch({k: v[0] for k, v in found.items()}, ignored, problems)
