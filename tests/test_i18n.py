"""Every message exists in Dutch and English, and the two differ."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from goodwill.errors import InputFileError
from goodwill.i18n import catalog, format_money, format_number, gettext, normalize_lang

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from po_check import source_messages

#: words that are spelled the same in both languages
SAME_IN_BOTH = {"import", "status", "Imports", "prospects", "segment", "orders", "week", "e-mail"}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_every_source_message_has_a_dutch_translation() -> None:
    nl = catalog("nl")
    missing = [m for m in source_messages() if not nl.get(m)]
    assert not missing, f"add these to goodwill.po (tools/po_check.py --update): {missing}"


@pytest.mark.parametrize("message", source_messages())
def test_translation_differs_and_keeps_placeholders(message: str) -> None:
    dutch = catalog("nl").get(message, "")
    if message not in SAME_IN_BOTH:
        assert dutch != message
    assert set(PLACEHOLDER.findall(dutch)) == set(PLACEHOLDER.findall(message))


def test_errors_render_in_both_languages() -> None:
    err = InputFileError("{file} is empty (0 bytes); export the table again", file="x.csv")
    assert str(err) == "x.csv is empty (0 bytes); export the table again"
    assert err.message("nl") == "x.csv is leeg (0 bytes); exporteer de tabel opnieuw"


def test_language_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GOODWILL_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    assert normalize_lang(None) == "en"
    monkeypatch.setenv("LANG", "nl_BE.UTF-8")
    assert normalize_lang(None) == "nl"
    monkeypatch.setenv("GOODWILL_LANG", "en")
    assert normalize_lang(None) == "en"


def test_numbers_and_money() -> None:
    assert format_number(1234567.891, "nl", 2) == "1.234.567,89"
    assert format_number(1234567.891, "en", 2) == "1,234,567.89"
    assert format_money(-1234.4, "nl") == "-€ 1.234"
    assert gettext("row {row}", "nl", row=3) == "rij 3"


def test_numbers_and_money_are_written_as_babel_writes_them() -> None:
    """The plain patterns' own path gives Babel's text exactly: rounding half to even on
    the shortest decimal form, the sign of a negative value rounding to zero, grouping,
    the euro's place in each language; what is not plain is Babel's anyway."""
    import copy
    import decimal
    import random

    from babel.numbers import format_currency, format_decimal, parse_pattern

    from goodwill.i18n import apply_pattern
    from goodwill.web.formatting import Formatter, _locale

    rng = random.Random(7)
    values: list[float] = [0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 2.675, 1.005, -0.004,
                           -0.4, 999.5, 999_999.995, 1e15, 123456789.125, 1e-7, -1e-7,
                           float("inf"), float("-inf"), float("nan"), 1e30]  # fmt: skip
    values += [rng.uniform(-1e7, 1e7) for _ in range(400)]
    values += [round(rng.uniform(-1e4, 1e4), rng.choice((1, 2, 3))) for _ in range(400)]
    values += [rng.choice((-1, 1)) * 10 ** rng.uniform(-3, 12) for _ in range(400)]
    for lang in ("en", "nl"):
        locale = _locale(lang)  # type: ignore[arg-type]
        f = Formatter(lang)  # type: ignore[arg-type]
        for decimals in (0, 1, 2):
            pattern = parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))
            for v in values:
                try:
                    want = format_decimal(v, format=pattern, locale=locale)
                except decimal.InvalidOperation:  # Babel cannot round NaN or 1e30: nor do we
                    with pytest.raises(decimal.InvalidOperation):
                        apply_pattern(pattern, v, lang)  # type: ignore[arg-type]
                    continue
                assert apply_pattern(pattern, v, lang) == want, (lang, decimals, v)  # type: ignore[arg-type]
        whole = copy.copy(locale.currency_formats["standard"])
        whole.frac_prec = (0, 0)
        for v in values:
            if v != v or v in (float("inf"), float("-inf"), 1e30):
                continue
            assert f.money(v) == format_currency(v, "EUR", locale=locale), (lang, v)
            want = whole.apply(round(v), locale, currency="EUR", currency_digits=False)
            assert f.money(v, 0) == want, (lang, v)
    assert Formatter("nl").money(-1234.5) == "€\xa0-1.234,50"
    assert Formatter("en").money(-1234.5) == "-€1,234.50"
