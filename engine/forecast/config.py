"""What a forecast run is asked to do: the config dataclass, its validation, the run's error."""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field

import pandas as pd

from engine.vocabulary import (
    DATASETS,
    DEFAULT_DEVICE,
    DEVICES,
    FILLS,
    LOSSES,
    OPTIMIZERS,
    SCALINGS,
    STRATEGIES,
)
from engine.vocabulary import MODEL_KINDS as MODELS


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


def checked(config: ForecastConfig | dict) -> ForecastConfig:
    """The config as a ForecastConfig, or ForecastError listing every problem."""
    if isinstance(config, dict):
        config = ForecastConfig.from_dict(config)
    problems = validate_config(config)
    if problems:
        raise ForecastError("invalid forecast config: " + "; ".join(problems))
    return config
