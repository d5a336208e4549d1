"""Issue 20: the classical candidates (statsforecast's AutoETS and AutoTheta), rolling-origin
cross-validation inside the history, and the combination learned on its origins alone."""

from __future__ import annotations

import numpy as np
import pytest

from engine.baselines import naive, seasonal_naive
from engine.forecast.classical import classical_forecasts, fit_forecast
from engine.forecast.crossval import Folds, cv_origins, learn_combination

# --- the classical candidates ---------------------------------------------------------------


def test_ets_damps_a_slowing_trend_that_drift_carries_on_at_its_old_slope():
    t = np.arange(60.0)
    y = 100 * (1 - np.exp(-t / 25)) + np.random.default_rng(0).normal(0, 0.2, 60)  # flattening
    ets = fit_forecast("ets", y, 10, 1)
    future = 100 * (1 - np.exp(-np.arange(60, 70) / 25))
    slope = (y[-1] - y[0]) / 59
    drift = y[-1] + slope * np.arange(1, 11)
    assert np.mean(np.abs(ets - future)) < 0.5 * np.mean(np.abs(drift - future))
    steps = np.diff(ets)
    assert steps[-1] < steps[0]  # each step up smaller than the last: a damped trend


def test_ets_and_theta_follow_a_level_break_that_seasonal_naive_repeats():
    t = np.arange(96)
    season = 10 * np.sin(2 * np.pi * t / 12)
    y = (
        np.where(t < 90, 200.0, 120.0) + season
    )  # the break inside the last season + np.random.default_rng(1).normal(0, 1, 96)
    future = 120 + 10 * np.sin(2 * np.pi * np.arange(96, 108) / 12)
    snaive = seasonal_naive(y[:, None], np.array([96]), 12, 12)[0, :, 0]
    for name in ("ets", "theta"):
        f = fit_forecast(name, y, 12, 12)
        assert np.mean(np.abs(f - future)) < 0.5 * np.mean(np.abs(snaive - future)), name


def test_a_seasonal_pattern_is_kept_by_both_candidates():
    t = np.arange(120)
    y = 50 + 8 * np.sin(2 * np.pi * t / 12) + np.random.default_rng(2).normal(0, 0.3, 120)
    future = 50 + 8 * np.sin(2 * np.pi * np.arange(120, 132) / 12)
    for name in ("ets", "theta"):
        assert np.mean(np.abs(fit_forecast(name, y, 12, 12) - future)) < 1.0, name


def test_a_history_too_short_for_any_model_falls_back_to_the_last_value():
    y = np.array([3.0, 5.0, 4.0])
    for name in ("ets", "theta"):
        f = fit_forecast(name, y, 4, 12)  # shorter than two seasons: fitted without one
        assert f.shape == (4,) and np.isfinite(f).all()
    np.testing.assert_array_equal(fit_forecast("ets", y, 4, 12), [4.0] * 4)  # too few for ETS
    with pytest.raises(ValueError, match="at least one value"):
        fit_forecast("ets", np.array([]), 3, 1)
    with pytest.raises(ValueError, match="unknown classical candidate"):
        fit_forecast("prophet", y, 3, 1)


def test_each_origin_is_fitted_on_the_rows_before_it_only():
    rng = np.random.default_rng(3)
    y = (100 + np.cumsum(rng.normal(0, 1, 80)))[:, None]
    origins = np.array([50, 60])
    before = classical_forecasts(y, origins, 5, 1)
    later = y.copy()
    later[60:] += 1000  # what an origin at 60 must never see
    after = classical_forecasts(later, origins, 5, 1)
    for name in before:
        np.testing.assert_array_equal(before[name], after[name])
    later[55] += 50  # a row before the second origin does move its forecast
    moved = classical_forecasts(later, origins, 5, 1)
    assert not np.allclose(moved["ets"][1], before["ets"][1])
    np.testing.assert_array_equal(moved["ets"][0], before["ets"][0])


# --- rolling origins ------------------------------------------------------------------------


def test_origins_step_back_by_the_horizon_from_the_end_earliest_first():
    np.testing.assert_array_equal(cv_origins(100, 12, 3), [64, 76, 88])
    np.testing.assert_array_equal(cv_origins(30, 10, 5, first=8), [10, 20])
    assert len(cv_origins(10, 12, 3)) == 0


def test_folds_refuse_origins_whose_horizon_reaches_past_the_history():
    y = np.arange(50.0)
    with pytest.raises(ValueError, match="outside the 50 rows"):
        Folds.of(y, np.array([40, 45]), 6, 1)
    with pytest.raises(ValueError, match="at least one origin"):
        Folds.of(y, np.array([], int), 6, 1)


def test_fold_errors_are_mase_per_origin():
    y = np.array([0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9])  # in-sample naive MAE 1 everywhere
    folds = Folds.of(y, np.array([4, 7]), 3, 1)
    fc = naive(y[:, None], folds.origins, 3)  # last value: errors 1, 2, 3 -> MAE 2
    np.testing.assert_allclose(folds.errors(fc), [2.0, 2.0])
    assert folds.score(fc + 0) == pytest.approx(2.0)


def _misleading_last_block(n: int = 120, h: int = 12):
    """A seasonal series whose last block happens to favour naive (a lucky flat year), while the
    three origins before it show seasonal naive is right: a one-block holdout picks wrong."""
    t = np.arange(n)
    season = 10 * np.sin(2 * np.pi * t / 12)
    y = 100 + season + np.random.default_rng(4).normal(0, 0.5, n)
    y[n - h :] = 100 + 0.1 * season[n - h :]  # the last block: the season all but gone
    return y[:, None], h


def test_a_choice_on_several_origins_is_not_fooled_by_the_last_block():
    y, h = _misleading_last_block()

    def candidates(origins):
        return {"naive": naive(y, origins, h), "seasonal_naive": seasonal_naive(y, origins, h, 12)}

    last = cv_origins(len(y), h, 1)
    one = learn_combination(Folds.of(y, last, h, 12), candidates(last), trim=1.0)
    assert one.weights == {"naive": 1.0}  # the last block alone misleads
    several = cv_origins(len(y), h, 4)
    many = learn_combination(Folds.of(y, several, h, 12), candidates(several), trim=1.0)
    assert many.weights == {"seasonal_naive": 1.0}
    assert many.origins == [int(o) for o in several]


# --- the combination ------------------------------------------------------------------------


def test_close_candidates_share_the_forecast_and_a_far_one_gets_nothing():
    y = np.sin(np.arange(60) / 3)[:, None] * 10 + 50
    origins = cv_origins(60, 5, 3)
    folds = Folds.of(y, origins, 5, 1)
    truth = folds.actual
    fc = {"a": truth + 0.5, "b": truth - 0.6, "far": truth + 5.0}
    c = learn_combination(folds, fc)
    assert set(c.weights) == {"a", "b"}
    assert c.weights["a"] > c.weights["b"] and sum(c.weights.values()) == pytest.approx(1.0)
    # errors of opposite sign cancel: the combination beats its best member
    assert c.scores["combination"] < c.scores["a"] < c.scores["b"] < c.scores["far"]
    np.testing.assert_allclose(c.apply(fc), c.weights["a"] * fc["a"] + c.weights["b"] * fc["b"])


def test_combination_weights_come_from_the_validation_origins_only():
    rng = np.random.default_rng(5)
    n_hist, h = 90, 6
    y = (50 + np.cumsum(rng.normal(0, 1, n_hist + h)))[:, None]  # history + a test period
    origins = cv_origins(n_hist, h, 4)

    def learned(series):
        folds = Folds.of(series[:n_hist], origins, h, 1)
        fc = {"naive": naive(series, origins, h), "drift": seasonal_naive(series, origins, h, 3)}
        return learn_combination(folds, fc).weights

    before = learned(y)
    leaked = y.copy()
    leaked[n_hist:] = leaked[n_hist - 1] + 100 * rng.normal(size=(h, 1))  # a wild test period
    assert learned(leaked) == before
    # and the validation rows do matter: change them and the weights change
    moved = y.copy()
    moved[origins[-1] : n_hist] += 30
    assert learned(moved) != before
