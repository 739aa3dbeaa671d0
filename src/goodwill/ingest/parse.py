"""Turn text cells into typed values in SQL, with one set of rules for every file format.

Conventions are detected per column over *all* its values, never guessed from a sample:

- numbers: decimal comma (``1.234,56``) or point (``1,234.56``); a value such as
  ``1.234`` that fits both is read with the column's convention, else the file's
  (``;``-separated CSV: comma; otherwise point). Currency symbols, spaces, non-breaking
  spaces, a trailing minus (``12,50-``) and parentheses (``(12,50)``) are understood.
  A column holding both conventions is refused.
- dates: ISO ``yyyy-mm-dd``, ``dd-mm-yyyy``, ``dd/mm/yyyy``, ``dd.mm.yyyy``, compact
  ``yyyymmdd`` and Excel serial numbers, each optionally with a time. One column holds
  one format; a column whose dates prove month-first order (``12/31/2024``) is refused
  unless the import says ``date_order="mdy"``, and one that proves both orders is refused.
- enumerations and yes/no values: English or Dutch words (``bezoek`` = visit).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from goodwill.ingest.headers import normalize
from goodwill.ingest.problems import Problem
from goodwill.store.ddl import quote_ident
from goodwill.store.schema import ENUMS, SQL_TYPES, Column

BOOLEANS: dict[str, tuple[str, ...]] = {
    "true": ("true", "1", "yes", "y", "ja", "j", "waar", "x", "wahr", "vrai"),
    "false": ("false", "0", "no", "n", "nee", "onwaar", "nein", "faux"),
}

_CLEAN_NUMBER = r"[\s\x{00A0}\x{202F}€$£]|EUR|eur"
_COMMA_EVIDENCE = r"\d{1,3}(\.\d{3})+,\d*|\d{1,3}(\.\d{3}){2,}|\d*,\d{1,2}|\d*,\d{4,}|\d{4,},\d+"
_POINT_EVIDENCE = r"\d{1,3}(,\d{3})+\.\d*|\d{1,3}(,\d{3}){2,}|\d*\.\d{1,2}|\d*\.\d{4,}|\d{4,}\.\d+"
_VALID = {
    ",": r"[-+]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?|[-+]?,\d+",
    ".": r"[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|[-+]?\.\d+",
}
_TIME = r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?"
DATE_FAMILIES: dict[str, str] = {
    "yyyy-mm-dd": r"\d{4}-\d{1,2}-\d{1,2}" + _TIME,
    "dd-mm-yyyy": r"\d{1,2}-\d{1,2}-\d{4}" + _TIME,
    "dd/mm/yyyy": r"\d{1,2}/\d{1,2}/\d{4}" + _TIME,
    "dd.mm.yyyy": r"\d{1,2}\.\d{1,2}\.\d{4}" + _TIME,
    "yyyymmdd": r"(19|20)\d{6}",
    "excel serial": r"\d{1,5}(\.\d+)?",
}
_DMY_SEP = {"dd-mm-yyyy": "-", "dd/mm/yyyy": "/", "dd.mm.yyyy": "."}


def sql_str(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _trimmed(src: str) -> str:
    return f"nullif(trim({src}, ' \t\r\n\u00a0'), '')"


def _signed(src: str) -> str:
    """Cleaned number text with a trailing minus or parentheses turned into a sign."""
    c = f"regexp_replace({src}, '{_CLEAN_NUMBER}', '', 'g')"
    return (
        f"(CASE WHEN {c} LIKE '%-' AND {c} NOT LIKE '-%' THEN '-' || rtrim({c}, '-') "
        f"WHEN {c} LIKE '(%)' THEN '-' || trim({c}, '()') ELSE {c} END)"
    )


def _unsigned(src: str) -> str:
    return f"ltrim({_signed(src)}, '-+')"


def number_sql(src: str, decimal: str, typed: bool) -> tuple[str, str]:
    """(parsed DOUBLE expression, invalid condition) for the text column ``src``."""
    t = _trimmed(src)
    if typed:
        parsed = f"TRY_CAST({t} AS DOUBLE)"
        return parsed, f"({t} IS NOT NULL AND {parsed} IS NULL)"
    s = _signed(t)
    if decimal == ",":
        body = f"replace(replace({s}, '.', ''), ',', '.')"
    else:
        body = f"replace({s}, ',', '')"
    valid = f"regexp_full_match({s}, '{_VALID[decimal]}')"
    parsed = f"(CASE WHEN {valid} THEN TRY_CAST({body} AS DOUBLE) END)"
    return parsed, f"({t} IS NOT NULL AND {parsed} IS NULL)"


def date_sql(src: str, family: str | None, date_order: str) -> tuple[str, str, str]:
    """(parsed TIMESTAMP expression, unparseable condition, out-of-range condition)."""
    t = _trimmed(src)
    if family in _DMY_SEP:
        sep = _DMY_SEP[family]
        first, second = ("%d", "%m") if date_order == "dmy" else ("%m", "%d")
        base = f"{first}{sep}{second}{sep}%Y"
        fmts = [base + suffix for suffix in (" %H:%M:%S.%f", " %H:%M:%S", " %H:%M", "")]
        listed = ", ".join(sql_str(f) for f in fmts)
        parsed = f"try_strptime(replace({t}, 'T', ' '), [{listed}])"
    elif family == "yyyymmdd":
        parsed = f"try_strptime({t}, '%Y%m%d')"
    elif family == "excel serial":
        parsed = (
            "(TIMESTAMP '1899-12-30' + to_microseconds(CAST(round("
            f"TRY_CAST({t} AS DOUBLE) * 86400000000) AS BIGINT)))"
        )
    else:  # ISO, or unknown: let the ISO reader reject what it cannot read
        parsed = f"TRY_CAST(replace({t}, 'T', ' ') AS TIMESTAMP)"
    in_range = f"year({parsed}) BETWEEN 1900 AND 2199"
    ok = f"(CASE WHEN {in_range} THEN {parsed} END)"
    return (
        ok,
        f"({t} IS NOT NULL AND {parsed} IS NULL)",
        f"({parsed} IS NOT NULL AND NOT {in_range})",
    )


def _case_map(src: str, mapping: dict[str, str]) -> str:
    norm = f"trim(regexp_replace(lower({_trimmed(src)}), '[\\s_\\-./]+', ' ', 'g'))"
    whens = " ".join(f"WHEN {sql_str(k)} THEN {sql_str(v)}" for k, v in sorted(mapping.items()))
    return f"(CASE {norm} {whens} END)"


def enum_mapping(enum: str) -> dict[str, str]:
    """Normalised word (English or Dutch) -> stored value."""
    out: dict[str, str] = {}
    for value, synonyms in ENUMS[enum].items():
        for word in (value, *synonyms):
            out.setdefault(normalize(word), value)
    return out


def boolean_mapping() -> dict[str, str]:
    return {normalize(w): v for v, words in BOOLEANS.items() for w in words}


@dataclass
class ColumnPlan:
    """How one goodwill column is filled from the file (or left empty / defaulted)."""

    column: Column
    source: str | None  # c{i} in the raw table, or None when the file lacks the column
    parsed: str
    invalid: str | None = None
    invalid_code: str = ""
    detail: str = ""
    range_invalid: str | None = None
    #: a column-level problem (mixed formats ...) found while detecting conventions
    column_problem: Problem | None = None
    convention: str = ""

    def select_sql(self) -> str:
        expr = self.parsed
        if self.column.default is not None:
            default = f"CAST({sql_str(self.column.default)} AS {SQL_TYPES[self.column.type]})"
            expr = f"coalesce({expr}, {default})"
        return f"{expr} AS {quote_ident(self.column.name)}"


def _number_evidence(src: str) -> tuple[str, str]:
    u = _unsigned(_trimmed(src))
    return (
        f"count_if(regexp_full_match({u}, '{_COMMA_EVIDENCE}'))",
        f"count_if(regexp_full_match({u}, '{_POINT_EVIDENCE}'))",
    )


def detect(
    con: duckdb.DuckDBPyConnection,
    raw_name: str,
    file: str,
    plans: list[ColumnPlan],
    decimal_default: str,
    decimal_forced: str | None,
    typed: bool,
    date_order: str,
) -> None:
    """Fill in each number and date column's convention by scanning all its values once."""
    aggregates: list[str] = []
    slots: list[tuple[ColumnPlan, str, int]] = []
    for plan in plans:
        if plan.source is None or typed:
            continue
        kind = plan.column.type
        t = _trimmed(plan.source)
        if kind in ("money", "number", "integer") and decimal_forced is None:
            comma, point = _number_evidence(plan.source)
            aggregates += [
                comma,
                point,
                f"arg_min({t}, _row) FILTER (WHERE regexp_full_match({_unsigned(t)}, "
                f"'{_COMMA_EVIDENCE}'))",
                f"min(_row) FILTER (WHERE regexp_full_match({_unsigned(t)}, '{_COMMA_EVIDENCE}'))",
                f"arg_min({t}, _row) FILTER (WHERE regexp_full_match({_unsigned(t)}, "
                f"'{_POINT_EVIDENCE}'))",
                f"min(_row) FILTER (WHERE regexp_full_match({_unsigned(t)}, '{_POINT_EVIDENCE}'))",
            ]
            slots.append((plan, "number", len(aggregates) - 6))
        elif kind == "timestamp":
            start = len(aggregates)
            for pattern in DATE_FAMILIES.values():
                aggregates += [
                    f"count_if(regexp_full_match({t}, '{pattern}'))",
                    f"arg_min({t}, _row) FILTER (WHERE regexp_full_match({t}, '{pattern}'))",
                    f"min(_row) FILTER (WHERE regexp_full_match({t}, '{pattern}'))",
                ]
            first = f"TRY_CAST(regexp_extract({t}, '^(\\d{{1,2}})[-/.]', 1) AS INTEGER)"
            second = (
                f"TRY_CAST(regexp_extract({t}, '^\\d{{1,2}}[-/.](\\d{{1,2}})[-/.]', 1) AS INTEGER)"
            )
            aggregates += [
                f"arg_min({t}, _row) FILTER (WHERE {first} > 12)",
                f"min(_row) FILTER (WHERE {first} > 12)",
                f"arg_min({t}, _row) FILTER (WHERE {second} > 12)",
                f"min(_row) FILTER (WHERE {second} > 12)",
            ]
            slots.append((plan, "date", start))
    values: tuple[object, ...] = ()
    if aggregates:
        row = con.execute(f"SELECT {', '.join(aggregates)} FROM {raw_name}").fetchone()
        values = tuple(row) if row else ()
    for plan in plans:
        kind = plan.column.type
        if plan.source is None:
            plan.parsed = f"CAST(NULL AS {SQL_TYPES[kind]})"
            continue
        if kind in ("money", "number", "integer"):
            decimal = decimal_forced or decimal_default
            slot = next((s for s in slots if s[0] is plan), None)
            if slot is not None:
                i = slot[2]
                n_comma, n_point = _int(values[i]), _int(values[i + 1])
                if n_comma and n_point:
                    plan.column_problem = Problem(
                        file,
                        _int(values[i + 5]),
                        plan.column.name,
                        str(values[i + 4]),
                        "mixed_decimals",
                        f"'{values[i + 2]}' (row {values[i + 3]})",
                    )
                decimal = "," if n_comma else "." if n_point else decimal
            parsed, invalid = number_sql(plan.source, decimal, typed)
            plan.convention = "" if typed else f"decimal {decimal}"
            if kind == "integer":
                plan.parsed = (
                    f"(CASE WHEN {parsed} = round({parsed}) AND abs({parsed}) < 9e15 "
                    f"THEN CAST({parsed} AS BIGINT) END)"
                )
                plan.invalid = f"({_trimmed(plan.source)} IS NOT NULL AND {plan.parsed} IS NULL)"
                plan.invalid_code = "not_integer"
            else:
                plan.parsed, plan.invalid, plan.invalid_code = parsed, invalid, "not_number"
        elif kind == "timestamp":
            family = "yyyy-mm-dd" if typed else None
            slot = next((s for s in slots if s[0] is plan), None)
            if slot is not None:
                family = _date_family(file, plan, values, slot[2], date_order)
            plan.convention = family or ""
            parsed, invalid, out_of_range = date_sql(plan.source, family, date_order)
            plan.parsed, plan.invalid, plan.invalid_code = parsed, invalid, "not_date"
            plan.range_invalid = out_of_range
        elif kind == "enum":
            assert plan.column.enum is not None
            mapping = enum_mapping(plan.column.enum)
            plan.parsed = _case_map(plan.source, mapping)
            plan.invalid = f"({_trimmed(plan.source)} IS NOT NULL AND {plan.parsed} IS NULL)"
            plan.invalid_code = "bad_enum"
            plan.detail = ", ".join(ENUMS[plan.column.enum])
        elif kind == "boolean":
            plan.parsed = f"CAST({_case_map(plan.source, boolean_mapping())} AS BOOLEAN)"
            plan.invalid = f"({_trimmed(plan.source)} IS NOT NULL AND {plan.parsed} IS NULL)"
            plan.invalid_code = "not_boolean"
            plan.detail = "ja/nee, yes/no, true/false, 1/0"
        else:
            plan.parsed = _trimmed(plan.source)


def _int(value: object) -> int:
    return int(str(value)) if value is not None else 0


def _date_family(
    file: str, plan: ColumnPlan, values: tuple[object, ...], start: int, date_order: str
) -> str | None:
    present: list[tuple[str, str, int]] = []
    for k, name in enumerate(DATE_FAMILIES):
        count, example, row = values[start + 3 * k : start + 3 * k + 3]
        if count:
            present.append((name, str(example), int(str(row))))
    if not present:
        return None
    if len(present) > 1:
        detail = ", ".join(f"{n} '{ex}' (row {r})" for n, ex, r in present)
        name, example, row = present[1]
        plan.column_problem = Problem(file, row, plan.column.name, example, "mixed_dates", detail)
        return present[0][0]
    family = present[0][0]
    if family in _DMY_SEP and date_order == "dmy":
        j = start + 3 * len(DATE_FAMILIES)
        day_first, day_row, month_first, month_row = values[j : j + 4]
        if month_first is not None and day_first is not None:
            plan.column_problem = Problem(
                file,
                int(str(month_row)),
                plan.column.name,
                str(month_first),
                "ambiguous_dates",
                f"'{day_first}' (row {day_row})",
            )
        elif month_first is not None:
            plan.column_problem = Problem(
                file, int(str(month_row)), plan.column.name, str(month_first), "month_first"
            )
    return family
