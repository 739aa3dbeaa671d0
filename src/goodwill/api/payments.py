"""``/payments``: credit advice per account as of the latest snapshot, with payment
figures and reasons; filtered, sorted and paged."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request

from goodwill.api import models, present
from goodwill.api.params import (
    Advice,
    LangQuery,
    Limit,
    Offset,
    Order,
    Reader,
    Text,
    lang_of,
    next_link,
)
from goodwill.web.kept import kept_payments_index
from goodwill.web.templating import state_of

router = APIRouter(tags=["payments"])

PaymentSort = Literal["advice", "name", "owner", "score", "open", "overdue", "oldest", "late"]


@router.get("/payments", operation_id="listPayments")
def list_payments(
    request: Request,
    principal: Reader,
    limit: Limit = 50,
    offset: Offset = 0,
    advice: Advice | None = None,
    owner: Text = None,
    sort: PaymentSort = "advice",
    order: Order = "asc",
    lang: LangQuery = None,
) -> models.PaymentPage:
    """Accounts with their credit advice (prepayment, tighten, keep), payment score,
    money open and overdue, days beyond terms, suggested terms and limit, and the
    reasons; by default the strictest advice first and within it the most money open."""
    state = state_of(request)
    language = lang_of(request, lang)
    with state.reading() as store:
        as_of = state.latest_as_of(store)
        if as_of is None:
            frame, total = None, 0
        else:
            frame, total = kept_payments_index(state, store, as_of).slice(
                advice=advice,
                owner=owner,
                scope=principal.scope,
                sort=sort,
                descending=order == "desc",
                offset=offset,
                limit=limit,
            )
    items = []
    for row in present.records(frame) if frame is not None else []:
        found = present.reasons_json(row.pop("credit_reasons"), language)
        found += present.reasons_json(row.pop("payment_reasons"), language)
        row.pop("advice_rank", None)
        items.append(models.PaymentRow(**row, reasons=found))
    return models.PaymentPage(
        as_of=as_of,
        items=items,
        total=total,
        limit=limit,
        offset=offset,
        next=next_link(request, offset, limit, total),
    )
