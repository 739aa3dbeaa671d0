"""Open an input file as a DuckDB table of text cells, whatever its format and encoding.

CSV is decoded in Python when it is not UTF-8 (DuckDB cannot load its encodings
extension offline), then read by DuckDB's CSV reader with every cell as text, so that
numbers, dates and enumerations are parsed by one set of rules for every format (see
:mod:`goodwill.ingest.parse`). XLSX is read with python-calamine and Parquet by DuckDB.
The result is a temporary table ``_row, c0, c1, ...`` plus the header names.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import duckdb

from goodwill.errors import InputFileError
from goodwill.ingest.options import ImportOptions
from goodwill.ingest.problems import Problem

FileFormat = Literal["csv", "xlsx", "parquet"]
CHUNK = 16 * 1024 * 1024
_SEPARATORS = (";", "\t", ",", "|")


def _c1_fallback(err: UnicodeError) -> tuple[str, int]:
    """Windows-1252 leaves five bytes undefined; keep them as their Latin-1 characters."""
    assert isinstance(err, UnicodeDecodeError)
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("goodwill-c1", _c1_fallback)


@dataclass
class RawTable:
    """An input file loaded as text cells into the temporary table ``name``."""

    file: Path
    name: str
    format: FileFormat
    headers: list[str]
    content_hash: str
    size_bytes: int
    rows: int
    #: values come from a typed source (XLSX, Parquet): decimal point, ISO dates
    typed: bool
    default_decimal: str
    read_as: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def display(self) -> str:
        return self.file.name


def _sniff_format(path: Path, head: bytes) -> FileFormat:
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        raise InputFileError("{file} is named .parquet but is not a Parquet file", file=path.name)
    if suffix in (".xlsx", ".xlsm"):
        raise InputFileError(
            "{file} is named {suffix} but is not an Excel workbook", file=path.name, suffix=suffix
        )
    if suffix == ".xls":
        raise InputFileError(
            "{file} is an old Excel 97-2003 file; save it as .xlsx or CSV and import that",
            file=path.name,
        )
    return "csv"


def _detect_encoding(head: bytes) -> str | None:
    """Encoding from a byte-order mark or UTF-16 without one; None means: check UTF-8."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4:
        odd_zeros = sample[1::2].count(0)
        even_zeros = sample[0::2].count(0)
        half = len(sample) // 2
        if odd_zeros > 0.4 * half and even_zeros < 0.05 * half:
            return "utf-16-le"
        if even_zeros > 0.4 * half and odd_zeros < 0.05 * half:
            return "utf-16-be"
    return None


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _is_utf8(path: Path, digest: Any) -> bool:
    """Hash the file while checking that it is UTF-8; stop checking (not hashing) at the
    first byte that is not."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if chunk.isascii() and not decoder.getstate()[0]:
                continue  # plain ASCII with nothing pending: valid, and fast to tell
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _transcode(path: Path, encoding: str, target: Path, digest: Any) -> None:
    """Write ``path`` decoded from ``encoding`` as UTF-8 to ``target``, chunk by chunk,
    hashing the original bytes on the way."""
    errors = "goodwill-c1" if encoding == "cp1252" else "strict"
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    try:
        with path.open("rb") as src, target.open("wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(decoder.decode(chunk).encode("utf-8"))
            dst.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputFileError(
            "{file} cannot be decoded as {encoding} (byte {byte}); "
            "save it as UTF-8 or pass --encoding",
            file=path.name,
            encoding=encoding,
            byte=exc.start,
        ) from exc


def prepare_text(path: Path, encoding: str | None, workdir: Path) -> tuple[Path, str, str]:
    """The file as UTF-8 text DuckDB can read: (text path, encoding found, SHA-256).

    UTF-8 files are read in place; anything else is transcoded into ``workdir``. A file
    that is not valid UTF-8 is Windows-1252, as Dutch Excel writes it.
    """
    digest = hashlib.sha256()
    if encoding is None:
        if _is_utf8(path, digest):
            return path, "utf-8", digest.hexdigest()
        encoding, digest = "cp1252", hashlib.sha256()
    if encoding.replace("_", "-").lower() in ("utf-8", "utf8", "utf-8-sig"):
        return path, encoding, file_hash(path)
    target = workdir / f"{path.stem}.utf8.csv"
    _transcode(path, encoding, target, digest)
    return target, encoding, digest.hexdigest()


def _first_line(path: Path) -> str:
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        return fh.readline(1 << 20).rstrip("\r\n")


_SEP_HINT = re.compile(r"^sep=(.)$", re.IGNORECASE)


def _detect_separator(header: str) -> str:
    counts = {sep: 0 for sep in _SEPARATORS}
    in_quote = False
    for ch in header:
        if ch == '"':
            in_quote = not in_quote
        elif not in_quote and ch in counts:
            counts[ch] += 1
    best = max(_SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def _check_headers_present(path: Path, headers: list[str]) -> None:
    if not any(h.strip() for h in headers):
        raise InputFileError("{file} has no header row (its first line is empty)", file=path.name)


def read_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    options: ImportOptions,
    workdir: Path,
) -> RawTable:
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(65536)
    encoding = options.encoding or _detect_encoding(head)
    if encoding is None and b"\x00" in head:
        pos = head.index(b"\x00")
        raise InputFileError(
            "{file} looks like a binary file, not CSV text (a zero byte at byte {byte}); "
            "export the table as CSV, XLSX or Parquet",
            file=path.name,
            byte=pos,
        )
    text_path, encoding, content_hash = prepare_text(path, encoding, workdir)
    first = _first_line(text_path)
    skip = 0
    sep = options.separator
    hint = _SEP_HINT.match(first.strip())
    if hint:
        sep = sep or hint.group(1)
        skip = 1
        with text_path.open("r", encoding="utf-8-sig", newline="") as fh:
            fh.readline()
            first = fh.readline(1 << 20).rstrip("\r\n")
    if not first.strip():
        raise InputFileError("{file} has no header row (its first line is empty)", file=path.name)
    sep = sep or _detect_separator(first)
    headers = next(csv.reader(io.StringIO(first), delimiter=sep, quotechar='"'))
    _check_headers_present(path, headers)
    cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(headers)))
    rejects, scans = f"{name}_rejects", f"{name}_reject_scans"
    src = (
        f"read_csv(?, delim=?, quote='\"', escape='\"', header=true, skip={skip}, "
        f"columns={{{cols}}}, auto_detect=false, store_rejects=true, "
        f"rejects_table='{rejects}', rejects_scan='{scans}', max_line_size=10000000)"
    )
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS "
            f"SELECT row_number() OVER () AS _row, * FROM {src}",
            [str(text_path), sep],
        )
    except duckdb.Error as exc:
        raise InputFileError(
            "{file} cannot be read as CSV: {reason}", file=path.name, reason=_first_sentence(exc)
        ) from exc
    problems = _reject_problems(con, path.name, rejects, len(headers))
    if problems:
        _renumber(con, name, rejects)
    else:
        con.execute(f"UPDATE {name} SET _row = _row + 1 + {skip}")
    con.execute(f"DROP TABLE IF EXISTS {rejects}")
    con.execute(f"DROP TABLE IF EXISTS {scans}")
    rows = _count(con, name)
    decimal = options.decimal or ("," if sep == ";" else ".")
    return RawTable(
        file=path,
        name=name,
        format="csv",
        headers=headers,
        content_hash=content_hash,
        size_bytes=size,
        rows=rows,
        typed=False,
        default_decimal=decimal,
        read_as={"format": "csv", "encoding": encoding, "separator": sep},
        problems=problems,
    )


def _first_sentence(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:300]


def _count(con: duckdb.DuckDBPyConnection, name: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {name}").fetchone()
    return int(row[0]) if row else 0


def _reject_problems(
    con: duckdb.DuckDBPyConnection, file: str, rejects: str, width: int
) -> list[Problem]:
    rows = con.execute(
        f"SELECT line, any_value(error_type), any_value(error_message) "
        f"FROM {rejects} GROUP BY line ORDER BY line"
    ).fetchall()
    out = []
    for line, kind, message in rows:
        kind = str(kind)
        if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
            found = re.search(r"Found: (\d+)", str(message))
            detail = f"{found.group(1) if found else '?'} / {width}"
            out.append(Problem(file, int(line), "", None, "ragged_row", detail))
        else:
            out.append(Problem(file, int(line), "", None, "unreadable_row", kind.lower()))
    return out


def _renumber(con: duckdb.DuckDBPyConnection, name: str, rejects: str) -> None:
    """Turn good-row ordinals into file line numbers, skipping the rejected lines."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {name}_lines AS
        SELECT line - 2 - (row_number() OVER (ORDER BY line) - 1) AS before_n,
               row_number() OVER (ORDER BY line) AS shift
        FROM (SELECT DISTINCT line FROM {rejects})"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {name} AS
        SELECT t._row + 1 + coalesce(l.shift, 0) AS _row, t.* EXCLUDE (_row)
        FROM {name} t ASOF LEFT JOIN {name}_lines l ON t._row > l.before_n
        ORDER BY 1"""
    )
    con.execute(f"DROP TABLE {name}_lines")


def _cell_text(value: object) -> str | None:
    import datetime as dt

    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value).strip() or None


def read_xlsx(
    con: duckdb.DuckDBPyConnection, path: Path, name: str, options: ImportOptions
) -> RawTable:
    import pyarrow as pa
    from python_calamine import CalamineWorkbook

    content_hash = file_hash(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet_name = options.sheet or book.sheet_names[0]
        if sheet_name not in book.sheet_names:
            raise InputFileError(
                "{file} has no sheet '{sheet}' (sheets: {sheets})",
                file=path.name,
                sheet=sheet_name,
                sheets=", ".join(book.sheet_names),
            )
        rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except InputFileError:
        raise
    except Exception as exc:  # calamine raises its own error types
        raise InputFileError(
            "{file} cannot be read as XLSX: {reason}", file=path.name, reason=_first_sentence(exc)
        ) from exc
    while rows and all(v in (None, "") for v in rows[-1]):
        rows.pop()
    if not rows:
        raise InputFileError("{file}: sheet '{sheet}' is empty", file=path.name, sheet=sheet_name)
    headers = [str(_cell_text(v) or "") for v in rows[0]]
    _check_headers_present(path, headers)
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    columns: dict[str, list[object]] = {"_row": list(range(2, len(rows) + 1))}
    for i in range(width):
        columns[f"c{i}"] = [_cell_text(r[i]) if i < len(r) else None for r in rows[1:]]
    problems = [
        Problem(path.name, n + 2, "", None, "ragged_row", f"{len(r)} / {width}")
        for n, r in enumerate(rows[1:])
        if any(v not in (None, "") for v in r[width:])
    ]
    arrow = pa.table(
        {
            k: pa.array(v, type=pa.int64() if k == "_row" else pa.string())
            for k, v in columns.items()
        }
    )
    con.register(f"{name}_arrow", arrow)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")
    return RawTable(
        file=path,
        name=name,
        format="xlsx",
        headers=headers,
        content_hash=content_hash,
        size_bytes=path.stat().st_size,
        rows=len(rows) - 1,
        typed=True,
        default_decimal=".",
        read_as={"format": "xlsx", "sheet": sheet_name},
        problems=problems,
    )


def read_parquet(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> RawTable:
    content_hash = file_hash(path)
    try:
        described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()
        headers = [str(r[0]) for r in described]
        cells = ", ".join(
            f'CAST("{h.replace(chr(34), chr(34) * 2)}" AS VARCHAR) AS c{i}'
            for i, h in enumerate(headers)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT row_number() OVER () AS _row, "
            f"{cells} FROM read_parquet(?)",
            [str(path)],
        )
    except duckdb.Error as exc:
        raise InputFileError(
            "{file} cannot be read as Parquet: {reason}",
            file=path.name,
            reason=_first_sentence(exc),
        ) from exc
    return RawTable(
        file=path,
        name=name,
        format="parquet",
        headers=headers,
        content_hash=content_hash,
        size_bytes=path.stat().st_size,
        rows=_count(con, name),
        typed=True,
        default_decimal=".",
        read_as={"format": "parquet"},
    )


def read_any(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    name: str,
    options: ImportOptions,
    workdir: Path,
) -> RawTable:
    """Load ``path`` into the temporary table ``name``; refuse what cannot be read."""
    if not path.exists():
        raise InputFileError("{path} does not exist; check the path and try again", path=path)
    if path.is_dir():
        raise InputFileError(
            "{path} is a folder; give a file (or use import-dir for a folder)", path=path
        )
    if path.stat().st_size == 0:
        raise InputFileError("{file} is empty (0 bytes); export the table again", file=path.name)
    with path.open("rb") as fh:
        head = fh.read(8)
    fmt = _sniff_format(path, head)
    if fmt == "parquet":
        raw = read_parquet(con, path, name)
    elif fmt == "xlsx":
        raw = read_xlsx(con, path, name, options)
    else:
        raw = read_csv(con, path, name, options, workdir)
    if raw.rows == 0 and not raw.problems:
        raise InputFileError(
            "{file} has a header but no rows; there is nothing to import", file=path.name
        )
    return raw
