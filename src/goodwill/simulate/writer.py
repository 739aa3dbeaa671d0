"""Write a world as the eight input tables (CSV) and its hidden truth under ``truth/``.

Only facts dated on or before the world's ``as_of`` day are written; facts not yet known
then (a later payment, response, resolution, kept promise, decision, departure) are left
empty. The output depends only on the world, so the same world gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from goodwill.simulate import catalog
from goodwill.simulate.buying import STATUS
from goodwill.simulate.context import DAY_SECONDS
from goodwill.simulate.errors import SimulationError
from goodwill.simulate.log import NA_INT
from goodwill.simulate.moments import ACTION_WEIGHT, ACTIONS, CHANNELS
from goodwill.simulate.population import (
    KINDS,
    LEVEL_PURPOSE_MIX,
    LEVELS,
    PROSPECT,
    PURPOSES,
    SUPPLIER,
    day_number,
)
from goodwill.store.schema import TABLES

if TYPE_CHECKING:
    from goodwill.simulate.world import World

TRUTH_DIR = "truth"
DIRECTIONS = ("inbound", "outbound")
SEVERITIES = ("low", "medium", "high", "critical")
MONEY = pa.decimal128(18, 2)


# ------------------------------------------------------------------ column builders
def _fixed(x: NDArray[np.float64], decimals: int = 2) -> pa.Array:
    """Decimal column with exactly ``decimals`` digits; nan becomes empty."""
    x = np.asarray(x, dtype=np.float64)
    valid = ~np.isnan(x)
    scaled = np.round(np.where(valid, x, 0.0) * 10**decimals).astype(np.int64)
    words = np.empty((len(x), 2), dtype=np.int64)
    words[:, 0] = scaled
    words[:, 1] = np.where(scaled < 0, -1, 0)
    arr = pa.Array.from_buffers(
        pa.decimal128(18, decimals), len(x), [None, pa.py_buffer(words.tobytes())]
    )
    if valid.all():
        return arr
    return pc.if_else(pa.array(valid), arr, pa.scalar(None, pa.decimal128(18, decimals)))


def _ids(
    prefix: str, seq: NDArray[np.int64], width: int, valid: NDArray[np.bool_] | None = None
) -> pa.Array:
    digits = pc.utf8_lpad(pa.array(np.where(seq == NA_INT, 0, seq)).cast(pa.string()), width, "0")
    out = pc.binary_join_element_wise(pa.scalar(prefix), digits, "")
    if valid is None:
        valid = seq != NA_INT
    if valid.all():
        return out
    return pc.if_else(pa.array(valid), out, pa.scalar(None, pa.string()))


def _take(values: list[str] | tuple[str, ...], idx: NDArray[np.int64]) -> pa.Array:
    valid = (idx >= 0) & (idx != NA_INT)
    safe = np.where(valid, idx, 0)
    out = pa.array(values, pa.string()).take(pa.array(safe))
    if valid.all():
        return out
    return pc.if_else(pa.array(valid), out, pa.scalar(None, pa.string()))


def _dates(days: NDArray[np.int64], valid: NDArray[np.bool_] | None = None) -> pa.Array:
    v = days != NA_INT if valid is None else valid & (days != NA_INT)
    return pa.array(np.where(v, days, 0).astype(np.int32), mask=~v).cast(pa.date32())


def _stamps(ts: NDArray[np.int64], valid: NDArray[np.bool_] | None = None) -> pa.Array:
    v = ts != NA_INT if valid is None else valid & (ts != NA_INT)
    return pa.array(np.where(v, ts, 0), mask=~v).cast(pa.timestamp("s"))


def _ints(
    x: NDArray[np.float64] | NDArray[np.int64], valid: NDArray[np.bool_] | None = None
) -> pa.Array:
    arr = np.asarray(x)
    v = ~np.isnan(arr) if arr.dtype.kind == "f" else np.ones(len(arr), dtype=np.bool_)
    if valid is not None:
        v = v & valid
    return pa.array(np.where(v, arr, 0).astype(np.int64), mask=~v)


def _write(table: pa.Table, path: Path) -> None:
    """CSV with a plain header, no quoting (values never hold a comma or quote)."""
    header = ",".join(table.column_names) + "\n"
    with path.open("wb") as fh:
        fh.write(header.encode("utf-8"))
        if table.num_rows:
            pacsv.write_csv(
                table,
                fh,
                pacsv.WriteOptions(include_header=False, quoting_style="none", batch_size=65536),
            )


def _check_columns(name: str, table: pa.Table) -> pa.Table:
    expected = list(TABLES[name].column_names)
    if table.column_names != expected:
        raise SimulationError(f"internal: {name} columns {table.column_names} != {expected}")
    return table


# ------------------------------------------------------------------ the tables
def write_world(world: World, out_dir: str | Path) -> dict[str, int]:
    """Write the eight tables and ``truth/`` into ``out_dir``; returns rows per file."""
    out = Path(out_dir)
    try:
        (out / TRUTH_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SimulationError(f"Cannot create the output folder {out}: {exc.strerror}.") from exc
    rows: dict[str, int] = {}
    for name, table in iter_world_tables(world):
        _write(table, out / f"{name}.csv")
        rows[name] = table.num_rows
        del table
    for truth_name, truth in truth_tables(world).items():
        _write(truth, out / TRUTH_DIR / f"{truth_name}.csv")
        rows[f"{TRUTH_DIR}/{truth_name}"] = truth.num_rows
    (out / TRUTH_DIR / "parameters.json").write_text(
        json.dumps(truth_parameters(world), indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return rows


def write_tables(world: World, out_dir: str | Path) -> dict[str, int]:
    """Write only the eight input tables (no ``truth/``) into ``out_dir``; rows per file."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, int] = {}
    for name, table in iter_world_tables(world):
        _write(table, out / f"{name}.csv")
        rows[name] = table.num_rows
    return rows


def world_tables(world: World) -> dict[str, pa.Table]:
    """The eight input tables as Arrow tables, with the contract's column names."""
    return dict(iter_world_tables(world))


def iter_world_tables(world: World) -> Iterator[tuple[str, pa.Table]]:
    """The eight input tables one at a time (in import order), to keep memory low."""
    pop, st, log = world.population, world.state, world.log
    as_of = day_number(world.as_of)
    limit = (as_of + 1) * DAY_SECONDS
    rng = np.random.default_rng([world.config.seed, 7])
    mcodes = pop.managers.codes
    employees_codes = [*mcodes, *catalog.BUYERS]
    account_ids = pa.array(pop.account_id, pa.string())
    present = pop.created_day <= as_of

    def acc_ids(idx: NDArray[np.int64]) -> pa.Array:
        return account_ids.take(pa.array(idx))

    # accounts
    a = np.flatnonzero(present).astype(np.int64)
    kind = np.where(pop.kind == SUPPLIER, 2, np.where(pop.kind == PROSPECT, 1, 0))
    converted = (st.convert_day >= 0) & (st.convert_day <= as_of)
    kind = np.where(converted, 0, kind)
    owner = np.where(pop.kind == SUPPLIER, len(mcodes) + pop.owner, pop.owner)
    insured = pop.insured_limit.copy()
    troubled = (st.distress_day >= 0) & (st.distress_day <= as_of - 56)
    insured[troubled & (rng.random(pop.n) < 0.5)] = 0.0
    parent = pop.parent[a]
    parent_ok = parent >= 0
    parent_ok[parent_ok] = present[parent[parent_ok]]
    yield (
        "accounts",
        _check_columns(
            "accounts",
            pa.table(
                {
                    "account_id": acc_ids(a),
                    "name": _take(pop.name, a),
                    "kind": _take(KINDS, kind[a]),
                    "owner": _take(employees_codes, owner[a]),
                    "segment": _take([s[0] for s in catalog.SEGMENTS], pop.segment[a]),
                    "country": _take(pop.country, a),
                    "region": _take(pop.region, a),
                    "postcode": _take(pop.postcode, a),
                    "employees": _ints(pop.employees[a]),
                    "parent_id": _take(pop.account_id, np.where(parent_ok, parent, -1)),
                    "currency": pa.array(["EUR"] * a.size, pa.string()),
                    "created_on": _dates(pop.created_day[a]),
                    "payment_terms_days": _ints(pop.payment_terms[a]),
                    "credit_limit": _fixed(pop.credit_limit[a]),
                    "insured_limit": _fixed(insured[a]),
                }
            ),
        ),
    )

    # contacts
    book = st.contacts
    c_all = np.arange(book.size, dtype=np.int64)
    c_acc = book.account[: book.size]
    c_start = book.started_day[: book.size]
    c_left = book.left_day[: book.size]
    first = rng.integers(0, len(catalog.FIRST_NAMES), book.size)
    last = rng.integers(0, len(catalog.SURNAMES), book.size)
    c_keep = (c_start <= as_of) & present[c_acc]
    names = [
        f"{catalog.FIRST_NAMES[f]} {catalog.SURNAMES[s]}"
        for f, s in zip(first.tolist(), last.tolist(), strict=True)
    ]
    local = [
        f"{catalog.FIRST_NAMES[f].lower()}.{catalog.SURNAMES[s].lower().replace(' ', '')}"
        for f, s in zip(first.tolist(), last.tolist(), strict=True)
    ]
    emails = [f"{x}@{pop.domain[acc]}" for x, acc in zip(local, c_acc.tolist(), strict=True)]
    ck = c_all[c_keep]
    yield (
        "contacts",
        _check_columns(
            "contacts",
            pa.table(
                {
                    "contact_id": _ids("C", ck + 1, 7),
                    "account_id": acc_ids(c_acc[ck]),
                    "name": _take(names, ck),
                    "role": _take(catalog.ROLES, book.role[ck]),
                    "email": _take(emails, ck),
                    "started_on": _dates(c_start[ck]),
                    "left_on": _dates(c_left[ck], (c_left[ck] >= 0) & (c_left[ck] <= as_of)),
                }
            ),
        ),
    )

    # orders
    col = log.column
    ts = col("orders", "ordered_ts")
    k = np.flatnonzero(ts < limit)
    o_conf = col("orders", "confirmed_ts")[k]
    conf_ok = o_conf < limit
    o_del = col("orders", "delivered_day")[k]
    del_ok = o_del <= as_of
    yield (
        "orders",
        _check_columns(
            "orders",
            pa.table(
                {
                    "order_id": _ids("O", col("orders", "seq")[k], 8),
                    "account_id": acc_ids(col("orders", "account")[k]),
                    "ordered_on": _stamps(ts[k]),
                    "amount": _fixed(col("orders", "amount")[k]),
                    "margin": _fixed(col("orders", "margin")[k]),
                    "quantity": _ints(col("orders", "quantity")[k]),
                    "delivered_quantity": _ints(col("orders", "delivered_quantity")[k], del_ok),
                    "category": _take(
                        [c[0] for c in catalog.CATEGORIES], col("orders", "category")[k]
                    ),
                    "channel": _take(
                        [c[0] for c in catalog.ORDER_CHANNELS], col("orders", "channel")[k]
                    ),
                    "confirmed_on": _stamps(o_conf, conf_ok),
                    "promised_on": _dates(col("orders", "promised_day")[k], conf_ok),
                    "delivered_on": _dates(o_del, del_ok),
                    "is_test": pa.array(col("orders", "is_test")[k].astype(np.bool_)),
                }
            ),
        ),
    )

    # invoices
    issued = col("invoices", "issued_day")
    k = np.flatnonzero(issued <= as_of)
    paid = col("invoices", "paid_day")[k]
    paid_ok = (paid != NA_INT) & (paid <= as_of)
    yield (
        "invoices",
        _check_columns(
            "invoices",
            pa.table(
                {
                    "invoice_id": _ids("F", col("invoices", "seq")[k], 8),
                    "account_id": acc_ids(col("invoices", "account")[k]),
                    "issued_on": _dates(issued[k]),
                    "due_on": _dates(col("invoices", "due_day")[k]),
                    "amount": _fixed(col("invoices", "amount")[k]),
                    "paid_on": _dates(paid, paid_ok),
                    "paid_amount": _fixed(
                        np.where(paid_ok, col("invoices", "paid_amount")[k], np.nan)
                    ),
                }
            ),
        ),
    )

    # interactions (a contact is named only while in the job)
    its = col("interactions", "ts")
    k = np.flatnonzero(its < limit)
    i_ts = its[k]
    i_contact = col("interactions", "contact")[k]
    has = i_contact >= 0
    cday = i_ts // DAY_SECONDS
    safe = np.where(has, i_contact, 0)
    left = c_left[safe] if book.size else np.full(k.size, -1)
    started = c_start[safe] if book.size else np.zeros(k.size, dtype=np.int64)
    has &= (started <= cday) & ((left < 0) | (left > cday))
    yield (
        "interactions",
        _check_columns(
            "interactions",
            pa.table(
                {
                    "interaction_id": _ids("I", col("interactions", "seq")[k], 8),
                    "account_id": acc_ids(col("interactions", "account")[k]),
                    "occurred_on": _stamps(i_ts),
                    "channel": _take(CHANNELS, col("interactions", "channel")[k]),
                    "direction": _take(DIRECTIONS, col("interactions", "direction")[k]),
                    "purpose": _take(PURPOSES, col("interactions", "purpose")[k]),
                    "contact_id": _ids("C", np.where(has, i_contact + 1, NA_INT), 7),
                    "minutes": _ints(col("interactions", "minutes")[k]),
                    "cost": _fixed(col("interactions", "cost")[k]),
                    "employee": _take(employees_codes, col("interactions", "employee")[k]),
                }
            ),
        ),
    )

    # complaints
    opened = col("complaints", "opened_ts")
    k = np.flatnonzero(opened < limit)
    first_r = col("complaints", "first_response_ts")[k]
    resolved = col("complaints", "resolved_ts")[k]
    yield (
        "complaints",
        _check_columns(
            "complaints",
            pa.table(
                {
                    "complaint_id": _ids("KL", col("complaints", "seq")[k], 7),
                    "account_id": acc_ids(col("complaints", "account")[k]),
                    "opened_on": _stamps(opened[k]),
                    "first_response_on": _stamps(first_r, first_r < limit),
                    "resolved_on": _stamps(resolved, resolved < limit),
                    "severity": _take(SEVERITIES, col("complaints", "severity")[k]),
                    "category": _take(
                        [c[0] for c in catalog.COMPLAINT_CATEGORIES],
                        col("complaints", "category")[k],
                    ),
                    "order_id": _ids("O", col("complaints", "order_seq")[k], 8),
                }
            ),
        ),
    )

    # promises
    made = col("promises", "made_day")
    k = np.flatnonzero(made <= as_of)
    kept = col("promises", "kept_day")[k]
    yield (
        "promises",
        _check_columns(
            "promises",
            pa.table(
                {
                    "promise_id": _ids("T", col("promises", "seq")[k], 7),
                    "account_id": acc_ids(col("promises", "account")[k]),
                    "made_on": _dates(made[k]),
                    "due_on": _dates(col("promises", "due_day")[k]),
                    "kept_on": _dates(kept, (kept != NA_INT) & (kept <= as_of)),
                    "made_by": _take(mcodes, col("promises", "made_by")[k]),
                    "description": _take(catalog.PROMISE_TEXTS, col("promises", "description")[k]),
                }
            ),
        ),
    )

    # quotes
    q_issued = col("quotes", "issued_day")
    k = np.flatnonzero(q_issued <= as_of)
    decided = col("quotes", "decided_day")[k]
    known = decided <= as_of
    status = np.where(known, col("quotes", "status")[k], STATUS.index("open"))
    comp = col("quotes", "lost_to_competitor")[k]
    rival = col("quotes", "lost_to_account")[k]
    rival_name = np.where(rival != NA_INT, rival, -1)
    lost_names = list(catalog.COMPETITORS) + pop.name
    lost_idx = np.where(
        comp != NA_INT, comp, np.where(rival_name >= 0, len(catalog.COMPETITORS) + rival_name, -1)
    )
    yield (
        "quotes",
        _check_columns(
            "quotes",
            pa.table(
                {
                    "quote_id": _ids("Q", col("quotes", "seq")[k], 7),
                    "account_id": acc_ids(col("quotes", "account")[k]),
                    "issued_on": _dates(q_issued[k]),
                    "amount": _fixed(col("quotes", "amount")[k]),
                    "status": _take(STATUS, status),
                    "decided_on": _dates(decided, known),
                    "lost_to": _take(lost_names, np.where(known, lost_idx, -1)),
                    "request_id": _ids("R", col("quotes", "request_seq")[k], 6),
                }
            ),
        ),
    )


# ------------------------------------------------------------------ the truth
def truth_tables(world: World) -> dict[str, pa.Table]:
    """The hidden truth: accounts, suppliers, latent_monthly and managers."""
    pop, st, log = world.population, world.state, world.log
    as_of = day_number(world.as_of)
    present = pop.created_day <= as_of
    a = np.flatnonzero(present & (pop.kind != SUPPLIER)).astype(np.int64)
    s = np.flatnonzero(present & (pop.kind == SUPPLIER)).astype(np.int64)
    converted = (st.convert_day >= 0) & (st.convert_day <= as_of)
    kind = np.where((pop.kind == PROSPECT) & ~converted, 1, 0)
    ids = pa.array(pop.account_id, pa.string())

    def known(days: NDArray[np.int64]) -> NDArray[np.bool_]:
        return (days >= 0) & (days <= as_of)

    accounts = pa.table(
        {
            "account_id": ids.take(pa.array(a)),
            "kind": _take(KINDS, kind[a]),
            "churn_on": _dates(st.churn_day[a], known(st.churn_day[a])),
            "leaving_on": _dates(st.leave_day[a], known(st.leave_day[a])),
            "level": _take(LEVELS, pop.level[a]),
            "responsive": _ints(pop.responsive[a].astype(np.int64)),
            "response_effect": _fixed(pop.response_effect[a], 4),
            "distress_on": _dates(st.distress_day[a], known(st.distress_day[a])),
            "neglected": _ints(pop.neglected[a].astype(np.int64)),
            "quiet": _ints(pop.quiet[a].astype(np.int64)),
            "order_coupling": _fixed(pop.order_coupling[a], 4),
            "share_loss_on": _dates(st.share_loss_day[a], known(st.share_loss_day[a])),
            "competitor": _take(catalog.COMPETITORS, pop.competitor[a]),
            "converted_on": _dates(st.convert_day[a], known(st.convert_day[a])),
            "baseline_drift_per_week": _fixed(pop.drift[a], 5),
            "initial_health": _fixed(pop.health0[a], 4),
        }
    )
    suppliers = pa.table(
        {
            "account_id": ids.take(pa.array(s)),
            "unreliable": _ints(pop.unreliable[s].astype(np.int64)),
            "neglects_small": _ints(pop.neglects_small[s].astype(np.int64)),
        }
    )
    month = log.column("latent", "month")
    last_month = int(np.datetime64(world.as_of, "M").astype(np.int64))
    k = np.flatnonzero(month <= last_month)
    month_names = (
        [str(np.datetime64(int(m), "M")) for m in range(int(month.min()), last_month + 1)]
        if month.size
        else []
    )
    base = int(month.min()) if month.size else 0
    latent = pa.table(
        {
            "account_id": ids.take(pa.array(log.column("latent", "account")[k])),
            "month": _take(month_names, month[k] - base),
            "health": _fixed(log.column("latent", "health")[k], 4),
            "churn_hazard": _fixed(log.column("latent", "hazard")[k], 6),
            "share": _fixed(log.column("latent", "share")[k], 4),
            "distressed": _ints(log.column("latent", "distressed")[k]),
            "leaving": _ints(log.column("latent", "leaving")[k]),
        }
    )
    m = pop.managers
    managers = pa.table(
        {
            "owner": pa.array(m.codes, pa.string()),
            "name": pa.array(m.names, pa.string()),
            "promise_keep_prob": _fixed(m.keep_prob, 4),
            "response_factor": _fixed(m.response_factor, 4),
        }
    )
    return {
        "accounts": accounts,
        "suppliers": suppliers,
        "latent_monthly": latent,
        "managers": managers,
    }


def truth_parameters(world: World) -> dict[str, object]:
    """The configuration, effect sizes and fixed constants of the world, JSON-ready."""
    cfg = world.config
    params: dict[str, object] = {}
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        params[f.name] = value.isoformat() if isinstance(value, dt.date) else value
    return {
        "format": "goodwill-world/1",
        "config": params,
        "effect_parameters": cfg.fields_by_role("effect"),
        "noise_parameters": cfg.fields_by_role("noise"),
        "start": cfg.start.isoformat(),
        "as_of": world.as_of.isoformat(),
        "weeks_simulated": world.week,
        "action_weight_relative_to_visit": {
            a: float(ACTION_WEIGHT[i + 1]) for i, a in enumerate(ACTIONS)
        },
        "level_purpose_mix": {
            lv: dict(zip(PURPOSES, mix, strict=True)) for lv, mix in LEVEL_PURPOSE_MIX.items()
        },
        "churn_hazard_per_week": "min(churn_hazard_per_year/52 * exp(-churn_health_slope * "
        "(health - 1)), 0.5); doubled plus 0.002 once in financial trouble",
    }
