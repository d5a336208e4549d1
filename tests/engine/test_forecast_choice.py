"""Issue 9, second pass: the seasonal-drift baseline, the network averaged with a baseline, and
ensembles that survive --save/--load."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.baselines import seasonal_drift, seasonal_naive
from engine.forecast import ForecastConfig, ForecastError, run_forecast
from engine.forecast.choice import choose_network

FAST = dict(hidden=8, epochs=20, batch_size=16, seed=0, seeds=1)


def frame(y: np.ndarray, freq: str = "D") -> pd.DataFrame:
    return pd.DataFrame({"date": pd.date_range("2001-01-01", periods=len(y), freq=freq), "y": y})


def ar2_weekly(seed: int, n: int = 160) -> pd.DataFrame:
    """An AR(2) around a weekly pattern: a series where networks and baselines are close."""
    rng = np.random.default_rng(seed)
    ar = np.zeros(n)
    for i in range(2, n):
        ar[i] = 1.3 * ar[i - 1] - 0.5 * ar[i - 2] + rng.normal(0, 1)
    return frame(50 + ar + 3 * np.sin(2 * np.pi * np.arange(n) / 7))


# --- seasonal naive with drift ----------------------------------------------------------------


def test_seasonal_drift_adds_the_average_change_per_season_once_per_season_ahead():
    pattern = np.tile([0.0, 5, 1, 3], 10)
    y = (2 * np.arange(40) + pattern)[:, None]  # every season is 8 above the one before
    out = seasonal_drift(y, np.array([20, 40]), 6, 4)
    np.testing.assert_allclose(out[0, :, 0], y[20:26, 0])  # the trend carried on exactly
    np.testing.assert_allclose(out[1, :, 0], [80, 87, 85, 89, 88, 95])
    flat = np.tile([1.0, 4, 2], 9)[:, None]  # no trend: it is seasonal naive
    np.testing.assert_allclose(
        seasonal_drift(flat, np.array([27]), 5, 3), seasonal_naive(flat, np.array([27]), 5, 3)
    )


def test_a_short_trending_seasonal_series_falls_back_to_seasonal_drift_and_says_so():
    t = np.arange(48)
    y = 100 + 2.0 * t + 15 * np.sin(2 * np.pi * t / 12)
    y = y + np.random.default_rng(0).normal(0, 0.2, 48)
    r = run_forecast(
        ForecastConfig(
            data=frame(y, "MS"), date="date", targets=["y"], horizon=12, hidden=2, epochs=1, seed=0
        )  # fmt: skip
    )
    assert r.choice.forecast == "seasonal_drift"
    assert any("seasonal naive with drift" in w and "fallback" in w for w in r.warnings)
    expected = seasonal_drift(y[:, None], np.array([48]), 12, 12)[0, :, 0]
    np.testing.assert_allclose(r.forecast["y"], expected)
    assert "seasonal_drift" in r.to_json()["other_baselines"]
    # seasonal naive alone would be a whole year of trend (24) behind
    assert np.mean(np.abs(expected - (y[36:48] + 24))) < 1


def test_yearly_data_has_no_seasonal_drift_it_would_be_drift_again():
    y = 20 + 1.5 * np.arange(40) + np.random.default_rng(0).normal(0, 0.5, 40)
    r = run_forecast(ForecastConfig(data=frame(y, "YS"), date="date", targets=["y"], horizon=5,
                                    **FAST))  # fmt: skip
    assert "seasonal_drift" not in r.other_metrics and "drift" in r.other_metrics


# --- the network averaged with a baseline --------------------------------------------------------


class _Prep:  # what scoring needs of engine.forecast.prepare.Prepared
    def __init__(self, y: np.ndarray, n_train: int):
        self.y_raw, self.n_train, self.season = y, n_train, 1
        self.series = type(
            "S", (), {"targets": ["y"], "dates": pd.date_range("2001", periods=len(y))}
        )


def test_the_average_is_kept_only_when_it_beats_the_network_alone():
    y = np.arange(60, dtype=float)[:, None]
    prep, origins, h = _Prep(y, 40), np.arange(40, 56), 4
    actual = y[origins[:, None] + np.arange(h)]
    base = {"naive": actual - 2.0, "seasonal_naive": actual - 3.0, "drift": actual - 5.0}
    high = {"level": actual + 2.0}  # misses on the other side from naive: the average is exact
    p = choose_network(prep, origins, h, high, base)
    assert (p.network, p.combined_with) == ("level", "naive")
    np.testing.assert_allclose(p.holdout, actual)
    np.testing.assert_allclose(
        p.forecast(np.full((1, h, 1), 10.0), {"naive": np.zeros((1, h, 1))}), 5
    )
    exact = {"level": actual + 0.1, "global": actual + 1.0}
    p = choose_network(prep, origins, h, exact, base)
    assert (p.network, p.combined_with) == ("level", None)  # averaging would only add error
    assert choose_network(prep, origins, h, high, base, combine=False).combined_with is None
    assert choose_network(prep, origins, h, exact, base, combine="drift").combined_with == "drift"


def test_without_fallback_the_forecast_is_the_networks_own_not_an_average():
    df = ar2_weekly(6)
    averaged = run_forecast(ForecastConfig(data=df, date="date", targets=["y"], horizon=7, **FAST))
    assert averaged.choice.combined_with == "naive"  # the premise of this case
    alone = run_forecast(ForecastConfig(data=df, date="date", targets=["y"], horizon=7,
                                        fallback=False, **FAST))  # fmt: skip
    assert alone.choice.forecast == "model" and alone.choice.combined_with is None
    assert not np.allclose(alone.forecast["y"], averaged.forecast["y"])


# --- ensembles and averages survive --save / --load ----------------------------------------------


@pytest.mark.parametrize("seed, what", [(7, "ensemble"), (6, "naive")])
def test_a_saved_forecast_loads_back_to_the_same_numbers(tmp_path, seed, what):
    df, path = ar2_weekly(seed), tmp_path / "m.ckpt"
    cfg = dict(data=df, date="date", targets=["y"], horizon=7)
    saved = run_forecast(ForecastConfig(**cfg, save=path, refit=False, **FAST))
    assert what in (saved.choice.inputs, saved.choice.combined_with)  # the premise
    loaded = run_forecast(ForecastConfig(data=df, date="date", load=path))
    np.testing.assert_allclose(loaded.forecast["y"], saved.forecast["y"], rtol=1e-6)
    assert loaded.choice.combined_with == saved.choice.combined_with


def test_two_seeds_train_two_networks_per_input_mode_and_are_saved_together(tmp_path):
    df, path = ar2_weekly(3), tmp_path / "m.ckpt"
    cfg = dict(data=df, date="date", targets=["y"], horizon=7, inputs="level", refit=False)
    fast = {**FAST, "seeds": 2}
    two = run_forecast(ForecastConfig(**cfg, save=path, **fast))
    one = run_forecast(ForecastConfig(**cfg, **FAST))
    from engine import checkpoint as ckpt

    models, meta = ckpt.load_members(path)
    assert meta["members"] == ["level", "level"] and two.choice.seeds == 2
    w = [m.state_dict()["out.weight"] for m in models]
    assert not np.allclose(w[0].numpy(), w[1].numpy())  # two seeds, two networks
    assert not np.allclose(two.forecast["y"], one.forecast["y"])  # the average is not seed 0's
    loaded = run_forecast(ForecastConfig(data=df, date="date", load=path))
    np.testing.assert_allclose(loaded.forecast["y"], two.forecast["y"], rtol=1e-6)


def test_small_series_get_two_seeds_by_default_and_large_ones_one():
    from engine.forecast.defaults import resolve

    assert resolve(ForecastConfig(horizon=7), 500, 7)[0].seeds == 2
    assert resolve(ForecastConfig(horizon=7), 5000, 7)[0].seeds == 1
    assert resolve(ForecastConfig(horizon=7, seeds=3), 500, 7)[0].seeds == 3
    with pytest.raises(ForecastError, match="`seeds` must be at most 5"):
        run_forecast(ForecastConfig(horizon=7, seeds=6))


def test_a_checkpoint_holds_every_member_and_checks_each(tmp_path):
    import torch

    from engine import checkpoint as ckpt
    from engine.models import build_model

    cfg = {"kind": "gru", "input_size": 1, "hidden": 4, "horizon": 3}
    members = [build_model(cfg, seed=s) for s in (0, 1, 2)]
    path = ckpt.save(tmp_path / "e.ckpt", members, {"note": "three"})
    back, meta = ckpt.load_members(path)
    assert len(back) == 3 and meta["note"] == "three"
    for a, b in zip(members, back, strict=True):
        for (ka, va), (kb, vb) in zip(a.state_dict().items(), b.state_dict().items(), strict=True):
            assert ka == kb and torch.equal(va, vb)
    first, _ = ckpt.load(path)  # a reader of single models gets the first member
    w = [m.state_dict()["out.weight"] for m in (first, *members)]
    assert torch.equal(w[0], w[1]) and not torch.equal(w[0], w[2])
    with pytest.raises(ckpt.CheckpointError, match="share one model config"):
        ckpt.save(tmp_path / "x.ckpt", [members[0], build_model({**cfg, "hidden": 5})])


def test_a_checkpoint_whose_member_count_is_damaged_is_refused(tmp_path):
    from engine import checkpoint as ckpt
    from engine.models import build_model

    path = ckpt.save(tmp_path / "e.ckpt", [build_model({"kind": "rnn", "input_size": 1})] * 2)
    for count, problem in ((b"0", "declares '0' ensemble members"), (b"9", r"member 2\) does")):
        raw = path.read_bytes().replace(b'"members":"2"', b'"members":"' + count + b'"')
        (tmp_path / "bad.ckpt").write_bytes(raw)
        with pytest.raises(ckpt.CheckpointError, match=problem):
            ckpt.load_members(tmp_path / "bad.ckpt")
    one = ckpt.save(tmp_path / "one.ckpt", build_model({"kind": "rnn", "input_size": 1}))
    assert b"members" not in one.read_bytes()[:2000]  # one model: the file is as before


def test_a_forecast_checkpoint_listing_more_members_than_it_holds_is_refused(tmp_path):
    df, path = ar2_weekly(1), tmp_path / "m.ckpt"
    run_forecast(ForecastConfig(data=df, date="date", targets=["y"], horizon=7, save=path, **FAST))
    from engine import checkpoint as ckpt

    models, meta = ckpt.load_members(path)
    meta.pop("model_config"), meta.pop("versions")
    meta["members"] = ["level", "global"]
    ckpt.save(tmp_path / "lie.ckpt", models, meta)
    with pytest.raises(ForecastError, match="ensemble member"):
        run_forecast(ForecastConfig(data=df, date="date", load=tmp_path / "lie.ckpt"))


def test_what_made_the_forecast_is_said_in_one_way_for_the_cli_and_the_app():
    from engine.forecast.result import Choice, ForecastResult

    def said(**choice) -> str:
        r = ForecastResult({}, pd.DataFrame(), pd.DataFrame(), [], {}, model_label="gru (direct)")
        r.choice = Choice(**choice)
        return r.forecast_by()

    assert said(forecast="model") == "gru (direct)"
    assert said(forecast="model", combined_with="naive") == "gru (direct) averaged with naive"
    assert said(forecast="seasonal_drift") == "seasonal naive with drift (fallback)"


def test_a_cancel_keeps_the_first_network_and_trains_no_more():
    r = run_forecast(
        ForecastConfig(
            data=ar2_weekly(2), date="date", targets=["y"], horizon=7, **{**FAST, "seeds": 2}
        ),  # fmt: skip
        should_stop=lambda: True,
    )
    assert r.training.reason == "cancelled"
    assert r.choice.inputs_tried == ("level",) and not r.choice.refit
    assert len(r.forecast) == 7 and np.isfinite(r.forecast["y"]).all()
