"""Baseline forecasts every model must beat: naive (last value) and seasonal naive.

Both take the series y (N, n_targets) and window origins (the index of each first forecast
step) and return (M, horizon, n_targets), the same layout as engine.windows.Windows.y.
"""

from __future__ import annotations

import numpy as np

_DAY = 86_400 * 10**9  # nanoseconds
# calendar frequencies (pandas offsets without a fixed length): steps in a year, or a week
_PER_YEAR = {"MonthBegin": 12, "MonthEnd": 12, "BusinessMonthBegin": 12, "BusinessMonthEnd": 12,
             "SemiMonthBegin": 24, "SemiMonthEnd": 24, "QuarterBegin": 4, "QuarterEnd": 4,
             "BusinessQuarterBegin": 4, "BusinessQuarterEnd": 4, "Week": 52}  # fmt: skip


def seasonal_periods(freq: str | None) -> list[int]:
    """The seasons of a frequency, from its real sampling interval (not its alias' letters):
    half-hours 48 (a day) and 336 (a week), hours 24 and 168, days 7, business days 5, weeks
    52, months 12, quarters 4; [] when none (yearly, irregular, or steps that do not divide a
    day). The first is the season used; the second, a longer one, is for the record."""
    if not freq:
        return []
    import pandas as pd  # only when a frequency is read: the baselines need numpy alone

    try:
        off = pd.tseries.frequencies.to_offset(freq)
    except ValueError:
        return []
    if isinstance(off, pd.offsets.Tick):
        step = int(off.nanos)
        if step == _DAY:
            return [7]
        if step == 7 * _DAY:
            return [52]
        if 0 < step < _DAY and _DAY % step == 0:
            return [_DAY // step, 7 * _DAY // step]
        return []
    if isinstance(off, pd.offsets.BusinessDay) and off.n == 1:
        return [5]
    per_year = _PER_YEAR.get(type(off).__name__)
    if per_year and per_year % off.n == 0 and per_year // off.n > 1:
        return [per_year // off.n]
    return []


def season_length(freq: str | None, override: int | None = None) -> int:
    """The seasonal period of a frequency (seasonal_periods' first), 1 if none; `override`
    (the user's `season`) wins."""
    if override is not None:
        if override < 1:
            raise ValueError(f"season must be a positive integer, not {override}")
        return int(override)
    periods = seasonal_periods(freq)
    return periods[0] if periods else 1


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
