"""From the library's objects and frames to the API's models: reasons with their
sentence in the language asked for, rows with NaN as null and dates as dates."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

import pandas as pd

from goodwill._typing import Lang
from goodwill.api import models
from goodwill.api.params import clean
from goodwill.plan.purpose import Purpose
from goodwill.signals.reasons import Reason


def reason(found: Reason, lang: Lang) -> models.Reason:
    return models.Reason(
        signal=found.signal,
        code=found.code,
        points=clean(float(found.points)) or 0.0,
        baseline=clean(float(found.baseline)) or 0.0,
        params=clean(found.params),
        text=found.text(lang),
    )


def reasons(found: Iterable[Mapping[str, Any] | Reason] | None, lang: Lang) -> list[models.Reason]:
    """Reasons given as :class:`Reason` objects or their dicts (as the snapshot keeps them)."""
    out = []
    for item in found or ():
        obj = item if isinstance(item, Reason) else Reason.from_dict(dict(item))
        out.append(reason(obj, lang))
    return out


def reasons_json(text: Any, lang: Lang) -> list[models.Reason]:
    """Reasons kept as JSON text (a list), or none for a missing value."""
    if not isinstance(text, str) or not text:
        return []
    return list(_reasons_of(text, lang))


def first_reason(text: Any, lang: Lang) -> models.Reason | None:
    """The reason kept as JSON text (one object), or None."""
    if not isinstance(text, str) or not text:
        return None
    return _first_of(text, lang)


#: reasons kept, by their JSON text and language: the first pages of a list are asked
#: for again and again, and a row's reasons were three quarters of the payments list's
#: time in the interpreter (a reason's sentence, its numbers in the language, the model)
KEEP_REASONS = 4096


@lru_cache(maxsize=KEEP_REASONS)
def _reasons_of(text: str, lang: Lang) -> tuple[models.Reason, ...]:
    found = json.loads(text)
    return tuple(reasons(found if isinstance(found, list) else [], lang))


@lru_cache(maxsize=KEEP_REASONS)
def _first_of(text: str, lang: Lang) -> models.Reason | None:
    found = json.loads(text)
    return reason(Reason.from_dict(found), lang) if isinstance(found, dict) else None


def purpose(found: Purpose, lang: Lang) -> models.Purpose:
    return models.Purpose(code=found.code, params=clean(found.params), text=found.text(lang))


def as_date(value: Any) -> dt.date | None:
    value = clean(value)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return pd.Timestamp(value).date()


def day(value: Any) -> dt.date:
    """A date that is always there (a snapshot's or a plan's)."""
    found = as_date(value)
    if found is None:
        raise ValueError(f"expected a date, found {value!r}")
    return found


def as_datetime(value: Any) -> dt.datetime | None:
    """A moment with its offset: the store keeps the server's local time without one."""
    value = clean(value)
    if value is None:
        return None
    found: dt.datetime = pd.Timestamp(value).to_pydatetime()
    return found if found.tzinfo is not None else found.astimezone()


def records(frame: pd.DataFrame | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of ``frame`` (or rows as dicts) as dicts of JSON-safe values (NaN as
    None)."""
    rows = frame.astype(object).to_dict("records") if isinstance(frame, pd.DataFrame) else frame
    return [{str(k): clean(v) for k, v in row.items()} for row in rows]


def snapshot_rows(rows: list[dict[str, Any]], lang: Lang) -> list[models.SnapshotRow]:
    """Rows of :func:`~goodwill.dashboard.snapshots.snapshot_slice` with their reasons."""
    out = []
    for row in records(rows):
        text = row.pop("reasons")
        row["as_of"] = day(row["as_of"])
        out.append(models.SnapshotRow(**row, reasons=reasons_json(text, lang)))
    return out
