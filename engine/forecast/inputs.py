"""How each window is shown to the network, and how its outputs map back to the data's units.

A scaler fitted once on the training rows cannot represent a level above anything in training:
the network saturates and forecasts flat and low (issue 9). So by default every window is
normalized on its own (NLinear / RevIN / DeepAR style): its target columns minus the window's
last value, divided by the window's own scale (the mean absolute step within it, so a random
walk and a seasonal series are both measured in "typical moves"). The network predicts the
future in the same units relative to a *base*:

    level     base = the window's last value (the naive forecast)
    seasonal  base = the last season seen (the seasonal naive forecast); the network learns
              the correction (trend across the season, damping...)
    global    the old behaviour: one Scaler from the training rows, base = its shift

Outputs map back as prediction * scale + base, so a level the training rows never reached is
as easy as any other. Covariates keep their global encoding (they carry no level).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.windows import Windows, check_window_memory, make_windows


@dataclass
class Framed:
    """Windows in the network's units, and what maps its outputs back to the data's units."""

    win: Windows  # x_past targets normalized; y (when known) normalized against the base
    base: np.ndarray  # (M, horizon, T) in data units
    scale: np.ndarray  # (M, 1, T) in data units per network unit

    def to_data(self, pred: np.ndarray) -> np.ndarray:
        """Network outputs (M, horizon, T) -> data units."""
        return np.asarray(pred, np.float64) * self.scale + self.base


def scale_floor(y_train: np.ndarray) -> np.ndarray:
    """The smallest window scale allowed per target: a flat window must not divide by ~0."""
    steps = np.abs(np.diff(np.asarray(y_train, np.float64), axis=0))
    typical = steps.mean(axis=0) if len(steps) else np.ones(y_train.shape[1])
    level = np.abs(y_train).mean(axis=0) if len(y_train) else np.ones(y_train.shape[1])
    return np.maximum(0.05 * typical, 1e-6 * np.maximum(level, 1.0))


def frame_windows(
    y_raw: np.ndarray,
    cov: np.ndarray | None,
    origins: np.ndarray,
    window: int,
    horizon: int,
    mode: str,
    season: int,
    floor: np.ndarray,
    shift: np.ndarray | None = None,
    spread: np.ndarray | None = None,
) -> Framed:
    """Windows at `origins` (the first forecast step of each), normalized as `mode` says.

    y_raw (N, T) in data units; rows at or after an origin may be absent (the forecast after the
    data ends): then the returned windows' y is zeros. shift/spread: the global scaler's, for
    mode "global".
    """
    y_raw = np.asarray(y_raw, np.float64)
    origins = np.asarray(origins, np.int64)
    T = y_raw.shape[1]
    features = T + (cov.shape[1] if cov is not None else 0)
    check_window_memory(len(origins), window, horizon, features, T)  # before any copy below
    # pad so that windows reaching past the data (the forecast itself) can still be cut
    pad = max(0, int(origins.max(initial=0)) + horizon - len(y_raw))
    y_full = np.concatenate([y_raw, np.zeros((pad, T))]) if pad else y_raw
    cov_full = cov
    if cov is not None and pad:
        cov_full = np.concatenate([cov, np.zeros((pad, cov.shape[1]), cov.dtype)])
    idx_past = origins[:, None] + np.arange(-window, 0)[None, :]  # (M, window)
    past = y_full[idx_past]  # (M, window, T)
    fut = y_full[origins[:, None] + np.arange(horizon)[None, :]]  # (M, horizon, T)
    if mode == "global":
        base = np.broadcast_to(shift, (len(origins), horizon, T)).copy()
        scale = np.broadcast_to(spread, (len(origins), 1, T)).copy()
        x_t = (past - shift) / spread
    else:
        last = past[:, -1:, :]  # (M, 1, T)
        steps = np.abs(np.diff(past, axis=1))
        scale = np.maximum(steps.mean(axis=1, keepdims=True), floor) if window > 1 else None
        if scale is None:
            scale = np.broadcast_to(floor, (len(origins), 1, T)).copy()
        x_t = (past - last) / scale
        if mode == "seasonal":
            k = np.arange(horizon)
            base = y_full[origins[:, None] - season + (k % season)[None, :]]
        else:
            base = np.repeat(last, horizon, axis=1)
    y_n = (fut - base) / scale
    win = make_windows(np.zeros((len(y_full), T)), cov_full, origins, window, horizon)
    win.x_past[..., :T] = x_t.astype(np.float32)
    win.y[...] = y_n.astype(np.float32)
    return Framed(win, base, scale)


def available_modes(window: int, season: int, strategy: str, stationary: bool = True) -> list[str]:
    """The modes "auto" chooses among for this geometry and strategy; `stationary`: whether
    the training rows' level stays put (engine.stationarity), which global inputs need."""
    modes = ["level"]
    # seasonal needs a whole season in the window, and a one-step model rolled forward would
    # feed its corrections back as levels
    if season > 1 and window >= season and strategy != "recursive":
        modes.append("seasonal")
    # the old global scaling still wins on stationary series (an AR(2), sunspots), but on a
    # wandering level it learns a pull back to the training mean that is not there
    if stationary:
        modes.append("global")
    return modes
