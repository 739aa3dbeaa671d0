"""Service to new accounts against the truth: does the neglect list find the accounts the
world neglected, and are the accounts on it truly neglected?

Needs ``truth/accounts.csv`` with ``account_id`` and ``neglected`` (0/1). Measured among
the accounts that are new as of the date (``is_new`` in
:func:`goodwill.signals.service.service_facts`) and have at least one order by then:
neglect shows in the service of orders, so an account without one cannot be judged yet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from goodwill.errors import GoodwillError
from goodwill.settings import Settings
from goodwill.signals.service import neglected_new_accounts, service_facts
from goodwill.store import Store


@dataclass
class ServiceEvaluation:
    """The neglect list measured on one world as of one date."""

    as_of: dt.date
    #: new accounts with at least one order by the as-of date
    new_accounts: int
    #: of those, truly neglected
    neglected: int
    #: on the neglect list
    flagged: int
    #: on the list and truly neglected
    true_positives: int

    @property
    def recall(self) -> float:
        return self.true_positives / self.neglected if self.neglected else float("nan")

    @property
    def precision(self) -> float:
        return self.true_positives / self.flagged if self.flagged else float("nan")


def evaluate_service(
    store: Store, truth: pd.DataFrame, as_of: dt.date, *, settings: Settings | None = None
) -> ServiceEvaluation:
    """Make the neglect list of ``store`` as of ``as_of`` and compare it with ``truth``
    (the rows of ``truth/accounts.csv``)."""
    for column in ("account_id", "neglected"):
        if column not in truth.columns:
            raise GoodwillError("the truth has no column {column}", column=column)
    settings = settings or Settings.load()
    frame = service_facts(store.con, as_of, settings)
    true = truth.assign(account_id=truth["account_id"].astype(str)).set_index("account_id")
    label = true["neglected"].reindex(frame.index).fillna(0).astype(int)
    new = frame["is_new"] & (frame["sample_orders"] > 0)
    flagged = neglected_new_accounts(frame, settings).index
    positives = label[new] == 1
    return ServiceEvaluation(
        as_of=as_of,
        new_accounts=int(new.sum()),
        neglected=int(positives.sum()),
        flagged=len(flagged),
        true_positives=int((label.reindex(flagged) == 1).sum()),
    )


def pooled(evaluations: list[ServiceEvaluation]) -> ServiceEvaluation:
    """Several dates' neglect lists as one (counts added; ``as_of`` the last date): a
    neglected account is new for a year only, so one date sees few of them."""
    return ServiceEvaluation(
        as_of=max(e.as_of for e in evaluations),
        new_accounts=sum(e.new_accounts for e in evaluations),
        neglected=sum(e.neglected for e in evaluations),
        flagged=sum(e.flagged for e in evaluations),
        true_positives=sum(e.true_positives for e in evaluations),
    )
