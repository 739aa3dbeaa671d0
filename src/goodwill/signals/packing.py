"""Per-account columns and reasons packed into one JSON object per snapshot row. The
store builds the JSON (``to_json(struct_pack(...))``): 90k accounts' worth built in
Python took 5 s."""

from __future__ import annotations

import json

import pandas as pd

from goodwill.signals.reasons import Reason


def pack_columns(
    table: pd.DataFrame,
    reason_sets: dict[str, dict[str, list[Reason]]],
    ids: list[str],
    prefix: str,
) -> tuple[pd.DataFrame, str]:
    """Per account in ``ids``: every column of ``table`` and each set of reasons (as JSON
    text, under its name), prefixed ``prefix``, and the SQL that packs them into one
    JSON object per row."""
    frame = table.reindex(ids)
    for name, reasons in reason_sets.items():
        frame[name] = [json.dumps([r.to_dict() for r in reasons.get(a, [])]) for a in ids]
    fields = {c: f'"{prefix}{c}"' for c in table.columns}
    fields.update({c: f'json("{prefix}{c}")' for c in reason_sets})
    body = ", ".join(f'"{k}" := {v}' for k, v in sorted(fields.items()))
    return frame.add_prefix(prefix), f"to_json(struct_pack({body}))"
