"""Qualification and win/loss: which prospects and new accounts fit our strategy, what
they could bring (from look-alike customers), what they take, and the advice — pursue,
serve efficiently or decline politely — with reasons; the quotes won and lost; and the
growth potential (share of wallet) of established customers."""

from goodwill.qualify.advice import ADVICE, Qualification, qualify
from goodwill.qualify.growth import (
    comparable,
    growth_potential,
    missing_categories,
    named_categories,
    top_opportunities,
)
from goodwill.qualify.lookalike import customer_values, lookalike_potential
from goodwill.qualify.profile import StrategyError, StrategyProfile
from goodwill.qualify.winloss import top_competitors, win_loss

__all__ = [
    "ADVICE",
    "Qualification",
    "StrategyError",
    "StrategyProfile",
    "comparable",
    "customer_values",
    "growth_potential",
    "lookalike_potential",
    "missing_categories",
    "named_categories",
    "qualify",
    "top_competitors",
    "top_opportunities",
    "win_loss",
]
