"""What a forecast run is asked to do: the config dataclass, its validation, the run's error."""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass, field

import pandas as pd

from engine import limits
from engine.data import MAX_FILL
from engine.table_input import SEPARATORS, Reading
from engine.vocabulary import (
    DATASETS,
    DEFAULT_DATASET,
    DEFAULT_DEVICE,
    DEFAULT_MODEL_KIND,
    DEVICES,
    FILLS,
    INPUTS,
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
    dataset: str = DEFAULT_DATASET
    date: str | None = None
    targets: list[str] = field(default_factory=list)
    covariates: list[str] | None = None  # None: none for a CSV, day_type for `transit`
    calendar: bool = True  # add calendar features derived from the dates (day of week, ...)
    fill: str | None = None  # interpolate | ffill
    future: str | os.PathLike | pd.DataFrame | None = None  # covariates after the data ends
    model: str = DEFAULT_MODEL_KIND
    strategy: str = "direct"
    window: int | None = None  # past steps seen; None: from the season and horizon (defaults.py)
    horizon: int = 7
    hidden: int | None = None  # None: 8, 16 or 32 units by the number of training windows
    layers: int = 1
    dropout: float = 0.0
    bidirectional: bool = False
    epochs: int | None = None  # None: ~1,500 optimizer steps (20-200 epochs), early-stopped
    batch_size: int | None = None  # None: ~10 batches an epoch, 8 to 64 windows each
    lr: float = 5e-3
    optimizer: str = "adam"
    loss: str = "mse"
    patience: int | None = 10
    grad_clip: float | None = 1.0
    val_fraction: float = 0.1
    seed: int = 0
    # networks per input mode, from seeds seed, seed+1, ..., averaged; None: 2 when the series
    # gives fewer than 2,000 training windows (cheap to train, and seed noise is largest), else 1
    seeds: int | None = None
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
    inputs: str = "auto"  # how windows are normalized: auto | level | seasonal | global (inputs.py)
    fallback: bool = True  # forecast with the best baseline when the network loses on the holdout
    refit: bool = True  # after choosing on the holdout, train again on all rows to forecast
    intervals: list[float] = field(default_factory=list)  # e.g. [80]: prediction intervals (%)
    # how the CSV is written; None: found from the file (engine.table_input, engine.dates)
    sep: str | None = None  # , ; tab |
    decimal: str | None = None  # . or ,
    dayfirst: bool | None = None  # 01/02/1980: True 1 February, False January 2
    date_format: str | None = None  # strftime format of the dates, e.g. %d/%m/%Y %H:%M
    max_fill: float = MAX_FILL  # the most of the rows (%) `fill` may invent
    holidays: str | None = None  # a country's public holidays as calendar inputs: DE, US-CA

    def reading(self) -> Reading:
        """How the CSV (and the `future` table) is to be read."""
        return Reading(self.sep, self.decimal, self.dayfirst, self.date_format)

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
    p += choice_problems(d) + count_problems(d)
    if not 0 <= float(d.get("dropout", 0.0)) < 1:
        p.append(f"`dropout` must be in [0, 1), not {d['dropout']!r}")
    p += limit_problems(d) + reading_problems(d) + shape_problems(d)
    return p


CHOICES = {
    "dataset": DATASETS,
    "model": MODELS,
    "strategy": STRATEGIES,
    "optimizer": OPTIMIZERS,
    "loss": LOSSES,
    "scaling": SCALINGS,
    "device": DEVICES,
    "inputs": INPUTS,
}

# counts that may be left out (None: chosen from the series)
OPTIONAL_COUNTS = ("window", "hidden", "epochs", "batch_size", "test_size", "patience", "season",
                   "threads", "seeds")  # fmt: skip


def choice_problems(d: dict) -> list[str]:
    """Options whose value must be one of the vocabulary's names."""
    p = [
        f"`{k}` must be one of {', '.join(allowed)}, not {d[k]!r}"
        for k, allowed in CHOICES.items()
        if k in d and d[k] not in allowed
    ]
    if d.get("fill") is not None and d["fill"] not in FILLS:
        p.append(f"`fill` must be interpolate or ffill, not {d['fill']!r}")
    return p


def _positive_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


def count_problems(d: dict) -> list[str]:
    """Whole, positive counts: horizon and layers always, the others when given."""
    p = [
        f"`{k}` must be a positive integer, not {d.get(k, 1)!r}"
        for k in ("horizon", "layers")
        if not _positive_int(d.get(k, 1))
    ]
    for k in OPTIONAL_COUNTS:
        v = d.get(k)
        if v is not None and not _positive_int(v):
            p.append(f"`{k}` must be a positive integer, not {v!r}")
    return p


def shape_problems(d: dict) -> list[str]:
    """The test split given one way, interval levels in percent, column lists as lists."""
    p = []
    if d.get("test_size") is not None and d.get("test_start") is not None:
        p.append("give `test_size` or `test_start`, not both")
    levels = d.get("intervals") or []
    if isinstance(levels, (int, float, str)):
        p.append("`intervals` must be a list of coverage levels in percent, e.g. [80, 95]")
    elif not all(isinstance(v, (int, float)) and 0 < v < 100 for v in levels):
        p.append(f"`intervals` must be coverage levels between 0 and 100 (percent), not {levels!r}")
    for k in ("targets", "covariates"):
        if isinstance(d.get(k), str):
            p.append(f"`{k}` must be a list of column names")
    return p


def limit_problems(d: dict) -> list[str]:
    """Hard upper bounds (engine.limits), the seed's range and a finite learning rate: checked
    before any data is read or memory allocated."""
    p = []
    for k, top in UPPER.items():
        v = d.get(k)
        if isinstance(v, int) and not isinstance(v, bool) and v > top:
            p.append(f"`{k}` must be at most {top:,}, not {v:,}")
    seed = d.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= limits.MAX_SEED:
        p.append(f"`seed` must be a whole number from 0 to {limits.MAX_SEED}, not {seed!r}")
    lr = d.get("lr", 1e-3)
    if not isinstance(lr, (int, float)) or isinstance(lr, bool) or not math.isfinite(lr):
        p.append(f"`lr` must be a finite number, not {lr!r}")
    elif not 0 < lr <= limits.LR_MAX:
        p.append(f"`lr` must be positive and at most {limits.LR_MAX:g}, not {lr!r}")
    clip = d.get("grad_clip")
    if clip is not None and (not isinstance(clip, (int, float)) or not math.isfinite(clip)):
        p.append(f"`grad_clip` must be a finite number or None, not {clip!r}")
    return p


def reading_problems(d: dict) -> list[str]:
    """The separator, decimal mark, date format and fill limit, when given."""
    p = []
    if d.get("sep") is not None and d["sep"] not in SEPARATORS:
        shown = ", ".join(repr(s) for s in SEPARATORS)
        p.append(f"`sep` must be one of {shown}, not {d['sep']!r}")
    if d.get("decimal") is not None and d["decimal"] not in (".", ","):
        p.append(f"`decimal` must be '.' or ',', not {d['decimal']!r}")
    if d.get("sep") is not None and d.get("sep") == d.get("decimal"):
        p.append("`sep` and `decimal` cannot be the same character")
    fmt = d.get("date_format")
    if fmt is not None and (not isinstance(fmt, str) or "%" not in fmt):
        p.append(f"`date_format` must be a strftime format such as %d/%m/%Y, not {fmt!r}")
    share = d.get("max_fill", MAX_FILL)
    if not isinstance(share, (int, float)) or isinstance(share, bool) or not 0 <= share <= 100:
        p.append(f"`max_fill` must be a percentage from 0 to 100, not {share!r}")
    if d.get("dayfirst") is not None and not isinstance(d["dayfirst"], bool):
        p.append(f"`dayfirst` must be true, false or unset, not {d['dayfirst']!r}")
    return p


UPPER = {
    "window": limits.MAX_WINDOW,
    "horizon": limits.MAX_HORIZON,
    "hidden": limits.MAX_HIDDEN,
    "layers": limits.MAX_LAYERS,
    "epochs": limits.MAX_EPOCHS,
    "batch_size": limits.MAX_BATCH,
    "season": limits.MAX_SEASON,
    "threads": limits.MAX_THREADS,
    "patience": limits.MAX_EPOCHS,
    "seeds": limits.MAX_SEEDS,
}


def checked(config: ForecastConfig | dict) -> ForecastConfig:
    """The config as a ForecastConfig, or ForecastError listing every problem."""
    if isinstance(config, dict):
        config = ForecastConfig.from_dict(config)
    problems = validate_config(config)
    if problems:
        raise ForecastError("invalid forecast config: " + "; ".join(problems))
    return config
