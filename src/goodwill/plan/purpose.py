"""A purpose for every planned action, from the customer's side and grounded in the
account's reasons: its most pressing reason says what to go and do."""

from __future__ import annotations

from typing import Any, NamedTuple

from goodwill._typing import Lang
from goodwill.i18n import N_, format_money, format_number, gettext
from goodwill.signals.reasons import Reason

#: purpose code -> English template (the reason's numbers fill it in)
PURPOSES: dict[str, str] = {
    "order_silence": N_(
        "silent for {days} days where it normally orders every {gap}: ask what changed and "
        "who decides now"
    ),
    "heard_silence": N_(
        "nothing heard for {days} days where normally every {gap}: ask how they are doing "
        "and what they need"
    ),
    "contact_rhythm": N_(
        "contacted us on {recent} days in the last {window}, where {usual} is usual: find out "
        "why it went quiet"
    ),
    "engagement": N_(
        "contacts us less than accounts that buy as much: find who else to talk to there"
    ),
    "reciprocity": N_("gives little back for our contacts: ask what would be worth their time"),
    "order_rhythm": N_(
        "ordered on {recent} days in the last {window}, where {usual} is usual: ask about "
        "their plans"
    ),
    "p_alive": N_("its buying pattern says it may have stopped: ask whether it buys elsewhere"),
    "complaint_silence": N_(
        "stopped complaining after {n} complaints: check whether they gave up on us"
    ),
    "order_trend": N_(
        "ordered {pct}% less than a year ago: ask about their plans and what others offer them"
    ),
    "year_on_year": N_(
        "ordered on {n} days in 12 months against {before} the year before: ask where the rest goes"
    ),
    "contacts_departed": N_("{n} contact person(s) left: meet the new contact"),
    "contacts_single": N_("hangs on one contact person: meet a second person there"),
    "contacts_none": N_("no contact person left: find the one who buys now"),
    "promises": N_(
        "{broken} of {due} promises not kept on time: go with the service lead and set them right"
    ),
    "complaint_response": N_(
        "complaints waited {hours} hours for a first response: put it right in person"
    ),
    "complaint_unanswered": N_("{n} complaint(s) without a response: answer them now"),
    "quotes_lost": N_("lost {lost} of {decided} quotes: ask what decided it"),
    "quotes_lost_to": N_("lost {lost} of {decided} quotes, mostly to {to}: ask what decided it"),
    "payment_growing": N_(
        "pays later than before ({days} days beyond terms): ask, gently, how business is going"
    ),
    "first_order_neglected": N_(
        "its first orders were handled badly: apologise and make sure the next ones go well"
    ),
    "credit": N_("credit is to be tightened: agree on shorter terms in person"),
    "growth": N_("orders {pct}% more in the weeks after our attention: bring what is new for them"),
    "buyer_test": N_(
        "first order is a buyer's test: a small first order ({amount_eur}) from an account "
        "like customers worth {potential_eur} a year; make sure the next order goes perfectly"
    ),
    "growth_categories": N_(
        "buys no {categories} from us, where most similar customers do: show what we offer "
        "there (room to grow: {growth_eur} a year)"
    ),
    "growth_wallet": N_(
        "buys {pct}% of what similar customers buy from us: ask what else they need (room "
        "to grow: {growth_eur} a year)"
    ),
    "other": N_("{reason}: find out what is behind it"),
}


def _param(key: str, value: Any, lang: Lang) -> Any:
    """A purpose's parameter as text: amounts (``..._eur``) as money, other numbers as
    numbers, lists joined by commas."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_money(value, lang) if key.endswith("_eur") else format_number(value, lang)
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return value


class Purpose(NamedTuple):
    """Why an action: a code of :data:`PURPOSES` and the numbers in it."""

    code: str
    params: dict[str, Any]

    def text(self, lang: Lang = "en") -> str:
        params = {k: _param(k, v, lang) for k, v in self.params.items()}
        if self.code == "other":
            reason = Reason.from_dict(self.params["reason"]).text(lang)
            return gettext(PURPOSES["other"], lang, reason=reason)
        return gettext(PURPOSES[self.code], lang, **params)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "params": self.params}


def purpose_for(reasons: list[Reason], response_effect: float) -> Purpose:
    """The purpose of acting on an account with these ranked ``reasons`` (and this
    estimated response to our attention, a relative change of the order rate)."""
    for reason in reasons:
        if reason.code in PURPOSES:
            return Purpose(reason.code, dict(reason.params))
        if reason.signal == "credit":
            return Purpose("credit", {})
    if reasons:
        return Purpose("other", {"reason": reasons[0].to_dict()})
    return Purpose("growth", {"pct": round(100 * max(response_effect, 0.0))})
