"""Metrics (and forecast values) as text for people: the CLI table, the app, job summaries.

format_metric(1648359.6)                 -> "1,648,360"   wide: the CLI table, summaries
format_metric(6.871, percent=True)       -> "6.87%"
format_metric(1648359.6, compact=True)   -> "1.65M"       compact: narrow table columns
format_metric(None)                      -> "n/a"
"""

from __future__ import annotations

import numbers
from typing import Any

PERCENT_METRICS = frozenset({"mape", "smape"})  # engine.metrics reports these in percent


def format_metric(
    value: Any, *, percent: bool = False, compact: bool = False, missing: str = "n/a"
) -> str:
    """`value` as short text; `missing` when it is not a number (None: no value to show)."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool):  # numpy scalars count
        return missing
    if compact:  # three significant figures with a k/M suffix, narrow enough for a column
        size = abs(value)
        if size >= 1e6:
            return f"{value / 1e6:.3g}M"
        if size >= 1e4:
            return f"{value / 1e3:.3g}k"
        return f"{value:.3g}"
    if percent:
        return f"{value:.2f}%"
    if abs(value) >= 1000:  # data units such as riders a day: whole numbers, grouped
        return f"{value:,.0f}"
    return f"{value:.4g}"


def format_named_metric(name: str, value: Any, *, missing: str = "n/a") -> str:
    """A metric by its engine.metrics name, with `%` for the percentage ones."""
    return format_metric(value, percent=name in PERCENT_METRICS, missing=missing)
