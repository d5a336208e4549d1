"""Sliding windows over a series, vectorized with numpy's sliding_window_view (no loop over rows).

A window is described by its *origin* o: the index of the first step it forecasts. Its inputs are
rows [o - window, o) and its targets rows [o, o + horizon). Covariates describe the step they sit
on, so the known-future inputs of a window are the covariate rows [o, o + horizon).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


@dataclass
class Windows:
    x_past: np.ndarray  # (M, window, n_targets + Fc): targets first, then that step's covariates
    x_future: np.ndarray | None  # (M, horizon, Fc) or None without covariates
    y: np.ndarray  # (M, horizon, n_targets)
    origins: np.ndarray  # (M,) index of each window's first forecast step

    def __len__(self) -> int:
        return len(self.origins)

    def as_fit_data(self) -> tuple:
        """(X, Y) or (X, Y, X_future), the tuple engine.train.fit takes."""
        if self.x_future is None:
            return (self.x_past, self.y)
        return (self.x_past, self.y, self.x_future)


def origins_between(lo: int, hi: int, window: int, horizon: int, n: int) -> np.ndarray:
    """Origins o with lo <= o, o + horizon <= min(hi, n) and enough history (o >= window)."""
    first = max(lo, window)
    last = min(hi, n) - horizon
    return np.arange(first, last + 1) if last >= first else np.arange(0)


MAX_WINDOW_BYTES = 2 * 1024**3  # windows are copied out of the series: one copy per origin


def check_window_memory(n: int, window: int, horizon: int, features: int, targets: int) -> None:
    """Refuse windows that would not fit in memory, before numpy tries (Python ints: no wrap)."""
    per_window = window * features + horizon * targets + horizon * (features - targets)
    need = int(n) * per_window * 4  # float32
    if need > MAX_WINDOW_BYTES:
        from engine.table_input import DataError  # here: windows need no pandas until a refusal

        raise DataError(
            f"{n:,} windows of {window} steps x {features} features would take "
            f"{need / 1024**3:,.1f} GiB (limit {MAX_WINDOW_BYTES // 1024**3} GiB); use a smaller "
            "window, fewer covariates or fewer rows"
        )


def make_windows(
    y: np.ndarray, cov: np.ndarray | None, origins: np.ndarray, window: int, horizon: int
) -> Windows:
    """Windows at the given origins. y (N, n_targets), cov (N, Fc) or None."""
    y = np.asarray(y, dtype=np.float32)
    feats = y if cov is None else np.concatenate([y, np.asarray(cov, np.float32)], axis=1)
    origins = np.asarray(origins, dtype=np.int64)
    check_window_memory(len(origins), window, horizon, feats.shape[1], y.shape[1])
    # view[k] = rows [k, k + window) as (F, window); the window of origin o starts at o - window
    past_view = sliding_window_view(feats, window, axis=0)
    x_past = past_view[origins - window].transpose(0, 2, 1).copy()
    fut_y = sliding_window_view(y, horizon, axis=0)
    y_out = fut_y[origins].transpose(0, 2, 1).copy()
    x_future = None
    if cov is not None:
        fut_c = sliding_window_view(np.asarray(cov, np.float32), horizon, axis=0)
        x_future = fut_c[origins].transpose(0, 2, 1).copy()
    return Windows(x_past, x_future, y_out, origins)
