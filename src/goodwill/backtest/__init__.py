"""Backtests: fit on a calibration period, compare with what happened in the holdout."""

from __future__ import annotations

from goodwill.backtest.purchases import (
    BacktestError,
    BacktestModel,
    FrequencyRow,
    PurchaseBacktest,
    Tracking,
    purchase_backtest,
)

__all__ = [
    "BacktestError",
    "BacktestModel",
    "FrequencyRow",
    "PurchaseBacktest",
    "Tracking",
    "purchase_backtest",
]
