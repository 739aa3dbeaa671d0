"""What the caller may see: an account manager only the accounts of their owner code;
an account of another owner is answered as not found, so its existence is not given
away."""

from __future__ import annotations

from collections.abc import Iterable

from goodwill.api.errors import ApiError
from goodwill.store import Store
from goodwill.web.access import Principal


def visible(store: Store, ids: Iterable[str], scope: str | None) -> set[str]:
    """The accounts of ``ids`` the owner ``scope`` may see (every one for None)."""
    wanted = sorted({str(i) for i in ids})
    if scope is None or not wanted:
        return set(wanted)
    rows = store.con.execute(
        "SELECT account_id FROM accounts WHERE owner = ? AND account_id IN (SELECT unnest(?))",
        [scope, wanted],
    ).fetchall()
    return {str(r[0]) for r in rows}


def account_not_found(account_id: str) -> ApiError:
    return ApiError("no account '{account}'", status=404, account=account_id)


def check_account(store: Store, account_id: str, principal: Principal) -> None:
    """Raise 404 unless the account exists and ``principal`` may see it."""
    row = store.con.execute(
        "SELECT owner FROM accounts WHERE account_id = ?", [account_id]
    ).fetchone()
    if row is None or (principal.scope is not None and row[0] != principal.scope):
        raise account_not_found(account_id)
