"""The run: named stages, each a function of typed inputs and outputs, for one series.

settle          config + data -> Setting: automatic settings, the split, the holdout's
                origins, the forecast's dates and known-future covariates (setting.py)
fit             Setting -> [Network]: one network per input mode (`inputs`: "auto" tries
                level, seasonal for seasonal data, and global when the training rows' level
                is stationary by KPSS) and seed (`seeds`), each trained on the rows before
                the holdout and early-stopped on the last tenth of its training windows;
                a checkpoint (`load`) gives its networks instead (networks.py)
candidates      [Network] -> [Candidate]: each mode's networks, and all of them averaged
                (candidates.py)
select          -> Selection: every candidate and baseline scored on the holdout; the best
                candidate, averaged with the best baseline when that does better
                (choice.py); when a baseline beats it, a warning says so and (`fallback`,
                on by default) the baseline forecasts (selection.py); a loaded checkpoint's
                own holdout figures decide, not a re-scoring (saved_holdout.py)
refit           -> Refit: the chosen networks trained again on all rows for the epochs their
                first fit found best, so the newest data is not thrown away (`refit`)
forecast ahead  -> the `horizon` steps after the data
calibrate       -> interval columns (`intervals`, e.g. [80]) from the chosen forecaster's
                holdout errors (intervals.py), or a loaded checkpoint's saved ones
assemble        -> ForecastResult (and the checkpoint, `save`, with the holdout's figures,
                once everything succeeded)
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.data import SeriesData
from engine.forecast import builtin, persistence, saved_holdout
from engine.forecast.candidates import network_candidates
from engine.forecast.config import ForecastConfig, ForecastError, checked
from engine.forecast.intervals import calibrate, scaled_errors
from engine.forecast.networks import Network, Refit, fit_networks, forecast_ahead, loaded_networks
from engine.forecast.networks import refit as refit_networks
from engine.forecast.prepare import load_data
from engine.forecast.result import Choice, ForecastResult, HoldoutSpan, Training, iso_dates
from engine.forecast.saved_holdout import SavedHoldout
from engine.forecast.scoring import baselines
from engine.forecast.selection import Selection, combine_with, select
from engine.forecast.setting import Loaded, Setting, settle
from engine.table_input import DataError


def run_forecast(
    config: ForecastConfig | dict,
    on_event: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ForecastResult:
    """Train (or load) a model, score it on the holdout beside the baselines, and forecast the
    `horizon` steps after the data.

    Raises DataError for problems with the data and ForecastError for the rest (both ValueError);
    the data's warnings (duplicates dropped, dates sorted...) ride on the exception as
    `.warnings`, so a caller can show them even when the run fails.
    """
    config = builtin.adjust_config(checked(config))
    loaded = None
    if config.load is not None:
        config, models, meta = persistence.apply_checkpoint(config)
        loaded = Loaded(tuple(models), meta)
    series = load_data(config)
    warnings = list(series.warnings)
    try:
        return run_series(config, series, loaded, warnings, on_event, should_stop)
    except (DataError, ForecastError) as e:
        e.warnings = list(dict.fromkeys(warnings))
        raise


def run_series(
    config: ForecastConfig,
    series: SeriesData,
    loaded: Loaded | None,
    warnings: list[str],
    on_event: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> ForecastResult:
    """Every stage for one series; `warnings` collects what the run has to say."""
    s = settle(config, series, loaded)
    if loaded is None:
        networks = fit_networks(s, on_event, should_stop)
    else:
        networks = loaded_networks(s, loaded)
    candidates = network_candidates(networks, loaded=loaded is not None)
    combine = combine_with(s, None if loaded is None else loaded.meta, warnings)
    saved = None if loaded is None else saved_holdout.read(loaded.meta, s.series.targets, s.h)
    sel = select(s, candidates, combine, warnings, saved)
    training, history = _training(s, networks, sel, loaded, warnings)
    refit = None
    if loaded is None and sel.chosen == "model" and s.config.refit and _refittable(s, training):
        refit = refit_networks(s, list(sel.members), on_event, should_stop)
    if refit is not None:
        seconds = training.seconds + refit.run.seconds
        training = dataclasses.replace(training, refit=refit.run, seconds=seconds)
    models = refit.models if refit is not None else tuple(n.model for n in sel.members)
    made = Made(tuple(networks), sel, refit, models, training, history, saved)
    return _assemble(s, made, loaded, warnings)


@dataclass(frozen=True)
class Made:
    """What the stages made of one series, before it is assembled into a result."""

    networks: tuple[Network, ...]  # every network fitted (or loaded)
    sel: Selection
    refit: Refit | None
    models: tuple[Any, ...]  # the networks that forecast: refit, or as validated
    training: Training
    history: dict[str, list[float]]
    saved: SavedHoldout | None  # a loaded checkpoint's own holdout figures


def _refittable(s: Setting, training: Training) -> bool:
    return training.reason != "cancelled" and s.rows - s.prep.n_train > 0


def _training(
    s: Setting, networks: list[Network], sel: Selection, loaded: Loaded | None, warnings: list
) -> tuple[Training, dict[str, list[float]]]:
    """(training summary, the lead network's loss history); a cancel is said in `warnings`."""
    if loaded is not None:
        return Training("loaded", checkpoint=str(s.config.load)), {}
    if s.short:
        return Training("not_trained"), {}
    fr = sel.members[0].fit
    reason = fr.reason
    if any(n.fit.reason == "cancelled" for n in networks):
        reason = "cancelled"
        warnings.append(f"training was cancelled after {fr.epochs_run} epoch(s)")
    training = Training(
        reason,
        seconds=sum(n.fit.seconds for n in networks),
        epochs_run=fr.epochs_run,
        best_epoch=fr.best_epoch,
        best_val_loss=fr.best_val_loss,
    )
    return training, {k: list(v) for k, v in fr.history.items()}


def _ahead(s: Setting, sel: Selection, models: list[Any]) -> np.ndarray:
    """The forecast (h, T) of the steps after the data: the chosen networks' (averaged with a
    baseline when that won), or the baseline's."""
    last = baselines(s.prep, s.last, s.h)
    if sel.chosen != "model":
        return last[sel.chosen][0]
    return sel.pick.forecast(forecast_ahead(s, list(sel.members), models), last)[0]


def _assemble(s: Setting, made: Made, loaded: Loaded | None, warnings: list[str]):
    """The result (and the checkpoint, when `save`, written only once everything succeeded)."""
    config, series, sel = s.config, s.series, made.sel
    values = _ahead(s, sel, list(made.models))
    forecast = pd.DataFrame({"date": s.dates})
    for k, t in enumerate(series.targets):
        forecast[t] = values[:, k]
    errors = made.saved.errors if made.saved is not None else None
    if errors is None and (config.intervals or config.save is not None):
        errors = scaled_errors(s, sel)
    for column, bounds in calibrate(s, values, errors).items():
        forecast[column] = bounds
    choice = _choice(s, made, loaded)
    meta = loaded.meta if loaded is not None else _metadata(s, made, choice.holdout, errors)
    if config.save is not None and loaded is None:
        persistence.save(config.save, list(made.models), meta)
    sc = sel.scores
    return ForecastResult(
        metrics=sc.metrics,
        forecast=forecast,
        holdout=sc.frame,
        warnings=list(dict.fromkeys(warnings)),
        checkpoint=meta,
        metrics_by_target=sc.by_target,
        history=made.history,
        training=made.training,
        targets=list(series.targets),
        season=s.prep.season,
        choice=choice,
        intervals=[float(v) for v in config.intervals],
        other_metrics=sc.other,
        model_label=f"{config.model} ({config.strategy})",
        freq=series.freq,
    )


def _metadata(
    s: Setting, made: Made, span: HoldoutSpan, errors: np.ndarray | None
) -> dict[str, Any]:
    """What a checkpoint of this run holds: persistence.metadata, the choice, and the holdout's
    figures and scaled errors (so a load reports these, not a re-scoring)."""
    sel = made.sel
    if not made.models:
        return {"chosen": sel.chosen}
    meta = persistence.metadata(s.config, s.prep, made.models[0].config.to_dict())
    meta.update(
        inputs=sel.members[0].mode,
        members=[n.mode for n in sel.members],
        combined_with=sel.pick.combined_with,
        scale_floor=s.floor.tolist(),
        chosen=sel.chosen,
    )
    if errors is not None:
        sc = sel.scores
        kept = SavedHoldout(sc.metrics, sc.other, sc.by_target, span, errors)
        meta[saved_holdout.KEY] = kept.to_meta()
    return meta


def _choice(s: Setting, made: Made, loaded: Loaded | None) -> Choice:
    sel, models = made.sel, made.models
    notes = s.notes
    if made.saved is not None:
        span = made.saved.span
        notes += (made.saved.note(),)
    else:
        span = _span(s)
        notes += (saved_holdout.RESCORED,) if loaded is not None else ()
    return Choice(
        forecast=sel.chosen,
        inputs=sel.pick.network,
        combined_with=sel.pick.combined_with,
        inputs_tried=tuple(dict.fromkeys(n.mode for n in made.networks)),
        seeds=s.config.seeds,
        refit=made.refit is not None,
        window=s.config.window,
        horizon=s.h,
        hidden=models[0].config.hidden if models else None,
        holdout=span,
        notes=notes,
    )


def _span(s: Setting) -> HoldoutSpan:
    """The holdout's period, rows and windows, its dates written as the data's frequency says."""
    dates, hold = s.series.dates, s.hold
    start, end = iso_dates([dates[hold[0]], dates[hold[-1] + s.h - 1]], s.series.freq)
    return HoldoutSpan(start, end, int(s.rows - s.prep.n_train), int(len(hold)))


def forecast_from_checkpoint(
    path: str | os.PathLike,
    data: str | os.PathLike | pd.DataFrame | None = None,
    **options: Any,
) -> ForecastResult:
    """Forecast with a saved model, no training: `data` a CSV/DataFrame (None: the built-in set).

    `options` are other ForecastConfig fields (date, fill, future, test_size, test_start...).
    """
    return run_forecast(ForecastConfig(data=data, load=Path(path), **options))
