"""``/snapshots``: the scored dates, and every account of one date with its reasons."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request

from goodwill.api import models, present
from goodwill.api.errors import ApiError
from goodwill.api.params import LangQuery, Limit, Offset, Reader, lang_of, next_link
from goodwill.dashboard.snapshots import snapshot_runs, snapshot_slice
from goodwill.dashboard.status import snapshot_dates
from goodwill.web.templating import state_of

router = APIRouter(tags=["snapshots"])

AsOf = Annotated[
    dt.date | Literal["latest"],
    Path(description="a scored date (yyyy-mm-dd) or `latest`", examples=["latest", "2025-06-30"]),
]


@router.get("/snapshots", operation_id="listSnapshots")
def list_snapshots(request: Request, principal: Reader) -> models.SnapshotList:
    """Every scored date, newest first, with how many of the caller's accounts it holds."""
    with state_of(request).reading() as store:
        frame = snapshot_runs(store, principal.scope)
    return models.SnapshotList(
        items=[
            models.SnapshotRun(
                as_of=present.day(r["as_of"]),
                computed_at=present.as_datetime(r["computed_at"]),
                accounts=int(r["accounts"]),
                goodwill_version=r["goodwill_version"],
            )
            for r in present.records(frame)
        ]
    )


@router.get("/snapshots/{as_of}", operation_id="getSnapshot")
def get_snapshot(
    request: Request,
    principal: Reader,
    as_of: AsOf,
    limit: Limit = 50,
    offset: Offset = 0,
    lang: LangQuery = None,
) -> models.SnapshotPage:
    """Every account (the caller may see) scored as of ``as_of``, by account id, with
    its figures and ranked reasons."""
    state = state_of(request)
    with state.reading() as store:
        day = state.latest_as_of(store) if as_of == "latest" else as_of
        if day is None or day not in snapshot_dates(store):
            raise ApiError(
                "no snapshot as of {day}; GET /api/v1/snapshots lists them", status=404, day=as_of
            )
        frame, total = snapshot_slice(
            store, as_of=day, scope=principal.scope, offset=offset, limit=limit
        )
    return models.SnapshotPage(
        items=present.snapshot_rows(frame, lang_of(request, lang)),
        total=total,
        limit=limit,
        offset=offset,
        next=next_link(request, offset, limit, total),
    )
