"""The forecast pipeline end to end on small series with tiny models."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.forecast import (
    ForecastConfig,
    ForecastError,
    forecast_from_checkpoint,
    run_forecast,
    validate_config,
)
from engine.table_input import DataError

TINY = dict(hidden=4, epochs=2, batch_size=32, window=14, horizon=3, test_size=21)


def weekly(n: int = 140, noise: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """A daily series: a weekly pattern around 1000 (Sundays low), a day_type column."""
    dates = pd.date_range("2023-01-02", periods=n, freq="D")  # a Monday
    dow = np.asarray(dates.day_of_week)
    level = np.array([1000, 1010, 1020, 1030, 1040, 700, 400])[dow].astype(float)
    level += np.random.default_rng(seed).normal(0, noise, n)
    kind = np.where(dow == 5, "A", np.where(dow == 6, "U", "W"))
    return pd.DataFrame({"date": dates, "day_type": kind, "riders": level})


def future(start: str = "2023-05-22", n: int = 3) -> pd.DataFrame:
    dates = pd.date_range(start, periods=n, freq="D")
    dow = np.asarray(dates.day_of_week)
    return pd.DataFrame({"date": dates, "day_type": np.where(dow >= 5, "U", "W")})


@pytest.mark.parametrize("strategy", ["direct", "recursive", "seq2seq"])
def test_each_strategy_end_to_end(strategy):
    df = weekly()
    r = run_forecast(
        ForecastConfig(data=df, strategy=strategy, covariates=["day_type"], future=future(), **TINY)
    )
    assert set(r.metrics) == {"model", "naive", "seasonal_naive"}
    assert set(r.metrics["model"]) == {"mae", "rmse", "mape", "smape", "mase"}
    # the horizon after the last date, with its dates, in the data's units
    assert list(r.forecast["date"]) == list(pd.date_range("2023-05-22", periods=3, freq="D"))
    assert list(r.forecast.columns) == ["date", "riders"]
    assert np.isfinite(r.forecast["riders"]).all()
    assert r.forecast["riders"].abs().max() > 50  # scaled values would sit near 0
    assert {"date", "riders_actual", "riders_predicted", "riders_naive"} <= set(r.holdout.columns)
    assert r.holdout["date"].is_unique
    assert r.checkpoint["strategy"] == strategy
    assert (
        r.checkpoint["model_config"]["head"]
        == {
            "direct": "direct",
            "recursive": "one_step",
            "seq2seq": "seq2seq",
        }[strategy]
    )


def test_seasonal_naive_is_exact_on_a_pure_weekly_series():
    r = run_forecast(ForecastConfig(data=weekly(), **TINY))
    assert r.season == 7
    assert r.metrics["seasonal_naive"]["mae"] == pytest.approx(0.0, abs=1e-9)
    assert r.metrics["naive"]["mae"] > 100
    h = r.holdout
    np.testing.assert_allclose(h["riders_seasonal_naive"], h["riders_actual"])
    # the holdout covers the test part, in date order
    assert h["date"].iloc[0] == pd.Timestamp("2023-05-01")
    assert h["date"].is_monotonic_increasing


def test_scaler_fitted_on_training_rows_only():
    df = weekly()
    df.loc[df.index[-21:], "riders"] += 10_000  # a test-part level shift must not leak in
    r = run_forecast(ForecastConfig(data=df, **TINY))
    shift = r.checkpoint["target_scaler"]["shift"][0]
    assert shift == pytest.approx(df["riders"].iloc[:-21].mean())


def test_model_learns_the_weekly_pattern():
    cfg = dict(TINY, hidden=16, epochs=60, lr=0.01, patience=None)
    r = run_forecast(
        ForecastConfig(data=weekly(noise=5), covariates=["day_type"], future=future(), **cfg)
    )
    assert r.metrics["model"]["mae"] < 0.5 * r.metrics["naive"]["mae"]


def test_repeatable_under_a_seed():
    a = run_forecast(ForecastConfig(data=weekly(noise=5), seed=3, **TINY))
    b = run_forecast(ForecastConfig(data=weekly(noise=5), seed=3, **TINY))
    pd.testing.assert_frame_equal(a.forecast, b.forecast)
    assert a.metrics == b.metrics


def test_future_covariates_needed_and_given(tmp_path):
    df = weekly()
    csv = tmp_path / "d.csv"
    df.to_csv(csv, index=False)
    with pytest.raises(DataError, match=r"day_type.*`future`"):
        run_forecast(ForecastConfig(data=csv, covariates=["day_type"], **TINY))
    fut = tmp_path / "f.csv"
    fut.write_text("date,day_type\n2023-05-22,W\n2023-05-23,W\n2023-05-24,W\n")
    r = run_forecast(ForecastConfig(data=csv, covariates=["day_type"], future=fut, **TINY))
    assert len(r.forecast) == 3
    fut.write_text("date,day_type\n2023-05-22,W\n2023-05-23,X\n2023-05-24,W\n")
    with pytest.raises(DataError, match=r"'X'"):
        run_forecast(ForecastConfig(data=csv, covariates=["day_type"], future=fut, **TINY))


def test_checkpoint_round_trip(tmp_path):
    path = tmp_path / "m.ckpt"
    df = weekly(noise=5)
    cfg = ForecastConfig(data=df, covariates=["day_type"], future=future(), save=path, **TINY)
    a = run_forecast(cfg)
    b = forecast_from_checkpoint(path, df, test_size=21, future=future())
    pd.testing.assert_frame_equal(a.forecast, b.forecast)
    assert a.metrics == b.metrics
    junk = tmp_path / "junk.ckpt"
    junk.write_text("not a checkpoint")
    with pytest.raises(ForecastError, match="junk.ckpt"):
        forecast_from_checkpoint(junk, df)
    with pytest.raises(ForecastError, match="absent.ckpt"):
        forecast_from_checkpoint(tmp_path / "absent.ckpt", df)


def test_too_few_rows_and_bad_split():
    with pytest.raises(DataError, match="too few"):
        run_forecast(ForecastConfig(data=weekly(30), window=28, horizon=7, test_size=7))
    with pytest.raises(DataError, match="leaves no training rows"):
        run_forecast(
            ForecastConfig(data=weekly(), test_start="2020-01-01", **dict(TINY, test_size=None))
        )


def test_validate_config_names_problems():
    problems = validate_config({"strategy": "magic", "window": 0, "bogus": 1})
    assert any("`strategy` must be one of" in p for p in problems)
    assert any("`window` must be a positive integer" in p for p in problems)
    assert any("unknown forecast option 'bogus'" in p for p in problems)
    with pytest.raises(ForecastError, match="strategy"):
        run_forecast({"strategy": "magic"})


def test_sine_dataset_runs_without_calendar():
    r = run_forecast(ForecastConfig(data=None, dataset="sine", hidden=4, epochs=1, horizon=5))
    assert r.season == 40
    assert r.targets == ["y"]


def test_rolling_origin_backtest_scores_each_cutoff():
    from engine.backtest import rolling_origin

    cfg = ForecastConfig(data=weekly(noise=5), **dict(TINY, test_size=None))
    table = rolling_origin(cfg, cutoffs=3, step=7)
    assert list(table["cutoff"][:3]) == list(
        pd.to_datetime(["2023-05-04", "2023-05-11", "2023-05-18"])
    )
    assert table["cutoff"].iloc[3] == "mean"
    assert table["model_mae"].iloc[3] == pytest.approx(table["model_mae"][:3].mean())
    # each cut-off's seasonal naive is scored on its own 3 days (noise only: small, not zero)
    assert (table["seasonal_naive_mae"][:3] < 20).all() and (
        table["seasonal_naive_mae"][:3] > 0
    ).all()
    with pytest.raises(DataError, match="cut-offs"):
        rolling_origin(cfg, cutoffs=30, step=7)
