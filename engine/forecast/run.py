"""The run itself: config -> data -> model (trained or loaded) -> holdout scores -> forecast.

Training path, on defaults:
1. settings that fit the series (defaults.resolve): window, holdout, model size, epochs;
2. one network per input mode (`inputs`: "auto" tries level, seasonal for seasonal data, and
   global when the training rows' level is stationary by KPSS), two seeds each for small
   series (`seeds`), each trained on the rows before the holdout and early-stopped on the last
   tenth of its training windows;
3. the holdout scores every candidate (each mode's networks, and all of them averaged) beside
   the baselines; the best is "the model", averaged with the best baseline when that does
   better (choice.py); when a baseline beats it, a warning says so and (`fallback`, on by
   default) the forecast is that baseline's;
4. the chosen network is trained again on all rows (`refit`) for the epochs the first fit found
   best, so the newest data is not thrown away, and forecasts the steps after the data;
5. intervals (`intervals`, e.g. [80]) come from the chosen method's holdout errors.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.baselines import season_length
from engine.covariates import CovariateSpec
from engine.data import DataError, future_dates
from engine.forecast import builtin, defaults, persistence
from engine.forecast.choice import choose_network
from engine.forecast.config import ForecastConfig, ForecastError, checked
from engine.forecast.inputs import Framed, available_modes, frame_windows, scale_floor
from engine.forecast.prepare import future_covariates, load_data, prepare, split
from engine.forecast.result import ForecastResult
from engine.forecast.scoring import (
    BASELINE_TITLES,
    REPORTED,
    baselines,
    best_baseline,
    conformal_quantiles,
    error_of,
    level_name,
    score,
)
from engine.forecast.strategies import predict, train, train_horizon
from engine.limits import MAX_SEED
from engine.scaling import Scaler
from engine.stationarity import level_is_stationary
from engine.windows import origins_between


def run_forecast(
    config: ForecastConfig | dict,
    on_event: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
    *,
    ahead: bool = True,
) -> ForecastResult:
    """Train (or load) a model, score it on the holdout beside the baselines, and forecast.

    Raises DataError for problems with the data and ForecastError for the rest (both ValueError);
    the data's warnings (duplicates dropped, dates sorted...) ride on the exception as
    `.warnings`, so a caller can show them even when the run fails.
    `ahead=False` skips the forecast after the data ends (backtests need only the holdout).
    """
    config = builtin.adjust_config(checked(config))
    models = meta = None
    if config.load is not None:
        config, models, meta = persistence.apply_checkpoint(config)
    series = load_data(config)
    warnings = list(series.warnings)
    try:
        return _run(config, series, models, meta, warnings, on_event, should_stop, ahead)
    except (DataError, ForecastError) as e:
        e.warnings = list(dict.fromkeys(warnings))
        raise


@dataclasses.dataclass
class _Network:
    mode: str
    model: Any
    fit: Any  # FitResult, None when loaded
    holdout: np.ndarray  # (M, h, T) in data units
    seed: int = 0


def _run(config, series, models, meta, warnings, on_event, should_stop, ahead) -> ForecastResult:
    n_rows = len(series.frame)
    notes: list[str] = []
    short = False
    if meta is None:
        season = season_length(series.freq, config.season)
        from_date = n_rows - split(config, series.dates) if config.test_start else None
        config, notes, short = defaults.resolve(config, n_rows, season, from_date)
        if short and config.save is not None:
            raise ForecastError(
                f"the data's {n_rows} rows are too few to train a network for horizon "
                f"{config.horizon}, so there is no model to save (leave out save)"
            )
        prep = prepare(config, series, check=not short)
    else:
        spec = CovariateSpec.from_dict(meta["covariate_spec"])
        if list(series.targets) != meta["targets"]:
            raise ForecastError(
                f"the checkpoint forecasts {', '.join(meta['targets'])}; "
                f"the data gives {', '.join(series.targets)}"
            )
        prep = prepare(config, series, Scaler.from_dict(meta["target_scaler"]), spec)
        if prep.spec.size + len(series.targets) != meta["model_config"]["input_size"]:
            raise ForecastError("the checkpoint's inputs do not match this data's columns")
    h, N, T = config.horizon, len(prep.y_raw), prep.y_raw.shape[1]
    # known-future covariates must exist before anything is trained (not 30 s later)
    dates = future_dates(series.dates, series.freq, h) if ahead else pd.DatetimeIndex([])
    x_fut = None
    if ahead and prep.spec.size:
        x_fut = future_covariates(config, prep, dates)[None].astype(np.float32)
    hold = origins_between(prep.n_train, N, config.window, h, N)
    if len(hold) == 0:
        raise DataError(
            f"no holdout window: the test part has {N - prep.n_train} rows for "
            f"horizon {h}; use a larger `test_size` or a smaller `horizon`"
        )
    if hold.min() < prep.season:
        prep.season = 1
    floor = (
        np.asarray(meta["scale_floor"], float)
        if meta is not None and "scale_floor" in meta
        else scale_floor(prep.y_raw[: prep.n_train])
    )

    def framed(mode: str, origins: np.ndarray, steps: int) -> Framed:
        return frame_windows(
            prep.y_raw, prep.cov, origins, config.window, steps, mode, prep.season, floor,
            prep.target_scaler.shift, prep.target_scaler.scale,
        )  # fmt: skip

    def holdout_of(mode: str, net) -> np.ndarray:
        f = framed(mode, hold, h)
        return f.to_data(predict(net, config.strategy, h, f.win.x_past, f.win.x_future))

    # --- the networks -------------------------------------------------------------------
    networks: list[_Network] = []
    history: dict[str, list[float]] = {}
    training: dict[str, Any] = {}
    if meta is not None:
        modes = meta.get("members") or [meta.get("inputs", "global")]
        for mode, model in zip(modes, models, strict=True):
            networks.append(_Network(mode, model, None, holdout_of(mode, model)))
        training = {"reason": "loaded", "checkpoint": str(config.load)}
    else:
        stationary = level_is_stationary(prep.y_raw[: prep.n_train])
        modes = (
            available_modes(config.window, prep.season, config.strategy, stationary)
            if config.inputs == "auto"
            else [config.inputs]
        )
        if config.inputs == "seasonal" and "seasonal" not in available_modes(
            config.window, prep.season, config.strategy
        ):
            raise ForecastError(
                f"inputs 'seasonal' needs a season longer than 1 (this data's is "
                f"{prep.season}), a window of at least one season and a strategy other than "
                "recursive"
            )
        train_o = origins_between(0, prep.n_train, config.window, train_horizon(config), N)

        def stopped() -> bool:  # a cancel keeps the networks trained so far
            return bool(networks) and should_stop is not None and should_stop()

        for mode in modes if not short else []:
            if stopped():
                break
            tr = framed(mode, train_o, train_horizon(config))
            for k in range(config.seeds or 1):
                if stopped():
                    break
                seed = (config.seed + k) % (MAX_SEED + 1)  # the seed's range wraps
                cfg = dataclasses.replace(config, seed=seed)
                net, fr = train(cfg, tr.win, T, prep.spec.size, on_event, should_stop)
                networks.append(_Network(mode, net, fr, holdout_of(mode, net), seed))
    base = baselines(prep, hold, h)
    # candidates: each network, and (with several) their average, a small ensemble
    candidates: dict[str, list[_Network]] = {}
    for n in networks:
        candidates.setdefault(n.mode, []).append(n)
    if len(candidates) > 1:
        candidates["ensemble"] = list(networks)
    if meta is not None:  # a checkpoint's networks forecast together, as they were saved
        candidates = {"ensemble" if len(candidates) > 1 else networks[0].mode: list(networks)}
    trial = {k: np.mean([n.holdout for n in ms], axis=0) for k, ms in candidates.items()}
    combine = config.fallback  # --no-fallback: the network's own forecast, not averaged either
    if meta is not None:
        combine = meta.get("combined_with") or False
        if combine and combine not in base:
            warnings.append(
                f"the checkpoint averages its network with {BASELINE_TITLES[combine]}, which "
                "this data is too short for: the forecast is the network's alone"
            )
            combine = False
    chosen_net = choose_network(prep, hold, h, trial, base, combine)
    members = candidates.get(chosen_net.network, [])
    # too short for a network: its row is blank (NaN scores None) and a baseline forecasts
    model_holdout = chosen_net.holdout
    metrics, by_target, holdout = score(prep, hold, h, {"model": model_holdout, **base}, warnings)
    # drift competes in the choice and is reported apart (`metrics` keeps its three methods)
    other = {k: metrics.pop(k) for k in list(metrics) if k not in ("model", *REPORTED)}
    for t in by_target:
        for k in other:
            by_target[t].pop(k, None)
    holdout = holdout[[c for c in holdout.columns if not c.endswith("_drift")]]
    if short:
        metrics["model"] = {k: None for k in metrics["model"]}
        for t in by_target:
            by_target[t]["model"] = {k: None for k in by_target[t]["model"]}

    # --- the choice ---------------------------------------------------------------------
    rival = best_baseline({**metrics, **other})
    rival_m = {**metrics, **other}[rival]
    lost = error_of(rival_m) < error_of(metrics["model"])
    chosen = rival if (lost and config.fallback) or short else "model"
    label = f"{config.model} ({config.strategy})"
    if short:
        need = 2 * config.horizon + defaults.MIN_WINDOWS + 1
        warnings.append(
            f"the series has {n_rows} rows, too few to train and check a network for horizon "
            f"{config.horizon} (about {need} needed): the forecast is "
            f"{BASELINE_TITLES[rival]}'s, the better baseline on the last {N - prep.n_train} rows"
        )
    elif lost:
        m_key = "MASE" if metrics["model"].get("mase") is not None else "MAE"
        k = m_key.lower()
        what = (
            f"the {label} network lost to {BASELINE_TITLES[rival]} on the holdout "
            f"({m_key} {metrics['model'][k]:.3g} against {rival_m[k]:.3g})"
        )
        if chosen == rival:
            warnings.append(f"{what}: the forecast is {BASELINE_TITLES[rival]}'s (fallback)")
        else:
            warnings.append(f"{what}; the forecast is still the network's (no fallback)")
    lead = members[0] if members else None
    if short:
        training = {"reason": "not_trained", "seconds": 0.0}
    elif lead.fit is not None:
        fr = lead.fit
        history = {k: list(v) for k, v in fr.history.items()}
        training = {
            "reason": fr.reason,
            "epochs_run": fr.epochs_run,
            "best_epoch": fr.best_epoch,
            "best_val_loss": fr.best_val_loss,
            "seconds": sum(n.fit.seconds for n in networks),
        }
        if any(n.fit.reason == "cancelled" for n in networks):
            training["reason"] = "cancelled"
            warnings.append(f"training was cancelled after {fr.epochs_run} epoch(s)")
    cancelled = training.get("reason") == "cancelled"

    # --- refit on every row, then forecast ----------------------------------------------
    finals = [n.model for n in members]
    refit = (
        meta is None and ahead and chosen == "model" and config.refit and not cancelled
        and N - prep.n_train > 0
    )  # fmt: skip
    if refit:
        all_o = origins_between(0, N, config.window, train_horizon(config), N)
        done = []
        for n in members:
            epochs = max(1, int(n.fit.best_epoch or n.fit.epochs_run or 1))
            net, fr2 = train(
                dataclasses.replace(config, seed=n.seed),
                framed(n.mode, all_o, train_horizon(config)).win, T, prep.spec.size,
                on_event, should_stop, epochs=epochs, validate=False,
            )  # fmt: skip
            if fr2.reason == "cancelled":
                break  # a cancelled refit is worse than the validated models: keep those
            done.append((net, epochs, fr2.seconds))
        if len(done) == len(members):
            finals = [net for net, _, _ in done]
            training["refit"] = {
                "epochs": [e for _, e, _ in done],
                "rows": N,
                "seconds": sum(sec for _, _, sec in done),
            }
            training["seconds"] = training.get("seconds", 0.0) + training["refit"]["seconds"]
        else:
            refit = False
    meta_out = meta
    if meta is None:
        meta_out = {"chosen": chosen}
        if finals:
            meta_out = persistence.metadata(config, prep, finals[0].config.to_dict())
            meta_out.update(
                inputs=lead.mode,
                members=[n.mode for n in members],
                combined_with=chosen_net.combined_with,
                scale_floor=floor.tolist(),
                chosen=chosen,
            )

    forecast = pd.DataFrame({"date": dates})
    levels = [float(v) for v in config.intervals]
    if ahead:
        last = np.array([N])
        if chosen == "model":
            outs = []
            for n, net in zip(members, finals, strict=True):
                f = framed(n.mode, last, h)
                outs.append(f.to_data(predict(net, config.strategy, h, f.win.x_past, x_fut)))
            values = chosen_net.forecast(np.mean(outs, axis=0), baselines(prep, last, h))[0]
        else:
            values = baselines(prep, last, h)[chosen][0]
        for k, t in enumerate(series.targets):
            forecast[t] = values[:, k]
        if levels:
            calib = model_holdout if chosen == "model" else base[chosen]
            residuals = prep.y_raw[hold[:, None] + np.arange(h)[None, :]] - calib
            scales = framed("level", hold, h).scale
            now = framed("level", last, h).scale[0]  # (1, T): the last window's scale
            for level, q in conformal_quantiles(residuals, scales, levels).items():
                half = q * now  # (h, T)
                for k, t in enumerate(series.targets):
                    forecast[f"{t}_lower_{level_name(level)}"] = values[:, k] - half[:, k]
                    forecast[f"{t}_upper_{level_name(level)}"] = values[:, k] + half[:, k]
    choice = {
        "forecast": chosen,
        "inputs": chosen_net.network,  # level | seasonal | global | ensemble (their average)
        "combined_with": chosen_net.combined_with,  # a baseline averaged with the network
        "inputs_tried": list(dict.fromkeys(n.mode for n in networks)),
        "seeds": config.seeds,  # networks per input mode (None: loaded, or too short for any)
        "refit": bool(refit),
        "window": config.window,
        "horizon": h,
        "hidden": finals[0].config.hidden if finals else None,
        "holdout": {
            "from": str(pd.Timestamp(series.dates[hold[0]]).date()),
            "to": str(pd.Timestamp(series.dates[hold[-1] + h - 1]).date()),
            "rows": int(N - prep.n_train),
            "windows": int(len(hold)),
        },
        "notes": notes,
    }
    if config.save is not None and meta is None:
        persistence.save(config.save, finals, meta_out)  # only once everything has succeeded
    return ForecastResult(
        metrics=metrics,
        forecast=forecast,
        holdout=holdout,
        warnings=list(dict.fromkeys(warnings)),
        checkpoint=meta_out,
        metrics_by_target=by_target,
        history=history,
        training=training,
        targets=list(series.targets),
        season=prep.season,
        choice=choice,
        intervals=levels,
        other_metrics=other,
        model_label=label,
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
