"""Training jobs described by a plain dict: the lessons' run steps and the app's training lab.

    run_job({"task": "maxmin", "models": ["rnn", "lstm", "gru"], "epochs": 10}, on_event, stop)

Tasks: maxmin (seed 004, models side by side), sine (seed 003, next value + autoregressive forecast
of the last cycle), forget_bias (LSTM on maxmin, forget-gate bias 0 vs 1) and forecast (delegated
to engine.forecast.run_forecast). Every event carries its run's name (the model kind, or
`forget_bias_<v>`), so a front end can draw one sparkline per run. SPEC_KEYS documents every key.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from engine import datasets
from engine.events import Event, TrainingDone
from engine.models import KINDS, ModelConfig, build_model, recursive_forecast
from engine.train import DEVICES, LOSSES, OPTIMIZERS, TrainConfig, fit, predict

TASKS = ("maxmin", "sine", "forget_bias", "forecast")

# key -> (kind, description); kinds: int, float, bool, str, models, floats
COMMON_KEYS: dict[str, tuple[str, str]] = {
    "task": ("str", "maxmin | sine | forget_bias | forecast"),
    "models": ("models", 'model kinds to train side by side, e.g. ["rnn", "lstm", "gru"]'),
    "hidden": ("int", "units per recurrent layer"),
    "layers": ("int", "stacked recurrent layers"),
    "dropout": ("float", "dropout between layers and before the head, in [0, 1)"),
    "bidirectional": ("bool", "bidirectional encoder"),
    "epochs": ("int", "training epochs"),
    "batch_size": ("int", "rows per batch"),
    "lr": ("float", "learning rate"),
    "optimizer": ("str", "adam | sgd"),
    "loss": ("str", "mse | huber | mae"),
    "patience": ("int", "early stopping patience in epochs (0: off)"),
    "grad_clip": ("float", "max gradient norm (0: off)"),
    "seed": ("int", "random seed: data, weights and shuffling"),
    "device": ("str", "auto | cpu | cuda | mps"),
}
MAXMIN_KEYS: dict[str, tuple[str, str]] = {
    "n_train": ("int", "training sequences"),
    "n_val": ("int", "validation sequences (the MAE reported)"),
    "length": ("int", "values per sequence"),
}
SINE_KEYS: dict[str, tuple[str, str]] = {
    "n_points": ("int", "points in the wave"),
    "period": ("int", "points per cycle"),
    "window": ("int", "values the model sees"),
    "test_size": ("int", "last points held out and forecast autoregressively"),
}
FORGET_KEYS: dict[str, tuple[str, str]] = {
    "biases": ("floats", "forget-gate bias initial values to compare"),
}
SPEC_KEYS: dict[str, dict[str, tuple[str, str]]] = {
    "maxmin": {**COMMON_KEYS, **MAXMIN_KEYS},
    "sine": {**COMMON_KEYS, **SINE_KEYS},
    "forget_bias": {**COMMON_KEYS, **MAXMIN_KEYS, **FORGET_KEYS},
}

# small enough that a job finishes in seconds on 2 CPU cores
DEFAULTS: dict[str, dict[str, Any]] = {
    "maxmin": {
        "models": ["rnn", "lstm", "gru"],
        "hidden": 20,
        "layers": 1,
        "dropout": 0.0,
        "bidirectional": False,
        "epochs": 10,
        "batch_size": 100,
        "lr": 0.01,
        "optimizer": "adam",
        "loss": "mse",
        "patience": 0,
        "grad_clip": 0.0,
        "seed": 0,
        "device": "auto",
        # 4000: with 2000 the LSTM stays on the RNN's plateau for the lessons' 6-8 epochs
        "n_train": 4000,
        "n_val": 500,
        "length": 60,
    },
    "sine": {
        "models": ["lstm"],
        "hidden": 50,
        "layers": 1,
        "dropout": 0.0,
        "bidirectional": False,
        "epochs": 15,
        "batch_size": 32,
        "lr": 0.02,
        "optimizer": "adam",
        "loss": "mse",
        "patience": 0,
        "grad_clip": 0.0,
        "seed": 0,
        "device": "auto",
        "n_points": 800,
        "period": 40,
        "window": 40,
        "test_size": 40,
    },
}
DEFAULTS["forget_bias"] = {**DEFAULTS["maxmin"], "models": ["lstm"], "biases": [0.0, 1.0]}

_LIMITS = {  # key -> (min, max), inclusive
    "hidden": (1, 512),
    "layers": (1, 8),
    "epochs": (1, 1000),
    "batch_size": (1, 100_000),
    "patience": (0, 1000),
    "n_train": (10, 1_000_000),
    "n_val": (1, 1_000_000),
    "length": (2, 10_000),
    "n_points": (10, 1_000_000),
    "period": (2, 100_000),
    "window": (1, 10_000),
    "test_size": (1, 100_000),
}
_CHOICES = {"task": TASKS, "optimizer": OPTIMIZERS, "loss": LOSSES, "device": DEVICES}


@dataclass
class JobResult:
    task: str
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # run name -> {"metrics": {...}, "history": {"train_loss": [..], "val_loss": [..], "lr": [..]},
    #              "reason": .., "epochs_run": .., "seconds": .., plus task extras (sine: forecast)}
    summary: str = ""
    cancelled: bool = False
    spec: dict[str, Any] = field(default_factory=dict)  # the spec with defaults filled in
    detail: Any = None  # forecast task: the ForecastResult


# --- validation ---------------------------------------------------------------------------


def _did_you_mean(word: str, options) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_value(key: str, kind: str, v: Any) -> str | None:
    if kind == "int":
        if not isinstance(v, int) or isinstance(v, bool):
            return f"{key} must be a whole number, not {v!r}"
        lo, hi = _LIMITS.get(key, (-(2**31), 2**31))
        if not lo <= v <= hi:
            return f"{key} must be between {lo} and {hi}, not {v}"
    elif kind == "float":
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
            return f"{key} must be a number, not {v!r}"
        if key == "lr" and not 0 < v <= 10:
            return f"lr must be positive (and at most 10), not {v}"
        if key == "dropout" and not 0 <= v < 1:
            return f"dropout must be in [0, 1), not {v}"
        if key == "grad_clip" and v < 0:
            return f"grad_clip must be >= 0 (0: off), not {v}"
    elif kind == "bool":
        if not isinstance(v, bool):
            return f"{key} must be true or false, not {v!r}"
    elif kind == "str":
        if not isinstance(v, str):
            return f"{key} must be text, not {v!r}"
        choices = _CHOICES.get(key)
        if choices and v not in choices:
            return (
                f"{key} must be one of {', '.join(choices)}, not {v!r}{_did_you_mean(v, choices)}"
            )
    elif kind == "models":
        if not isinstance(v, (list, tuple)) or not v:
            return f"models must be a non-empty list of {', '.join(KINDS)}"
        for m in v:
            if m not in KINDS:
                return (
                    f"models: unknown model {m!r}{_did_you_mean(m, KINDS)}; use {', '.join(KINDS)}"
                )
        if len(set(v)) != len(v):
            return "models: each model may appear once"
    elif kind == "floats":
        if not isinstance(v, (list, tuple)) or not v:
            return f"{key} must be a non-empty list of numbers"
        if any(not isinstance(b, (int, float)) or isinstance(b, bool) for b in v):
            return f"{key} must hold numbers only, not {v!r}"
        if len(set(v)) != len(v):
            return f"{key}: each value may appear once"
    return None


def validate_spec(spec: Any) -> list[str]:
    """Problems with a job spec, as messages naming the key (empty when run_job would accept it)."""
    if not isinstance(spec, dict):
        return [f"a job spec must be a mapping of keys to values, not {type(spec).__name__}"]
    task = spec.get("task")
    if task is None:
        return ["missing key 'task' (one of " + ", ".join(TASKS) + ")"]
    if task not in TASKS:
        return [f"unknown task {task!r}{_did_you_mean(task, TASKS)}; use one of {', '.join(TASKS)}"]
    if task == "forecast":
        return _forecast_problems(spec)
    keys = SPEC_KEYS[task]
    problems = []
    for key, value in spec.items():
        if key not in keys:
            problems.append(
                f"unknown key {key!r} for task {task}{_did_you_mean(key, keys)}; "
                f"known keys: {', '.join(sorted(keys))}"
            )
            continue
        bad = _check_value(key, keys[key][0], value)
        if bad:
            problems.append(bad)
    if not problems and task == "sine":
        s = {**DEFAULTS["sine"], **spec}
        if s["n_points"] - s["test_size"] <= s["window"]:
            problems.append(
                f"sine: n_points - test_size ({s['n_points'] - s['test_size']}) must exceed "
                f"window ({s['window']})"
            )
    if not problems and task == "forget_bias" and list(spec.get("models", ["lstm"])) != ["lstm"]:
        problems.append('forget_bias trains LSTMs only: leave out models or use ["lstm"]')
    return problems


def _forecast_problems(spec: dict) -> list[str]:
    try:
        from engine import forecast
    except ImportError:
        return ["the forecast task needs engine.forecast, which is not available in this build"]
    check = getattr(forecast, "validate_config", None)
    if check is None:
        return []
    problems = list(check({k: v for k, v in spec.items() if k != "task"}))
    known = [f.name for f in dataclasses.fields(forecast.ForecastConfig)]
    for i, msg in enumerate(problems):
        bad = re.fullmatch(r"unknown forecast option '([^']*)'", msg)
        if bad:
            problems[i] = msg + _did_you_mean(bad.group(1), known)
    return problems


# --- running ------------------------------------------------------------------------------


def run_job(
    spec: dict,
    on_event: Callable[[Event], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> JobResult:
    """Run the job `spec` describes; a ValueError names every bad key."""
    problems = validate_spec(spec)
    if problems:
        raise ValueError("invalid job spec: " + "; ".join(problems))
    task = spec["task"]
    if task == "forecast":
        return _run_forecast(spec, on_event, should_stop)
    s = {**DEFAULTS[task], **spec}
    if task == "sine":
        return _run_sine(s, on_event, should_stop)
    return _run_maxmin(s, on_event, should_stop)


def _train_config(s: dict) -> TrainConfig:
    return TrainConfig(
        epochs=s["epochs"],
        batch_size=s["batch_size"],
        lr=float(s["lr"]),
        optimizer=s["optimizer"],
        loss=s["loss"],
        patience=s["patience"] or None,
        grad_clip=float(s["grad_clip"]) or None,
        seed=s["seed"],
        device=s["device"],
    )


def _model_config(s: dict, kind: str, **over) -> ModelConfig:
    return ModelConfig(
        kind=kind,
        hidden=s["hidden"],
        layers=s["layers"],
        dropout=float(s["dropout"]),
        bidirectional=s["bidirectional"],
        **over,
    )


def _history(r) -> dict[str, list]:
    return {k: list(v) for k, v in r.history.items()}


def _record(r) -> dict[str, Any]:
    return {
        "history": _history(r),
        "reason": r.reason,
        "epochs_run": r.epochs_run,
        "seconds": r.seconds,
        "best_val_loss": r.best_val_loss,
    }


def _skipped(run: str, emit) -> dict[str, Any]:
    # a job cancelled before this run started: tell listeners it ended, without training it
    emit(TrainingDone(run, "cancelled", 0, None))
    return {
        "metrics": {},
        "history": {"train_loss": [], "val_loss": [], "lr": []},
        "reason": "cancelled",
        "epochs_run": 0,
        "seconds": 0.0,
        "best_val_loss": None,
    }


def _run_maxmin(s: dict, on_event, should_stop) -> JobResult:
    emit = on_event or (lambda e: None)
    n_train, n_val = s["n_train"], s["n_val"]
    X, Y = datasets.maxmin(n_train + n_val, s["length"], seed=s["seed"])
    train, val = (X[:n_train], Y[:n_train]), (X[n_train:], Y[n_train:])
    if s["task"] == "forget_bias":
        runs = [
            (f"forget_bias_{b:g}".replace(".", "_").replace("-", "m"), "lstm", float(b))
            for b in s["biases"]
        ]
    else:
        runs = [(kind, kind, None) for kind in s["models"]]
    cfg = _train_config(s)
    result = JobResult(task=s["task"], spec=s)
    for i, (name, kind, bias) in enumerate(runs):
        if result.cancelled:
            result.runs[name] = _skipped(name, emit)
            continue
        mcfg = _model_config(s, kind, n_targets=2, forget_bias=bias)
        model = build_model(mcfg, seed=s["seed"] + i if s["task"] == "maxmin" else s["seed"])
        r = fit(model, train, val, cfg, on_event=on_event, should_stop=should_stop, run=name)
        rec = _record(r)
        if r.epochs_run:
            pred = predict(model, val[0]).reshape(-1, 2)
            err = np.abs(pred - val[1])
            rec["metrics"] = {
                "mae": float(err.mean()),
                "mae_max": float(err[:, 0].mean()),
                "mae_min": float(err[:, 1].mean()),
                "val_loss": r.best_val_loss,
            }
        else:
            rec["metrics"] = {}
        result.runs[name] = rec
        result.cancelled = r.reason == "cancelled"
    result.summary = _summary(result, "mae", "validation MAE (max and min)")
    return result


def _run_sine(s: dict, on_event, should_stop) -> JobResult:
    emit = on_event or (lambda e: None)
    y = datasets.sine(s["n_points"], s["period"])
    w, test = s["window"], s["test_size"]
    train_series = y[:-test]
    X, Y = datasets.sine_windows(train_series, w)
    cfg = _train_config(s)
    result = JobResult(task="sine", spec=s)
    actual = y[-test:]
    for i, kind in enumerate(s["models"]):
        if result.cancelled:
            result.runs[kind] = _skipped(kind, emit)
            continue
        model = build_model(_model_config(s, kind, head="one_step"), seed=s["seed"] + i)
        r = fit(model, (X, Y), None, cfg, on_event=on_event, should_stop=should_stop, run=kind)
        rec = _record(r)
        rec["metrics"] = {}
        if r.epochs_run:
            device = next(model.parameters()).device
            start = torch.as_tensor(train_series[-w:], device=device).view(1, w, 1)
            forecast = recursive_forecast(model, start, test).view(-1).cpu().numpy()
            # next value: one step ahead from true windows ending just before each test point
            Xt, Yt = datasets.sine_windows(y[-(test + w) :], w)
            one_step = predict(model, Xt).reshape(-1)
            rec["metrics"] = {
                "test_mse": float(np.mean((forecast - actual) ** 2)),
                "next_value_mse": float(np.mean((one_step - Yt.reshape(-1)) ** 2)),
                "train_loss": r.history["train_loss"][-1],
            }
            rec["forecast"] = forecast.tolist()
            rec["actual"] = actual.tolist()
        result.runs[kind] = rec
        result.cancelled = r.reason == "cancelled"
    result.summary = _summary(result, "test_mse", f"{test}-step autoregressive test MSE")
    return result


def _run_forecast(spec: dict, on_event, should_stop) -> JobResult:
    from engine.forecast import run_forecast  # the DATA engineer's pipeline, imported lazily

    config = {k: v for k, v in spec.items() if k != "task"}
    started = time.perf_counter()
    res = run_forecast(config, on_event, should_stop)
    metrics = dict(getattr(res, "metrics", {}) or {})
    history = getattr(res, "history", None) or {}
    training = dict(getattr(res, "training", None) or {})
    result = JobResult(task="forecast", spec=dict(spec), detail=res)
    run = str(spec.get("model", "lstm"))  # the name engine.forecast tags its events with
    result.runs[run] = {
        "metrics": metrics,
        "history": dict(history),
        "reason": training.get("reason", "completed"),
        "epochs_run": training.get("epochs_run", len(history.get("train_loss", []))),
        "seconds": time.perf_counter() - started,
    }
    result.cancelled = training.get("reason") == "cancelled"
    lines = ["holdout metrics:"]
    for name, m in metrics.items():
        if isinstance(m, dict):
            shown = ", ".join(f"{k} {v:.4g}" for k, v in m.items() if isinstance(v, (int, float)))
            lines.append(f"  {name}: {shown}")
    result.summary = "\n".join(lines)
    return result


def _summary(result: JobResult, metric: str, label: str) -> str:
    lines = [f"{result.task}: {label}" + (" — cancelled" if result.cancelled else "")]
    for name, rec in result.runs.items():
        value = rec["metrics"].get(metric)
        shown = f"{value:.4g}" if value is not None else "not trained"
        lines.append(f"  {name:<16} {shown}  ({rec['epochs_run']} epochs, {rec['reason']})")
    return "\n".join(lines)
