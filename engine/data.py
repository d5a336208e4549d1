"""Load a time series from a CSV or a DataFrame and check it, saying what is wrong and where.

Rows are named as a user finds them: "line N" of a CSV (N = DataFrame index + 2, the header being
line 1) or "row N" of a DataFrame. Fixable problems become warnings (strings, collected in
`SeriesData.warnings`); the others raise DataError with what, where and how to fix. A fix
names the config field in backticks (`fill`), never a command-line flag: the CLI shows its flag
(--fill), the app and lesson jobs the field they set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import IO

import numpy as np
import pandas as pd

from engine.dates import describe, infer_frequency, is_number_column, ns
from engine.future import future_dates, load_future
from engine.suggest import did_you_mean
from engine.table_input import (
    SHOW,
    DataError,
    Reading,
    Rows,
    detect_date_column,
    mostly_numeric,
    parse_date_column,
    read_csv,
    source_name,
)
from engine.vocabulary import FILLS

__all__ = ["Reading", "SeriesData", "check_length", "detect_date_column",
           "future_dates", "infer_frequency", "load_future", "load_series", "read_csv"]  # fmt: skip

# CSV columns are often named with a letter or two, where one typo already scores below the
# project's 0.7 ('yy' against 'y' scores 0.67), so column names are matched more loosely
COLUMN_CUTOFF = 0.6
# float32 training and float64 statistics (squares of values) overflow long before float64's
# 1.8e308; values this large are almost always a unit or parsing slip, so they are refused
MAX_MAGNITUDE = 1e15
# `fill` may invent at most this share of the rows (percent) unless told more: a wrong date
# order or a wrong frequency otherwise "fills" a monthly series into thousands of made-up days
MAX_FILL = 20.0


@dataclass
class SeriesData:
    """A checked series: `frame` is indexed by date (sorted, unique): targets, then covariates."""

    frame: pd.DataFrame
    targets: list[str]
    covariates: list[str] = field(default_factory=list)
    freq: str | None = None  # pandas offset alias when the dates are on a regular grid
    warnings: list[str] = field(default_factory=list)
    date_column: str = "date"
    source: str = "data"
    # rows after an `end` cut-off: not trained or scored on, but they can supply known-future
    # covariates (tomorrow's day type) for the forecast after the cut-off
    beyond: pd.DataFrame | None = None

    @property
    def dates(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.frame.index)


# --- load_series: a sequence of named checks -------------------------------------------------


@dataclass
class _Load:
    """What the checks share: the raw table, how to name its rows, and what was changed."""

    df: pd.DataFrame
    name: str
    rows: Rows
    fill: str | None
    warnings: list[str] = field(default_factory=list)
    max_fill: float = MAX_FILL


def load_series(
    source: str | os.PathLike | pd.DataFrame | IO[bytes],
    *,
    date: str | None = None,
    targets: list[str] | tuple[str, ...] | None = None,
    covariates: list[str] | tuple[str, ...] = (),
    fill: str | None = None,
    reading: Reading | None = None,
    max_fill: float | None = None,
    label: str | None = None,
) -> SeriesData:
    """Read and check a series. `targets` None: the only numeric column (DataError if several).

    source: a CSV path ("-" or a binary stream: standard input) or a DataFrame. reading: the
    separator, decimal mark and date order when the file's own text should not decide them.
    max_fill: the most of the rows, in percent, that `fill` may invent. label: prefixes every
    message and warning (a panel names its series: "series 'A': ...").
    Each step below checks one thing and raises DataError naming what, where and the fix.
    """
    try:
        series = _load(source, date, targets, list(covariates), fill, reading, max_fill)
    except DataError as e:
        raise DataError(f"{label}: {e}" if label else str(e)) from None
    if label:
        series.warnings = [f"{label}: {w}" for w in series.warnings]
    return series


def _load(source, date, targets, covariates, fill, reading, max_fill) -> SeriesData:
    if fill is not None and fill not in FILLS:
        raise DataError(f"fill must be one of {', '.join(FILLS)}, not {fill!r}")
    load = _read_table(source, date, fill, reading)
    load.max_fill = MAX_FILL if max_fill is None else float(max_fill)
    date = date or detect_date_column(load.df)
    if date in load.df.columns:  # a long table is named before its columns are counted
        dates = parse_date_column(load.df[date], date, load.rows, load.warnings, reading)
        _one_series(load, dates, date)
    targets, covariates = _choose_columns(load, date, targets, covariates)
    data = _numeric_targets(load, targets, covariates)
    _finite_values(load, data, targets + _numeric(data, covariates))
    missing = _missing_targets(load, data, targets)
    data.insert(0, "__line", np.arange(len(load.df)))
    data.index = pd.DatetimeIndex(dates, name="date")
    data = _in_date_order(load, data)
    data = _one_row_per_date(load, data).drop(columns="__line")
    data, freq = _on_a_grid(load, data, missing)
    _fill_targets(load, data, targets, missing)
    _complete_covariates(load, data, covariates)
    return SeriesData(data, targets, covariates, freq, load.warnings, date, load.name)


def _read_table(source, date: str | None, fill, reading: Reading | None) -> _Load:
    """The table, its columns' names stripped; at least one row."""
    if isinstance(source, pd.DataFrame):
        df = source.reset_index(drop=True).copy()
        load = _Load(df, "the data", Rows(False), fill)
        if isinstance(source.index, pd.DatetimeIndex) and date is None:
            df.insert(0, source.index.name or "date", source.index)
    else:
        load = _Load(read_csv(source, reading), source_name(source), Rows(True), fill)
    load.df.columns = [str(c).strip() for c in load.df.columns]
    if load.df.empty:
        raise DataError(f"{load.name} has a header but no rows of data")
    return load


# the names long tables give the column that says which series a row belongs to
ID_NAMES = ("unique_id", "id", "series", "series_id", "item", "item_id", "store", "sku", "key")


def _one_series(load: _Load, dates: pd.Series, date: str) -> None:
    """A long table (each date once per id: unique_id, ds, y) is several series, not one
    series with duplicated dates: say so, and how to read it."""
    if not dates.duplicated().any():
        return
    for c in _id_candidates(load.df, date):
        ids = load.df[c]
        if ids.nunique() < 2 or pd.DataFrame({"d": dates, "i": ids}).duplicated().any():
            continue
        shown = ", ".join(map(repr, ids.dropna().unique()[:3].tolist()))
        raise DataError(
            f"{load.name} looks like a long table: column {c!r} names {ids.nunique()} series "
            f"({shown}, ...), and each date appears once per series. Read it as many series "
            f"with `id` {c}, or keep the rows of one {c} to forecast one series"
        )


def _id_candidates(df: pd.DataFrame, date: str) -> list[str]:
    """Text columns, and columns named like ids, that repeat their values: named ones first."""
    out = []
    for c in df.columns:
        if c == date:
            continue
        named = str(c).lower() in ID_NAMES
        if named or not is_number_column(df[c]):
            out.append((not named, c))
    return [c for _, c in sorted(out, key=lambda t: t[0])]


def _choose_columns(
    load: _Load, date: str, targets, covariates: list[str]
) -> tuple[list[str], list[str]]:
    """The date, target and covariate columns exist and are distinct; targets default to the
    only numeric column."""
    df = load.df

    def need(col: str, what: str, field: str) -> None:  # field: the config field naming it
        if col not in df.columns:
            hint = did_you_mean(col, df.columns, COLUMN_CUTOFF)
            raise DataError(
                f"{what} column {col!r} is not in {load.name}{hint}; columns: "
                f"{', '.join(df.columns)}. Name it with `{field}`"
            )

    need(date, "date", "date")
    if targets:
        targets = list(targets)
    else:
        numeric = [
            c for c in df.columns if c != date and c not in covariates and mostly_numeric(df[c])
        ]
        others = [c for c in df.columns if c != date and c not in covariates]
        if not numeric and len(others) == 1:
            numeric = others  # the only candidate: let the value check name its bad cells
        if len(numeric) != 1:
            listed = ", ".join(numeric) if numeric else "none"
            raise DataError(
                f"which column should be forecast? numeric columns: {listed}; "
                "name one or more with `targets`"
            )
        targets = numeric
    for t in targets:
        need(t, "target", "targets")
    for c in covariates:
        need(c, "covariate", "covariates")
    both = sorted(set(targets) & set(covariates))
    if both or date in targets or date in covariates:
        raise DataError(
            f"a column is used twice (date/target/covariate): {', '.join(both) or date}"
        )
    return targets, covariates


def _numeric_targets(load: _Load, targets: list[str], covariates: list[str]) -> pd.DataFrame:
    """Targets must be numbers: say which cells are not."""
    data = load.df[targets + covariates].copy()
    for t in targets:
        col = data[t]
        num = pd.to_numeric(col, errors="coerce") if not pd.api.types.is_numeric_dtype(col) else col
        bad_text = np.flatnonzero((num.isna() & col.notna()).to_numpy())
        if len(bad_text):
            vals = [str(col.iloc[i]) for i in bad_text[:SHOW]]
            raise DataError(
                f"target {t!r} has {len(bad_text)} non-numeric value(s): "
                f"{load.rows.many(bad_text, vals)}"
            )
        data[t] = num.astype(float)
    return data


def _numeric(data: pd.DataFrame, columns: list[str]) -> list[str]:
    return [
        c
        for c in columns
        if pd.api.types.is_numeric_dtype(data[c]) and not pd.api.types.is_bool_dtype(data[c])
    ]


def _finite_values(load: _Load, data: pd.DataFrame, columns: list[str]) -> None:
    """inf, -inf and values beyond ±MAX_MAGNITUDE cannot be trained on: name row and column."""
    for c in columns:
        values = data[c].to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(np.isinf(values) | (np.abs(values) > MAX_MAGNITUDE))
        if len(bad):
            vals = [str(data[c].iloc[i]) for i in bad[:SHOW]]
            raise DataError(
                f"column {c!r} has {len(bad)} value(s) that are infinite or beyond "
                f"±{MAX_MAGNITUDE:.0e}: {load.rows.many(bad, vals)}. Fix them, or rescale the "
                "column (e.g. thousands instead of units)"
            )


def _missing_targets(load: _Load, data: pd.DataFrame, targets: list[str]) -> dict:
    """Empty target cells: an error unless `fill`; a target with no value at all always is."""
    missing = {t: np.flatnonzero(data[t].isna().to_numpy()) for t in targets}
    missing = {t: m for t, m in missing.items() if len(m)}
    empty = [t for t, m in missing.items() if len(m) == len(data)]
    if empty:
        raise DataError(
            f"target {', '.join(map(repr, empty))} has no values at all in {load.name}: "
            "nothing to learn from or fill with"
        )
    if missing and load.fill is None:
        parts = [f"{t!r} at {load.rows.many(m)}" for t, m in missing.items()]
        raise DataError(
            "missing target value(s): "
            + "; ".join(parts)
            + ". Fill them with `fill` interpolate or `fill` ffill, or fix the file"
        )
    return missing


def _in_date_order(load: _Load, data: pd.DataFrame) -> pd.DataFrame:
    """Unsorted dates are sorted, with a note naming the first one out of order."""
    if data.index.is_monotonic_increasing:
        return data
    first = int(np.argmax(np.diff(ns(data.index)) < 0)) + 1
    load.warnings.append(
        f"dates were not in order (first out of order at {load.rows(first)}, "
        f"{data.index[first].date()}); sorted them"
    )
    return data.sort_index(kind="stable")


def _one_row_per_date(load: _Load, data: pd.DataFrame) -> pd.DataFrame:
    """Exact duplicates are dropped (counted); the same date with other values is an error."""
    dup = data.index.duplicated(keep=False)
    if not dup.any():
        return data
    values = data.drop(columns="__line")
    exact = values.reset_index().duplicated(keep="first").to_numpy()
    conflicting = dup & ~values.reset_index().duplicated(keep=False).to_numpy()
    if conflicting.any():
        lines = data["__line"].to_numpy()[conflicting]
        days = sorted({str(d.date()) for d in data.index[conflicting]})
        raise DataError(
            f"{len(days)} date(s) appear more than once with different values: "
            f"{', '.join(days[:SHOW])}{' and more' if len(days) > SHOW else ''} "
            f"({load.rows.many(lines)}). Keep one row per date"
        )
    load.warnings.append(
        f"dropped {int(exact.sum())} exact duplicate row(s) (same date, same values)"
    )
    return data[~exact]


def _on_a_grid(load: _Load, data: pd.DataFrame, missing: dict) -> tuple[pd.DataFrame, str | None]:
    """The dates' frequency; dates missing from it are an error unless `fill` adds them."""
    freq = infer_frequency(pd.DatetimeIndex(data.index))
    if freq is None:
        if len(data) >= 3:
            load.warnings.append(
                "the dates are not on a regular grid; forecast dates use the median step"
            )
        return data, None
    grid = pd.date_range(data.index[0], data.index[-1], freq=freq)
    gaps = grid.difference(data.index)
    if len(gaps):
        first_gaps = ", ".join(str(g.date() if g == g.normalize() else g) for g in gaps[:SHOW])
        what = "business day(s)" if freq == "B" else "date(s)"
        if load.fill is None:
            raise DataError(
                f"{len(gaps)} {what} missing from the regular {describe(freq)} "
                f"frequency, first: "
                f"{first_gaps}. Fill them with `fill` interpolate or `fill` ffill"
            )
        _check_fill_share(load, len(gaps), len(grid), missing, freq)
        data = data.reindex(grid)
        data.index.name = "date"
        load.warnings.append(
            f"filled {len(gaps)} missing {what} ({load.fill}), first: {first_gaps}"
        )
    elif missing and load.fill is not None:
        _check_fill_share(load, 0, len(data), missing, freq)
    return data, freq


def _check_fill_share(load: _Load, gaps: int, rows: int, missing: dict, freq: str) -> None:
    """DataError when `fill` would invent more than `max_fill` percent of the rows: far more
    often a misread date order or frequency than a series with that much missing."""
    cells = {int(i) for m in missing.values() for i in m}
    invented = gaps + len(cells)
    share = 100 * invented / max(rows, 1)
    if share <= load.max_fill:
        return
    raise DataError(
        f"filling would invent {invented:,} of {rows:,} rows ({share:.0f}%) of a "
        f"{describe(freq)} series, more than `max_fill` {load.max_fill:g}%: check the dates "
        "(their order, day-first or month-first, and their frequency) or allow it with "
        f"`max_fill` {min(100, int(share) + 1)}"
    )


def _fill_targets(load: _Load, data: pd.DataFrame, targets: list[str], missing: dict) -> None:
    """Empty target cells (and the rows added for missing dates) filled as asked."""
    if not int(data[targets].isna().to_numpy().sum()):
        return
    if load.fill == "interpolate":
        data[targets] = data[targets].interpolate(method="time", limit_direction="both")
    else:
        data[targets] = data[targets].ffill().bfill()
    if missing:
        load.warnings.append(
            f"filled {sum(len(m) for m in missing.values())} missing target value(s) ({load.fill})"
        )


def _complete_covariates(load: _Load, data: pd.DataFrame, covariates: list[str]) -> None:
    """Covariates need a value on every date: filled with `fill`, an error otherwise."""
    for c in covariates:
        if data[c].isna().any():
            if load.fill is None:
                where = np.flatnonzero(data[c].isna().to_numpy())
                raise DataError(
                    f"covariate {c!r} has {len(where)} missing value(s), first on "
                    f"{data.index[where[0]].date()}; fill them (`fill`) or fix the file"
                )
            if data[c].isna().all():
                raise DataError(f"covariate {c!r} has no values at all in {load.name}")
            data[c] = data[c].ffill().bfill()


def check_length(
    n_rows: int, window: int, horizon: int, n_test: int, what: str = "the data"
) -> None:
    """DataError when there are too few rows to train and test with this window and horizon."""
    need_train = window + horizon + 1  # at least two training windows
    if n_rows - n_test < need_train or n_test < horizon:
        raise DataError(
            f"{what} has {n_rows} rows: too few for window {window} and horizon {horizon} with "
            f"{n_test} test rows (need at least {need_train} training rows and {horizon} test "
            "rows). "
            "Use a smaller `window`, `horizon` or `test_size`, or more data"
        )
