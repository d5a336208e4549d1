"""Scoring on the holdout: the network beside the naive baselines, in the data's units; which
one wins; and prediction intervals calibrated on the holdout's errors (split conformal)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from engine.baselines import every_baseline
from engine.forecast.prepare import Prepared
from engine.metrics import all_metrics
from engine.vocabulary import BASELINE_TITLES

REPORTED = ("naive", "seasonal_naive")  # the baselines of `metrics`; the others are extra


def baselines(prep: Prepared, origins: np.ndarray, h: int) -> dict[str, np.ndarray]:
    """The baselines' forecasts (M, h, T) at the holdout origins."""
    return every_baseline(prep.y_raw, origins, h, prep.season)


def score(
    prep: Prepared, origins: np.ndarray, h: int, preds: dict[str, np.ndarray], warnings: list[str]
):
    """(metrics, metrics by target, holdout frame) for forecasts (M, h, T) in data units at the
    holdout origins; metric notes are appended to `warnings`."""
    actual = actual_values(prep, origins, h)
    train = prep.y_raw[: prep.n_train]
    metrics, by_target = {}, {t: {} for t in prep.series.targets}
    for name, p in preds.items():
        metrics[name], notes = all_metrics(actual, p, train, prep.season)
        warnings.extend(notes)
        for k, t in enumerate(prep.series.targets):
            by_target[t][name], _ = all_metrics(actual[..., k], p[..., k], train[:, k], prep.season)
    # a plot-friendly holdout: consecutive blocks of `horizon` steps, each date once
    block = np.arange(0, len(origins), h)
    rows = (origins[block][:, None] + np.arange(h)[None, :]).ravel()
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


def error_of(m: dict[str, float | None]) -> float:
    """The number methods are ranked by: MASE, or MAE where MASE is undefined."""
    v = m.get("mase")
    if v is None:
        v = m.get("mae")
    return math.inf if v is None or not math.isfinite(v) else float(v)


def best_baseline(metrics: dict[str, dict]) -> str:
    """The baseline with the lowest error; on a tie the simpler (earlier in BASELINE_TITLES)."""
    return min((n for n in BASELINE_TITLES if n in metrics), key=lambda n: error_of(metrics[n]))


# --- intervals ------------------------------------------------------------------------------


def conformal_quantiles(
    residuals: np.ndarray, scales: np.ndarray, levels: list[float]
) -> dict[float, np.ndarray]:
    """Split-conformal half-widths per horizon step, in window-scale units: {level: (h, T)}.

    residuals (M, h, T) = actual - forecast on the holdout; scales (M, 1, T) each window's own
    scale, so an interval widens and narrows with the series' recent moves. With ten or more
    holdout windows each step gets its own quantile; with fewer, the steps are pooled assuming
    errors grow like sqrt(step) (a random walk's), which is conservative for level series.
    """
    r = np.abs(residuals) / scales  # (M, h, T)
    M, h, _ = r.shape
    out = {}
    for level in levels:
        a = level / 100
        if M >= 10:
            q = min(1.0, math.ceil((M + 1) * a) / M)
            out[level] = np.quantile(r, q, axis=0)
        else:
            growth = np.sqrt(np.arange(1, h + 1))[None, :, None]
            pooled = (r / growth).reshape(M * h, -1)
            n = len(pooled)
            q = min(1.0, math.ceil((n + 1) * a) / n)
            out[level] = np.quantile(pooled, q, axis=0)[None, :] * growth[0]
    return out


def level_name(level: float) -> str:
    """80 -> "80", 97.5 -> "97.5": the suffix of the lower/upper columns."""
    return f"{level:g}"
