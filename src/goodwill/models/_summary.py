"""The fitted-model summary: one object rendered as text, HTML or a plain dict."""

from __future__ import annotations

import html
import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ParameterRow:
    """One parameter's estimate with its standard error and 95 % confidence interval."""

    name: str
    estimate: float
    standard_error: float
    lower_95: float
    upper_95: float


@dataclass(frozen=True)
class ModelSummary:
    """What a fit found: parameters, uncertainty and fit statistics.

    ``str(summary)`` gives a fixed-width table, ``summary.to_html()`` (also used by
    notebooks through ``_repr_html_``) an HTML table, and ``summary.to_dict()`` plain data.
    """

    model: str
    parameters: tuple[ParameterRow, ...]
    log_likelihood: float
    aic: float
    bic: float
    n_customers: float
    n_rows_fitted: int
    penalizer: float

    def to_dict(self) -> dict[str, object]:
        """Plain data (JSON-serialisable) with the same content as the text table."""
        out = asdict(self)
        out["parameters"] = [asdict(row) for row in self.parameters]
        return out

    def _stats(self) -> list[tuple[str, str]]:
        return [
            ("customers", _fmt_count(self.n_customers)),
            ("distinct rows fitted", f"{self.n_rows_fitted:,}"),
            ("log-likelihood", f"{self.log_likelihood:.4f}"),
            ("AIC", f"{self.aic:.4f}"),
            ("BIC", f"{self.bic:.4f}"),
            ("penalizer", f"{self.penalizer:g}"),
        ]

    def to_text(self) -> str:
        """A fixed-width table for terminals and logs."""
        head = ("parameter", "estimate", "std. error", "lower 95%", "upper 95%")
        rows = [
            (
                p.name,
                _fmt(p.estimate),
                _fmt(p.standard_error),
                _fmt(p.lower_95),
                _fmt(p.upper_95),
            )
            for p in self.parameters
        ]
        widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
        lines = [f"{self.model}"]
        lines += [f"  {k}: {v}" for k, v in self._stats()]
        lines.append("")
        lines.append(
            "  ".join(
                h.rjust(w) if i else h.ljust(w)
                for i, (h, w) in enumerate(zip(head, widths, strict=True))
            )
        )
        for r in rows:
            lines.append(
                "  ".join(
                    c.rjust(w) if i else c.ljust(w)
                    for i, (c, w) in enumerate(zip(r, widths, strict=True))
                )
            )
        lines.append("Intervals are 95 % Wald intervals on the log scale of each parameter.")
        return "\n".join(lines)

    def to_html(self) -> str:
        """An HTML fragment: a definition list of fit statistics and a parameter table."""
        esc = html.escape
        stats = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in self._stats())
        head = "".join(
            f"<th>{h}</th>"
            for h in ("parameter", "estimate", "std. error", "lower 95%", "upper 95%")
        )
        body = "".join(
            "<tr>"
            + f"<th>{esc(p.name)}</th>"
            + "".join(
                f"<td>{_fmt(v)}</td>"
                for v in (p.estimate, p.standard_error, p.lower_95, p.upper_95)
            )
            + "</tr>"
            for p in self.parameters
        )
        return (
            f'<div class="goodwill-model-summary"><h3>{esc(self.model)}</h3>'
            f"<dl>{stats}</dl><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.to_text()


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    return f"{value:.6g}"


def _fmt_count(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.3f}"
