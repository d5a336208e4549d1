"""Built-in data sets generated in code (plain functions, no state): nothing to download.

sine(n, period)            seed 003: sin(x * 2 * pi / period) for x = 0 .. n-1
sine_windows(series, w)    overlapping windows of w values and the value after each
maxmin(n, length, seed)    seed 004: random sequences and their (max, min)
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def sine(n: int = 800, period: int = 40) -> np.ndarray:
    """Seed 003's wave, float32 (n,): `period` points per cycle (the seed wrote pi as 3.1416)."""
    if n < 1 or period < 1:
        raise ValueError("sine needs n >= 1 and period >= 1")
    x = np.arange(n, dtype=np.float64)
    return np.sin(x * 2 * np.pi / period).astype(np.float32)


def sine_windows(series: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """X (N, window, 1) and Y (N, 1, 1): each window and the value after it, N = len - window."""
    series = np.asarray(series, dtype=np.float32)
    if len(series) <= window:
        raise ValueError(f"a series of {len(series)} values has no windows of {window} + 1")
    w = sliding_window_view(series, window + 1)  # (N, window + 1), a view: no copy, no loop
    return np.array(w[:, :window, None]), np.array(w[:, window:, None])


def maxmin(n: int = 10000, length: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seed 004's task: X (n, length, 1) float32 sequences, Y (n, 2) = their (max, min).

    Each row is uniform in [-1, 1), scaled by a factor in [0.5, 1.5) and shifted by [-1, 1),
    as the seed's notebook builds it, from `np.random.default_rng(seed)`.
    """
    if n < 1 or length < 1:
        raise ValueError("maxmin needs n >= 1 and length >= 1")
    rng = np.random.default_rng(seed)
    x = rng.random((n, length)) * 2 - 1
    x = x * (rng.random((n, 1)) + 0.5)
    x = x + (rng.random((n, 1)) * 2 - 1)
    y = np.stack([x.max(axis=1), x.min(axis=1)], axis=1)
    return x[:, :, None].astype(np.float32), y.astype(np.float32)
