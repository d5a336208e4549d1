"""Built-in data sets generated in code (plain functions, no state): nothing to download.

sine(n, period)            seed 003: sin(x * 2 * pi / period) for x = 0 .. n-1
sine_windows(series, w)    overlapping windows of w values and the value after each
maxmin(n, length, seed)    seed 004: random sequences and their (max, min)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view


def sine(n: int = 800, period: int = 40) -> np.ndarray:
    """Seed 003's wave, float32 (n,): `period` points per cycle (the seed wrote pi as 3.1416)."""
    if n < 1 or period < 1:
        raise ValueError("sine needs n >= 1 and period >= 1")
    x = np.arange(n, dtype=np.float64)
    return np.sin(x * 2 * np.pi / period).astype(np.float32)


def sine_windows(series: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """X (N, window, 1) and Y (N, 1, 1): each window and the value after it, N = len - window."""
    series = np.asarray(series, dtype=np.float32)
    if len(series) <= window:
        raise ValueError(f"a series of {len(series)} values has no windows of {window} + 1")
    w = sliding_window_view(series, window + 1)  # (N, window + 1), a view: no copy, no loop
    return np.array(w[:, :window, None]), np.array(w[:, window:, None])


def maxmin(n: int = 10000, length: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seed 004's task: X (n, length, 1) float32 sequences, Y (n, 2) = their (max, min).

    Each row is uniform in [-1, 1), scaled by a factor in [0.5, 1.5) and shifted by [-1, 1),
    as the seed's notebook builds it, from `np.random.default_rng(seed)`.
    """
    if n < 1 or length < 1:
        raise ValueError("maxmin needs n >= 1 and length >= 1")
    rng = np.random.default_rng(seed)
    x = rng.random((n, length)) * 2 - 1
    x = x * (rng.random((n, 1)) + 0.5)
    x = x + (rng.random((n, 1)) * 2 - 1)
    y = np.stack([x.max(axis=1), x.min(axis=1)], axis=1)
    return x[:, :, None].astype(np.float32), y.astype(np.float32)


# --- transit: a daily series shaped like the Chicago ridership data (seeds 000 and 001) -------

DAY_TYPES = ("W", "A", "U")  # weekday, Saturday, Sunday or holiday (the CTA's codes)
_LEVELS = {"W": 1.0, "A": 0.62, "U": 0.45}  # share of a weekday's riders


def _holidays(years: range) -> pd.DatetimeIndex:
    """US holidays on which transit runs a Sunday service: fixed dates and nth weekdays."""
    days = []
    for y in years:
        days += [f"{y}-01-01", f"{y}-07-04", f"{y}-12-25"]
        may = pd.date_range(f"{y}-05-01", f"{y}-05-31", freq="W-MON")
        days.append(str(may[-1].date()))  # Memorial Day: last Monday of May
        days.append(str(pd.date_range(f"{y}-09-01", periods=1, freq="WOM-1MON")[0].date()))
        days.append(str(pd.date_range(f"{y}-11-01", periods=1, freq="WOM-4THU")[0].date()))
    return pd.DatetimeIndex(days)


def transit_day_types(dates) -> np.ndarray:
    """W / A / U for each date: Saturdays A, Sundays and holidays U, the rest W."""
    dates = pd.DatetimeIndex(dates)
    if len(dates) == 0:
        return np.array([], dtype=object)
    dow = np.asarray(dates.day_of_week)
    kind = np.where(dow == 6, "U", np.where(dow == 5, "A", "W")).astype(object)
    hol = dates.normalize().isin(_holidays(range(dates.year.min(), dates.year.max() + 1)))
    kind[hol] = "U"
    return kind


def transit(
    n_days: int = 1461, start: str = "2016-01-01", seed: int = 0, level: float = 1.6e6
) -> pd.DataFrame:
    """A daily ridership series: columns date, day_type (W/A/U) and rides.

    Riders = level x day-type share x a yearly swing (summer high, winter low) x a slow decline
    x multiplicative noise; holidays ride like Sundays, as in the Chicago data.
    """
    if n_days < 1:
        raise ValueError("transit needs n_days >= 1")
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=n_days, freq="D")
    kind = transit_day_types(dates)
    share = np.vectorize(_LEVELS.get)(kind).astype(float)
    doy = np.asarray(dates.day_of_year, float)
    yearly = 1 + 0.08 * np.sin(2 * np.pi * (doy - 100) / 365.25)
    trend = 1 - 0.03 * np.arange(n_days) / 365.25
    noise = np.exp(rng.normal(0, 0.03, n_days))
    rides = np.round(level * share * yearly * trend * noise)
    return pd.DataFrame({"date": dates, "day_type": kind, "rides": rides})
