"""Training jobs described by a plain dict: the lessons' run steps and the app's training lab.

    run_job({"task": "maxmin", "models": ["rnn", "lstm", "gru"], "epochs": 10}, on_event, stop)

Tasks: maxmin (seed 004, models side by side), sine (seed 003, next value + autoregressive forecast
of the last cycle), forget_bias (LSTM on maxmin, forget-gate bias 0 vs 1) and forecast (delegated
to engine.forecast.run_forecast). Every event carries its run's name (the model kind, or
`forget_bias_<v>`), so a front end can draw one sparkline per run. The spec's keys, defaults and
validation live in engine.job_spec (no torch); this module runs what it describes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from engine import datasets
from engine.events import Event, TrainingDone
from engine.forecast import ForecastConfig, run_forecast
from engine.gate_activity import gate_activity, tracking
from engine.gradient_norms import sparkline, step_gradient_norms
from engine.job_spec import DEFAULTS, validate_spec
from engine.metric_format import format_metric, format_named_metric
from engine.models import ModelConfig, build_model, recursive_forecast
from engine.train import FitResult, TrainConfig, fit, predict

__all__ = ["JobResult", "run_job"]  # the spec's keys and checks: engine.job_spec (no torch)


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
    if task == "gradient_norms":
        return _run_gradient_norms(s, on_event, should_stop)
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
        "history": FitResult().history,  # empty, with the keys a finished run's has
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
            rec.update(_inside(model, val[0][0]))
        else:
            rec["metrics"] = {}
        result.runs[name] = rec
        result.cancelled = r.reason == "cancelled"
    result.summary = _summary(result, "mae", "validation MAE (max and min)")
    return result


def _inside(model, sequence: np.ndarray) -> dict[str, Any]:
    """Gate activations over one validation sequence, and the units that follow its running
    max or min: what the gate heatmap shows (engine.gate_activity)."""
    act = gate_activity(model, sequence)
    state = act["c"] if "c" in act else act["h"]
    return {
        "gates": {k: v.tolist() for k, v in act.items()},
        "tracking": tracking(state, sequence[:, 0]),
    }


def _run_gradient_norms(s: dict, on_event, should_stop) -> JobResult:
    """Train on max-min as the maxmin task does; measure ||dL/dh_t|| before and after."""
    emit = on_event or (lambda e: None)
    n_train, n_val = s["n_train"], s["n_val"]
    X, Y = datasets.maxmin(n_train + n_val, s["length"], seed=s["seed"])
    train, val = (X[:n_train], Y[:n_train]), (X[n_train:], Y[n_train:])
    probe = (val[0][: s["n_measure"]], val[1][: s["n_measure"]])
    cfg = _train_config(s)
    result = JobResult(task=s["task"], spec=s)
    lines = []
    for i, kind in enumerate(s["models"]):
        if result.cancelled:
            result.runs[kind] = _skipped(kind, emit)
            continue
        model = build_model(_model_config(s, kind, n_targets=2), seed=s["seed"] + i)
        before = step_gradient_norms(model, *probe)
        r = fit(model, train, val, cfg, on_event=on_event, should_stop=should_stop, run=kind)
        rec = _record(r)
        after = step_gradient_norms(model, *probe)
        rec["grad_norms_init"], rec["grad_norms"] = before.tolist(), after.tolist()
        rec["metrics"] = {
            "norm_first": float(after[0]),  # dL/dh at t = 0, the step furthest from the loss
            "norm_last": float(after[-1]),
            "decades": float(np.log10(after[-1] / after[0])),  # how far it fell going back
            "val_loss": r.best_val_loss,
        }
        if r.epochs_run:
            pred = predict(model, val[0]).reshape(-1, 2)
            rec["metrics"]["mae"] = float(np.abs(pred - val[1]).mean())
            rec.update(_inside(model, val[0][0]))
        result.runs[kind] = rec
        result.cancelled = r.reason == "cancelled"
        lines.append(
            f"  {kind:<5} {sparkline(after, 40)}  t=0: {after[0]:.1e}  t={len(after) - 1}: "
            f"{after[-1]:.1e}  ({rec['metrics']['decades']:.1f} decades)"
        )
    head = "gradient_norms: ||dL/dh_t|| after training, t = 0 ... end (log scale)"
    result.summary = "\n".join([head + (" — cancelled" if result.cancelled else ""), *lines])
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
    config = {k: v for k, v in spec.items() if k != "task"}
    started = time.perf_counter()
    res = run_forecast(config, on_event, should_stop)
    metrics, history = res.metrics, res.history
    reason = res.training.reason if res.training is not None else "completed"
    epochs_run = res.training.epochs_run if res.training is not None else None
    result = JobResult(task="forecast", spec=dict(spec), detail=res)
    run = str(spec.get("model", ForecastConfig.model))  # the name engine.forecast tags events with
    result.runs[run] = {
        "metrics": dict(metrics),
        "history": dict(history),
        "reason": reason,
        "epochs_run": epochs_run if epochs_run is not None else len(history.get("train_loss", [])),
        "seconds": time.perf_counter() - started,
    }
    result.cancelled = reason == "cancelled"
    lines = ["holdout metrics:"]
    for name, m in metrics.items():
        shown = ", ".join(f"{k} {format_named_metric(k, v)}" for k, v in m.items() if v is not None)
        lines.append(f"  {name}: {shown}")
    result.summary = "\n".join(lines)
    return result


def _summary(result: JobResult, metric: str, label: str) -> str:
    lines = [f"{result.task}: {label}" + (" — cancelled" if result.cancelled else "")]
    for name, rec in result.runs.items():
        value = rec["metrics"].get(metric)
        shown = format_metric(value, missing="not trained")
        lines.append(f"  {name:<16} {shown}  ({rec['epochs_run']} epochs, {rec['reason']})")
    return "\n".join(lines)
