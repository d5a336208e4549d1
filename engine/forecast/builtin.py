"""The built-in data sets' special cases, in one place: what `transit` and `sine` imply.

A config without `data` forecasts a built-in series; each knows things a CSV cannot tell us
(transit's default covariate and its own future calendar, sine's stand-in dates and cycle).
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from engine.forecast.config import ForecastConfig


def is_builtin(config: ForecastConfig, name: str) -> bool:
    """Does the run forecast the built-in data set `name`?"""
    return config.data is None and config.dataset == name


def adjust_config(config: ForecastConfig) -> ForecastConfig:
    """Settings a built-in series implies before anything runs."""
    if is_builtin(config, "sine"):
        # seed 003's wave: its dates are a stand-in, so no calendar; a cycle is 40 points
        return dataclasses.replace(config, calendar=False, season=config.season or 40)
    return config


def default_covariates(config: ForecastConfig) -> list[str]:
    """The covariates a run uses: as configured, else the built-in transit set's day type."""
    if config.covariates is not None:
        return list(config.covariates)
    if is_builtin(config, "transit") and not config.targets:
        return ["day_type"]
    return []


def frame(config: ForecastConfig) -> pd.DataFrame:
    """The built-in series as a DataFrame with a `date` column."""
    from engine import datasets

    if config.dataset == "sine":
        y = datasets.sine()
        return pd.DataFrame({"date": pd.date_range("2020-01-01", periods=len(y)), "y": y})
    return datasets.transit(seed=config.seed)


def future_covariates(
    config: ForecastConfig, columns: list[str], dates: pd.DatetimeIndex
) -> pd.DataFrame | None:
    """Covariates a built-in series knows for dates after its end (transit's calendar), or None."""
    if is_builtin(config, "transit") and columns == ["day_type"]:
        from engine import datasets

        return pd.DataFrame({"day_type": datasets.transit_day_types(dates)}, index=dates)
    return None
