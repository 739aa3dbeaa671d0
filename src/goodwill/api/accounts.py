"""``/accounts``: every account with the latest snapshot's figures (paged, filtered,
searched, sorted); one account with its figures, reasons, level, responsiveness and
payments; and one account's snapshots over time with their reasons."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request

from goodwill._typing import Lang
from goodwill.api import models, present
from goodwill.api.params import (
    AccountKind,
    HealthStatus,
    LangQuery,
    Level,
    Limit,
    Offset,
    Order,
    Reader,
    Text,
    clean,
    lang_of,
    next_link,
)
from goodwill.api.scope import account_not_found, check_account, visible
from goodwill.dashboard.account import AccountView, account_view
from goodwill.dashboard.listing import AccountQuery, account_list
from goodwill.dashboard.portfolio import PortfolioFilter
from goodwill.dashboard.snapshots import snapshot_slice
from goodwill.web.audit import viewed
from goodwill.web.kept import kept_listed_table, kept_listing_index
from goodwill.web.templating import state_of

router = APIRouter(tags=["accounts"])

AccountSort = Literal[
    "id",
    "name",
    "owner",
    "segment",
    "health",
    "status",
    "level",
    "revenue",
    "value",
    "net_value",
    "payment_score",
]


@router.get("/accounts", operation_id="listAccounts")
def list_accounts(
    request: Request,
    principal: Reader,
    limit: Limit = 50,
    offset: Offset = 0,
    owner: Text = None,
    segment: Text = None,
    kind: AccountKind | None = None,
    level: Level | None = None,
    status: HealthStatus | None = None,
    needs_attention: bool | None = None,
    q: Text = None,
    sort: AccountSort = "id",
    order: Order = "asc",
    lang: LangQuery = None,
) -> models.AccountPage:
    """Every account the caller may see, with the latest snapshot's figures (null for
    an account not scored in it: suppliers, prospects). ``q`` finds a part of the id or
    name; ``needs_attention`` is the portfolio's flag (at risk or on watch and still
    buying, credit to tighten or stop, or a neglected first order)."""
    state = state_of(request)
    language = lang_of(request, lang)
    query = AccountQuery(
        filters=PortfolioFilter(owner=owner, segment=segment, level=level, status=status),
        kind=kind,
        text=q,
        scope=principal.scope,
        needs_attention=needs_attention,
    )
    with state.reading() as store:
        as_of = state.latest_as_of(store)
        listed = kept_listed_table(state, store, as_of) if as_of is not None else None
        indexed = (
            kept_listing_index(state, store, as_of).accounts(
                query, sort=sort, descending=order == "desc", offset=offset, limit=limit
            )
            if as_of is not None
            else None
        )
        found, total = indexed or account_list(
            store,
            as_of,
            state.settings,
            query,
            sort=sort,
            descending=order == "desc",
            offset=offset,
            limit=limit,
            listed=listed,
        )
        items = [{k: clean(v) for k, v in row.items()} for row in found]
        parents = visible(store, [r["parent_id"] for r in items if r["parent_id"]], principal.scope)
    return models.AccountPage(
        as_of=as_of,
        items=[_summary(row, parents, language) for row in items],
        total=total,
        limit=limit,
        offset=offset,
        next=next_link(request, offset, limit, total),
    )


def _summary(row: dict[str, Any], parents: set[str], lang: Lang) -> models.AccountSummary:
    top = row.pop("top_reason")
    parent = row.pop("parent_id")
    return models.AccountSummary(
        **row,
        parent_id=parent if parent in parents else None,
        top_reason=present.first_reason(top, lang),
    )


@router.get("/accounts/{account_id}", operation_id="getAccount")
def get_account(
    request: Request, principal: Reader, account_id: str, lang: LangQuery = None
) -> models.AccountDetail:
    """One account: who it is, the latest snapshot's figures and ranked reasons, its
    relationship level, its response to our attention, and payments and credit."""
    state = state_of(request)
    with state.reading() as store:
        view = account_view(store, account_id, state.settings)
        if view is None or (
            principal.scope is not None and view.info.get("owner") != principal.scope
        ):
            raise account_not_found(account_id)
        related = [view.parent[0]] if view.parent else []
        seen = visible(store, related + [m for m, _ in view.members], principal.scope)
    viewed(request, principal, account_id, "api")
    return _detail(view, seen, lang_of(request, lang))


def _detail(view: AccountView, seen: set[str], lang: Lang) -> models.AccountDetail:
    info = {k: clean(v) for k, v in view.info.items()}
    parent = None
    if view.parent and view.parent[0] in seen:
        parent = models.AccountRef(account_id=view.parent[0], name=view.parent[1] or None)

    def integer(value: Any) -> int | None:
        return None if value is None else int(value)

    return models.AccountDetail(
        account_id=view.account_id,
        name=info.get("name"),
        kind=info.get("kind"),
        owner=info.get("owner"),
        segment=info.get("segment"),
        country=info.get("country"),
        region=info.get("region"),
        postcode=info.get("postcode"),
        employees=integer(info.get("employees")),
        currency=info.get("currency"),
        created_on=present.as_date(info.get("created_on")),
        payment_terms_days=integer(info.get("payment_terms_days")),
        credit_limit=info.get("credit_limit"),
        insured_limit=info.get("insured_limit"),
        parent=parent,
        members=[
            models.AccountRef(account_id=i, name=n or None) for i, n in view.members if i in seen
        ],
        as_of=view.as_of,
        figures=_figures(view),
        reasons=present.reasons(view.reasons, lang),
        level=_level(view, lang),
        responsiveness=_responsiveness(view, lang),
        payment=_payment(view, lang),
    )


def _figures(view: AccountView) -> models.Figures | None:
    if not view.scored or view.as_of is None:
        return None
    s = {k: clean(v) for k, v in view.scores.items()}
    names = models.Figures.model_fields.keys() - {"as_of"}
    return models.Figures(as_of=view.as_of, **{k: s.get(k) for k in names})


def _level(view: AccountView, lang: Lang) -> models.LevelView | None:
    p = clean(view.profile)
    if not p:
        return None
    return models.LevelView(
        level=p.get("level"),
        change=p.get("level_change"),
        year_ago=p.get("level_year_ago"),
        method=p.get("level_method"),
        reasons=present.reasons(p.get("level_reasons"), lang),
    )


def _responsiveness(view: AccountView, lang: Lang) -> models.ResponsivenessView | None:
    p = clean(view.profile)
    if not p:
        return None
    return models.ResponsivenessView(
        label=p.get("response_label"),
        effect=p.get("response_effect"),
        low=p.get("response_low"),
        high=p.get("response_high"),
        reasons=present.reasons(p.get("response_reasons"), lang),
    )


def _payment(view: AccountView, lang: Lang) -> models.PaymentView | None:
    c = clean(view.conduct)
    if not c:
        return None
    names = models.PaymentView.model_fields.keys() - {"payment_reasons", "credit_reasons"}
    return models.PaymentView(
        **{k: c.get(k) for k in names},
        payment_reasons=present.reasons(c.get("payment_reasons"), lang),
        credit_reasons=present.reasons(c.get("credit_reasons"), lang),
    )


@router.get("/accounts/{account_id}/snapshots", operation_id="listAccountSnapshots")
def account_snapshots(
    request: Request,
    principal: Reader,
    account_id: str,
    limit: Limit = 50,
    offset: Offset = 0,
    lang: LangQuery = None,
) -> models.SnapshotPage:
    """The account in every saved snapshot, newest first, with its ranked reasons."""
    state = state_of(request)
    with state.reading() as store:
        check_account(store, account_id, principal)
        frame, total = snapshot_slice(
            store, account_id=account_id, scope=principal.scope, offset=offset, limit=limit
        )
    viewed(request, principal, account_id, "api_snapshots")
    return models.SnapshotPage(
        items=present.snapshot_rows(frame, lang_of(request, lang)),
        total=total,
        limit=limit,
        offset=offset,
        next=next_link(request, offset, limit, total),
    )
