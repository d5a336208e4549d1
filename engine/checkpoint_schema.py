"""What a checkpoint's metadata may say, checked before anything is built from it.

A checkpoint is a file from somewhere: its JSON header is input, not truth. Two layers:

- `model_config_problems`: the model config within hard size bounds (a 3 KB file declaring
  `hidden: 10**9` must not ask for 224 GB), and the tensor shapes the header declares equal to
  the shapes that config implies (computed on torch's "meta" device: no memory allocated).
- `ForecastMeta`: the forecast metadata (strategy, window, horizon, columns, scalers, covariate
  spec, season) as a pydantic schema, then cross-checked against the model config.

Each returns or raises messages naming the key; engine.checkpoint wraps them with the path.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from engine.covariates import calendar_features
from engine.limits import (
    MAX_HIDDEN,
    MAX_HORIZON,
    MAX_INPUT,
    MAX_LAYERS,
    MAX_MEMBERS,
    MAX_SEASON,
    MAX_TARGETS,
    MAX_WINDOW,
)
from engine.vocabulary import (
    BASELINE_TITLES,
    INPUT_MODES,
    SCALER_KINDS,
    SCALINGS,
    STRATEGIES,
    STRATEGY_HEADS,
)

_BASELINES = tuple(BASELINE_TITLES)


def model_config_problems(config: dict) -> list[str]:
    """Size bounds on a stored model config (before any model is built)."""
    bounds = {
        "hidden": MAX_HIDDEN,
        "layers": MAX_LAYERS,
        "input_size": MAX_INPUT,
        "horizon": MAX_HORIZON,
        "n_targets": MAX_TARGETS,
        "future_size": MAX_INPUT,
    }
    problems = []
    for key, top in bounds.items():
        v = config.get(key)
        if isinstance(v, int) and not isinstance(v, bool) and v > top:
            problems.append(f"model_config.{key} is {v}, above the limit of {top}")
    return problems


def shape_problems(config: Any, declared: dict[str, list[int]]) -> list[str]:
    """The header's tensor names and shapes against those the config implies (no allocation)."""
    # torch only here: engine.forecast checks a checkpoint's metadata (the rest) without it
    import torch

    from engine.models import build_model

    with torch.device("meta"):
        expected = {k: list(v.shape) for k, v in build_model(config).state_dict().items()}
    missing = sorted(set(expected) - set(declared))
    unexpected = sorted(set(declared) - set(expected))
    differ = [
        f"{k}: file {tuple(declared[k])}, model {tuple(expected[k])}"
        for k in expected
        if k in declared and list(declared[k]) != expected[k]
    ]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing[:5]))
    if unexpected:
        parts.append("unexpected " + ", ".join(unexpected[:5]))
    if differ:
        parts.append("shapes differ: " + "; ".join(differ[:5]))
    return parts


# --- the forecast metadata ---------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class ScalerMeta(_Strict):
    kind: Literal[SCALER_KINDS]  # type: ignore[valid-type]
    shift: list[float] = Field(min_length=1, max_length=MAX_TARGETS)
    scale: list[float] = Field(min_length=1, max_length=MAX_TARGETS)

    @field_validator("shift", "scale")
    @classmethod
    def _finite(cls, v: list[float]) -> list[float]:
        if not all(math.isfinite(x) for x in v):
            raise ValueError("must hold finite numbers")
        return v

    @field_validator("scale")
    @classmethod
    def _positive(cls, v: list[float]) -> list[float]:
        if not all(x > 0 for x in v):
            raise ValueError("must be positive (a scale of 0 divides by zero)")
        return v

    @model_validator(mode="after")
    def _same_length(self) -> ScalerMeta:
        if len(self.shift) != len(self.scale):
            raise ValueError(f"shift has {len(self.shift)} values, scale {len(self.scale)}")
        return self


class CovariateMeta(_Strict):
    numeric: list[str] = Field(max_length=MAX_INPUT)
    categorical: dict[str, list[str]]
    calendar: Literal["daily", "hourly", "weekly", "monthly", None] = None
    numeric_scaler: ScalerMeta | None = None
    holidays: str | None = Field(default=None, max_length=12, pattern=r"^[A-Za-z]{2,3}(-\w+)?$")

    @model_validator(mode="after")
    def _scaler_matches(self) -> CovariateMeta:
        if self.numeric and self.numeric_scaler is None:
            raise ValueError("numeric covariates need a numeric_scaler")
        if self.numeric_scaler is not None and len(self.numeric_scaler.shift) != len(self.numeric):
            raise ValueError(
                f"numeric_scaler has {len(self.numeric_scaler.shift)} columns for "
                f"{len(self.numeric)} numeric covariate(s)"
            )
        if any(not cats for cats in self.categorical.values()):
            raise ValueError("a categorical covariate needs at least one category")
        if self.n_features() > MAX_INPUT:  # one-hot columns would be built for every row
            raise ValueError(f"{self.n_features():,} covariate features, above {MAX_INPUT:,}")
        return self

    def n_features(self) -> int:
        """Model inputs these covariates become: numeric, one-hot categories, calendar."""
        calendar = len(calendar_features(pd.DatetimeIndex([]), self.calendar, self.holidays)[1])
        return len(self.numeric) + sum(len(c) for c in self.categorical.values()) + calendar


class ForecastMeta(_Strict):
    """The metadata engine.forecast writes (format lstm-tutor-forecast, version 1)."""

    strategy: Literal[STRATEGIES]  # type: ignore[valid-type]
    window: int = Field(ge=1, le=MAX_WINDOW)
    horizon: int = Field(ge=1, le=MAX_HORIZON)
    targets: list[str] = Field(min_length=1, max_length=MAX_TARGETS)
    covariates: list[str]
    covariate_spec: CovariateMeta
    target_scaler: ScalerMeta
    scaling: Literal[SCALINGS]  # type: ignore[valid-type]
    calendar: bool
    freq: str | None = None
    date_column: str | None = None
    season: int = Field(ge=1, le=MAX_SEASON)
    last_date: str | None = None
    model_config_: dict = Field(alias="model_config")
    # how each saved network reads its windows (older checkpoints: one network, global)
    inputs: Literal[INPUT_MODES] = "global"  # type: ignore[valid-type]
    members: list[Literal[INPUT_MODES]] | None = Field(  # type: ignore[valid-type]
        None, min_length=1, max_length=MAX_MEMBERS
    )
    combined_with: Literal[_BASELINES] | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _agrees_with_the_model(self) -> ForecastMeta:
        mc = self.model_config_
        n = len(self.targets)
        if len(self.target_scaler.shift) != n:
            raise ValueError(
                f"target_scaler has {len(self.target_scaler.shift)} column(s) for {n} target(s)"
            )
        if mc.get("n_targets") != n:
            raise ValueError(f"{n} target(s) but the model predicts {mc.get('n_targets')}")
        head = STRATEGY_HEADS[self.strategy]
        if mc.get("head") != head:
            raise ValueError(
                f"strategy {self.strategy} needs head {head!r}, the model has {mc.get('head')!r}"
            )
        model_horizon = 1 if self.strategy == "recursive" else self.horizon
        if mc.get("horizon") != model_horizon:
            raise ValueError(
                f"horizon {self.horizon} but the model predicts {mc.get('horizon')} step(s)"
            )
        spec = self.covariate_spec
        if sorted(self.covariates) != sorted(spec.numeric + list(spec.categorical)):
            raise ValueError("covariates and covariate_spec name different columns")
        if mc.get("input_size") != n + spec.n_features():
            raise ValueError(
                f"the model reads {mc.get('input_size')} inputs per step, the targets and "
                f"covariate_spec make {n + spec.n_features()}"
            )
        return self


def check_forecast_metadata(meta: dict) -> list[str]:
    """Problems with a forecast checkpoint's metadata, each naming its key (empty when fine)."""
    try:
        ForecastMeta.model_validate(meta)
    except ValidationError as exc:
        out = []
        for err in exc.errors()[:8]:
            where = ".".join(str(p) for p in err["loc"]) or "metadata"
            msg = err["msg"].removeprefix("Value error, ")
            out.append(f"{where}: {msg}" if err["type"] != "missing" else f"{where} is missing")
        return out
    return []
