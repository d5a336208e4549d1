"""Data preparation: load (and cut) the series, split train/test, scale, encode covariates."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from engine.baselines import season_length
from engine.covariates import (
    CovariateError,
    CovariateSpec,
    calendar_kind,
    encode_covariates,
    fit_covariates,
)
from engine.data import SeriesData, check_length, load_future, load_series
from engine.forecast import builtin
from engine.forecast.config import ForecastConfig
from engine.scaling import Scaler
from engine.table_input import DataError


@dataclass
class Prepared:
    series: SeriesData
    y_raw: np.ndarray  # (N, n_targets) in the data's units
    y: np.ndarray  # scaled
    cov: np.ndarray | None  # (N, Fc) encoded covariates, None without any
    n_train: int
    target_scaler: Scaler
    spec: CovariateSpec
    season: int


def load_data(config: ForecastConfig) -> SeriesData:
    """The configured series (a CSV/DataFrame, or a built-in data set), cut at `end`."""
    series = _load_all(config)
    first, last = _date(config.start, "start"), _date(config.end, "end")
    if first is None and last is None:
        return series
    frame = series.frame  # sorted, unique dates: label slicing is inclusive at both ends
    kept = frame.loc[first:last]
    if kept.empty:
        bounds = (("on or after", first), ("on or before", last))
        span = " and ".join(f"{what} {when.date()}" for what, when in bounds if when is not None)
        raise DataError(f"no rows dated {span}; check `start` and `end`")
    beyond = None if last is None else frame.loc[frame.index > last]
    return dataclasses.replace(series, frame=kept, beyond=beyond)


def _date(text: str | None, what: str) -> pd.Timestamp | None:
    if text is None:
        return None
    try:
        return pd.Timestamp(text)
    except (ValueError, TypeError):
        raise DataError(f"{what} {text!r} is not a date; write it as YYYY-MM-DD") from None


def _load_all(config: ForecastConfig) -> SeriesData:
    covariates = builtin.default_covariates(config)
    if config.data is not None:
        return load_series(
            config.data,
            date=config.date,
            targets=config.targets or None,
            covariates=covariates,
            fill=config.fill,
            reading=config.reading(),
            max_fill=config.max_fill,
        )
    return load_series(
        builtin.frame(config),
        date="date",
        targets=config.targets or None,
        covariates=covariates,
        fill=config.fill,
    )


def split(config: ForecastConfig, dates: pd.DatetimeIndex) -> int:
    """How many leading rows are training rows."""
    n = len(dates)
    if config.test_start is not None:
        start = _date(config.test_start, "test start")
        n_train = int(np.searchsorted(dates.values, np.datetime64(start), side="left"))
        if n_train == 0 or n_train >= n:
            raise DataError(
                f"test start {start.date()} leaves no {'training' if n_train == 0 else 'test'} "
                f"rows: the data runs from {dates[0].date()} to {dates[-1].date()}"
            )
        return n_train
    test = config.test_size or max(2 * config.horizon, round(0.1 * n))
    return n - test


def prepare(
    config: ForecastConfig,
    series: SeriesData,
    target_scaler: Scaler | None = None,
    spec: CovariateSpec | None = None,
    *,
    check: bool = True,
) -> Prepared:
    """Scale (fitted on the training rows unless given, e.g. from a checkpoint) and encode.

    check: refuse data too short for the window and horizon (off when only the baselines run).
    """
    frame = series.frame
    n_train = split(config, series.dates)
    if check:
        check_length(len(frame), config.window, config.horizon, len(frame) - n_train)
    y_raw = frame[series.targets].to_numpy(np.float64)
    if target_scaler is None:
        target_scaler = Scaler.fit(y_raw[:n_train], config.scaling)
    if spec is None:
        cal = calendar_kind(series.freq) if config.calendar else None
        spec = fit_covariates(
            frame, series.covariates, n_train, cal, config.scaling, config.holidays
        )
    try:
        cov = encode_covariates(frame, spec) if spec.size else None
    except CovariateError as e:
        raise DataError(str(e)) from None
    season = season_length(series.freq, config.season)
    return Prepared(
        series, y_raw, target_scaler.transform(y_raw), cov, n_train, target_scaler, spec, season
    )


def future_covariates(
    config: ForecastConfig, prep: Prepared, dates: pd.DatetimeIndex
) -> np.ndarray | None:
    """Encoded covariates for dates after the data ends: --future table or derived from dates."""
    spec = prep.spec
    if not spec.size:
        return None
    frame = pd.DataFrame(index=dates)
    if spec.columns:
        beyond = prep.series.beyond
        if config.future is not None:
            frame = load_future(config.future, dates, spec.columns, config.reading())
        elif beyond is not None and dates.isin(beyond.index).all():
            frame = beyond.loc[dates, spec.columns]  # the rows after --end know these days
        elif (known := builtin.future_covariates(config, spec.columns, dates)) is not None:
            frame = known  # a built-in series knows its own calendar
        else:
            raise DataError(
                f"the forecast after {prep.series.dates[-1].date()} needs the covariate(s) "
                f"{', '.join(spec.columns)} for {dates[0].date()} to {dates[-1].date()}; "
                "give them in a CSV (a date column plus those columns) with `future`"
            )
    try:
        return encode_covariates(frame, spec, "the `future` file")
    except CovariateError as e:
        raise DataError(str(e)) from None
