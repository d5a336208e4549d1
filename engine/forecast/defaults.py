"""Settings that fit the series: window, test part, model size, batches and epochs.

A config leaves window, test_size, hidden, batch_size and epochs as None to have them chosen
here from the series' length, its season and the horizon (issue 9: "defaults that fit the
series"). The rules, and why:
- window: two seasons (the network sees the pattern twice), at least twice the horizon and
  12 steps, capped at 4 seasons / 112 steps (longer windows cost time, add little);
- test part (holdout, also the validation split every automatic choice is made on):
  max(2 horizons, 10% of rows), shrunk to one horizon when the series is short;
- a short series shrinks the window until it gives at least MIN_WINDOWS training windows
  (36 monthly points must forecast, not fail), and gets a smaller network;
- batches: about ten per epoch for small data (at most 64 windows each); epochs: enough for
  ~1,500 optimizer steps, early-stopped on the last tenth of the training windows;
- seeds: two networks per input mode, averaged, below ENSEMBLE_BELOW training windows (there
  one seed's luck moves the forecast most and training is cheap; bench/accuracy.py measured
  the 19-series panel at 0.598 -> 0.584 geometric-mean MASE for twice the CPU), else one.
"""

from __future__ import annotations

import dataclasses
import math

from engine.forecast.config import ForecastConfig
from engine.table_input import DataError

MIN_WINDOWS = 8  # training windows below which a window is shrunk
MAX_WINDOW = 112
ENSEMBLE_BELOW = 2000  # training windows below which two seeds per input mode are averaged


def default_horizon(freq: str | None) -> int:
    """The steps forecast when no `horizon` is given, by the data's sampling interval: a day
    of sub-daily steps (48 half-hours, 24 hours; at most 96), 14 days, 10 business days, 13
    weeks, 12 months, 8 quarters, 10 years; 7 when the frequency is unknown."""
    import pandas as pd

    if not freq:
        return 7
    try:
        off = pd.tseries.frequencies.to_offset(freq)
    except ValueError:
        return 7
    if isinstance(off, pd.offsets.Tick):
        day = pd.Timedelta(days=1).value
        per_day = day / off.nanos
        if per_day > 1:
            return int(min(96, round(per_day)))
        return {1: 14, 7: 13}.get(round(1 / per_day), 7)
    by_kind = {"BusinessDay": 10, "Week": 13, "MonthBegin": 12, "MonthEnd": 12,
               "BusinessMonthBegin": 12, "BusinessMonthEnd": 12, "QuarterBegin": 8,
               "QuarterEnd": 8, "YearBegin": 10, "YearEnd": 10}  # fmt: skip
    return by_kind.get(type(off).__name__, 7)


def auto_window(season: int, horizon: int) -> int:
    w = max(2 * season, 2 * horizon, 12)
    return min(w, max(4 * season, 2 * horizon, 12), MAX_WINDOW)


def resolve(
    config: ForecastConfig, n_rows: int, season: int, n_test_from_date: int | None = None
) -> tuple[ForecastConfig, list[str], bool]:
    """The config with every automatic setting filled in, notes saying what was chosen, and
    whether the series is too short for any network (then only the baselines can forecast).

    n_test_from_date: the test rows config.test_start leaves, when it is set.
    """
    h = config.horizon
    notes: list[str] = []
    updates: dict = {}
    window = config.window
    test = config.test_size if n_test_from_date is None else n_test_from_date
    if n_test_from_date is None and test is None:
        test = max(2 * h, round(0.1 * n_rows))
        if n_rows - test < h + 2 + MIN_WINDOWS:  # short: one horizon is all the holdout it gets
            test = h
        updates["test_size"] = test
    n_test = test
    if window is None:
        window = auto_window(season, h)
        if n_test is not None:
            n_train = n_rows - n_test
            fits = n_train - h - MIN_WINDOWS + 1  # the largest window leaving MIN_WINDOWS
            if fits < 2:
                if n_rows - n_test < 1:
                    raise DataError(
                        f"the data has {n_rows} rows: too few for horizon {h} with {n_test} "
                        "test rows; use a smaller horizon or test_size, or more data"
                    )
                return dataclasses.replace(config, window=1, **updates), notes, True
            if fits < window:
                window = fits
                notes.append(f"short series: window shrunk to {window}")
        updates["window"] = window
    n_windows = max(1, n_rows - (n_test or 0) - window - h + 1)
    if config.hidden is None:
        updates["hidden"] = 32 if n_windows >= 400 else 16 if n_windows >= 60 else 8
    batch = config.batch_size
    if batch is None:
        batch = int(min(64, max(8, n_windows // 10)))
        updates["batch_size"] = batch
    if config.seeds is None:
        updates["seeds"] = 2 if n_windows < ENSEMBLE_BELOW else 1
    if config.epochs is None:
        per_epoch = math.ceil(n_windows / batch)
        updates["epochs"] = int(min(200, max(20, math.ceil(1500 / per_epoch))))
    return dataclasses.replace(config, **updates), notes, False
