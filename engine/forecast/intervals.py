"""Calibrate intervals: the chosen forecaster's holdout errors, scaled by each window's own
moves (split conformal, scoring.conformal_quantiles), widened or narrowed to the last window's."""

from __future__ import annotations

import numpy as np

from engine.forecast.scoring import conformal_quantiles, level_name
from engine.forecast.selection import Selection
from engine.forecast.setting import Setting


def calibrate(s: Setting, sel: Selection, values: np.ndarray) -> dict[str, np.ndarray]:
    """{<target>_lower_<level>, <target>_upper_<level>: (h,)} around the forecast `values`
    (h, T), for each of config.intervals; {} without intervals."""
    levels = [float(v) for v in s.config.intervals]
    if not levels:
        return {}
    hold, h = s.hold, s.h
    calib = sel.pick.holdout if sel.chosen == "model" else sel.scores.base[sel.chosen]
    residuals = s.prep.y_raw[hold[:, None] + np.arange(h)[None, :]] - calib
    scales = s.framed("level", hold, h).scale
    now = s.framed("level", s.last, h).scale[0]  # (1, T): the last window's scale
    columns = {}
    for level, q in conformal_quantiles(residuals, scales, levels).items():
        half = q * now  # (h, T)
        for k, t in enumerate(s.series.targets):
            columns[f"{t}_lower_{level_name(level)}"] = values[:, k] - half[:, k]
            columns[f"{t}_upper_{level_name(level)}"] = values[:, k] + half[:, k]
    return columns
