"""The KPSS level-stationarity check that keeps global inputs away from wandering series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.forecast import ForecastConfig, run_forecast
from engine.stationarity import KPSS_5_PERCENT, kpss_statistic, level_is_stationary


def test_the_statistic_matches_statsmodels_kpss_with_legacy_lags():
    # reference: statsmodels 0.14 kpss(y, regression="c", nlags="legacy")[0] on these series
    walk = np.cumsum(np.random.default_rng(0).normal(size=200))
    noise = np.random.default_rng(1).normal(size=200)
    assert kpss_statistic(walk) == pytest.approx(0.6318781095480692, rel=1e-12)
    assert kpss_statistic(noise) == pytest.approx(0.07369607793567158, rel=1e-12)


def test_walks_trends_and_breaks_wander_noise_and_cycles_do_not():
    rng = np.random.default_rng(2)
    t = np.arange(400)
    assert not level_is_stationary(np.cumsum(rng.normal(size=400)))
    assert not level_is_stationary(0.05 * t + rng.normal(size=400))
    assert not level_is_stationary(np.where(t < 200, 0.0, 3.0) + rng.normal(size=400))
    assert level_is_stationary(rng.normal(size=400))
    assert level_is_stationary(np.sin(2 * np.pi * t / 7) + rng.normal(0, 0.3, 400))
    both = np.column_stack([rng.normal(size=400), np.cumsum(rng.normal(size=400))])
    assert not level_is_stationary(both)  # one wandering target is enough
    assert level_is_stationary(np.arange(10.0))  # too short to test: no verdict against
    assert kpss_statistic(np.ones(50)) == 0.0 < KPSS_5_PERCENT  # flat: nothing wanders


def test_auto_tries_global_inputs_only_on_a_level_that_stays_put():
    rng = np.random.default_rng(3)
    dates = pd.date_range("2001-01-01", periods=300, freq="D")
    fast = dict(date="date", targets=["y"], horizon=7, hidden=8, epochs=5, seeds=1)
    walk = pd.DataFrame({"date": dates, "y": 100 + np.cumsum(rng.normal(size=300))})
    level = pd.DataFrame({"date": dates, "y": 100 + rng.normal(size=300)})
    assert "global" not in run_forecast(ForecastConfig(data=walk, **fast)).choice.inputs_tried
    assert "global" in run_forecast(ForecastConfig(data=level, **fast)).choice.inputs_tried
