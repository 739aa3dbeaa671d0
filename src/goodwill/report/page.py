"""The portfolio report as one self-contained HTML file: the stylesheet, uPlot and the
chart's data are inlined, nothing is fetched — it works offline and can be mailed.

Every table cell holding a number carries its exact value in ``data-value``, so the page
can be read back by a program as well as by a person.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

from goodwill._typing import Lang
from goodwill.errors import GoodwillError
from goodwill.i18n import gettext
from goodwill.report.assets import script_json, uplot
from goodwill.report.portfolio import PortfolioReport
from goodwill.report.tables import Column, Figure, Table, format_cell, format_day, missing

__all__ = ["ReportWriteError", "portfolio_html", "write_portfolio_html"]

_esc = html.escape


class ReportWriteError(GoodwillError, OSError):
    """A report file cannot be written."""


_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       padding: 0 1rem; color: #222; max-width: 78rem; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2.5rem; border-bottom: 2px solid #333; }
h3 { font-size: 1rem; margin: 1.5rem 0 .3rem; }
nav a { margin-right: 1rem; }
.meta, .note { color: #555; font-size: .9rem; }
.figures { display: flex; flex-wrap: wrap; gap: .6rem; margin: 1rem 0; padding: 0; }
.figures div { border: 1px solid #ccc; border-radius: 4px; padding: .4rem .8rem;
               min-width: 9rem; }
.figures dt { font-size: .8rem; color: #555; }
.figures dd { margin: 0; font-size: 1.2rem; font-weight: 600; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #ddd; text-align: left;
         vertical-align: top; }
thead th { border-bottom: 2px solid #999; background: #f6f6f6; }
td.num, th.num { text-align: right; white-space: nowrap; }
.legend span { display: inline-block; margin-right: 1rem; font-size: .9rem; }
.legend i { display: inline-block; width: .8rem; height: .8rem; border-radius: 50%;
            margin-right: .3rem; vertical-align: -1px; }
.legend i.risk { background: #fff; border: 2px solid #000; width: .6rem; height: .6rem; }
#tip { position: absolute; pointer-events: none; background: #fff; border: 1px solid #999;
       padding: .2rem .4rem; font-size: .8rem; display: none; z-index: 10; }
@media print { nav, #scatter-box { display: none; } body { margin: 0; } }
"""

_SCRIPT = """
(function () {
  const d = __DATA__;
  const box = document.getElementById("scatter");
  if (!box || !d.x.length) return;
  const nf = new Intl.NumberFormat(d.locale, {maximumFractionDigits: 0});
  const money = v => (v < 0 ? "-" : "") + "\\u20ac" + (d.locale === "nl" ? " " : "")
                     + nf.format(Math.abs(v));
  const xs = d.x.filter(v => v !== null), lo = Math.min(0, ...xs), hi = Math.max(1, ...xs);
  const maxRev = Math.max(1, ...d.revenue);
  const radius = i => 2 + 10 * Math.sqrt(d.revenue[i] / maxRev);
  const order = d.x.map((_, i) => i).filter(i => d.x[i] !== null && d.y[i] !== null)
    .sort((a, b) => (d.risk[a] - d.risk[b]) || (radius(b) - radius(a)));
  let placed = [];
  const draw = u => {
    const ctx = u.ctx, dpr = devicePixelRatio || 1;
    placed = [];
    ctx.save();
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
    for (const i of order) {
      const cx = u.valToPos(d.x[i], "x", true), cy = u.valToPos(d.y[i], "y", true);
      const r = radius(i) * dpr;
      ctx.beginPath();
      ctx.arc(cx, cy, r, 0, 2 * Math.PI);
      ctx.globalAlpha = 0.75;
      ctx.fillStyle = d.legend[d.level[i]].colour;
      ctx.fill();
      ctx.globalAlpha = 1;
      if (d.risk[i]) { ctx.lineWidth = 1.5 * dpr; ctx.strokeStyle = "#000"; ctx.stroke(); }
      placed.push([cx / dpr, cy / dpr, r / dpr, i]);
    }
    ctx.restore();
  };
  const tip = document.getElementById("tip");
  const hover = u => {
    const {left, top} = u.cursor;
    if (left == null || left < 0) { tip.style.display = "none"; return; }
    const x = left + u.bbox.left / (devicePixelRatio || 1);
    const y = top + u.bbox.top / (devicePixelRatio || 1);
    let best = null, dist = 1e9;
    for (const [px, py, r, i] of placed) {
      const e = Math.hypot(px - x, py - y);
      if (e <= Math.max(r, 4) && e < dist) { best = i; dist = e; }
    }
    if (best === null) { tip.style.display = "none"; return; }
    tip.textContent = d.name[best] + " (" + d.id[best] + "): " + d.labels.x + " "
      + money(d.x[best]) + ", " + d.labels.y + " " + nf.format(d.y[best]);
    const rect = u.over.getBoundingClientRect();
    tip.style.left = (window.scrollX + rect.left + left + 12) + "px";
    tip.style.top = (window.scrollY + rect.top + top + 12) + "px";
    tip.style.display = "block";
  };
  const opts = {
    width: Math.min(1000, box.clientWidth || 900),
    height: 460,
    legend: {show: false},
    cursor: {points: {show: false}, drag: {x: false, y: false}},
    scales: {
      x: {time: false, distr: 4, asinh: 1000, range: () => [lo * 1.1, hi * 1.1]},
      y: {range: [0, 100]},
    },
    axes: [
      {label: d.labels.x, values: (u, vals) => vals.map(money), size: 50},
      {label: d.labels.y, size: 50},
    ],
    series: [{}, {points: {show: false}, stroke: "transparent"}],
    hooks: {draw: [draw], setCursor: [hover]},
  };
  new uPlot(opts, [[lo, hi], [null, null]], box);
})();
"""


def _cell(value: Any, column: Column, lang: Lang) -> str:
    text = _esc(format_cell(value, column.kind, lang, column.decimals))
    if not column.numeric:
        return f"<td>{text}</td>"
    raw = "" if missing(value) else repr(float(value))
    return f'<td class="num" data-value="{raw}">{text}</td>'


def table_html(table: Table, lang: Lang, *, skip: tuple[str, ...] = (), extra: str = "") -> str:
    """``table`` as an HTML table (without the columns in ``skip``)."""
    keep = [(i, c) for i, c in enumerate(table.columns) if c.key not in skip]
    head = "".join(
        f'<th data-key="{c.key}"{" class=num" if c.numeric else ""}>{_esc(c.title)}</th>'
        for _i, c in keep
    )
    body = "".join(
        "<tr>" + "".join(_cell(row[i], c, lang) for i, c in keep) + "</tr>\n" for row in table.rows
    )
    return (
        f'<div class="scroll"><table data-table="{table.key}"{extra}>'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table></div>\n"
    )


def _figures(figures: list[Figure], lang: Lang) -> str:
    items = "".join(
        f'<div data-figure="{f.key}"><dt>{_esc(f.label)}</dt>'
        f'<dd data-value="{"" if f.value is None else f.value}">'
        f"{_esc(format_cell(f.value, f.kind, lang))}</dd></div>"
        for f in figures
    )
    return f'<dl class="figures">{items}</dl>\n'


def _section(key: str, title: str, body: str) -> str:
    return f'<section id="{key}">\n<h2>{_esc(title)}</h2>\n{body}</section>\n'


def _plan(report: PortfolioReport) -> str:
    p, lg = report.plan, report.lang
    lead = gettext(
        "The plan for {week}, on the facts up to {date}: {n} actions.",
        lg,
        week=p.week,
        date=format_day(p.as_of, lg),
        n=len(p.actions.rows),
    )
    parts = [f"<p>{_esc(lead)}</p>\n"]
    parts += [f'<p class="note">{_esc(n)}</p>\n' for n in p.notes]
    parts.append(table_html(p.owners, lg))
    owners = p.actions.column("owner")
    this_week = gettext("This week", lg)
    none_note = gettext("No actions pay off this week.", lg)
    for owner in dict.fromkeys(owners):
        rows = [r for r, o in zip(p.actions.rows, owners, strict=True) if o == owner]
        part = Table(p.actions.key, p.actions.title, p.actions.sheet, p.actions.columns, rows)
        parts.append(f"<h3>{_esc(this_week)}: {_esc(owner)}</h3>\n")
        parts.append(table_html(part, lg, skip=("owner",), extra=f' data-owner="{_esc(owner)}"'))
    if not p.actions.rows:
        parts.append(f"<p>{_esc(none_note)}</p>\n")
    stop_note = gettext(
        "Accounts we still visit, call or e-mail although it does not pay: low value, or "
        "no response to our attention.",
        lg,
    )
    parts.append(f"<h3>{_esc(p.stop.title)}</h3>\n")
    parts.append(f'<p class="note">{_esc(stop_note)}</p>\n')
    parts.append(table_html(p.stop, lg))
    return _section("plan", gettext("The week's plan", lg), "".join(parts))


def portfolio_html(report: PortfolioReport) -> str:
    """The report as a complete, self-contained HTML document."""
    script, style = uplot()
    lg = report.lang
    sc = report.scatter
    chart_data = {
        **sc,
        "locale": lg,
        "labels": {"x": gettext("net value", lg), "y": gettext("health", lg)},
    }
    risk_word = gettext("at risk", lg)
    legend = (
        "".join(
            f'<span><i style="background:{item["colour"]}"></i>{_esc(item["name"])}</span>'
            for item in sc["legend"]
        )
        + f'<span><i class="risk"></i>{_esc(risk_word)}</span>'
    )
    sample_note = gettext(
        "Each circle is a customer: net value (x, on a scale that compresses large values) "
        "against health (y), its size the revenue of the last 12 months, its colour the "
        "relationship level; accounts at risk are outlined.",
        lg,
    )
    if sc["shown"] < sc["total"]:
        sample_note += " " + gettext(
            "Showing {shown} of {total} accounts: every account at risk and a random sample "
            "of the others.",
            lg,
            shown=sc["shown"],
            total=sc["total"],
        )
    portfolio = (
        _figures(report.figures, lg)
        + '<div id="scatter-box">'
        + f'<div id="scatter" role="img" aria-label="{_esc(sample_note)}"></div>'
        + f'<div class="legend">{legend}</div>'
        + f'<p class="note">{_esc(sample_note)}</p></div>\n'
        + f"<h3>{_esc(report.owners.title)}</h3>\n"
        + table_html(report.owners, lg)
        + f"<h3>{_esc(report.segments.title)}</h3>\n"
        + table_html(report.segments, lg)
    )
    risk_note = gettext(
        "Active customers whose health is below the at-risk threshold, the most valuable "
        "first, with their main reasons and what their payments say about credit.",
        lg,
    )
    at_risk = f'<p class="note">{_esc(risk_note)}</p>\n' + table_html(report.at_risk, lg)
    made = gettext(
        "Made by goodwill on {date} from the snapshot of {as_of}; figures over the 12 months "
        "up to then. Counts by status are over active customers.",
        lg,
        date=format_day(dt.date.today(), lg),
        as_of=format_day(report.as_of, lg),
    )
    plan_title = gettext("The week's plan", lg)
    portfolio_title = gettext("Portfolio", lg)
    nav = (
        f'<nav><a href="#portfolio">{_esc(portfolio_title)}</a>'
        f'<a href="#at-risk">{_esc(report.at_risk.title)}</a>'
        f'<a href="#plan">{_esc(plan_title)}</a></nav>'
    )
    return f"""<!doctype html>
<html lang="{lg}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="goodwill">
<title>{_esc(report.title)}</title>
<style>{style}</style>
<style>{_STYLE}</style>
</head>
<body>
<h1>{_esc(report.title)}</h1>
<p class="meta">{_esc(made)}</p>
{nav}
{_section("portfolio", portfolio_title, portfolio)}
{_section("at-risk", report.at_risk.title, at_risk)}
{_plan(report)}
<div id="tip"></div>
<script>{script}</script>
<script>{_SCRIPT.replace("__DATA__", script_json(chart_data))}</script>
</body>
</html>
"""


def write_portfolio_html(report: PortfolioReport, path: str | Path) -> Path:
    """Write :func:`portfolio_html` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    text = portfolio_html(report)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ReportWriteError(
            "cannot write {file}: {reason}; choose another path",
            file=target,
            reason=exc.strerror or str(exc),
        ) from exc
    return target
