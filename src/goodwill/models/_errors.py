"""Errors of the models package (candidates for ``goodwill.errors``)."""

from __future__ import annotations

from goodwill.errors import GoodwillError


class ModelError(GoodwillError, ValueError):
    """A model cannot give what was asked (for example a spend model without a finite mean)."""


class ModelInputError(ModelError):
    """Data given to a model break its contract (negative counts, recency beyond T, ...)."""


class NotFittedError(GoodwillError, AttributeError):
    """A prediction was asked of a model that has not been fitted (or loaded) yet."""
