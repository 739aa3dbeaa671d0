"""The data behind the pages, checked against plain pandas: the portfolio's groups
(goodwill.dashboard.portfolio.account_groups) and the timeline's chart points."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from goodwill.dashboard.portfolio import (
    PortfolioFilter,
    account_groups,
    group_rows,
    portfolio_rows,
)
from goodwill.dashboard.status import latest_as_of
from goodwill.settings import Settings
from goodwill.store import Store


def _expected(rows: pd.DataFrame, keep: pd.Series, scope: str | None) -> pd.DataFrame:
    alert = rows["status"].isin(["at_risk", "watch"]) & ~rows["dormant"]
    credit = rows["credit_advice"].isin(["tighten", "prepayment"])
    rows = rows.assign(
        group_id=rows["parent_id"].fillna(rows["account_id"]),
        needs=alert | credit | rows["service_neglected"],
    )[keep]
    names = dict(zip(rows["account_id"], rows["name"], strict=True))
    out = []
    for gid, part in rows.groupby("group_id"):
        if len(part) < 2 and part["parent_id"].isna().all():
            continue
        if scope is not None and gid not in set(rows.loc[rows["owner"] == scope, "account_id"]):
            continue
        name = part["group_name"].dropna()
        out.append(
            {
                "group_id": gid,
                "name": name.iloc[0] if len(name) else names.get(gid, gid),
                "members": len(part),
                "revenue_12m": part["revenue_12m"].sum(),
                "needing_attention": int(part["needs"].sum()),
            }
        )
    frame = pd.DataFrame(out)
    return frame.sort_values(["revenue_12m", "group_id"], ascending=[False, True]).reset_index(
        drop=True
    )


@pytest.mark.parametrize("how", ["all", "segment", "scope"])
def test_groups_match_a_roll_up_in_pandas(web_db: Path, tmp_path: Path, how: str) -> None:
    db = Path(shutil.copy(web_db, tmp_path / "store.duckdb"))
    settings = Settings.for_store(db)
    with Store.open(db, create=False) as store:
        as_of = latest_as_of(store)
        assert as_of is not None
        table = portfolio_rows(store, as_of, settings)
        rows = table.to_pandas()
        keep = pd.Series(True, index=rows.index)
        filters, scope = PortfolioFilter(), None
        if how == "segment":
            segment = rows.loc[rows["parent_id"].notna(), "segment"].mode().iloc[0]
            filters, keep = PortfolioFilter(segment=segment), rows["segment"] == segment
        elif how == "scope":
            # the owner of most members whose parent they own too
            owner_of = dict(zip(rows["account_id"], rows["owner"], strict=True))
            own = rows[rows["parent_id"].map(owner_of) == rows["owner"]]
            scope = own["owner"].mode().iloc[0]
            filters, keep = PortfolioFilter(scope=scope), rows["owner"] == scope
        want = _expected(rows, keep, scope)
        assert len(want) > 0, "the test world should have groups"
        got, total = account_groups(store, as_of, settings, filters, limit=1000, rows=table)
        same, _ = account_groups(
            store, as_of, settings, filters, limit=1000, grouped=group_rows(table)
        )
    assert total == len(want)
    assert got == same
    assert [g.group_id for g in got] == want["group_id"].tolist()
    assert [g.name for g in got] == want["name"].tolist()
    assert [g.members for g in got] == want["members"].tolist()
    assert [g.needing_attention for g in got] == want["needing_attention"].tolist()
    assert [g.revenue_12m for g in got] == pytest.approx(want["revenue_12m"].to_numpy())


def test_timeline_series_per_kind_in_seconds() -> None:
    import datetime as dt
    from collections import namedtuple

    from goodwill.dashboard.account import EVENT_KINDS, timeline_series

    event = namedtuple("event", ("day", "kind", "ref"))
    events = [
        event(dt.date(2026, 10, 30), "payment", "F1"),
        event(dt.date(2026, 10, 2), "order", "O2"),
        event(dt.date(2026, 9, 1), "order", "O1"),
    ]
    series = timeline_series(events)
    assert series["kinds"] == list(EVENT_KINDS)
    by_kind = {s["kind"]: s for s in series["series"]}
    assert set(by_kind) == {"order", "payment"}
    day = dt.datetime(2026, 10, 2, tzinfo=dt.UTC).timestamp()
    assert by_kind["order"]["x"] == [int(day), int(day) - 31 * 86400]
    assert by_kind["order"]["refs"] == ["O2", "O1"]
    assert by_kind["order"]["lane"] == EVENT_KINDS.index("order")
    assert timeline_series([])["series"] == []


def test_an_encoded_chart_writes_what_tojson_and_json_response_write() -> None:
    from jinja2 import Environment
    from starlette.responses import JSONResponse

    from goodwill.web.chart_json import EncodedChart

    data = {"series": [{"names": ["Bakker & Zn <b>", "Café 'Ü'"], "x": [1.5, 2.0]}], "n": 2}
    chart = EncodedChart.of(data)
    assert chart == data and chart["n"] == 2
    assert chart.html == Environment().from_string("{{ d|tojson }}").render(d=data)
    assert chart.body == JSONResponse(data).body


def test_a_chart_written_elsewhere_is_made_safe_for_a_page() -> None:
    import json

    from goodwill.web.chart_json import EncodedChart

    data = {"series": [{"names": ["Bakker & Zn <b>", "Café 'Ü'"], "x": [1.5, 2.0]}], "n": 2}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    chart = EncodedChart.of_json({"n": 2}, text)
    assert chart == {"n": 2}
    assert not any(c in chart.html for c in "<>&'")
    assert json.loads(chart.html) == data == json.loads(chart.body)
