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
    short = not trial
    if short:
        metrics["model"] = {k: None for k in metrics["model"]}
    rival = best_baseline({**metrics, **other})
    rival_m = {**metrics, **other}[rival]
    lost = not short and error_of(rival_m) < error_of(metrics["model"])
    chosen = rival if (lost and fallback) or short else "model"
    if lost:
        m_key = "MASE" if metrics["model"].get("mase") is not None else "MAE"
        k = m_key.lower()
        what = (
            f"{name}: the {label} network lost to {BASELINE_TITLES[rival]} on its holdout "
            f"({m_key} {metrics['model'][k]:.3g} against {rival_m[k]:.3g})"
        )
        if chosen == rival:
            warnings.append(f"{what}: its forecast is {BASELINE_TITLES[rival]}'s (fallback)")
        else:
            warnings.append(f"{what}; its forecast is still the network's (no fallback)")
    values = pick.holdout if chosen == "model" else base[chosen]
    return SeriesChoice(key, chosen, pick, metrics, other, values, warnings)
