"""`load` reports the saved run's holdout figures and intervals, not a re-scoring of networks
retrained on that holdout (issue 18)."""

from __future__ import annotations

import json
import struct

import numpy as np
import pandas as pd
import pytest

from engine.forecast import ForecastConfig, ForecastError, run_forecast

FAST = dict(hidden=8, epochs=15, batch_size=16, seed=0, seeds=1, fallback=False)


def weekly(n: int = 160, seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = 50 + 5 * np.sin(2 * np.pi * np.arange(n) / 7) + np.cumsum(rng.normal(0, 1, n))
    return pd.DataFrame({"date": pd.date_range("2001-01-01", periods=n, freq="D"), "y": y})


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory):
    df, path = weekly(), tmp_path_factory.mktemp("ckpt") / "m.ckpt"
    cfg = ForecastConfig(data=df, date="date", targets=["y"], horizon=7, intervals=[80],
                         save=path, **FAST)  # fmt: skip
    saved = run_forecast(cfg)
    assert saved.choice.refit  # the premise: the saved networks have seen the holdout
    return df, path, saved


def test_a_load_reports_the_saved_runs_holdout_figures(saved_run):
    df, path, saved = saved_run
    loaded = run_forecast(
        ForecastConfig(data=df, date="date", load=path, intervals=[80], fallback=False)
    )
    assert loaded.metrics == saved.metrics  # re-scored, the refit networks looked better
    assert loaded.other_metrics == saved.other_metrics
    assert loaded.metrics_by_target == saved.metrics_by_target
    assert loaded.choice.holdout == saved.choice.holdout
    assert any("saved run's" in n for n in loaded.choice.notes)


def test_a_load_gives_the_saved_runs_intervals(saved_run):
    df, path, saved = saved_run
    loaded = run_forecast(
        ForecastConfig(data=df, date="date", load=path, intervals=[80], fallback=False)
    )
    cols = ["y", "y_lower_80", "y_upper_80"]
    np.testing.assert_allclose(loaded.forecast[cols], saved.forecast[cols], rtol=1e-6)


def _rewrite_holdout(path, out, change):
    """A copy of the checkpoint with its metadata's holdout block changed."""
    from engine import checkpoint as ckpt

    models, meta = ckpt.load_members(path)
    change(meta["holdout"])
    meta.pop("model_config"), meta.pop("versions")
    ckpt.save(out, models, meta)


def test_a_damaged_saved_holdout_is_refused_with_its_key(saved_run, tmp_path):
    df, path, _ = saved_run

    def shrink(block):
        block["scaled_errors"] = [[[1.0]]]  # not (windows, horizon, targets)

    _rewrite_holdout(path, tmp_path / "bad.ckpt", shrink)
    with pytest.raises(ForecastError, match="scaled_errors"):
        run_forecast(ForecastConfig(data=df, date="date", load=tmp_path / "bad.ckpt"))


def test_an_older_checkpoint_is_re_scored_and_says_so(saved_run, tmp_path):
    from engine import checkpoint as ckpt

    df, path, _ = saved_run
    models, meta = ckpt.load_members(path)
    meta.pop("holdout"), meta.pop("model_config"), meta.pop("versions")
    ckpt.save(tmp_path / "old.ckpt", models, meta)
    loaded = run_forecast(ForecastConfig(data=df, date="date", load=tmp_path / "old.ckpt"))
    assert any("keeps no holdout figures" in n for n in loaded.choice.notes)


def test_the_checkpoint_header_holds_the_figures(saved_run):
    _, path, saved = saved_run
    raw = path.read_bytes()
    header = json.loads(raw[8 : 8 + struct.unpack("<Q", raw[:8])[0]])
    meta = json.loads(header["__metadata__"]["metadata"])
    assert meta["holdout"]["span"] == saved.choice.holdout.to_dict()
