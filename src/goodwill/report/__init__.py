"""Reports: explanation objects rendered as self-contained HTML pages."""

from __future__ import annotations

from goodwill.report.tracking import tracking_html, write_tracking_html

__all__ = ["tracking_html", "write_tracking_html"]
