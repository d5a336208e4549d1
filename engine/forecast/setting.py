"""The first stage: everything a run settles before any network is trained.

The config with its automatic settings filled in (window, holdout, model size...), the series
split and scaled, the holdout's origins, and the known-future covariates of the forecast's
dates (missing ones are an error here, not after the training). A trained run and a loaded
checkpoint both end in a `Setting`; every later stage reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from engine.baselines import season_length
from engine.covariates import CovariateSpec
from engine.data import SeriesData, future_dates
from engine.forecast import defaults
from engine.forecast.config import ForecastConfig, ForecastError
from engine.forecast.inputs import Framed, frame_windows, scale_floor
from engine.forecast.prepare import Prepared, future_covariates, prepare, split
from engine.forecast.strategies import predict
from engine.scaling import Scaler
from engine.table_input import DataError
from engine.windows import origins_between


@dataclass(frozen=True)
class Loaded:
    """A checkpoint read by `load`: its networks (one, or an ensemble's members) and metadata."""

    models: tuple[Any, ...]
    meta: dict[str, Any]

    @property
    def modes(self) -> list[str]:
        """Each network's input mode, in the order of `models`."""
        return self.meta.get("members") or [self.meta.get("inputs", "global")]


@dataclass(frozen=True)
class Setting:
    """One series, ready for the stages: what they all read, worked out once."""

    config: ForecastConfig  # settled: no automatic setting left open
    series: SeriesData
    prep: Prepared
    hold: np.ndarray  # the holdout's origins (each a first forecast step)
    floor: np.ndarray  # (T,) the smallest window scale per target (inputs.scale_floor)
    dates: pd.DatetimeIndex  # the `horizon` dates after the data
    x_future: np.ndarray | None  # (1, h, F) known-future covariates of those dates
    notes: tuple[str, ...] = ()  # what the automatic settings chose, in words
    short: bool = False  # too few rows for any network: only the baselines forecast

    @property
    def h(self) -> int:
        return self.config.horizon

    @property
    def rows(self) -> int:
        return len(self.prep.y_raw)

    @property
    def last(self) -> np.ndarray:
        """The one origin of the forecast after the data."""
        return np.array([self.rows])

    def framed(self, mode: str, origins: np.ndarray, steps: int) -> Framed:
        """Windows at `origins`, normalized as input mode `mode` says."""
        p = self.prep
        return frame_windows(
            p.y_raw, p.cov, origins, self.config.window, steps, mode, p.season, self.floor,
            p.target_scaler.shift, p.target_scaler.scale,
        )  # fmt: skip

    def holdout_of(self, mode: str, net: Any) -> np.ndarray:
        """A network's forecasts (M, h, T) at the holdout origins, in data units."""
        f = self.framed(mode, self.hold, self.h)
        return f.to_data(predict(net, self.config.strategy, self.h, f.win.x_past, f.win.x_future))


def settle(config: ForecastConfig, series: SeriesData, loaded: Loaded | None = None) -> Setting:
    """The Setting of one series: trained (`loaded` None) or from a checkpoint."""
    notes: list[str] = []
    short = False
    if loaded is None:
        config, notes, short, prep = _to_train(config, series)
    else:
        prep = _as_loaded(config, series, loaded.meta)
    h, n = config.horizon, len(prep.y_raw)
    # known-future covariates must exist before anything is trained (not 30 s later)
    dates = future_dates(series.dates, series.freq, h)
    x_future = None
    if prep.spec.size:
        x_future = future_covariates(config, prep, dates)[None].astype(np.float32)
    hold = origins_between(prep.n_train, n, config.window, h, n)
    if len(hold) == 0:
        raise DataError(
            f"no holdout window: the test part has {n - prep.n_train} rows for "
            f"horizon {h}; use a larger `test_size` or a smaller `horizon`"
        )
    if hold.min() < prep.season:
        prep.season = 1
    meta = loaded.meta if loaded is not None else {}
    floor = (
        np.asarray(meta["scale_floor"], float)
        if "scale_floor" in meta
        else scale_floor(prep.y_raw[: prep.n_train])
    )
    return Setting(config, series, prep, hold, floor, dates, x_future, tuple(notes), short)


def _to_train(config: ForecastConfig, series: SeriesData):
    """(config, notes, short, prep) for a run that trains: the automatic settings resolved."""
    n_rows = len(series.frame)
    season = season_length(series.freq, config.season)
    from_date = n_rows - split(config, series.dates) if config.test_start else None
    config, notes, short = defaults.resolve(config, n_rows, season, from_date)
    if short and config.save is not None:
        raise ForecastError(
            f"the data's {n_rows} rows are too few to train a network for horizon "
            f"{config.horizon}, so there is no model to save (leave out save)"
        )
    return config, notes, short, prepare(config, series, check=not short)


def _as_loaded(config: ForecastConfig, series: SeriesData, meta: dict) -> Prepared:
    """The series prepared with the checkpoint's scaler and covariate encoding."""
    spec = CovariateSpec.from_dict(meta["covariate_spec"])
    if list(series.targets) != meta["targets"]:
        raise ForecastError(
            f"the checkpoint forecasts {', '.join(meta['targets'])}; "
            f"the data gives {', '.join(series.targets)}"
        )
    prep = prepare(config, series, Scaler.from_dict(meta["target_scaler"]), spec)
    if prep.spec.size + len(series.targets) != meta["model_config"]["input_size"]:
        raise ForecastError("the checkpoint's inputs do not match this data's columns")
    return prep
