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
    return f"nullif(trim({src}), '')"


def _signed(src: str) -> str:
    """Cleaned number text with a trailing minus or parentheses turned into a sign."""
    c = f"replace(translate({src}, ' \u00a0\u202f€$£', ''), 'EUR', '')"
    return (
        f"(CASE WHEN {c} LIKE '%-' AND {c} NOT LIKE '-%' THEN '-' || rtrim({c}, '-') "
        f"WHEN {c} LIKE '(%)' THEN '-' || trim({c}, '()') ELSE {c} END)"
    )


_FAST = {",": r"-?\d+(,\d+)?", ".": r"-?\d+(\.\d+)?"}


def number_sql(src: str, decimal: str, typed: bool) -> tuple[str, str]:
    """(parsed DOUBLE expression, invalid condition) for the text column ``src``.

    Plain values (``-1234,5``) take a fast path; the rest are cleaned and checked
    against the full pattern, so ``1.2.3`` is refused rather than read as 123.
    """
    t = _trimmed(src)
    if typed:
        parsed = f"TRY_CAST({t} AS DOUBLE)"
        return parsed, f"({t} IS NOT NULL AND {parsed} IS NULL)"
    s = _signed(t)
    if decimal == ",":
        body = f"replace(replace({s}, '.', ''), ',', '.')"
        fast = f"replace({t}, ',', '.')"
    else:
        body = f"replace({s}, ',', '')"
        fast = t
    valid = f"regexp_full_match({s}, '{_VALID[decimal]}')"
    parsed = (
        f"(CASE WHEN regexp_full_match({t}, '{_FAST[decimal]}') THEN TRY_CAST({fast} AS DOUBLE) "
        f"WHEN {valid} THEN TRY_CAST({body} AS DOUBLE) END)"
    )
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
        parsed = (
            f"(CASE WHEN length({t}) <= 10 THEN try_strptime({t}, {sql_str(base)}) "
            f"ELSE try_strptime(replace({t}, 'T', ' '), [{listed}]) END)"
        )
    elif family == "yyyymmdd":
        parsed = f"try_strptime({t}, '%Y%m%d')"
    elif family == "excel serial":
        parsed = (
            "(TIMESTAMP '1899-12-30' + to_microseconds(CAST(round("
            f"TRY_CAST({t} AS DOUBLE) * 86400000000) AS BIGINT)))"
        )
    else:  # ISO, or unknown: let the ISO reader reject what it cannot read
        parsed = (
            f"(CASE WHEN length({t}) <= 10 THEN TRY_CAST(TRY_CAST({t} AS DATE) AS TIMESTAMP) "
            f"ELSE TRY_CAST(replace({t}, 'T', ' ') AS TIMESTAMP) END)"
        )
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


def _number_evidence(src: str) -> str:
    """1 where the value can only be read with a decimal comma, 2 with a point, else 0.

    Cheap string functions only (this runs on every value); signs and currency symbols
    are not stripped first, so ``12,50-`` says nothing.
    ``1.234,5`` and ``12,5`` say comma; ``1,234.5``, ``12.5`` and ``1,234,567`` say point;
    ``1,234`` and ``1.234`` say nothing.
    """
    u = src
    after_c = f"(strpos(reverse({u}), ',') - 1)"
    after_p = f"(strpos(reverse({u}), '.') - 1)"
    n_c = f"(length({u}) - length(replace({u}, ',', '')))"
    n_p = f"(length({u}) - length(replace({u}, '.', '')))"
    return (
        f"(CASE WHEN {u} IS NULL THEN 0 "
        f"WHEN contains({u}, ',') AND contains({u}, '.') "
        f"THEN CASE WHEN {after_c} < {after_p} THEN 1 ELSE 2 END "
        f"WHEN contains({u}, ',') THEN CASE WHEN {after_c} <> 3 THEN 1 WHEN {n_c} > 1 THEN 2 "
        f"WHEN strpos({u}, ',') > 4 THEN 1 ELSE 0 END "
        f"WHEN contains({u}, '.') THEN CASE WHEN {after_p} <> 3 THEN 2 WHEN {n_p} > 1 THEN 1 "
        f"WHEN strpos({u}, '.') > 4 THEN 2 ELSE 0 END "
        "ELSE 0 END)"
    )


def _number_conventions(
    con: duckdb.DuckDBPyConnection, raw_name: str, plans: list[ColumnPlan]
) -> dict[int, tuple[object, ...]]:
    """Per number column: comma count, point count, and the first example of each."""
    if not plans:
        return {}
    inner = ", ".join(
        f"{_trimmed(p.source or '')} AS v{k}, {_number_evidence(p.source or '')} AS e{k}"
        for k, p in enumerate(plans)
    )
    aggs = []
    for k in range(len(plans)):
        aggs += [
            f"count_if(e{k} = 1)",
            f"count_if(e{k} = 2)",
            f"arg_min(v{k}, _row) FILTER (WHERE e{k} = 1)",
            f"min(_row) FILTER (WHERE e{k} = 1)",
            f"arg_min(v{k}, _row) FILTER (WHERE e{k} = 2)",
            f"min(_row) FILTER (WHERE e{k} = 2)",
        ]
    row = con.execute(f"SELECT {', '.join(aggs)} FROM (SELECT _row, {inner} FROM {raw_name})")
    values = row.fetchone() or ()
    return {id(p): tuple(values[6 * k : 6 * k + 6]) for k, p in enumerate(plans)}


def _date_shapes(
    con: duckdb.DuckDBPyConnection, raw_name: str, plan: ColumnPlan
) -> tuple[object, ...]:
    """Per date format: count, first example and its row; then the first values that prove
    day-first and month-first order. Computed over distinct values (few, for dates)."""
    aggs = []
    for pattern in DATE_FAMILIES.values():
        aggs += [
            f"count_if(regexp_full_match(v, '{pattern}'))",
            f"arg_min(v, r) FILTER (WHERE regexp_full_match(v, '{pattern}'))",
            f"min(r) FILTER (WHERE regexp_full_match(v, '{pattern}'))",
        ]
    first = "TRY_CAST(regexp_extract(v, '^(\\d{1,2})[-/.]', 1) AS INTEGER)"
    second = "TRY_CAST(regexp_extract(v, '^\\d{1,2}[-/.](\\d{1,2})[-/.]', 1) AS INTEGER)"
    aggs += [
        f"arg_min(v, r) FILTER (WHERE {first} > 12)",
        f"min(r) FILTER (WHERE {first} > 12)",
        f"arg_min(v, r) FILTER (WHERE {second} > 12)",
        f"min(r) FILTER (WHERE {second} > 12)",
    ]
    t = _trimmed(plan.source or "")
    sql = (
        f"SELECT {', '.join(aggs)} FROM (SELECT {t} AS v, min(_row) AS r FROM {raw_name} "
        f"WHERE {t} IS NOT NULL GROUP BY 1)"
    )
    return tuple(con.execute(sql).fetchone() or ())


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
    """Fill in each column's parse expression, detecting number and date conventions over
    all values of the column."""
    numeric = [
        p
        for p in plans
        if p.source is not None
        and p.column.type in ("money", "number", "integer")
        and not typed
        and decimal_forced is None
    ]
    evidence = _number_conventions(con, raw_name, numeric)
    for plan in plans:
        kind = plan.column.type
        if plan.source is None:
            plan.parsed = f"CAST(NULL AS {SQL_TYPES[kind]})"
            continue
        if kind in ("money", "number", "integer"):
            decimal = decimal_forced or decimal_default
            if id(plan) in evidence:
                n_comma, n_point, ex_c, row_c, ex_p, row_p = evidence[id(plan)]
                if _int(n_comma) and _int(n_point):
                    plan.column_problem = Problem(
                        file,
                        _int(row_p),
                        plan.column.name,
                        str(ex_p),
                        "mixed_decimals",
                        f"'{ex_c}' (row {row_c})",
                    )
                decimal = "," if _int(n_comma) else "." if _int(n_point) else decimal
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
            if not typed:
                family = _date_family(file, plan, _date_shapes(con, raw_name, plan), 0, date_order)
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
    present.sort(key=lambda item: item[2])
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
