"""The job-spec schema: keys, defaults, limits and validation, without torch.

A job spec is the plain dict `engine.jobs.run_job` runs (the lessons' run steps, the training
lab). Checking one needs no torch, so `lstm-tutor lessons validate` and the lab import this
module directly; engine.jobs holds the runners.

    validate_spec({"task": "maxmin", "hiden": 4})
    -> ["unknown key 'hiden' for task maxmin (did you mean 'hidden'?); known keys: ..."]
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

from engine.limits import LR_MAX, MAX_LAYERS, MAX_WINDOW
from engine.suggest import choice_problem, did_you_mean
from engine.vocabulary import (
    DEFAULT_DEVICE,
    DEVICES,
    JOB_TASKS,
    LOSSES,
    MODEL_KINDS,
    OPTIMIZERS,
)


def _one_of(choices: tuple[str, ...]) -> str:
    return " | ".join(choices)


# key -> (kind, description); kinds: int, float, bool, str, models, floats
COMMON_KEYS: dict[str, tuple[str, str]] = {
    "task": ("str", _one_of(JOB_TASKS)),
    "models": ("models", 'model kinds to train side by side, e.g. ["rnn", "lstm", "gru"]'),
    "hidden": ("int", "units per recurrent layer"),
    "layers": ("int", "stacked recurrent layers"),
    "dropout": ("float", "dropout between layers and before the head, in [0, 1)"),
    "bidirectional": ("bool", "bidirectional encoder"),
    "epochs": ("int", "training epochs"),
    "batch_size": ("int", "rows per batch"),
    "lr": ("float", "learning rate"),
    "optimizer": ("str", _one_of(OPTIMIZERS)),
    "loss": ("str", _one_of(LOSSES)),
    "patience": ("int", "early stopping patience in epochs (0: off)"),
    "grad_clip": ("float", "max gradient norm (0: off)"),
    "seed": ("int", "random seed: data, weights and shuffling"),
    "device": ("str", _one_of(DEVICES)),
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
    "gradient_norms": {
        **COMMON_KEYS,
        **MAXMIN_KEYS,
        "n_measure": ("int", "validation sequences the gradient norms are averaged over"),
    },
}

# the same for every task: plain training, no early stopping or clipping
_TRAINING_DEFAULTS: dict[str, Any] = {
    "layers": 1,
    "dropout": 0.0,
    "bidirectional": False,
    "optimizer": "adam",
    "loss": "mse",
    "patience": 0,
    "grad_clip": 0.0,
    "seed": 0,
    "device": DEFAULT_DEVICE,
}
# small enough that a job finishes in seconds on 2 CPU cores
DEFAULTS: dict[str, dict[str, Any]] = {
    "maxmin": {
        **_TRAINING_DEFAULTS,
        "models": list(MODEL_KINDS),
        "hidden": 20,
        "epochs": 10,
        "batch_size": 100,
        "lr": 0.01,
        # 4000: with 2000 the LSTM stays on the RNN's plateau for the lessons' 6-8 epochs
        "n_train": 4000,
        "n_val": 500,
        "length": 60,
    },
    "sine": {
        **_TRAINING_DEFAULTS,
        "models": ["lstm"],
        "hidden": 50,
        "epochs": 15,
        "batch_size": 32,
        "lr": 0.02,
        "n_points": 800,
        "period": 40,
        "window": 40,
        "test_size": 40,
    },
}
DEFAULTS["forget_bias"] = {**DEFAULTS["maxmin"], "models": ["lstm"], "biases": [0.0, 1.0]}
# max-min training, then ||dL/dh_t|| per time step before and after (lesson 3 of backprop)
DEFAULTS["gradient_norms"] = {**DEFAULTS["maxmin"], "epochs": 3, "n_train": 2000, "n_measure": 100}

# key -> (min, max), inclusive; the lab's form uses them too. Smaller than engine.limits' hard
# bounds where a lesson's or the lab's job should stay small; lr lies in (0, LR_MAX]
LIMITS: dict[str, tuple[int, int]] = {
    "hidden": (1, 512),
    "layers": (1, MAX_LAYERS),
    "epochs": (1, 1000),
    "batch_size": (1, 100_000),
    "patience": (0, 1000),
    "n_train": (10, 1_000_000),
    "n_val": (1, 1_000_000),
    "length": (2, 10_000),
    "n_points": (10, 1_000_000),
    "period": (2, 100_000),
    "window": (1, MAX_WINDOW),
    "test_size": (1, 100_000),
    "n_measure": (1, 10_000),
}
CHOICES: dict[str, tuple[str, ...]] = {
    "task": JOB_TASKS,
    "optimizer": OPTIMIZERS,
    "loss": LOSSES,
    "device": DEVICES,
}


def _check_int(key: str, v: Any) -> str | None:
    if not isinstance(v, int) or isinstance(v, bool):
        return f"{key} must be a whole number, not {v!r}"
    lo, hi = LIMITS.get(key, (-(2**31), 2**31))
    if not lo <= v <= hi:
        return f"{key} must be between {lo} and {hi}, not {v}"
    return None


def _check_float(key: str, v: Any) -> str | None:
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
        return f"{key} must be a number, not {v!r}"
    if key == "lr" and not 0 < v <= LR_MAX:
        return f"lr must be positive (and at most {LR_MAX:g}), not {v}"
    if key == "dropout" and not 0 <= v < 1:
        return f"dropout must be in [0, 1), not {v}"
    if key == "grad_clip" and v < 0:
        return f"grad_clip must be >= 0 (0: off), not {v}"
    return None


def _check_bool(key: str, v: Any) -> str | None:
    return None if isinstance(v, bool) else f"{key} must be true or false, not {v!r}"


def _check_str(key: str, v: Any) -> str | None:
    if not isinstance(v, str):
        return f"{key} must be text, not {v!r}"
    return choice_problem(key, v, CHOICES[key]) if key in CHOICES else None


def _check_models(key: str, v: Any) -> str | None:
    kinds = ", ".join(MODEL_KINDS)
    if not isinstance(v, (list, tuple)) or not v:
        return f"models must be a non-empty list of {kinds}"
    for m in v:
        if m not in MODEL_KINDS:
            return f"models: unknown model {m!r}{did_you_mean(m, MODEL_KINDS)}; use {kinds}"
    if len(set(v)) != len(v):
        return "models: each model may appear once"
    return None


def _check_floats(key: str, v: Any) -> str | None:
    if not isinstance(v, (list, tuple)) or not v:
        return f"{key} must be a non-empty list of numbers"
    if any(not isinstance(b, (int, float)) or isinstance(b, bool) for b in v):
        return f"{key} must hold numbers only, not {v!r}"
    if len(set(v)) != len(v):
        return f"{key}: each value may appear once"
    return None


# SPEC_KEYS' value kinds -> the check of a value of that kind
_CHECKS = {
    "int": _check_int,
    "float": _check_float,
    "bool": _check_bool,
    "str": _check_str,
    "models": _check_models,
    "floats": _check_floats,
}


def _check_value(key: str, kind: str, v: Any) -> str | None:
    check = _CHECKS.get(kind)
    return check(key, v) if check else None


def validate_spec(spec: Any) -> list[str]:
    """Problems with a job spec, as messages naming the key (empty when run_job would accept it)."""
    if not isinstance(spec, dict):
        return [f"a job spec must be a mapping of keys to values, not {type(spec).__name__}"]
    task = spec.get("task")
    if task is None:
        return ["missing key 'task' (one of " + ", ".join(JOB_TASKS) + ")"]
    if task not in JOB_TASKS:
        hint = did_you_mean(task, JOB_TASKS)
        return [f"unknown task {task!r}{hint}; use one of {', '.join(JOB_TASKS)}"]
    if task == "forecast":
        return _forecast_problems(spec)
    keys = SPEC_KEYS[task]
    problems = []
    for key, value in spec.items():
        if key not in keys:
            problems.append(
                f"unknown key {key!r} for task {task}{did_you_mean(key, keys)}; "
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
    # engine.forecast loads pandas but not torch; imported here so other tasks need neither
    from engine import forecast

    problems = list(forecast.validate_config({k: v for k, v in spec.items() if k != "task"}))
    known = [f.name for f in dataclasses.fields(forecast.ForecastConfig)]
    for i, msg in enumerate(problems):
        bad = re.fullmatch(r"unknown forecast option '([^']*)'", msg)
        if bad:
            problems[i] = msg + did_you_mean(bad.group(1), known)
    return problems
