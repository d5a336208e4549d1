"""Forecast accuracy in the data's own units: MAE, RMSE, MAPE, sMAPE, MASE.

Arrays may have any shape (e.g. windows x horizon x targets); every number counts once.
MASE divides the MAE by the in-sample MAE of the seasonal naive forecast (y_t - y_{t-m}), so
1.0 means "as good as repeating last season" on the training data.
"""

from __future__ import annotations

import numpy as np

NAMES = ("mae", "rmse", "mape", "smape", "mase")


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(actual, float) - np.asarray(predicted, float))))


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    err = np.asarray(actual, float) - np.asarray(predicted, float)
    return float(np.sqrt(np.mean(err**2)))


def mape(actual: np.ndarray, predicted: np.ndarray) -> tuple[float | None, int]:
    """Mean absolute percentage error (%) over non-zero actuals, and how many zeros it skipped."""
    a, p = np.asarray(actual, float).ravel(), np.asarray(predicted, float).ravel()
    # float noise at a zero crossing (1e-16 for a sine) would dominate the mean: count it as zero
    tiny = 1e-9 * np.max(np.abs(a)) if a.size else 0.0
    nz = np.abs(a) > tiny
    skipped = int((~nz).sum())
    if not nz.any():
        return None, skipped
    return float(100 * np.mean(np.abs((a[nz] - p[nz]) / a[nz]))), skipped


def smape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Symmetric MAPE (%) in [0, 200]; a pair where both are zero counts as 0."""
    a, p = np.asarray(actual, float), np.asarray(predicted, float)
    denom = np.abs(a) + np.abs(p)
    ratio = np.divide(2 * np.abs(a - p), denom, out=np.zeros_like(denom), where=denom > 0)
    return float(100 * np.mean(ratio))


def seasonal_scale(train: np.ndarray, season: int) -> float | None:
    """In-sample MAE of the seasonal naive forecast on `train` (first axis is time)."""
    train = np.asarray(train, float)
    m = season if len(train) > season else 1
    if len(train) <= m:
        return None
    scale = float(np.mean(np.abs(train[m:] - train[:-m])))
    # an exactly seasonal history has no in-sample error to scale by: MASE is undefined
    return scale if scale > 1e-9 * float(np.mean(np.abs(train))) else None


def mase(actual: np.ndarray, predicted: np.ndarray, train: np.ndarray, season: int) -> float | None:
    scale = seasonal_scale(train, season)
    return None if scale is None else mae(actual, predicted) / scale


def all_metrics(
    actual: np.ndarray, predicted: np.ndarray, train: np.ndarray, season: int
) -> tuple[dict[str, float | None], list[str]]:
    """Every metric, and warnings (zeros skipped by MAPE). With several targets (last axis),
    MASE is the mean of the per-target MASEs, so each target is scaled by its own history."""
    a, p, tr = np.asarray(actual, float), np.asarray(predicted, float), np.asarray(train, float)
    notes: list[str] = []
    mp, skipped = mape(a, p)
    if skipped:
        notes.append(
            f"MAPE skipped {skipped} zero (or float-noise) actual value(s)"
            + (" (all were zero: MAPE undefined)" if mp is None else "")
        )
    if tr.ndim >= 2 and a.ndim >= 2 and tr.shape[-1] == a.shape[-1] and a.shape[-1] > 1:
        per = [mase(a[..., k], p[..., k], tr[..., k], season) for k in range(a.shape[-1])]
        ms = None if any(v is None for v in per) else float(np.mean(per))
    else:
        ms = mase(a, p, tr, season)
    if ms is None:
        notes.append(
            "MASE undefined: the training data repeats its seasons exactly (no naive error)"
        )
    return {
        "mae": mae(a, p),
        "rmse": rmse(a, p),
        "mape": mp,
        "smape": smape(a, p),
        "mase": ms,
    }, notes
