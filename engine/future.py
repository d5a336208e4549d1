"""After the data ends: the forecast's dates, and the known-future covariates of those dates
from a `future` table (a CSV or a DataFrame)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from engine.dates import ns
from engine.table_input import (
    SHOW,
    DataError,
    Reading,
    Rows,
    detect_date_column,
    parse_date_column,
    read_csv,
)


def future_dates(dates: pd.DatetimeIndex, freq: str | None, steps: int) -> pd.DatetimeIndex:
    """The `steps` dates after the last one."""
    try:
        if freq:
            return pd.date_range(dates[-1], periods=steps + 1, freq=freq)[1:]
        step = pd.Timedelta(int(np.median(np.diff(ns(dates)))))
        return pd.DatetimeIndex([dates[-1] + step * (k + 1) for k in range(steps)])
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        raise DataError(
            f"{steps} steps after {dates[-1]} run past 2262-04-11, the last date pandas holds"
        ) from None


def load_future(
    source: str | os.PathLike | pd.DataFrame,
    needed: pd.DatetimeIndex,
    columns: list[str],
    reading: Reading | None = None,
) -> pd.DataFrame:
    """Covariate values for the dates after the data ends, from a `future` table (read as the
    data is: `reading`)."""
    what = "the `future` file" if not isinstance(source, pd.DataFrame) else "the future table"
    if isinstance(source, pd.DataFrame):
        df = source.reset_index(drop=isinstance(source.index, pd.RangeIndex)).copy()
        rows = Rows(False)
    else:
        df = read_csv(source, reading)
        rows = Rows(True)
    df.columns = [str(c).strip() for c in df.columns]
    date = detect_date_column(df)
    dates = parse_date_column(df[date], date, rows, [], reading)
    absent = [c for c in columns if c not in df.columns]
    if absent:
        raise DataError(
            f"{what} has no column {', '.join(map(repr, absent))} (needs {', '.join(columns)})"
        )
    table = df[columns].copy()
    table.index = pd.DatetimeIndex(dates)
    table = table[~table.index.duplicated(keep="first")]
    lacking = needed.difference(table.index)
    if len(lacking):
        shown = ", ".join(str(d.date()) for d in lacking[:SHOW])
        raise DataError(f"{what} lacks {len(lacking)} of the forecast dates: {shown}")
    return table.loc[needed]
