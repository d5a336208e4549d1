"""Panels the panel tests share: long tables of seasonal series of different lengths."""

from __future__ import annotations

import numpy as np
import pandas as pd


def seasonal_panel(
    n_series: int = 6, seed: int = 0, lengths=(48, 96), names=("unique_id", "ds", "y")
):
    """A long table: monthly seasonal series, each with its own start, length and level."""
    rng = np.random.default_rng(seed)
    id_col, date_col, y_col = names
    parts = []
    for i in range(n_series):
        n = int(rng.integers(*lengths))
        t = np.arange(n)
        start = pd.Timestamp("2005-01-01") + pd.DateOffset(months=int(rng.integers(0, 24)))
        y = 20 + 5 * i + 4 * np.sin(2 * np.pi * t / 12 + i) + 0.05 * t + rng.normal(0, 0.5, n)
        parts.append(
            pd.DataFrame(
                {id_col: f"s{i}", date_col: pd.date_range(start, periods=n, freq="MS"), y_col: y}
            )
        )
    return pd.concat(parts, ignore_index=True)
