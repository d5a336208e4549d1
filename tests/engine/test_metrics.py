"""Metrics by hand on small arrays, and the baselines' indexing."""

from __future__ import annotations

import numpy as np
import pytest

from engine.baselines import naive, season_length, seasonal_naive
from engine.metrics import all_metrics, mae, mape, mase, rmse, smape


def test_point_metrics_by_hand():
    a, p = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 1.0])
    assert mae(a, p) == pytest.approx(4 / 3)
    assert rmse(a, p) == pytest.approx(np.sqrt(10 / 3))
    assert smape(a, p) == pytest.approx(100 * (2 / 3 + 0 + 6 / 5) / 3)
    value, skipped = mape(a, p)
    assert value == pytest.approx(100 * (1 + 0 + 0.75) / 3) and skipped == 0


def test_mape_skips_zeros_and_says_so():
    a, p = np.array([0.0, 2.0]), np.array([1.0, 1.0])
    value, skipped = mape(a, p)
    assert value == pytest.approx(50.0) and skipped == 1
    metrics, notes = all_metrics(a, p, np.array([1.0, 2.0, 3.0]), 1)
    assert any("skipped 1 zero" in n for n in notes)
    assert mape(np.zeros(3), np.ones(3)) == (None, 3)


def test_mase_scaled_by_in_sample_seasonal_naive():
    train = np.array([1.0, 5.0, 2.0, 6.0, 3.0, 7.0])  # season 2: diffs 1,1,1,1
    a, p = np.array([4.0, 8.0]), np.array([5.0, 10.0])
    assert mase(a, p, train, 2) == pytest.approx(1.5)
    assert mase(a, p, train, 1) == pytest.approx(1.5 / 3.6)


def test_season_length_from_frequency():
    assert season_length("D") == 7
    assert season_length("h") == 24
    assert season_length("MS") == 12
    assert season_length("W-SUN") == 52
    assert season_length(None) == 1
    assert season_length("D", override=365) == 365


def test_baselines_index_the_last_value_and_last_season():
    y = np.arange(30.0)[:, None] * np.array([[1.0, 10.0]])
    origins = np.array([10, 20])
    n = naive(y, origins, 3)
    assert n.shape == (2, 3, 2) and (n[0, :, 0] == 9).all() and (n[1, :, 1] == 190).all()
    s = seasonal_naive(y, origins, 9, 7)
    assert s[0, :, 0].tolist() == [3, 4, 5, 6, 7, 8, 9, 3, 4]
    with pytest.raises(ValueError, match="history"):
        seasonal_naive(y, np.array([3]), 2, 7)


def test_float_noise_counts_as_zero_and_exact_seasons_leave_mase_undefined():
    a = np.array([1e-16, 1.0, -1.0])
    value, skipped = mape(a, np.array([0.1, 1.1, -0.9]))
    assert skipped == 1 and value == pytest.approx(10.0)
    train = np.tile([0.0, 1.0, 0.0, -1.0], 5)
    metrics, notes = all_metrics(a, a + 0.1, train, 4)
    assert metrics["mase"] is None and any("MASE undefined" in n for n in notes)
