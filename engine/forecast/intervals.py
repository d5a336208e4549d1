"""Calibrate intervals: the chosen forecaster's holdout errors, scaled by each window's own
moves (split conformal, scoring.conformal_quantiles), widened or narrowed to the last window's."""

from __future__ import annotations

import numpy as np

from engine.forecast.scoring import conformal_quantiles, level_name
from engine.forecast.selection import Selection
from engine.forecast.setting import Setting


def scaled_errors(s: Setting, sel: Selection) -> np.ndarray:
    """The chosen forecaster's holdout errors (M, h, T), each |actual - forecast| divided by
    its window's scale: what intervals are calibrated on (and what a checkpoint keeps)."""
    hold, h = s.hold, s.h
    calib = sel.pick.holdout if sel.chosen == "model" else sel.scores.base[sel.chosen]
    residuals = s.prep.y_raw[hold[:, None] + np.arange(h)[None, :]] - calib
    return np.abs(residuals) / s.framed("level", hold, h).scale


def calibrate(s: Setting, values: np.ndarray, errors: np.ndarray) -> dict[str, np.ndarray]:
    """{<target>_lower_<level>, <target>_upper_<level>: (h,)} around the forecast `values`
    (h, T), for each of config.intervals, from `errors` (scaled_errors); {} without
    intervals."""
    levels = [float(v) for v in s.config.intervals]
    if not levels:
        return {}
    now = s.framed("level", s.last, s.h).scale[0]  # (1, T): the last window's scale
    columns = {}
    for level, q in conformal_quantiles(errors, np.ones((1, 1, 1)), levels).items():
        half = q * now  # (h, T)
        for k, t in enumerate(s.series.targets):
            columns[f"{t}_lower_{level_name(level)}"] = values[:, k] - half[:, k]
            columns[f"{t}_upper_{level_name(level)}"] = values[:, k] + half[:, k]
    return columns
