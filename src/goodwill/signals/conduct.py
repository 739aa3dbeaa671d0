"""How the relationship is conducted, beside health: payment behaviour and credit advice
(can we keep delivering on credit?), trust (promises kept, complaints handled fast,
little time lost on transactional friction) and the service a new account's first orders
got, with their reasons.

Like the profile these describe the account rather than score a shortfall, so their
reasons are kept per topic; the alerts among them also join the account's ranked
reasons: a neglected new account's first orders first of all, credit advice other than
*keep* after health's reasons.

Payments, credit advice and trust are cheap and come with health; the service (a pass
over every account's first and last orders) comes with the profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from goodwill.settings import Settings
from goodwill.signals import credit, payments, service, trust
from goodwill.signals.packing import pack_columns
from goodwill.signals.reasons import Reason

#: the conduct columns a snapshot's table carries (besides the JSON)
TABLE_COLUMNS = (
    "payment_score", "days_beyond_terms_3m", "days_beyond_terms_12m", "payment_trend_days",
    "share_paid_late_12m", "open_amount", "overdue_amount", "oldest_overdue_days",
    "credit_advice", "suggested_terms_days", "suggested_limit", "cover_withdrawn",
    "trust_index", "size_class", "is_new", "service_neglected",
)  # fmt: skip
#: the topics of reasons, in the order they are shown
TOPICS = ("payment_reasons", "credit_reasons", "trust_reasons", "service_reasons")


@dataclass(frozen=True)
class Conduct:
    """Per account (index ``account_id``): payment, credit, trust and service columns,
    and their reasons per topic (:data:`TOPICS`)."""

    table: pd.DataFrame
    reasons: dict[str, dict[str, list[Reason]]]

    def columns(self, ids: list[str]) -> tuple[pd.DataFrame, str]:
        """Every conduct column and reason topic, prefixed ``c__``, and the SQL that packs
        them into one JSON object per row."""
        return pack_columns(self.table, self.reasons, ids, "c__")

    def after_health(self, health: dict[str, list[Reason]]) -> dict[str, list[Reason]]:
        """Health's ranked reasons with why credit should be tightened or stopped after
        them."""
        out = dict(health)
        table = self.table
        for account in table.index[table["credit_advice"] != "keep"].tolist():
            why = [r for r in self.reasons["credit_reasons"].get(account, [])
                   if r.code != "credit_cover_withdrawn"][:1]  # fmt: skip
            out[account] = out.get(account, []) + why
        return out

    def before(self, reasons: dict[str, list[Reason]]) -> dict[str, list[Reason]]:
        """The ranked reasons with a neglected first order's alert before them."""
        out = dict(reasons)
        for account, why in self.reasons["service_reasons"].items():
            if account in out:
                out[account] = why[:1] + out[account]
        return out

    def with_service(self, served: pd.DataFrame, settings: Settings) -> Conduct:
        """This conduct with the service of ``served``
        (:func:`goodwill.signals.service.service_facts`): the size class, new or
        established, and the neglect alerts."""
        neglect = service.service_reasons(served, settings)
        table = self.table.copy()
        kind = served[["size_class", "is_new"]].reindex(table.index)
        table["size_class"] = kind["size_class"]
        table["is_new"] = kind["is_new"]
        table["service_neglected"] = table.index.isin(list(neglect))
        return Conduct(table, {**self.reasons, "service_reasons": neglect})


def account_conduct(paid: pd.DataFrame, facts: pd.DataFrame, settings: Settings) -> Conduct:
    """Conduct of every account of ``facts`` from its payment behaviour ``paid``
    (:func:`goodwill.signals.payments.payment_behaviour`) and its facts; the service
    columns stay empty until :meth:`Conduct.with_service`."""
    paid = paid.reindex(facts.index)
    advice, credit_reasons = credit.credit_advice(paid, settings)
    trusted, trust_reasons = trust.trust_index(facts, settings)
    table = pd.concat([paid[payments.COLUMNS], advice[credit.COLUMNS], trusted[trust.COLUMNS]],
                      axis=1)  # fmt: skip
    table["size_class"] = None
    table["is_new"] = None
    table["service_neglected"] = None
    reasons = {
        "payment_reasons": payments.payment_reasons(paid, settings),
        "credit_reasons": credit_reasons,
        "trust_reasons": trust_reasons,
        "service_reasons": {},
    }
    return Conduct(table, reasons)
