"""The backtest as one self-contained HTML page: a tracking chart and the holdout tables.

The chart is drawn in the browser by uPlot, vendored in the package
(``goodwill/web/static/vendor/uplot``) and inlined into the page, so the file works
offline and can be mailed as it is.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

from goodwill._typing import Lang
from goodwill.backtest.purchases import PurchaseBacktest
from goodwill.i18n import format_number, gettext
from goodwill.report.assets import script_json, uplot

__all__ = ["tracking_html", "write_tracking_html"]


def _num(value: float, lang: Lang, decimals: int) -> str:
    return "–" if not math.isfinite(value) else format_number(value, lang, decimals)


def tracking_html(backtest: PurchaseBacktest, lang: Lang = "en") -> str:
    """The backtest report as a complete HTML document in ``lang``."""
    script, style = uplot()
    b, t = backtest, backtest.tracking
    esc = html.escape
    title = gettext(
        "Backtest of {model}: calibration up to {calibration_end}, holdout up to {holdout_end}",
        lang,
        model=b.model_class,
        calibration_end=b.calibration_end.isoformat(),
        holdout_end=b.holdout_end.isoformat(),
    )
    labels = {
        "actual": gettext("actual", lang),
        "model": gettext("model, from each first purchase", lang),
        "forecast": gettext("forecast from the calibration end", lang),
        "weeks": gettext("weeks since {date}", lang, date=t.start.isoformat()),
        "cumulative": gettext("cumulative repeat purchases", lang),
        "calibration": gettext("calibration end", lang),
    }
    summary = gettext(
        "Repeat purchases in the holdout: actual {actual}, predicted {predicted}. "
        "Per account: mean absolute error {mae}, root mean squared error {rmse} "
        "({accounts} accounts).",
        lang,
        actual=_num(b.actual_total, lang, 0),
        predicted=_num(b.predicted_total, lang, 1),
        mae=_num(b.mae, lang, 3),
        rmse=_num(b.rmse, lang, 3),
        accounts=_num(b.accounts, lang, 0),
    )
    heads = (
        gettext("repeat purchases in calibration", lang),
        gettext("accounts", lang),
        gettext("actual per account", lang),
        gettext("predicted per account", lang),
    )
    rows = "".join(
        f"<tr><th>{esc(r.label)}</th><td>{_num(r.accounts, lang, 0)}</td>"
        f"<td>{_num(r.actual_mean, lang, 3)}</td><td>{_num(r.predicted_mean, lang, 3)}</td></tr>"
        for r in b.by_frequency
    )
    table = (
        "<table><thead><tr>"
        + "".join(f"<th>{esc(h)}</th>" for h in heads)
        + f"</tr></thead><tbody>{rows}</tbody></table>"
    )
    selection = "" if b.selection is None else b.selection.to_html()
    data = {
        "x": list(t.weeks),
        "actual": list(t.actual),
        "model": list(t.model),
        "forecast": list(t.forecast),
        "calibrationWeek": t.calibration_week,
        "labels": labels,
    }
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="goodwill">
<title>{esc(title)}</title>
<style>{style}</style>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 60rem; }}
h1 {{ font-size: 1.3rem; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ padding: .25rem .75rem; border-bottom: 1px solid #ddd; text-align: right; }}
thead th {{ border-bottom: 2px solid #999; }}
</style>
</head>
<body>
<h1>{esc(title)}</h1>
<p>{esc(summary)}</p>
<div id="tracking" role="img" aria-label="{esc(labels["cumulative"])}"></div>
{table}
{selection}
<script>{script}</script>
<script>
const data = {script_json(data)};
const calibrationLine = {{
  hooks: {{
    draw: [u => {{
      const x = u.valToPos(data.calibrationWeek, "x", true);
      const ctx = u.ctx;
      ctx.save();
      ctx.strokeStyle = "#888";
      ctx.setLineDash([4, 4]);
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillStyle = "#555";
      ctx.fillText(data.labels.calibration, x + 4, u.bbox.top + 12);
      ctx.restore();
    }}],
  }},
}};
const opts = {{
  width: Math.min(900, document.body.clientWidth),
  height: 420,
  plugins: [calibrationLine],
  scales: {{ x: {{ time: false }} }},
  axes: [{{ label: data.labels.weeks }}, {{ label: data.labels.cumulative, size: 70 }}],
  series: [
    {{ label: data.labels.weeks }},
    {{ label: data.labels.actual, stroke: "#222", width: 2 }},
    {{ label: data.labels.model, stroke: "#1f77b4", width: 2, dash: [6, 4] }},
    {{ label: data.labels.forecast, stroke: "#d62728", width: 2 }},
  ],
}};
new uPlot(opts, [data.x, data.actual, data.model, data.forecast],
          document.getElementById("tracking"));
</script>
</body>
</html>
"""


def write_tracking_html(backtest: PurchaseBacktest, path: str | Path, lang: Lang = "en") -> Path:
    """Write :func:`tracking_html` to ``path`` (UTF-8) and return the path."""
    target = Path(path)
    target.write_text(tracking_html(backtest, lang), encoding="utf-8")
    return target
