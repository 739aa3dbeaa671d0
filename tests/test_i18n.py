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
