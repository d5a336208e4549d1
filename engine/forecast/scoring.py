"""Scoring on the holdout: the model beside the naive baselines, in the data's units."""

from __future__ import annotations

import numpy as np
import pandas as pd

from engine.baselines import naive, seasonal_naive
from engine.forecast.config import ForecastConfig
from engine.forecast.prepare import Prepared
from engine.forecast.strategies import predict
from engine.metrics import all_metrics
from engine.windows import Windows


def score(config: ForecastConfig, prep: Prepared, model, win: Windows, warnings: list[str]):
    """(metrics, metrics by target, holdout frame); metric notes are appended to `warnings`."""
    h = config.horizon
    scaled = predict(model, config.strategy, h, win.x_past, win.x_future)
    preds = {
        "model": prep.target_scaler.inverse(scaled),
        "naive": naive(prep.y_raw, win.origins, h),
        "seasonal_naive": seasonal_naive(prep.y_raw, win.origins, h, prep.season),
    }
    actual = actual_values(prep, win.origins, h)
    train = prep.y_raw[: prep.n_train]
    metrics, by_target = {}, {t: {} for t in prep.series.targets}
    for name, p in preds.items():
        metrics[name], notes = all_metrics(actual, p, train, prep.season)
        warnings.extend(notes)
        for k, t in enumerate(prep.series.targets):
            by_target[t][name], _ = all_metrics(actual[..., k], p[..., k], train[:, k], prep.season)
    # a plot-friendly holdout: consecutive blocks of `horizon` steps, each date once
    block = np.arange(0, len(win.origins), h)
    rows = (win.origins[block][:, None] + np.arange(h)[None, :]).ravel()
    holdout = pd.DataFrame({"date": prep.series.dates[rows]})
    for k, t in enumerate(prep.series.targets):
        holdout[f"{t}_actual"] = actual[block][:, :, k].ravel()
        for name, p in preds.items():
            col = "predicted" if name == "model" else name
            holdout[f"{t}_{col}"] = p[block][:, :, k].ravel()
    return metrics, by_target, holdout


def actual_values(prep: Prepared, origins: np.ndarray, h: int) -> np.ndarray:
    """The true values in the data's units (not round-tripped through the scaler)."""
    idx = origins[:, None] + np.arange(h)[None, :]
    return prep.y_raw[idx]
