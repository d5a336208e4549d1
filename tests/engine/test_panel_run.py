"""A panel run: one global network, the choice on each series' own holdout, short series
forecast by the baselines (never failing the panel), per-series intervals, the output frames."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from engine.forecast import ForecastConfig
from engine.forecast.scoring import error_of
from engine.panel.run import PanelConfig, run_panel
from tests.engine.panel_data import seasonal_panel

FAST = {"epochs": 3, "hidden": 8, "patience": None}


def _run(df, **options):
    cfg = ForecastConfig(data=df, horizon=6, intervals=[80], **{**FAST, **options})
    return run_panel(PanelConfig(cfg, per_series=8))


@pytest.fixture(scope="module")
def mixed():
    """Six ordinary series, one too short for the panel's window, one too short to score."""
    df = seasonal_panel(6)
    short = pd.DataFrame(
        {"unique_id": "short", "ds": pd.date_range("2010-01-01", periods=20, freq="MS")}
    ).assign(y=np.linspace(5, 9, 20))
    tiny = pd.DataFrame(
        {"unique_id": "tiny", "ds": pd.date_range("2010-01-01", periods=4, freq="MS"), "y": 1.0}
    )
    df = pd.concat([df, short, tiny], ignore_index=True)
    return df, _run(df)


def test_every_series_is_forecast_after_its_own_last_date(mixed):
    df, result = mixed
    frame = result.forecast_frame()
    assert list(frame.columns) == ["id", "date", "y", "lower_80", "upper_80"]
    for key, rows in df.groupby("unique_id"):
        got = frame[frame.id == key]
        assert len(got) == 6
        expected = pd.date_range(rows.ds.max(), periods=7, freq="MS")[1:]
        assert list(got.date) == list(expected)
    assert np.isfinite(frame.y).all()


def test_short_series_fall_back_to_a_baseline_with_a_warning_naming_them(mixed):
    _, result = mixed
    by_id = {s.id: s for s in result.series}
    assert by_id["short"].choice.forecast != "model"
    assert any("series 'short'" in w and "too few" in w for w in result.warnings)
    assert by_id["tiny"].choice is None
    assert np.allclose(by_id["tiny"].values, 1.0)  # the last value, repeated
    assert any("series 'tiny'" in w for w in result.warnings)
    summary = result.summary()
    assert summary["series"] == 8 and summary["unscored"] == 1
    assert summary["network"] + sum(summary["fell_back"].values()) == 7


def test_each_series_is_chosen_on_its_own_holdout(mixed):
    _, result = mixed
    for s in result.series:
        c = s.choice
        if c is None or c.forecast == "model" and c.selection.pick.network is None:
            continue
        everyone = {**c.metrics, **c.other}
        network = error_of(c.metrics["model"])
        best_base = min(error_of(m) for k, m in everyone.items() if k != "model")
        if c.forecast == "model":
            assert network <= best_base
        elif math.isfinite(network):  # fell back: a baseline won this series' holdout
            assert best_base < network
            assert any(f"series {s.id!r}" in w and "lost" in w for w in c.warnings)


def test_intervals_per_series_widen_with_each_series_scale():
    df = seasonal_panel(4)
    loud = df.copy()
    noisy = loud.unique_id == "s3"
    loud.loc[noisy, "y"] += np.random.default_rng(1).normal(0, 20, noisy.sum())
    frame = _run(loud).forecast_frame()
    width = (frame.upper_80 - frame.lower_80).groupby(frame.id).mean()
    assert (frame.lower_80 <= frame.y).all() and (frame.y <= frame.upper_80).all()
    assert width["s3"] > 5 * width.drop("s3").max()


def test_the_json_and_holdout_frames(mixed):
    _, result = mixed
    payload = json.loads(json.dumps(result.to_json()))
    assert {"forecast", "series", "summary", "warnings"} <= set(payload)
    assert payload["forecast"][0]["date"].count("-") == 2  # an ISO date
    assert len(payload["series"]) == 8
    hold = result.holdout_frame()
    assert set(hold.id) == {s.id for s in result.series}
    assert hold.loc[hold.id == "tiny", "mase"].isna().all()


def test_the_same_seed_gives_the_same_panel_forecast():
    df = seasonal_panel(3)
    a, b = _run(df).forecast_frame(), _run(df).forecast_frame()
    pd.testing.assert_frame_equal(a, b)


def test_a_panel_beyond_the_memory_cap_is_refused_with_what_to_do(monkeypatch):
    from engine.panel import sampling
    from engine.table_input import DataError

    monkeypatch.setattr(sampling, "MAX_PANEL_ROWS", 100)
    with pytest.raises(DataError, match="more than the 100 one process holds.*partitions"):
        _run(seasonal_panel(3))


def test_every_series_gives_the_same_number_of_windows_an_epoch():
    from engine.panel.sampling import WindowSampler, stack

    arrays = stack([np.arange(40.0), np.arange(400.0)], [30, 300], 4, 1)
    sampler = WindowSampler(arrays, np.array([0, 1]), arrays.n_train, 8, 4, per_series=16)
    series, local = sampler.draw(np.random.default_rng(0))
    assert (np.bincount(series) == 16).all()
    assert (local >= 8).all() and (local[series == 0] <= 30 - 4 - sampler.n_val[0]).all()


def test_a_panel_backtest_scores_each_series_after_its_own_cut_off():
    from engine.panel.backtest import backtest_summary, panel_backtest

    df = seasonal_panel(3)
    cfg = ForecastConfig(data=df, horizon=4, intervals=[80], **FAST)
    rows = panel_backtest(PanelConfig(cfg, per_series=8), cutoffs=2)
    assert len(rows) == 6 and set(rows.cutoff) == {0, 1}
    # the naive forecast from the cut-off, by hand, for one series and one cut-off
    y = df[df.unique_id == "s1"].y.to_numpy()
    n = len(y) - 4 * 2  # cut-off 1: the last two horizons unseen
    hist, actual = y[:n], y[n : n + 4]
    scale = np.mean(np.abs(hist[12:] - hist[:-12]))
    got = rows[(rows.id == "s1") & (rows.cutoff == 1)].naive_mase.item()
    assert got == pytest.approx(np.mean(np.abs(actual - hist[-1])) / scale)
    summary = backtest_summary(rows)
    assert list(summary.cutoff) == [1, 0, "mean"] and (summary.series == 3).all()
    assert 0 <= summary.coverage.iloc[-1] <= 1
