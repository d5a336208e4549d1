"""Which network forecast a run gives: the best candidate alone, or averaged with the best
baseline when the average does better on the holdout.

Averaging two forecasts whose errors are not the same is a hedge (forecast combination: Bates &
Granger 1969; combinations ranked near the top of M3 and M4): the network contributes what it
learned, the baseline damps its misses. The average must beat the network alone on the holdout
to be used. Whether the result then beats every baseline is decided after (run.py: fallback).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.forecast.prepare import Prepared
from engine.forecast.scoring import best_baseline, error_of, score


@dataclass
class Pick:
    network: str | None  # level | seasonal | global | ensemble; None when no network was trained
    combined_with: str | None  # the baseline averaged with the network, if that won
    holdout: np.ndarray  # (M, h, T) the forecast's holdout values: the average when combined

    def forecast(self, network: np.ndarray, baselines: dict[str, np.ndarray]) -> np.ndarray:
        """The forecast from the network's own values and the baselines' (same shape)."""
        if self.combined_with is None:
            return network
        return (network + baselines[self.combined_with]) / 2


def choose_network(
    prep: Prepared,
    origins: np.ndarray,
    h: int,
    trial: dict[str, np.ndarray],
    base: dict[str, np.ndarray],
    combine: bool | str = True,
) -> Pick:
    """The best of `trial` (holdout forecasts by candidate) on the holdout at `origins`, and
    whether to average it with the best of `base`.

    combine: True to decide on the holdout, False never to average, or a baseline's name to
    average with that one (a loaded checkpoint repeats the choice it was saved with).
    """
    if not trial:
        return Pick(None, None, np.full_like(base["naive"], np.nan))
    metrics, _, _ = score(prep, origins, h, {**trial, **base}, [])
    network = min(trial, key=lambda k: error_of(metrics[k]))
    if isinstance(combine, str):
        return Pick(network, combine, (trial[network] + base[combine]) / 2)
    if not combine:
        return Pick(network, None, trial[network])
    rival = best_baseline({k: metrics[k] for k in base})
    mix = (trial[network] + base[rival]) / 2
    mixed, _, _ = score(prep, origins, h, {"mix": mix}, [])
    if error_of(mixed["mix"]) < error_of(metrics[network]):
        return Pick(network, rival, mix)
    return Pick(network, None, trial[network])
