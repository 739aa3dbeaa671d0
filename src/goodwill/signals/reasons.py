"""Reasons: a signal's finding as data (code and numbers), rendered as a sentence in
Dutch or English. The sentences carry the numbers, so a reader can check them."""

from __future__ import annotations

from typing import Any, NamedTuple

from goodwill._typing import Lang
from goodwill.i18n import N_, format_number, gettext

#: reason code -> English template
TEMPLATES: dict[str, str] = {
    "order_silence": N_(
        "no order for {days} days, where this account normally orders every {gap} days"
    ),
    "heard_silence": N_(
        "nothing heard for {days} days, where this account is normally heard from every {gap} days"
    ),
    "contact_rhythm": N_(
        "contacted us on {recent} days in the last {window} days, where {usual} is usual"
    ),
    "engagement": N_(
        "contacted us on {n} days in the last 12 months, where accounts that order as often "
        "contact us on about {usual}"
    ),
    "reciprocity": N_(
        "contacted us on {n} days in the last {window} days; accounts we approach as often "
        "({ours}× in that time) contact us on about {usual}"
    ),
    "order_rhythm": N_(
        "ordered on {recent} days in the last {window} days, where {usual} is usual"
    ),
    "p_alive": N_("its buying pattern gives only a {pct}% chance that it still buys from us"),
    "complaint_silence": N_(
        "complained {n} times in a year, but not for {days} days: silence is a warning sign"
    ),
    "order_trend": N_(
        "ordered {pct}% less in the last {window} days than in the same days a year ago"
    ),
    "year_on_year": N_(
        "ordered on {n} days in the last 12 months, against {before} in the 12 months before"
    ),
    "contacts_departed": N_("{n} contact person(s) left in the last {window} days"),
    "contacts_single": N_("only one active contact person: the relationship hangs on one person"),
    "contacts_none": N_("no active contact person left at this account"),
    "promises": N_("{broken} of {due} promises in the last 12 months were not kept on time"),
    "complaint_response": N_(
        "complaints waited {hours} hours for a first response, where {norm} is usual"
    ),
    "complaint_unanswered": N_("{n} complaint(s) still without a response"),
    "quotes_lost": N_("lost {lost} of {decided} quotes in the last 12 months"),
    "quotes_lost_to": N_("lost {lost} of {decided} quotes in the last 12 months, mostly to {to}"),
    "payment_growing": N_(
        "paid {days} days beyond terms on average in the last 3 months, against {before} in "
        "the 9 months before"
    ),
    "payment_recent_delay": N_(
        "paid {days} days beyond its {terms}-day terms on average in the last 3 months"
    ),
    "payment_growing_delay": N_(
        "payment delays are growing: {days} days beyond terms in the last 3 months, against "
        "{before} in the 9 months before"
    ),
    "payment_overdue": N_("€{amount} is overdue"),
    "payment_oldest_item": N_("the oldest open invoice (due {due}) is {days} days overdue"),
    "payment_share_late": N_("{late} of {n} invoices of the last 12 months were paid late"),
    "payment_over_limit": N_("€{amount} is open against a credit limit of €{limit}"),
    "credit_score_poor": N_("payment score {score}: deliver only against prepayment"),
    "credit_item_old": N_("an invoice is {days} days overdue: deliver only against prepayment"),
    "credit_uninsured_risk": N_(
        "no insurance cover and a payment score of {score}: deliver only against prepayment"
    ),
    "credit_score_weak": N_("payment score {score}: tighten the terms"),
    "credit_paying_late": N_("pays {days} days beyond terms on average in the last 3 months"),
    "credit_over_limit": N_("€{amount} open exceeds the credit limit of €{limit}"),
    "credit_over_cover": N_("€{amount} open exceeds the €{limit} we carry without insurance cover"),
    "credit_suggest": N_("suggested: {terms}-day terms and a limit of €{limit}"),
    "credit_cover_withdrawn": N_(
        "the credit insurer has withdrawn cover: we carry at most €{allowance} ourselves"
    ),
    "trust_promises": N_("{broken} of {due} promises to this account were not kept on time"),
    "trust_complaints": N_(
        "complaints wait {hours} hours for a first response (usual: {norm}); {open} still open"
    ),
    "trust_transactional": N_(
        "{pct}% of the contact time goes to transactional matters (usual: {norm}%)"
    ),
    "level_growing_together": N_(
        "growing together: {joint} joint project(s) and {meetings} meeting(s) without agenda "
        "in the last 12 months"
    ),
    "level_fruitful": N_(
        "a fruitful relationship: {meetings} meeting(s) without agenda, {references} "
        "reference(s), {events} customer day(s) and {previews} product preview(s) in the last "
        "12 months"
    ),
    "level_transactional": N_(
        "transactional: {pct}% of {total} contact moments in the last 12 months went beyond "
        "buying, selling and delivering"
    ),
    "level_no_contact": N_(
        "no contact moments in the last 12 months: nothing beyond transactions to see"
    ),
    "level_was_transactional": N_("a year ago the relationship was transactional"),
    "level_was_fruitful": N_("a year ago the relationship was fruitful"),
    "level_was_growing_together": N_("a year ago the relationship was growing together"),
    "response_responds": N_(
        "orders {pct}% more in the {window} weeks after our contacts than otherwise, over "
        "{contacts} visits, calls and e-mails ({low}% to {high}%)"
    ),
    "response_indifferent": N_(
        "orders hardly more after our contacts: {pct}% more in the {window} weeks after "
        "{contacts} visits, calls and e-mails ({low}% to {high}%)"
    ),
    "response_indifferent_less": N_(
        "orders no more after our contacts: {pct}% less in the {window} weeks after "
        "{contacts} visits, calls and e-mails ({low}% to {high}%)"
    ),
    "response_unknown": N_(
        "not enough evidence yet whether our contacts change its orders "
        "({contacts} contacts, {weeks} weeks after them)"
    ),
    "first_order_neglected": N_(
        "new account whose first {orders} order(s) were served worse than our established "
        "accounts: {n} of {total} aspects of service beyond the norm"
    ),
    "service_confirmation": N_(
        "orders confirmed after a median {hours} hours, {ratio}× the usual for their order "
        "channel, where established accounts stay below {norm}×"
    ),
    "service_otif": N_(
        "{pct}% of its first orders delivered on time in full, where established accounts "
        "get at least {norm}%"
    ),
    "service_late": N_(
        "first orders delivered {days} days late on average, where established accounts "
        "wait at most {norm}"
    ),
    "service_chasing": N_(
        "chased us {n} times while its first orders were open, where established accounts "
        "do so at most {norm} times"
    ),
    "service_first_contact": N_(
        "{days} days from its first order to our first contact, where established accounts "
        "wait at most {norm}"
    ),
    "service_complaints": N_(
        "complaints waited a median {hours} hours for a first response, where established "
        "accounts wait at most {norm}"
    ),
    "qualify_fits": N_("fits our strategy: target segment, country, region and size"),
    "qualify_segment_no": N_("segment {segment} is not one of our target segments"),
    "qualify_segment_unknown": N_("segment not known: cannot check it against our target segments"),
    "qualify_country_no": N_("country {country} is outside our target countries"),
    "qualify_country_unknown": N_(
        "country not known: cannot check it against our target countries"
    ),
    "qualify_region_no": N_(
        "region {region} is outside our target regions: every visit takes more travel"
    ),
    "qualify_region_unknown": N_("region not known: cannot check it against our target regions"),
    "qualify_size_small": N_("{employees} employees: smaller than our target of at least {min}"),
    "qualify_size_large": N_("{employees} employees: larger than our target of at most {max}"),
    "qualify_size_unknown": N_(
        "number of employees not known: cannot check it against our target size"
    ),
    "qualify_potential_high": N_(
        "{n} look-alike customers bring a median €{value} a year (half of them €{low} to "
        "€{high}), at least our minimum of €{min}"
    ),
    "qualify_potential_low": N_(
        "{n} look-alike customers bring a median €{value} a year (half of them €{low} to "
        "€{high}), below our minimum of €{min}"
    ),
    "qualify_potential_high_orders": N_(
        "{orders} order day(s) in the {days} days since its first order, weighed with {n} "
        "look-alike customers (median €{lookalike} a year): about €{value} a year (€{low} to "
        "€{high}), at least our minimum of €{min}"
    ),
    "qualify_potential_low_orders": N_(
        "{orders} order day(s) in the {days} days since its first order, weighed with {n} "
        "look-alike customers (median €{lookalike} a year): about €{value} a year (€{low} to "
        "€{high}), below our minimum of €{min}"
    ),
    "qualify_potential_unknown": N_(
        "no established customers to compare with: the potential is not known"
    ),
    "qualify_lookalike_segment_size": N_(
        "too few look-alikes in the same region: compared with customers of the same segment "
        "and size anywhere"
    ),
    "qualify_lookalike_segment": N_(
        "too few look-alikes of the same size: compared with all customers of the same segment"
    ),
    "qualify_lookalike_all": N_(
        "too few look-alikes in the same segment: compared with all established customers"
    ),
    "qualify_buyer_test": N_(
        "a small first order (€{amount}, among the smallest {pct}% of first orders) from an "
        "account with high potential: a buyer's test that deserves full attention"
    ),
    "qualify_small_first_order": N_(
        "a small first order (€{amount}, among the smallest {pct}% of first orders)"
    ),
    "qualify_quotes_many": N_("asked for {n} quotes in the last 12 months and accepted {won}"),
    "qualify_capacity": N_(
        "our capacity of {capacity} new accounts a quarter goes to accounts with more potential"
    ),
}

#: signal code -> short label (tables, charts)
LABELS: dict[str, str] = {
    "order_silence": N_("order silence"),
    "heard_silence": N_("silence on every channel"),
    "contact_rhythm": N_("contact frequency"),
    "engagement": N_("contact against similar accounts"),
    "reciprocity": N_("contact in return for ours"),
    "order_rhythm": N_("order frequency"),
    "p_alive": N_("still buying (P alive)"),
    "complaint_silence": N_("complaints stopped"),
    "order_trend": N_("order value against a year ago"),
    "year_on_year": N_("orders against the year before"),
    "contacts": N_("contact persons"),
    "promises": N_("promises kept"),
    "complaint_response": N_("complaint response"),
    "quotes_lost": N_("quotes lost"),
    "payment_trend": N_("payment delays growing"),
    "payments": N_("payment behaviour"),
    "credit": N_("credit advice"),
    "trust": N_("trust"),
    "keep": N_("keep delivering on current terms"),
    "tighten": N_("tighten the terms"),
    "prepayment": N_("deliver only against prepayment"),
    "level": N_("relationship level"),
    "transactional": N_("transactional"),
    "fruitful": N_("fruitful relationship"),
    "growing_together": N_("growing together"),
    "responsiveness": N_("response to our attention"),
    "service": N_("service to new accounts"),
}


class Reason(NamedTuple):
    """Why an account scores lower: a signal's points against its baseline. (A named
    tuple: a scoring makes hundreds of thousands of these.)"""

    signal: str
    code: str
    points: float
    baseline: float
    params: dict[str, Any]

    @property
    def shortfall(self) -> float:
        return self.baseline - self.points

    def text(self, lang: Lang = "en") -> str:
        params = {
            k: format_number(v, lang)
            if isinstance(v, int | float) and not isinstance(v, bool)
            else v
            for k, v in self.params.items()
        }
        return gettext(TEMPLATES[self.code], lang, **params)

    def to_dict(self) -> dict[str, Any]:
        return {
            "signal": self.signal,
            "code": self.code,
            "points": round(self.points, 3),
            "baseline": round(self.baseline, 3),
            "params": self.params,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reason:
        return cls(
            data["signal"], data["code"], data["points"], data["baseline"], dict(data["params"])
        )
