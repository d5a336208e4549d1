"""Rolling-origin backtest: train up to each of several cut-offs, score the steps after each.

One holdout split can flatter or punish a model by luck of the dates; repeating the exercise at
several origins (each model trained only on the data before its cut-off) shows the spread.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from engine.data import DataError
from engine.forecast import ForecastConfig, ForecastError, load_data, run_forecast, validate_config


def rolling_origin(
    config: ForecastConfig,
    cutoffs: int = 3,
    step: int | None = None,
    on_event: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> pd.DataFrame:
    """One row per cut-off (the last training date) and a final "mean" row.

    Cut-offs sit `step` rows apart (default: the horizon), the last one `horizon` rows before the
    data ends. Columns: cutoff, then <baseline>_<metric> for model, naive and seasonal_naive
    (mae, rmse, mase), in the data's units.
    """
    problems = validate_config(config)
    if problems:
        raise ForecastError("invalid forecast config: " + "; ".join(problems))
    if cutoffs < 1:
        raise ForecastError("a backtest needs at least one cut-off")
    series = load_data(config)
    frame = series.frame.reset_index()
    h = config.horizon
    step = step or h
    n = len(frame)
    rows = []
    for i in range(cutoffs):
        n_train = n - h - (cutoffs - 1 - i) * step
        if n_train <= config.window + h:
            raise DataError(
                f"{cutoffs} cut-offs {step} rows apart leave too little training data for "
                f"window {config.window}; use fewer cut-offs or a smaller step"
            )
        part = frame.iloc[: n_train + h]
        cfg = dataclasses.replace(
            config,
            data=part,
            date="date",
            targets=list(series.targets),
            covariates=list(series.covariates),
            fill=None,
            test_size=h,
            test_start=None,
            save=None,
            load=None,
        )
        r = run_forecast(cfg, on_event, should_stop, ahead=False)
        row = {"cutoff": frame["date"].iloc[n_train - 1]}
        for name, m in r.metrics.items():
            for k in ("mae", "rmse", "mase"):
                row[f"{name}_{k}"] = m[k] if m[k] is not None else np.nan
        rows.append(row)
    out = pd.DataFrame(rows)
    mean = out.drop(columns="cutoff").mean().to_dict()
    return pd.concat([out, pd.DataFrame([{"cutoff": "mean", **mean}])], ignore_index=True)
