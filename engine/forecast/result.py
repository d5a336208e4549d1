"""What a forecast run returns, and its JSON shape."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from engine.vocabulary import BASELINE_TITLES


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
    # what the run chose and why: forecast ("model" or a baseline of BASELINE_TITLES), inputs,
    # combined_with (a baseline averaged with the network), window, hidden, the holdout's
    # period and rows, refit, notes on automatic settings
    choice: dict[str, Any] = field(default_factory=dict)
    intervals: list[float] = field(default_factory=list)  # coverage levels (%) in `forecast`
    other_metrics: dict[str, dict[str, float | None]] = field(default_factory=dict)  # drift
    model_label: str = ""  # e.g. "lstm (direct)": the network the metrics' "model" row is

    def forecast_by(self) -> str:
        """What made the forecast, in words the CLI and the app both show."""
        picked = self.choice.get("forecast", "model")
        if picked in BASELINE_TITLES:
            return f"{BASELINE_TITLES[picked]} (fallback)"
        label = self.model_label or "the network"
        partner = self.choice.get("combined_with")
        if partner:
            return f"{label} averaged with {BASELINE_TITLES[partner]}"
        return label

    def interval_columns(self) -> list[str]:
        """The forecast's lower/upper columns, target by target, level by level."""
        cols = []
        for t in self.targets:
            for level in self.intervals:
                cols += [f"{t}_lower_{level:g}", f"{t}_upper_{level:g}"]
        return cols

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON shape: metrics, forecast rows with ISO dates (and interval bounds),
        warnings, and what the run chose."""
        rows = []
        for _, r in self.forecast.iterrows():
            row = {"date": iso(r["date"])}
            row.update({t: float(r[t]) for t in self.targets})
            row.update({c: float(r[c]) for c in self.interval_columns()})
            rows.append(row)
        out = {
            "metrics": clean(self.metrics),
            "forecast": rows,
            "warnings": list(self.warnings),
        }
        if self.choice:
            out["choice"] = clean(self.choice)
        if self.other_metrics:
            out["other_baselines"] = clean(self.other_metrics)
        return out


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
