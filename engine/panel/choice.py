"""The choice for one series of a panel, made by the single-series stages on that series' own
holdout: the global networks' holdout forecasts for this series become its candidates
(engine.forecast.candidates), `select` scores them beside the series' baselines and decides
the fallback, `calibrate` sizes its intervals. A panel is judged exactly as one series is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.forecast.candidates import network_candidates
from engine.forecast.intervals import calibrate, scaled_errors
from engine.forecast.networks import Network
from engine.forecast.result import interval_column
from engine.forecast.selection import Selection, combine_with, select
from engine.forecast.setting import Setting
from engine.vocabulary import BASELINE_TITLES


@dataclass
class SeriesChoice:
    """What forecasts one series (its Selection), and what the run said about it."""

    id: Any
    selection: Selection
    warnings: list[str] = field(default_factory=list)

    @property
    def forecast(self) -> str:
        """ "model" or the baseline that forecasts this series."""
        return self.selection.chosen

    @property
    def metrics(self) -> dict[str, dict[str, float | None]]:
        return self.selection.scores.metrics

    @property
    def other(self) -> dict[str, dict[str, float | None]]:
        return self.selection.scores.other

    def chosen_metrics(self) -> dict[str, float | None]:
        """The scores of what forecasts this series."""
        if self.forecast == "model":
            return self.metrics["model"]
        return {**self.metrics, **self.other}[self.forecast]

    def forecast_by(self, label: str) -> str:
        if self.forecast in BASELINE_TITLES:
            return f"{BASELINE_TITLES[self.forecast]} (fallback)"
        partner = self.selection.pick.combined_with
        return f"{label} averaged with {BASELINE_TITLES[partner]}" if partner else label


def choose_series(key: Any, s: Setting, networks: list[Network]) -> SeriesChoice:
    """The single-series choice for series `key` (networks: the global ones, each holding this
    series' holdout forecasts; none when the series is too short for them)."""
    said: list[str] = []
    candidates = network_candidates(networks) if networks else []
    sel = select(s, candidates, combine_with(s, None, said), said)
    # the short-series sentence is a single run's; the panel says its own (run._plan)
    said = [w for w in said if not (s.short and w.startswith("the series has"))]
    return SeriesChoice(key, sel, [f"series {key!r}: {w}" for w in dict.fromkeys(said)])


def bands(s: Setting, choice: SeriesChoice, values: np.ndarray) -> dict[float, tuple]:
    """{level: (lower, upper)} from `calibrate` on this series' own holdout errors."""
    columns = calibrate(s, values[:, None], scaled_errors(s, choice.selection))
    t = s.series.targets[0]
    return {
        float(level): (columns[interval_column(t, "lower", level)],
                       columns[interval_column(t, "upper", level)])
        for level in s.config.intervals
    }  # fmt: skip
