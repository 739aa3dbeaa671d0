"""Point-in-time features computed in the store's engine (DuckDB)."""

from __future__ import annotations

from goodwill.features.rfm import FeatureInputError, rfm_summary

__all__ = ["FeatureInputError", "rfm_summary"]
