"""An account manager's week as calendar entries (iCalendar, RFC 5545) and as a short
Monday digest (a plain-text or HTML e-mail body)."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from goodwill._typing import Lang
from goodwill.i18n import N_, format_money, format_number, gettext
from goodwill.plan.week import Plan, week_start

ACTION_WORDS = {
    "visit": N_("visit"),
    "call": N_("call"),
    "email": N_("e-mail"),
    "event_invitation": N_("event invitation"),
}
DAY_START, DAY_END = 9.0, 17.0


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets folded as RFC 5545 asks."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    start = 0
    while start < len(data):
        end = min(start + (75 if not parts else 74), len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # not inside a character
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start = end
    return "\r\n ".join(parts)


def _slots(hours: list[float], monday: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """Consecutive slots from Monday 9:00, moving to the next working day at 17:00."""
    out, day, clock = [], 0, DAY_START
    for h in hours:
        if clock + h > DAY_END and clock > DAY_START:
            day, clock = min(day + 1, 4), DAY_START
        start = dt.datetime.combine(monday + dt.timedelta(days=day), dt.time()) + dt.timedelta(
            hours=clock
        )
        out.append((start, start + dt.timedelta(hours=h)))
        clock += h
    return out


def owner_actions(plan: Plan, owner: str) -> pd.DataFrame:
    rows = plan.actions[plan.actions["owner"] == owner]
    return rows.sort_values("net", ascending=False)


def ics(plan: Plan, owner: str, lang: Lang = "en") -> str:
    """The week of ``owner`` as an iCalendar file (floating local times)."""
    monday = week_start(plan.week)
    rows = owner_actions(plan, owner)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//goodwill//weekly plan//EN",
             "CALSCALE:GREGORIAN"]  # fmt: skip
    slots = _slots(rows["hours"].astype(float).tolist(), monday)
    for (_, row), (start, end) in zip(rows.iterrows(), slots, strict=True):
        action = gettext(ACTION_WORDS[str(row["action"])], lang)
        summary = f"{action}: {row['name']} ({row['account_id']})"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{plan.week}-{row['account_id']}@goodwill",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{start:%Y%m%dT%H%M%S}",
            f"DTEND:{end:%Y%m%dT%H%M%S}",
            _fold("SUMMARY:" + _escape(summary)),
            _fold("DESCRIPTION:" + _escape(row["purpose"].text(lang))),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def digest(plan: Plan, owner: str, lang: Lang = "en", *, as_html: bool = False,
           stop_limit: int = 5) -> str:  # fmt: skip
    """The Monday digest of ``owner``: the week's actions with their purposes and where
    not to spend time."""
    rows = owner_actions(plan, owner)
    stop = plan.stop[plan.stop["owner"] == owner].head(stop_limit)
    title = gettext("Your week {week}", lang, week=plan.week)
    summary = gettext(
        "{n} actions, {hours} hours, expected value {value} net of the time.",
        lang,
        n=len(rows),
        hours=format_number(float(rows["hours"].sum()), lang, 1),
        value=format_money(float(rows["net"].sum()), lang),
    )
    items = [
        f"{gettext(ACTION_WORDS[str(r['action'])], lang)} {r['name']} ({r['account_id']}): "
        f"{r['purpose'].text(lang)}"
        for _, r in rows.iterrows()
    ]
    stops = [
        f"{r['name']} ({acc}): " + gettext(STOP_WORDS[str(r["suggestion"])], lang)
        for acc, r in stop.iterrows()
    ]
    stop_title = gettext("Where time does not pay", lang)
    if not as_html:
        text = [title, "", summary, ""] + [f"{i}. {t}" for i, t in enumerate(items, 1)]
        if stops:
            text += ["", stop_title] + [f"- {t}" for t in stops]
        return "\n".join(text) + "\n"
    body = [f"<h2>{html.escape(title)}</h2>", f"<p>{html.escape(summary)}</p>", "<ol>"]
    body += [f"<li>{html.escape(t)}</li>" for t in items] + ["</ol>"]
    if stops:
        body += [f"<h3>{html.escape(stop_title)}</h3>", "<ul>"]
        body += [f"<li>{html.escape(t)}</li>" for t in stops] + ["</ul>"]
    return "\n".join(body) + "\n"


STOP_WORDS = {
    "self_service": N_("low value: serve through self-service ordering and e-mail"),
    "email_only": N_("does not respond to visits: keep to e-mail and the webshop"),
}
