"""What a forecast run returns, and its JSON shape."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass
class ForecastResult:
    metrics: dict[str, dict[str, float | None]]  # {"model"|"naive"|"seasonal_naive": {metric: v}}
    forecast: pd.DataFrame  # date + one column per target: the `horizon` steps after the data
    holdout: pd.DataFrame  # date, <t>_actual, <t>_predicted, <t>_naive, <t>_seasonal_naive
    warnings: list[str]
    checkpoint: dict[str, Any]  # the metadata a checkpoint holds (written when config.save)
    metrics_by_target: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)
    history: dict[str, list[float]] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)  # reason, epochs_run, seconds...
    targets: list[str] = field(default_factory=list)
    season: int = 1

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON shape: metrics, forecast rows with ISO dates, warnings."""
        rows = []
        for _, r in self.forecast.iterrows():
            row = {"date": iso(r["date"])}
            row.update({t: float(r[t]) for t in self.targets})
            rows.append(row)
        return {
            "metrics": clean(self.metrics),
            "forecast": rows,
            "warnings": list(self.warnings),
        }


def iso(d: pd.Timestamp) -> str:
    """A date as YYYY-MM-DD, or the full ISO timestamp when it has a time of day."""
    d = pd.Timestamp(d)
    return str(d.date()) if d == d.normalize() else d.isoformat()


def clean(obj: Any) -> Any:
    """JSON-safe: non-finite floats become None (nested dicts too)."""
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj
