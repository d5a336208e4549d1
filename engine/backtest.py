"""Rolling-origin backtest: forecast from each of several cut-offs, score the steps after each.

One holdout split can flatter or punish a model by luck of the dates; repeating the exercise at
several origins shows the spread. At each cut-off the whole run happens as it would on the day:
`run_forecast` sees only the rows up to the cut-off (it makes its own holdout, choices and refit
inside them), forecasts the next `horizon` steps, and those are scored against what happened,
beside naive and seasonal naive forecasts from the same history. Rows after a cut-off only supply
known-future covariates, as `end` does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from engine.baselines import every_baseline, season_length
from engine.forecast import (
    ForecastConfig,
    ForecastError,
    ForecastResult,
    load_data,
    run_forecast,
    validate_config,
)
from engine.forecast.result import iso_dates
from engine.metrics import all_metrics
from engine.table_input import DataError

METRICS = ("mae", "rmse", "mase")


def rolling_origin(
    config: ForecastConfig,
    cutoffs: int = 3,
    step: int | None = None,
    on_event: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_origin: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """One row per cut-off (the last date a forecast sees) and a final "mean" row.

    Cut-offs sit `step` rows apart (default: the horizon), the last one `horizon` rows before the
    data ends. Columns: cutoff, then <method>_<metric> for model (what the run forecast: the
    network, or the baseline it fell back to), naive, seasonal_naive (mae, rmse, mase, in the
    data's units), drift and (seasonal data) seasonal_drift, `chosen` (what the run forecast
    with) and, with config.intervals,
    coverage_<level> (the share of actual values inside the interval). on_origin(i, n) is called
    before each cut-off's run (for a progress bar).
    """
    problems = validate_config(config)
    if problems:
        raise ForecastError("invalid forecast config: " + "; ".join(problems))
    if cutoffs < 1:
        raise ForecastError("a backtest needs at least one cut-off")
    series = load_data(config)
    frame = series.frame.reset_index()
    targets = list(series.targets)
    y = frame[targets].to_numpy(np.float64)
    h = config.horizon
    step = step or h
    n = len(frame)
    season = season_length(series.freq, config.season)
    first = n - h - (cutoffs - 1) * step
    if first <= h + 2:
        raise DataError(
            f"{cutoffs} cut-offs {step} rows apart leave {max(first, 0)} rows before the first "
            f"cut-off: too little to forecast {h} steps; use fewer cut-offs or a smaller step"
        )
    rows = []
    for i in range(cutoffs):
        if on_origin is not None:
            on_origin(i, cutoffs)
        n_train = first + i * step
        cutoff = frame["date"].iloc[n_train - 1]
        cfg = dataclasses.replace(
            config,
            data=frame.iloc[: n_train + h],
            date="date",
            targets=targets,
            covariates=list(series.covariates),
            fill=None,
            start=None,
            end=str(cutoff),
            test_size=None,
            test_start=None,
            save=None,
            load=None,
        )
        r = run_forecast(cfg, on_event, should_stop)
        row = {"cutoff": cutoff, **_scored(r, y, n_train, h, season if n_train > season else 1)}
        rows.append(row)
    out = pd.DataFrame(rows)
    mean = out.drop(columns=["cutoff", "chosen"]).mean().to_dict()
    table = pd.concat(
        [out, pd.DataFrame([{"cutoff": "mean", "chosen": "", **mean}])], ignore_index=True
    )
    table.attrs["freq"] = series.freq  # how its cut-offs are written (as_written)
    return table


def as_written(table: pd.DataFrame) -> pd.DataFrame:
    """The table as the CSV and JSON write it: cut-offs in one ISO format, chosen by the data's
    frequency (dates for daily data and longer steps, date and time below a day)."""
    cutoffs = list(table["cutoff"])
    dates = iter(iso_dates([c for c in cutoffs if not isinstance(c, str)], table.attrs.get("freq")))
    out = table.copy()
    out["cutoff"] = [c if isinstance(c, str) else next(dates) for c in cutoffs]
    return out


def _scored(r: ForecastResult, y: np.ndarray, n_train: int, h: int, m: int) -> dict:
    """One cut-off's columns: each forecaster's metrics on the `h` rows after it, what the run
    chose and its intervals' coverage."""
    actual = y[n_train : n_train + h][None]
    # the baselines read only the rows before the origin
    preds = {
        "model": r.forecast[r.targets].to_numpy(np.float64)[None],
        **every_baseline(y, np.array([n_train]), h, m),
    }
    row: dict = {}
    for name, p in preds.items():
        scores, _ = all_metrics(actual, p, y[:n_train], m)
        for k in METRICS:
            row[f"{name}_{k}"] = scores[k] if scores[k] is not None else np.nan
    row["chosen"] = r.choice.forecast if r.choice is not None else "model"
    for level in r.intervals:
        lo, hi = r.interval(level)
        row[f"coverage_{level:g}"] = float(np.mean((actual[0] >= lo) & (actual[0] <= hi)))
    return row
