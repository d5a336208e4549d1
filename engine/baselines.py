"""Baseline forecasts every model must beat: naive (last value) and seasonal naive.

Both take the series y (N, n_targets) and window origins (the index of each first forecast
step) and return (M, horizon, n_targets), the same layout as engine.windows.Windows.y.
"""

from __future__ import annotations

import numpy as np

# season length per pandas frequency (the alias without its multiple)
SEASONS = {
    "D": 7,  # a week of days
    "B": 5,  # a week of business days
    "H": 24,  # a day of hours
    "BH": 8,
    "T": 60,
    "MIN": 60,
    "S": 60,
    "W": 52,  # a year of weeks
    "M": 12,  # a year of months
    "MS": 12,
    "ME": 12,
    "BMS": 12,
    "BME": 12,
    "Q": 4,
    "QS": 4,
    "QE": 4,
    "Y": 1,
    "YS": 1,
    "YE": 1,
    "A": 1,
}


def season_length(freq: str | None, override: int | None = None) -> int:
    """The seasonal period of a frequency: daily 7, hourly 24, monthly 12, ...; 1 if unknown."""
    if override is not None:
        if override < 1:
            raise ValueError(f"season must be a positive integer, not {override}")
        return int(override)
    if not freq:
        return 1
    base = freq.lstrip("0123456789").upper().split("-")[0]
    return SEASONS.get(base, 1)


def naive(y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
    """Every step repeats the last value seen before the origin."""
    y = np.asarray(y, float)
    last = y[np.asarray(origins) - 1]  # (M, n_targets)
    return np.repeat(last[:, None, :], horizon, axis=1)


def seasonal_naive(y: np.ndarray, origins: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Step k repeats the value one season before it, taken from the last season seen."""
    y = np.asarray(y, float)
    origins = np.asarray(origins)
    k = np.arange(horizon)
    back = season * ((k // season) + 1)  # go back whole seasons until before the origin
    idx = origins[:, None] + k[None, :] - back[None, :]
    if len(origins) and idx.min() < 0:
        raise ValueError(f"seasonal naive needs {season} steps of history before each origin")
    return y[idx]


def drift(y: np.ndarray, origins: np.ndarray, horizon: int) -> np.ndarray:
    """The last value plus the history's average step per step ahead (a random walk with drift):
    the trend from the first value to the last, carried on."""
    y = np.asarray(y, float)
    origins = np.asarray(origins)
    last = y[origins - 1]  # (M, n_targets)
    slope = (last - y[0]) / np.maximum(origins - 1, 1)[:, None]
    k = np.arange(1, horizon + 1)[None, :, None]
    return last[:, None, :] + slope[:, None, :] * k


def seasonal_drift(y: np.ndarray, origins: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Seasonal naive plus the history's average change per season, once per season ahead:
    the trend a seasonal series has carried so far, carried on (fpp3's SNAIVE with drift)."""
    y = np.asarray(y, float)
    origins = np.asarray(origins)
    base = seasonal_naive(y, origins, horizon, season)
    csum = np.concatenate([np.zeros((1, y.shape[1])), np.cumsum(y, axis=0)])
    # mean of y[t] - y[t - season] over t < origin: (sum of the last season - the first) / count
    last = csum[origins] - csum[origins - season]
    first = csum[season][None, :]
    per_season = (last - first) / np.maximum(origins - season, 1)[:, None]
    ahead = (np.arange(horizon) // season + 1)[None, :, None]
    return base + per_season[:, None, :] * ahead


def every_baseline(y: np.ndarray, origins: np.ndarray, horizon: int, season: int) -> dict:
    """Each baseline's forecasts (M, horizon, n_targets) at `origins`, by the names of
    engine.vocabulary.BASELINE_TITLES; seasonal drift only for a season above 1 (with 1 it is
    drift by another name)."""
    out = {
        "naive": naive(y, origins, horizon),
        "seasonal_naive": seasonal_naive(y, origins, horizon, season),
        "drift": drift(y, origins, horizon),
    }
    if season > 1:
        out["seasonal_drift"] = seasonal_drift(y, origins, horizon, season)
    return out
