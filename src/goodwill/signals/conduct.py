"""How the relationship is conducted, beside health: payment behaviour and credit advice
(can we keep delivering on credit?) and trust (promises kept, complaints handled fast,
little time lost on transactional friction), with their reasons.

Like the profile these describe the account rather than score a shortfall, so their
reasons are kept per topic; the alerts among them (credit advice other than *keep*)
also join the account's ranked reasons.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from goodwill.settings import Settings
from goodwill.signals import credit, payments, trust
from goodwill.signals.packing import pack_columns
from goodwill.signals.reasons import Reason

#: the conduct columns a snapshot's table carries (besides the JSON)
TABLE_COLUMNS = (
    "payment_score", "days_beyond_terms_3m", "days_beyond_terms_12m", "payment_trend_days",
    "share_paid_late_12m", "open_amount", "overdue_amount", "oldest_overdue_days",
    "credit_advice", "suggested_terms_days", "suggested_limit", "cover_withdrawn",
    "trust_index",
)  # fmt: skip
#: the topics of reasons, in the order they are shown
TOPICS = ("payment_reasons", "credit_reasons", "trust_reasons")


@dataclass(frozen=True)
class Conduct:
    """Per account (index ``account_id``): payment, credit and trust columns, and their
    reasons per topic (:data:`TOPICS`)."""

    table: pd.DataFrame
    reasons: dict[str, dict[str, list[Reason]]]

    def columns(self, ids: list[str]) -> tuple[pd.DataFrame, str]:
        """Every conduct column and reason topic, prefixed ``c__``, and the SQL that packs
        them into one JSON object per row."""
        return pack_columns(self.table, self.reasons, ids, "c__")

    def alerts(self, account: str) -> list[Reason]:
        """The reasons that join the account's ranked reasons: why credit should be
        tightened or stopped."""
        if self.table.at[account, "credit_advice"] == "keep":
            return []
        return [r for r in self.reasons["credit_reasons"].get(account, [])
                if r.code != "credit_cover_withdrawn"][:1]  # fmt: skip


def account_conduct(paid: pd.DataFrame, facts: pd.DataFrame, settings: Settings) -> Conduct:
    """Conduct of every account of ``facts`` from its payment behaviour ``paid``
    (:func:`goodwill.signals.payments.payment_behaviour`) and its facts."""
    paid = paid.reindex(facts.index)
    advice, credit_reasons = credit.credit_advice(paid, settings)
    trusted, trust_reasons = trust.trust_index(facts, settings)
    table = pd.concat(
        [paid[payments.COLUMNS], advice[credit.COLUMNS], trusted[trust.COLUMNS]], axis=1
    )
    reasons = {
        "payment_reasons": payments.payment_reasons(paid, settings),
        "credit_reasons": credit_reasons,
        "trust_reasons": trust_reasons,
    }
    return Conduct(table, reasons)
