"""The run itself: config -> data -> model (trained or loaded) -> holdout scores -> forecast."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.covariates import CovariateSpec
from engine.data import DataError, future_dates
from engine.forecast import builtin, persistence
from engine.forecast.config import ForecastConfig, ForecastError, checked
from engine.forecast.prepare import future_covariates, load_data, prepare
from engine.forecast.result import ForecastResult
from engine.forecast.scoring import score
from engine.forecast.strategies import predict, train
from engine.scaling import Scaler
from engine.windows import last_window, make_windows, origins_between


def run_forecast(
    config: ForecastConfig | dict,
    on_event: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
    *,
    ahead: bool = True,
) -> ForecastResult:
    """Train (or load) a model, score it on the holdout beside the baselines, and forecast.

    Raises DataError for problems with the data and ForecastError for the rest (both ValueError).
    `ahead=False` skips the forecast after the data ends (backtests need only the holdout).
    """
    config = builtin.adjust_config(checked(config))
    model = meta = None
    if config.load is not None:
        config, model, meta = persistence.apply_checkpoint(config)
    series = load_data(config)
    warnings = list(series.warnings)
    if meta is not None:
        spec = CovariateSpec.from_dict(meta["covariate_spec"])
        if list(series.targets) != meta["targets"]:
            raise ForecastError(
                f"the checkpoint forecasts {', '.join(meta['targets'])}; "
                f"the data gives {', '.join(series.targets)}"
            )
        prep = prepare(config, series, Scaler.from_dict(meta["target_scaler"]), spec)
        if prep.spec.size + len(series.targets) != meta["model_config"]["input_size"]:
            raise ForecastError("the checkpoint's inputs do not match this data's columns")
        history, training = {}, {"reason": "loaded", "checkpoint": str(config.load)}
    else:
        prep = prepare(config, series)
        model, fr = train(config, prep, on_event, should_stop)
        history = {k: list(v) for k, v in fr.history.items()}
        training = {
            "reason": fr.reason,
            "epochs_run": fr.epochs_run,
            "best_epoch": fr.best_epoch,
            "best_val_loss": fr.best_val_loss,
            "seconds": fr.seconds,
        }
        if fr.reason == "cancelled":
            warnings.append(f"training was cancelled after {fr.epochs_run} epoch(s)")
        meta = persistence.metadata(config, prep, model.config.to_dict())
        if config.save is not None:
            persistence.save(config.save, model, meta)

    h = config.horizon
    holdout_origins = origins_between(prep.n_train, len(prep.y), config.window, h, len(prep.y))
    if len(holdout_origins) == 0:
        raise DataError(
            f"no holdout window: the test part has {len(prep.y) - prep.n_train} rows for "
            f"horizon {h}; use a larger --test-size or smaller --horizon"
        )
    if holdout_origins.min() < prep.season:
        prep.season = 1
    win = make_windows(prep.y, prep.cov, holdout_origins, config.window, h)
    metrics, by_target, holdout = score(config, prep, model, win, warnings)

    # the horizon after the data ends
    dates = future_dates(series.dates, series.freq, h) if ahead else pd.DatetimeIndex([])
    forecast = pd.DataFrame({"date": dates})
    if ahead:
        fut = future_covariates(config, prep, dates)
        x_last = last_window(prep.y, prep.cov, config.window)
        x_fut = None if fut is None else fut[None].astype(np.float32)
        pred = predict(model, config.strategy, h, x_last, x_fut)[0]
        values = prep.target_scaler.inverse(pred)
        for k, t in enumerate(series.targets):
            forecast[t] = values[:, k]
    return ForecastResult(
        metrics=metrics,
        forecast=forecast,
        holdout=holdout,
        warnings=list(dict.fromkeys(warnings)),
        checkpoint=meta,
        metrics_by_target=by_target,
        history=history,
        training=training,
        targets=list(series.targets),
        season=prep.season,
    )


def forecast_from_checkpoint(
    path: str | os.PathLike,
    data: str | os.PathLike | pd.DataFrame | None = None,
    **options: Any,
) -> ForecastResult:
    """Forecast with a saved model, no training: `data` a CSV/DataFrame (None: the built-in set).

    `options` are other ForecastConfig fields (date, fill, future, test_size, test_start...).
    """
    return run_forecast(ForecastConfig(data=data, load=Path(path), **options))
