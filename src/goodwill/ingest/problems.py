"""Problems found in an input file: data, rendered in Dutch or English.

Every problem names the file, the row (the line in a CSV file, header = line 1; the
sheet row in XLSX; the record number in Parquet; 0 for the file as a whole), the column,
the value found and what was expected. The importer collects problems in a DuckDB table
(a file may have millions), and only the first ones are turned into objects.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from goodwill._typing import Lang
from goodwill.i18n import N_, gettext

PROBLEMS_DDL = (
    "CREATE OR REPLACE TEMP TABLE {name} (file VARCHAR, row BIGINT, col VARCHAR, "
    "value VARCHAR, code VARCHAR, detail VARCHAR)"
)

#: problem code -> English template; ``{column}``, ``{value}`` and ``{detail}`` are filled in.
TEMPLATES: dict[str, str] = {
    "missing_column": N_("required column '{column}' is missing (the file has: {detail})"),
    "unknown_column": N_(
        "unknown column '{value}'; map it with --map '{value}=COLUMN' or leave it out "
        "with --ignore-extra (known columns: {detail})"
    ),
    "duplicate_column": N_("column '{column}' appears more than once: {detail}"),
    "bad_mapping": N_("--map names '{value}', which is not a column of this table ({detail})"),
    "required": N_("'{column}' is empty, but a value is required"),
    "not_number": N_("'{value}' is not a number (for example 1234.56 or 1.234,56)"),
    "not_integer": N_("'{value}' is not a whole number"),
    "not_date": N_(
        "'{value}' is not a date (expected yyyy-mm-dd, dd-mm-yyyy or dd/mm/yyyy, "
        "optionally with a time)"
    ),
    "date_range": N_("'{value}' is outside the years 1900 to 2199"),
    "month_first": N_(
        "dates in '{column}' put the month first (for example '{value}'); write them as "
        "yyyy-mm-dd or dd-mm-yyyy, or pass --date-order mdy"
    ),
    "ambiguous_dates": N_(
        "dates in '{column}' are ambiguous: some put the day first ({detail}) and some "
        "the month first ('{value}'); write them as yyyy-mm-dd"
    ),
    "mixed_dates": N_(
        "'{column}' mixes date formats ({detail}); use one format for the whole column"
    ),
    "mixed_decimals": N_(
        "'{column}' mixes a decimal comma and a decimal point ({detail}); use one "
        "convention, or pass --decimal"
    ),
    "bad_enum": N_("'{value}' is not a known value for '{column}' (expected one of: {detail})"),
    "not_boolean": N_("'{value}' is not yes/no (expected one of: {detail})"),
    "negative": N_("'{value}' is negative, but '{column}' cannot be"),
    "duplicate_key": N_("'{value}' appears more than once in '{column}' (also in row {detail})"),
    "unknown_reference": N_(
        "'{value}' in '{column}' is not a known {detail}; import it first or correct the value"
    ),
    "other_account": N_("contact '{value}' belongs to account '{detail}', not to this row's"),
    "date_order": N_("'{value}' in '{column}' is before {detail}"),
    "ragged_row": N_("the row has a different number of fields than the header ({detail})"),
    "unreadable_row": N_("the row cannot be read as CSV ({detail})"),
}


#: problem code -> what to do about it, in a few words (the web page's "fix" column)
FIXES: dict[str, str] = {
    "missing_column": N_("add the column, or map a column of the file to it"),
    "unknown_column": N_("rename or map the column, or leave it out"),
    "duplicate_column": N_("keep one column of that name"),
    "bad_mapping": N_("map to a column of this table"),
    "required": N_("fill in a value"),
    "not_number": N_("write a number such as 1234.56 or 1.234,56"),
    "not_integer": N_("write a whole number"),
    "not_date": N_("write a date as yyyy-mm-dd or dd-mm-yyyy"),
    "date_range": N_("correct the year"),
    "month_first": N_("write the dates as yyyy-mm-dd or dd-mm-yyyy"),
    "ambiguous_dates": N_("write the dates as yyyy-mm-dd"),
    "mixed_dates": N_("use one date format for the whole column"),
    "mixed_decimals": N_("use one decimal separator for the whole column"),
    "bad_enum": N_("use one of the values listed"),
    "not_boolean": N_("write yes or no"),
    "negative": N_("write zero or more"),
    "duplicate_key": N_("keep one row per key"),
    "unknown_reference": N_("import the referenced row first, or correct the value"),
    "other_account": N_("correct the account or the contact"),
    "date_order": N_("correct one of the two dates"),
    "ragged_row": N_("give the row as many fields as the header"),
    "unreadable_row": N_("check the quotes and separators of the row"),
}


#: the columns of a problem list, in every rendering (CLI table, CSV file)
COLUMN_WORDS = (N_("file"), N_("row"), N_("column"), N_("value"), N_("problem"))


@dataclass(frozen=True)
class Problem:
    """One problem in one cell (or row, or file) of an input file."""

    file: str
    row: int
    column: str
    value: str | None
    code: str
    detail: str = ""

    def message(self, lang: Lang = "en") -> str:
        """The problem as a sentence in ``lang``."""
        template = TEMPLATES.get(self.code, "{detail}")
        return gettext(
            template, lang, column=self.column, value=self.value or "", detail=self.detail
        )

    def fix(self, lang: Lang = "en") -> str:
        """What to do about the problem, in a few words (empty when there is no rule)."""
        hint = FIXES.get(self.code)
        return gettext(hint, lang) if hint else ""

    def where(self, lang: Lang = "en") -> str:
        """``orders.csv, row 12, column amount``."""
        parts = [self.file]
        if self.row:
            parts.append(gettext("row {row}", lang, row=self.row))
        if self.column:
            parts.append(gettext("column {column}", lang, column=self.column))
        return ", ".join(parts)

    def render(self, lang: Lang = "en") -> str:
        return f"{self.where(lang)}: {self.message(lang)}"


def fetch_problems(
    con: duckdb.DuckDBPyConnection, table: str, limit: int | None = None
) -> list[Problem]:
    """The problems in ``table``, first by file, row and column."""
    sql = f"SELECT file, row, col, value, code, detail FROM {table} ORDER BY file, row, col"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [
        Problem(str(f), int(r), str(c or ""), None if v is None else str(v), str(k), str(d or ""))
        for f, r, c, v, k, d in con.execute(sql).fetchall()
    ]


def write_problems(problems: Iterable[Problem], path: Path, lang: Lang = "en") -> int:
    """Write every problem to a CSV file (file, row, column, value, problem)."""
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([gettext(h, lang) for h in COLUMN_WORDS])
        for p in problems:
            writer.writerow([p.file, p.row, p.column, p.value or "", p.message(lang)])
            n += 1
    return n
