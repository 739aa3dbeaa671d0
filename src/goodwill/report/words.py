"""The words a status, a trend, a level or a credit advice is shown as, marked for
translation (English is the message id; the Dutch is in the catalog). One place, read
by the command line and the reports."""

from __future__ import annotations

from goodwill.i18n import N_

STATUS_WORDS = {"at_risk": N_("at risk"), "watch": N_("watch"), "healthy": N_("healthy")}
TREND_WORDS = {
    "improving": N_("improving"),
    "stable": N_("stable"),
    "deteriorating": N_("deteriorating"),
    "new": N_("new"),
}
ADVICE_WORDS = {
    "keep": N_("keep delivering on current terms"),
    "tighten": N_("tighten the terms"),
    "prepayment": N_("deliver only against prepayment"),
}
LEVEL_WORDS = {
    "transactional": N_("transactional"),
    "fruitful": N_("fruitful relationship"),
    "growing_together": N_("growing together"),
}
QUALIFY_WORDS = {
    "pursue": N_("pursue"),
    "serve_efficiently": N_("serve efficiently"),
    "decline_politely": N_("decline politely"),
}
#: the look-alikes an estimate came from (goodwill.qualify.lookalike.GROUPINGS)
GROUPING_WORDS = {
    "segment_size_region": N_("same segment, size and region"),
    "segment_size": N_("same segment and size"),
    "segment": N_("same segment"),
    "all": N_("all customers"),
    "none": N_("no customers to compare"),
}
KIND_WORDS = {"prospect": N_("prospective customer"), "customer": N_("new customer")}
