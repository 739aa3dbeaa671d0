"""A report's tables as data: columns that know their kind, rows of raw values.

One table is rendered twice — as HTML with numbers, money and dates written the way the
language writes them (Babel), and as an Excel sheet with numbers as numbers and dates as
dates — so the page and the workbook can never disagree.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any, Literal

from babel.dates import format_date

from goodwill._typing import Lang
from goodwill.i18n import format_money, format_number

__all__ = ["Column", "Figure", "Kind", "Table", "format_cell", "format_day"]

#: how a cell is written: ``money`` in whole euros, ``number`` with ``decimals``
Kind = Literal["text", "int", "number", "money", "date"]
_LOCALES = {"en": "en_GB", "nl": "nl_NL"}


@dataclass(frozen=True)
class Column:
    """A column: its key (a stable name for code and tests), its title in the report's
    language, its kind and, for numbers, the decimals shown."""

    key: str
    title: str
    kind: Kind = "text"
    decimals: int = 0

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "number", "money")


@dataclass(frozen=True)
class Table:
    """A titled table; ``key`` is stable across languages (the HTML id, the tests' handle),
    ``sheet`` the short name of its Excel sheet."""

    key: str
    title: str
    sheet: str
    columns: tuple[Column, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)

    def column(self, key: str) -> list[Any]:
        """The values of one column, by its key."""
        at = [c.key for c in self.columns].index(key)
        return [row[at] for row in self.rows]


@dataclass(frozen=True)
class Figure:
    """One headline figure: a label, a value and its kind."""

    key: str
    label: str
    value: float | int | None
    kind: Kind = "int"


def missing(value: Any) -> bool:
    """Is ``value`` empty (None, NaN)?"""
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_day(day: dt.date, lang: Lang) -> str:
    """``30 June 2025`` (en) or ``30 juni 2025`` (nl)."""
    return format_date(day, format="long", locale=_LOCALES[lang])


def format_cell(value: Any, kind: Kind, lang: Lang, decimals: int = 0) -> str:
    """A cell's text in ``lang``: ``–`` for a missing value."""
    if missing(value):
        return "–"
    if kind == "money":
        return format_money(float(value), lang)
    if kind in ("int", "number"):
        return format_number(float(value), lang, decimals if kind == "number" else 0)
    if kind == "date":
        return format_day(value, lang)
    return str(value)
