"""Numbers, money, dates and code words on the dashboard's pages, per language, by
Babel: ``€ 1.234,56`` in Dutch, ``€1,234.56`` in English."""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from babel.core import Locale
from babel.dates import format_date
from babel.numbers import format_currency, get_currency_symbol

from goodwill._typing import Lang
from goodwill.i18n import N_, apply_pattern, format_number, gettext
from goodwill.plan.calendar import ACTION_WORDS, STOP_WORDS
from goodwill.signals.reasons import LABELS, Reason

LOCALES: dict[Lang, str] = {"en": "en_GB", "nl": "nl_NL"}

#: code words shown on the pages (statuses, trends, levels, advice ...) -> English text
WORDS: dict[str, str] = {
    **LABELS,
    **ACTION_WORDS,
    "at_risk": N_("at risk"),
    "watch": N_("watch"),
    "healthy": N_("healthy"),
    "improving": N_("improving"),
    "stable": N_("stable"),
    "deteriorating": N_("deteriorating"),
    "new": N_("new"),
    "same": N_("unchanged"),
    "up": N_("deeper than a year ago"),
    "down": N_("shallower than a year ago"),
    "responds": N_("responds"),
    "indifferent": N_("indifferent"),
    "not_enough_evidence": N_("not enough evidence"),
    "order": N_("order"),
    "interaction": N_("contact moment"),
    "complaint": N_("complaint"),
    "invoice": N_("invoice"),
    "payment": N_("payment"),
    "promise": N_("promise"),
    "quote": N_("quote"),
    "delivered": N_("delivered"),
    "not_delivered": N_("not delivered yet"),
    "open": N_("open"),
    "resolved": N_("resolved"),
    "due": N_("due"),
    "late": N_("paid late"),
    "on_time": N_("paid on time"),
    "kept": N_("kept"),
    "not_kept": N_("not kept"),
    "requested": N_("requested"),
    "declined": N_("declined"),
    "won": N_("won"),
    "lost": N_("lost"),
    "low_value": N_("low value"),
    "small": N_("small"),
    "medium": N_("medium"),
    "large": N_("large"),
    "unknown": N_("unknown"),
    "established": N_("established"),
    **STOP_WORDS,
}


@lru_cache(maxsize=16)
def _whole(locale: Locale) -> Any:
    """The locale's currency pattern without decimals."""
    pattern = copy.copy(locale.currency_formats["standard"])
    pattern.frac_prec = (0, 0)
    return pattern


@lru_cache(maxsize=16)
def _cents(lang: Lang) -> Any:
    """The locale's currency pattern with two decimals (the euro's)."""
    pattern = copy.copy(_locale(lang).currency_formats["standard"])
    pattern.frac_prec = (2, 2)
    return pattern


@lru_cache(maxsize=16)
def _symbol(lang: Lang, currency: str) -> str:
    return str(get_currency_symbol(currency, locale=_locale(lang)))


@lru_cache(maxsize=8192)
def _date(value: dt.date, style: str, lang: Lang) -> str:
    """A day in words, kept: a timeline shows the same days again and again."""
    return str(format_date(value, style, locale=_locale(lang)))


@lru_cache(maxsize=4)
def _locale(lang: Lang) -> Locale:
    return Locale.parse(LOCALES[lang])


@dataclass(frozen=True)
class Formatter:
    """Formats for one language; templates get one as ``f``."""

    lang: Lang

    @property
    def locale(self) -> Locale:
        return _locale(self.lang)

    def _(self, message: str, **params: Any) -> str:
        return gettext(message, self.lang, **params)

    def money(self, value: Any, decimals: int = 2, currency: str = "EUR") -> str:
        """``€ 1.234,56`` (nl) or ``€1,234.56`` (en); ``decimals=0`` for whole units;
        '–' for a missing value."""
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return "–"
        locale = self.locale
        # Babel looks the currency's name up on every call even when the pattern does
        # not show it; the pattern without a currency and the symbol put in is the same
        # text at a fraction of the cost
        if decimals == 0:
            text = apply_pattern(_whole(locale), round(float(value)), self.lang)
            return text.replace("¤", _symbol(self.lang, currency))
        if currency != "EUR":
            return str(format_currency(float(value), currency, locale=locale))
        text = apply_pattern(_cents(self.lang), float(value), self.lang)
        return text.replace("¤", _symbol(self.lang, currency))

    def number(self, value: Any, decimals: int = 0) -> str:
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return "–"
        return format_number(float(value), self.lang, decimals)

    def pct(self, share: Any, decimals: int = 0) -> str:
        """A share (0.25) as ``25%``."""
        if share is None or (isinstance(share, float) and not math.isfinite(share)):
            return "–"
        return format_number(100.0 * float(share), self.lang, decimals) + "%"

    def date(self, value: Any, style: str = "medium") -> str:
        if value is None:
            return "–"
        if isinstance(value, dt.datetime):
            value = value.date()
        if hasattr(value, "to_pydatetime"):
            if value != value:
                return "–"
            value = value.to_pydatetime().date()
        if not isinstance(value, dt.date):
            return str(value)
        return _date(value, style, self.lang)

    def word(self, code: Any) -> str:
        """A code (``at_risk``, ``fruitful``, ``tighten`` ...) in words."""
        if code is None or (isinstance(code, float) and code != code):
            return "–"
        text = str(code)
        return gettext(WORDS.get(text, text), self.lang)

    def reason(self, reason: Reason | None) -> str:
        return reason.text(self.lang) if reason is not None else ""
