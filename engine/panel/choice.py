"""The choice for one series of a panel, on that series' own holdout: the global network (each
input mode, or their average), alone or averaged with the best baseline, or the best baseline
when that wins; the same rules and warnings as a single series' run (engine.forecast.choice,
engine.forecast.run), so a panel is never judged more leniently than one series.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.forecast.choice import Pick, choose_network
from engine.forecast.prepare import Prepared
from engine.forecast.scoring import REPORTED, baselines, best_baseline, error_of, score
from engine.vocabulary import BASELINE_TITLES


@dataclass
class SeriesChoice:
    """What forecasts one series, and its holdout scores in the data's units."""

    id: Any
    forecast: str  # "model" or a baseline's name
    pick: Pick  # the network candidate and the baseline it is averaged with
    metrics: dict[str, dict[str, float | None]]  # model, naive, seasonal_naive
    other: dict[str, dict[str, float | None]]  # the drifts
    holdout: np.ndarray  # (M, h, 1) the chosen forecast's holdout values (for intervals)
    warnings: list[str] = field(default_factory=list)

    def chosen_metrics(self) -> dict[str, float | None]:
        """The scores of what forecasts this series."""
        if self.forecast == "model":
            return self.metrics["model"]
        return {**self.metrics, **self.other}[self.forecast]

    def forecast_by(self, label: str) -> str:
        if self.forecast in BASELINE_TITLES:
            return f"{BASELINE_TITLES[self.forecast]} (fallback)"
        if self.pick.combined_with:
            return f"{label} averaged with {BASELINE_TITLES[self.pick.combined_with]}"
        return label


def choose_series(
    key: Any,
    prep: Prepared,
    hold: np.ndarray,
    h: int,
    trial: dict[str, np.ndarray],
    fallback: bool,
    label: str,
) -> SeriesChoice:
    """The choice for series `key`: trial holds the network candidates' holdout forecasts
    (empty when the series is too short for the network)."""
    name = f"series {key!r}"
    base = baselines(prep, hold, h)
    pick = choose_network(prep, hold, h, trial, base, fallback)
    notes: list[str] = []
    metrics, _, _ = score(prep, hold, h, {"model": pick.holdout, **base}, notes)
    warnings = [f"{name}: {n}" for n in dict.fromkeys(notes)]
    other = {k: metrics.pop(k) for k in list(metrics) if k not in ("model", *REPORTED)}
    if not trial:  # too short for the network: the best baseline, already warned of
        metrics["model"] = {k: None for k in metrics["model"]}
        rival = best_baseline({**metrics, **other})
        return SeriesChoice(key, rival, pick, metrics, other, base[rival], warnings)
    rival = best_baseline({**metrics, **other})
    theirs, ours = {**metrics, **other}[rival], metrics["model"]
    chosen = "model"
    if error_of(theirs) < error_of(ours):
        chosen = rival if fallback else "model"
        warnings.append(f"{name}: {_lost(label, rival, ours, theirs, chosen == rival)}")
    values = pick.holdout if chosen == "model" else base[chosen]
    return SeriesChoice(key, chosen, pick, metrics, other, values, warnings)


def _lost(label: str, rival: str, ours: dict, theirs: dict, fell_back: bool) -> str:
    """The single-series warning, worded for one series of a panel."""
    metric = "mase" if ours.get("mase") is not None else "mae"
    title = BASELINE_TITLES[rival]
    said = (
        f"the {label} network lost to {title} on its holdout ({metric.upper()} "
        f"{ours[metric]:.3g} against {theirs[metric]:.3g})"
    )
    if fell_back:
        return f"{said}: its forecast is {title}'s (fallback)"
    return f"{said}; its forecast is still the network's (no fallback)"
