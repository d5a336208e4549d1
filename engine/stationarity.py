"""Does a series' level stay put? The KPSS test (Kwiatkowski, Phillips, Schmidt & Shin 1992).

A network that reads windows scaled once on the training rows ("global" inputs) can only
forecast levels near those it trained on; on a random walk, a trend or a level break it learns
a pull back toward the training mean that is not there (issue 9's losing cases). auto.arima
asks the same question with the same test to decide on differencing.
"""

from __future__ import annotations

import math

import numpy as np

KPSS_5_PERCENT = 0.463  # the level-stationarity test's critical value at 5% (KPSS 1992, table 1)


def kpss_statistic(y: np.ndarray) -> float:
    """KPSS level-stationarity statistic, with the Bartlett long-run variance over
    ceil(12 (n/100)^(1/4)) lags (statsmodels' nlags="legacy"); large means the level wanders."""
    e = np.asarray(y, np.float64) - np.mean(y)
    n = len(e)
    lags = min(n - 1, math.ceil(12 * (n / 100) ** 0.25))
    long_run = e @ e / n
    for lag in range(1, lags + 1):
        long_run += 2 * (1 - lag / (lags + 1)) * (e[lag:] @ e[:-lag]) / n
    partial = np.cumsum(e)
    return float(partial @ partial / (n * n * long_run)) if long_run > 0 else 0.0


def level_is_stationary(y: np.ndarray) -> bool:
    """True when no column of y (rows, columns) rejects level stationarity at 5% (and for
    series too short to test: 20 rows or fewer)."""
    y = np.asarray(y, np.float64).reshape(len(y), -1)
    if len(y) <= 20:
        return True
    return all(kpss_statistic(y[:, k]) <= KPSS_5_PERCENT for k in range(y.shape[1]))
