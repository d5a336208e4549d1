"""The panel as one array, and the windows a global network trains on, drawn per epoch.

All series are concatenated into one column (neuralforecast's `indptr` layout), each followed
by `pad` empty rows so that the window forecasting past a series' end can be cut like any other.
A window is named by its series and its local origin (the index of its first forecast step in
that series); its global origin is the series' start plus the local one.

Windows are never all materialized: each epoch draws the same number of windows from every
series (uniform over series, as darts' training datasets sample; neuralforecast draws
`windows_batch_size` random windows per step), so a series of 2,000 rows does not drown one of
60. Each window is normalized by its own last value and scale (engine.forecast.inputs, as a
single series' windows are), with each series' own scale floor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.forecast.inputs import Framed, frame_windows, scale_floor
from engine.table_input import DataError

# the windows one epoch (or one holdout batch) may take in memory, float32; beyond it the
# per-series draw is reduced, and a panel whose rows alone exceed MAX_PANEL_ROWS is refused
MAX_EPOCH_BYTES = 512 * 1024**2
MAX_PANEL_ROWS = 50_000_000


@dataclass
class PanelArrays:
    """Every series' values in one column, and where each series sits in it."""

    y: np.ndarray  # (R, 1) data units; each series followed by `pad` zero rows
    starts: np.ndarray  # (S,) row of each series' first value
    lengths: np.ndarray  # (S,) rows of each series
    n_train: np.ndarray  # (S,) training rows of each series (before its holdout)
    floor: np.ndarray  # (S, 1) smallest window scale per series (inputs.scale_floor)
    season: int

    def global_origins(self, series: np.ndarray, local: np.ndarray) -> np.ndarray:
        return self.starts[series] + local

    def frame(self, series: np.ndarray, local: np.ndarray, window: int, horizon: int, mode: str):
        """Windows of `series` at `local` origins, normalized as `mode` says (level, seasonal)."""
        series = np.asarray(series, np.int64)
        floor = self.floor[series][:, None, :]  # (M, 1, 1): each window its series' floor
        return frame_windows(
            self.y, None, self.global_origins(series, local), window, horizon, mode, self.season,
            floor,
        )  # fmt: skip


def stack(values: list[np.ndarray], n_train: list[int], pad: int, season: int) -> PanelArrays:
    """PanelArrays from each series' values (n_i,) and training rows."""
    rows = sum(len(v) + pad for v in values)
    if rows > MAX_PANEL_ROWS:
        raise DataError(
            f"the panel has {rows:,} rows, more than the {MAX_PANEL_ROWS:,} one process holds; "
            "split it into partitions (`workers` or `scheduler` run them apart)"
        )
    lengths = np.array([len(v) for v in values], np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths + pad)[:-1]]).astype(np.int64)
    y = np.zeros((rows, 1))
    for v, s in zip(values, starts, strict=True):
        y[s : s + len(v), 0] = v
    floor = np.stack(
        [
            scale_floor(np.asarray(v[:n], float)[:, None])
            for v, n in zip(values, n_train, strict=True)
        ]
    )
    return PanelArrays(y, starts, lengths, np.asarray(n_train, np.int64), floor, season)


@dataclass
class WindowSampler:
    """Training windows of the chosen series, drawn afresh each epoch; the last tenth of each
    series' training windows (at least one when it has ten) kept apart for early stopping."""

    arrays: PanelArrays
    series: np.ndarray  # (S',) the series the network trains on
    reach: np.ndarray  # (S',) rows of each a window may reach into (n_train, or all to refit)
    window: int
    horizon: int  # steps each training window predicts
    per_series: int  # windows drawn from every series each epoch
    validate: bool = True

    def __post_init__(self) -> None:
        self.last = np.asarray(self.reach, np.int64) - self.horizon  # last local origin of each
        count = self.last - self.window + 1
        self.n_val = np.where(count >= 10, np.round(0.1 * count), 0).astype(np.int64)
        if not self.validate:
            self.n_val[:] = 0
        self.count = count - self.n_val  # origins left to sample from
        per_window = (self.window + self.horizon) * 4
        cap = max(1, MAX_EPOCH_BYTES // (per_window * max(1, len(self.series))))
        self.per_series = int(min(self.per_series, cap))

    @property
    def windows(self) -> int:
        """Windows one epoch shows the network."""
        return int(len(self.series) * self.per_series)

    def draw(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """(series, local origins) of one epoch: `per_series` from each, uniform within each."""
        S, k = len(self.series), self.per_series
        u = rng.random((S, k))
        local = self.window + np.floor(u * self.count[:, None]).astype(np.int64)
        return np.repeat(self.series, k), local.ravel()

    def validation(self, limit: int = 4096) -> tuple[np.ndarray, np.ndarray]:
        """(series, local origins) of the held-apart windows, at most `limit` (evenly spread)."""
        s = np.repeat(self.series, self.n_val)
        first = self.last - self.n_val + 1
        offsets = np.arange(len(s)) - np.repeat(np.cumsum(self.n_val) - self.n_val, self.n_val)
        local = np.repeat(first, self.n_val) + offsets
        if len(s) > limit:
            keep = np.linspace(0, len(s) - 1, limit).astype(np.int64)
            s, local = s[keep], local[keep]
        return s, local


def trainable(n_train: np.ndarray, window: int, horizon: int, least: int = 2) -> np.ndarray:
    """Which series' training rows give `least` windows of this geometry (two, as
    engine.data.check_length asks of one series)."""
    return (np.asarray(n_train) - horizon - window + 1) >= least


__all__ = ["Framed", "PanelArrays", "WindowSampler", "stack", "trainable"]
