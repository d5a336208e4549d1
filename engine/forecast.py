"""The forecasting pipeline: data -> windows -> model -> holdout metrics and the next steps.

UI-free: the CLI, the app's forecast view and the lessons' run steps all call `run_forecast`
and listen to the trainer's events. Every number in a result is in the data's own units (the
scalers, fitted on the training part only, are inverted before anything is reported).

Strategies:
    direct     one model predicts all `horizon` steps at once
    recursive  a one-step model rolled forward, feeding each prediction back (autoregressive)
    seq2seq    an encoder-decoder (seed 000's 14 -> 7)
Known-future covariates (day type, numeric columns, calendar features) describe the step they sit
on: a window's inputs carry each past day's covariates, and the covariates of the days being
forecast go to the model as x_future.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.baselines import naive, season_length, seasonal_naive
from engine.covariates import (
    CovariateError,
    CovariateSpec,
    calendar_kind,
    encode_covariates,
    fit_covariates,
)
from engine.data import DataError, SeriesData, check_length, future_dates, load_future, load_series
from engine.metrics import all_metrics
from engine.scaling import Scaler
from engine.vocabulary import (
    DATASETS,
    DEFAULT_DEVICE,
    DEVICES,
    FILLS,
    LOSSES,
    OPTIMIZERS,
    SCALINGS,
    STRATEGIES,
    STRATEGY_HEADS,
)
from engine.vocabulary import MODEL_KINDS as MODELS
from engine.windows import Windows, last_window, make_windows, origins_between

FORMAT = "lstm-tutor-forecast"
FORMAT_VERSION = 1


class ForecastError(ValueError):
    """The forecast cannot run as configured (bad option, checkpoint mismatch...)."""


@dataclass
class ForecastConfig:
    """Everything a forecast run needs. `data`: a CSV path or DataFrame; None uses `dataset`."""

    data: str | os.PathLike | pd.DataFrame | None = None
    dataset: str = "transit"
    date: str | None = None
    targets: list[str] = field(default_factory=list)
    covariates: list[str] | None = None  # None: none for a CSV, day_type for `transit`
    calendar: bool = True  # add calendar features derived from the dates (day of week, ...)
    fill: str | None = None  # interpolate | ffill
    future: str | os.PathLike | pd.DataFrame | None = None  # covariates after the data ends
    model: str = "lstm"
    strategy: str = "direct"
    window: int = 28
    horizon: int = 7
    hidden: int = 32
    layers: int = 1
    dropout: float = 0.0
    bidirectional: bool = False
    epochs: int = 40
    batch_size: int = 64
    lr: float = 5e-3
    optimizer: str = "adam"
    loss: str = "mse"
    patience: int | None = 6
    grad_clip: float | None = 1.0
    val_fraction: float = 0.1
    seed: int = 0
    device: str = DEFAULT_DEVICE
    test_size: int | None = None  # last rows held out; default max(2*horizon, 10% of rows)
    test_start: str | None = None  # or: hold out from this date on
    start: str | None = None  # use the data from this date on
    end: str | None = None  # use the data up to this date; later rows only supply covariates
    scaling: str = "standard"  # standard | minmax
    season: int | None = None  # seasonal naive period; None: from the frequency
    save: str | os.PathLike | None = None  # write a checkpoint here after training
    load: str | os.PathLike | None = None  # forecast with this checkpoint instead of training
    threads: int | None = 1  # small recurrent models run fastest on one thread

    @classmethod
    def from_dict(cls, d: dict) -> ForecastConfig:
        problems = validate_config(d)
        if problems:
            raise ForecastError("invalid forecast config: " + "; ".join(problems))
        return cls(**d)


def validate_config(d: dict | ForecastConfig) -> list[str]:
    """What is wrong with a config (a dict or ForecastConfig), as messages; empty when fine."""
    if isinstance(d, ForecastConfig):
        d = {f.name: getattr(d, f.name) for f in dataclasses.fields(d)}
    known = {f.name for f in dataclasses.fields(ForecastConfig)}
    p = [f"unknown forecast option {k!r}" for k in sorted(set(d) - known)]
    choices = {
        "dataset": DATASETS,
        "model": MODELS,
        "strategy": STRATEGIES,
        "optimizer": OPTIMIZERS,
        "loss": LOSSES,
        "scaling": SCALINGS,
        "device": DEVICES,
    }
    for k, allowed in choices.items():
        if k in d and d[k] not in allowed:
            p.append(f"{k} must be one of {', '.join(allowed)}, not {d[k]!r}")
    if d.get("fill") is not None and d["fill"] not in FILLS:
        p.append(f"fill must be interpolate or ffill, not {d['fill']!r}")
    for k in ("window", "horizon", "hidden", "layers", "epochs", "batch_size"):
        v = d.get(k, 1)
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            p.append(f"{k} must be a positive integer, not {v!r}")
    for k in ("test_size", "patience", "season", "threads"):
        v = d.get(k)
        if v is not None and (not isinstance(v, int) or v < 1):
            p.append(f"{k} must be a positive integer, not {v!r}")
    if not 0 <= float(d.get("dropout", 0.0)) < 1:
        p.append(f"dropout must be in [0, 1), not {d['dropout']!r}")
    if not float(d.get("lr", 1.0)) > 0:
        p.append(f"lr must be positive, not {d['lr']!r}")
    if d.get("test_size") is not None and d.get("test_start") is not None:
        p.append("give test_size or test_start, not both")
    for k in ("targets", "covariates"):
        if isinstance(d.get(k), str):
            p.append(f"{k} must be a list of column names")
    return p


@dataclass
class ForecastResult:
    metrics: dict[str, dict[str, float | None]]  # {"model"|"naive"|"seasonal_naive": {metric: v}}
    forecast: pd.DataFrame  # date + one column per target: the `horizon` steps after the data
    holdout: pd.DataFrame  # date, <t>_actual, <t>_predicted, <t>_naive, <t>_seasonal_naive
    warnings: list[str]
    checkpoint: dict[str, Any]  # the metadata a checkpoint holds (written when config.save)
    metrics_by_target: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)
    history: dict[str, list[float]] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)  # reason, epochs_run, seconds...
    targets: list[str] = field(default_factory=list)
    season: int = 1

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON shape: metrics, forecast rows with ISO dates, warnings."""
        rows = []
        for _, r in self.forecast.iterrows():
            row = {"date": _iso(r["date"])}
            row.update({t: float(r[t]) for t in self.targets})
            rows.append(row)
        return {
            "metrics": _clean(self.metrics),
            "forecast": rows,
            "warnings": list(self.warnings),
        }


def _iso(d: pd.Timestamp) -> str:
    d = pd.Timestamp(d)
    return str(d.date()) if d == d.normalize() else d.isoformat()


def _clean(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


# --- preparing the data -------------------------------------------------------------------


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


def default_covariates(config: ForecastConfig) -> list[str]:
    """The covariates a run uses: as configured, else the built-in transit set's day type."""
    if config.covariates is not None:
        return list(config.covariates)
    if config.data is None and config.dataset == "transit" and not config.targets:
        return ["day_type"]
    return []


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
        raise DataError(f"no rows dated {span}; check --start and --end")
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
    covariates = default_covariates(config)
    if config.data is not None:
        return load_series(
            config.data,
            date=config.date,
            targets=config.targets or None,
            covariates=covariates,
            fill=config.fill,
        )
    from engine import datasets

    if config.dataset == "sine":
        y = datasets.sine()
        frame = pd.DataFrame({"date": pd.date_range("2020-01-01", periods=len(y)), "y": y})
    else:
        frame = datasets.transit(seed=config.seed)
    return load_series(
        frame,
        date="date",
        targets=config.targets or None,
        covariates=covariates,
        fill=config.fill,
    )


def _split(config: ForecastConfig, dates: pd.DatetimeIndex) -> int:
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
) -> Prepared:
    """Scale (fitted on the training rows unless given, e.g. from a checkpoint) and encode."""
    frame = series.frame
    n_train = _split(config, series.dates)
    check_length(len(frame), config.window, config.horizon, len(frame) - n_train)
    y_raw = frame[series.targets].to_numpy(np.float64)
    if target_scaler is None:
        target_scaler = Scaler.fit(y_raw[:n_train], config.scaling)
    if spec is None:
        cal = calendar_kind(series.freq) if config.calendar else None
        spec = fit_covariates(frame, series.covariates, n_train, cal, config.scaling)
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
            frame = load_future(config.future, dates, spec.columns)
        elif beyond is not None and dates.isin(beyond.index).all():
            frame = beyond.loc[dates, spec.columns]  # the rows after --end know these days
        elif config.data is None and config.dataset == "transit" and spec.columns == ["day_type"]:
            from engine import datasets  # the built-in series knows its own calendar

            frame = pd.DataFrame({"day_type": datasets.transit_day_types(dates)}, index=dates)
        else:
            raise DataError(
                f"the forecast after {prep.series.dates[-1].date()} needs the covariate(s) "
                f"{', '.join(spec.columns)} for {dates[0].date()} to {dates[-1].date()}; "
                "give them in a CSV (a date column plus those columns) with --future PATH"
            )
    try:
        return encode_covariates(frame, spec, "the --future file")
    except CovariateError as e:
        raise DataError(str(e)) from None


# --- the model ----------------------------------------------------------------------------


def _model_config(config: ForecastConfig, prep: Prepared) -> dict:
    n_targets = prep.y.shape[1]
    fc = prep.spec.size
    head = STRATEGY_HEADS[config.strategy]
    return {
        "kind": config.model,
        "input_size": n_targets + fc,
        "hidden": config.hidden,
        "layers": config.layers,
        "dropout": float(config.dropout),
        "bidirectional": bool(config.bidirectional),
        "head": head,
        "horizon": 1 if config.strategy == "recursive" else config.horizon,
        "n_targets": n_targets,
        "future_size": fc,
    }


def _predict(model, strategy: str, horizon: int, x_past: np.ndarray, x_future) -> np.ndarray:
    """Scaled predictions (M, horizon, n_targets) for windows."""
    import torch

    from engine.models import recursive_forecast
    from engine.train import predict

    if strategy == "recursive":
        device = next(model.parameters()).device
        xp = torch.as_tensor(x_past, dtype=torch.float32, device=device)
        xf = None if x_future is None else torch.as_tensor(x_future, dtype=torch.float32)
        outs = []
        for s in range(0, len(xp), 2048):
            f = None if xf is None else xf[s : s + 2048].to(device)
            outs.append(recursive_forecast(model, xp[s : s + 2048], horizon, f).cpu())
        if not outs:
            return np.zeros((0, horizon, model.config.n_targets), np.float32)
        return torch.cat(outs).numpy()
    if not len(x_past):
        return np.zeros((0, horizon, model.config.n_targets), np.float32)
    return predict(model, x_past, x_future)


def _train(config: ForecastConfig, prep: Prepared, on_event, should_stop):
    from engine.models import build_model
    from engine.train import TrainConfig, fit

    train_h = 1 if config.strategy == "recursive" else config.horizon
    origins = origins_between(0, prep.n_train, config.window, train_h, prep.n_train)
    if len(origins) < 2:
        raise DataError(
            f"only {len(origins)} training window(s) for window {config.window}: "
            "use a smaller --window or --horizon, or more training data"
        )
    win = make_windows(prep.y, prep.cov, origins, config.window, train_h)
    mcfg = _model_config(config, prep)
    model = build_model(mcfg, seed=config.seed)
    tcfg = TrainConfig(
        epochs=config.epochs,
        batch_size=config.batch_size,
        lr=config.lr,
        optimizer=config.optimizer,
        loss=config.loss,
        patience=config.patience,
        lr_patience=max(2, config.patience // 2) if config.patience else None,
        grad_clip=config.grad_clip,
        seed=config.seed,
        device=config.device,
        val_fraction=config.val_fraction if len(origins) >= 20 else 0.0,
        threads=config.threads,
    )
    result = fit(model, win.as_fit_data(), None, tcfg, on_event, should_stop, run=config.model)
    return model, result


def _metadata(config: ForecastConfig, prep: Prepared, model_cfg: dict) -> dict[str, Any]:
    import numpy
    import torch

    s = prep.series
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_config": model_cfg,
        "strategy": config.strategy,
        "window": config.window,
        "horizon": config.horizon,
        "targets": list(s.targets),
        "covariates": list(s.covariates),
        "covariate_spec": prep.spec.to_dict(),
        "target_scaler": prep.target_scaler.to_dict(),
        "scaling": config.scaling,
        "calendar": config.calendar,
        "freq": s.freq,
        "date_column": s.date_column,
        "season": prep.season,
        "last_date": _iso(s.dates[-1]),
        "versions": {
            "torch": torch.__version__,
            "numpy": numpy.__version__,
            "pandas": pd.__version__,
        },
    }


def _checkpoint_module():
    try:
        from engine import checkpoint
    except ImportError:
        raise ForecastError(
            "checkpoints need engine.checkpoint, which is not in this build"
        ) from None
    return checkpoint


def _apply_checkpoint(config: ForecastConfig) -> tuple[ForecastConfig, Any, dict]:
    """The model and metadata from config.load, and the config updated to match the checkpoint."""
    ckpt = _checkpoint_module()
    try:
        model, meta = ckpt.load(config.load)
    except ckpt.CheckpointError as e:
        raise ForecastError(str(e)) from None
    except (OSError, KeyError) as e:
        raise ForecastError(f"cannot load checkpoint {config.load}: {e}") from None
    if meta.get("format") != FORMAT:
        raise ForecastError(
            f"{config.load} is not a forecast checkpoint (format {meta.get('format')!r}); "
            "save one with --save"
        )
    updates = {
        "strategy": meta["strategy"],
        "window": int(meta["window"]),
        "horizon": int(meta["horizon"]),
        "targets": list(meta["targets"]),
        "covariates": list(meta["covariates"]),
        "scaling": meta["scaling"],
        "calendar": bool(meta["calendar"]),
        "model": meta["model_config"]["kind"],
        "season": int(meta["season"]),
    }
    if config.data is not None and config.date is None:
        updates["date"] = meta.get("date_column")
    return dataclasses.replace(config, **updates), model, meta


# --- running ------------------------------------------------------------------------------


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
    if isinstance(config, dict):
        config = ForecastConfig.from_dict(config)
    problems = validate_config(config)
    if problems:
        raise ForecastError("invalid forecast config: " + "; ".join(problems))
    if config.data is None and config.dataset == "sine":
        # seed 003's wave: its dates are a stand-in, so no calendar; a cycle is 40 points
        config = dataclasses.replace(config, calendar=False, season=config.season or 40)
    model = meta = None
    if config.load is not None:
        config, model, meta = _apply_checkpoint(config)
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
        model, fr = _train(config, prep, on_event, should_stop)
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
        meta = _metadata(config, prep, model.config.to_dict())
        if config.save is not None:
            _save(config.save, model, meta)

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
    scores = _score(config, prep, model, win, warnings)

    # the horizon after the data ends
    dates = future_dates(series.dates, series.freq, h) if ahead else pd.DatetimeIndex([])
    forecast = pd.DataFrame({"date": dates})
    if ahead:
        fut = future_covariates(config, prep, dates)
        x_last = last_window(prep.y, prep.cov, config.window)
        x_fut = None if fut is None else fut[None].astype(np.float32)
        pred = _predict(model, config.strategy, h, x_last, x_fut)[0]
        values = prep.target_scaler.inverse(pred)
        for k, t in enumerate(series.targets):
            forecast[t] = values[:, k]
    metrics, by_target, holdout = scores
    return ForecastResult(
        metrics=metrics,
        forecast=forecast,
        holdout=holdout,
        warnings=_unique(warnings),
        checkpoint=meta,
        metrics_by_target=by_target,
        history=history,
        training=training,
        targets=list(series.targets),
        season=prep.season,
    )


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _save(path, model, meta) -> None:
    ckpt = _checkpoint_module()
    try:
        ckpt.save(path, model, meta)
    except ckpt.CheckpointError as e:
        raise ForecastError(str(e)) from None
    except OSError as e:
        raise ForecastError(f"cannot write checkpoint {path}: {e.strerror or e}") from None


def _score(config: ForecastConfig, prep: Prepared, model, win: Windows, warnings: list[str]):
    h = config.horizon
    scaled = _predict(model, config.strategy, h, win.x_past, win.x_future)
    preds = {
        "model": prep.target_scaler.inverse(scaled),
        "naive": naive(prep.y_raw, win.origins, h),
        "seasonal_naive": seasonal_naive(prep.y_raw, win.origins, h, prep.season),
    }
    actual = _actual(prep, win.origins, h)
    train = prep.y_raw[: prep.n_train]
    metrics, by_target = {}, {t: {} for t in prep.series.targets}
    for name, p in preds.items():
        metrics[name], notes = all_metrics(actual, p, train, prep.season)
        warnings.extend(notes)
        for k, t in enumerate(prep.series.targets):
            by_target[t][name], _ = all_metrics(actual[..., k], p[..., k], train[:, k], prep.season)
    # a plot-friendly holdout: consecutive blocks of `horizon` steps, each date once
    block = np.arange(0, len(win.origins), h)
    rows = (win.origins[block][:, None] + np.arange(h)[None, :]).ravel()
    holdout = pd.DataFrame({"date": prep.series.dates[rows]})
    for k, t in enumerate(prep.series.targets):
        holdout[f"{t}_actual"] = actual[block][:, :, k].ravel()
        for name, p in preds.items():
            col = "predicted" if name == "model" else name
            holdout[f"{t}_{col}"] = p[block][:, :, k].ravel()
    return metrics, by_target, holdout


def _actual(prep: Prepared, origins: np.ndarray, h: int) -> np.ndarray:
    """The true values in the data's units (not round-tripped through the scaler)."""
    idx = origins[:, None] + np.arange(h)[None, :]
    return prep.y_raw[idx]


def forecast_from_checkpoint(
    path: str | os.PathLike,
    data: str | os.PathLike | pd.DataFrame | None = None,
    **options: Any,
) -> ForecastResult:
    """Forecast with a saved model, no training: `data` a CSV/DataFrame (None: the built-in set).

    `options` are other ForecastConfig fields (date, fill, future, test_size, test_start...).
    """
    return run_forecast(ForecastConfig(data=data, load=Path(path), **options))
