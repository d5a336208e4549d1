"""What a forecast run returns, and every shape it is written in: the JSON, the forecast frame
with ISO dates (the CLI's CSV and table, the app's export), the interval columns' names and the
forecasters' labels."""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.vocabulary import BASELINE_TITLES

Metrics = dict[str, dict[str, float | None]]
DAY_NS = 86_400 * 10**9


@dataclass(frozen=True)
class Label:
    """How a forecaster is named: in sentences, in the CLI's 80-column table, in the app's
    narrow metrics column."""

    title: str
    column: str
    short: str


# the model's title is the network's own label (ForecastResult.model_label)
LABELS = {
    "model": Label("the network", "model", "model"),
    **{k: Label(v, v, v) for k, v in BASELINE_TITLES.items()},
    "seasonal_naive": Label(BASELINE_TITLES["seasonal_naive"], "seasonal naive", "seasonal"),
    "seasonal_drift": Label(BASELINE_TITLES["seasonal_drift"], "snaive+drift", "snaive+drift"),
}


def interval_column(target: str, bound: str, level: float) -> str:
    """The forecast's column of one interval bound: y_lower_80, y_upper_97.5."""
    return f"{target}_{bound}_{level:g}"


@dataclass(frozen=True)
class HoldoutSpan:
    """The holdout's period: first and last date scored, its rows and forecast windows."""

    start: str
    end: str
    rows: int
    windows: int

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.start, "to": self.end, "rows": self.rows, "windows": self.windows}


@dataclass(frozen=True)
class Choice:
    """What the run chose and why."""

    forecast: str = "model"  # "model", or the baseline (BASELINE_TITLES) that forecast instead
    inputs: str | None = None  # level | seasonal | global | ensemble (their average)
    combined_with: str | None = None  # a baseline averaged with the network
    inputs_tried: tuple[str, ...] = ()
    seeds: int | None = None  # networks per input mode (None: loaded, or too short for any)
    refit: bool = False  # retrained on every row
    window: int | None = None
    horizon: int = 0
    hidden: int | None = None
    holdout: HoldoutSpan | None = None
    notes: tuple[str, ...] = ()  # what the automatic settings chose

    def to_dict(self) -> dict[str, Any]:
        """The JSON's "choice"."""
        return {
            "forecast": self.forecast,
            "inputs": self.inputs,
            "combined_with": self.combined_with,
            "inputs_tried": list(self.inputs_tried),
            "seeds": self.seeds,
            "refit": self.refit,
            "window": self.window,
            "horizon": self.horizon,
            "hidden": self.hidden,
            "holdout": self.holdout.to_dict() if self.holdout is not None else None,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Retrained:
    """The refit on every row: epochs per network, rows, seconds."""

    epochs: tuple[int, ...]
    rows: int
    seconds: float


@dataclass(frozen=True)
class Training:
    """How the networks were made."""

    reason: str  # how the (first) fit ended: completed, early_stopped, cancelled; or loaded,
    # not_trained (too short for a network)
    seconds: float = 0.0  # every network's training, refit included
    epochs_run: int | None = None
    best_epoch: int | None = None
    best_val_loss: float | None = None
    refit: Retrained | None = None
    checkpoint: str | None = None  # where a loaded model came from


@dataclass
class ForecastResult:
    metrics: Metrics  # {"model"|"naive"|"seasonal_naive": {metric: v}}
    forecast: pd.DataFrame  # date + one column per target (+ interval bounds): the steps after
    holdout: pd.DataFrame  # date, <t>_actual, <t>_predicted, <t>_naive, <t>_seasonal_naive
    warnings: list[str]
    checkpoint: dict[str, Any]  # the metadata a checkpoint holds (written when config.save)
    metrics_by_target: dict[str, Metrics] = field(default_factory=dict)
    history: dict[str, list[float]] = field(default_factory=dict)
    training: Training | None = None
    targets: list[str] = field(default_factory=list)
    season: int = 1
    choice: Choice | None = None
    intervals: list[float] = field(default_factory=list)  # coverage levels (%) in `forecast`
    other_metrics: Metrics = field(default_factory=dict)  # drift, seasonal drift
    model_label: str = ""  # e.g. "lstm (direct)": the network the metrics' "model" row is
    freq: str | None = None  # the data's frequency: how dates are written (date_style)

    def forecast_by(self) -> str:
        """What made the forecast, in words the CLI and the app both show."""
        picked = self.choice.forecast if self.choice is not None else "model"
        if picked != "model":
            return f"{LABELS[picked].title} (fallback)"
        label = self.model_label or LABELS["model"].title
        partner = self.choice.combined_with if self.choice is not None else None
        if partner:
            return f"{label} averaged with {LABELS[partner].title}"
        return label

    def interval_columns(self) -> list[str]:
        """The forecast's lower/upper columns, target by target, level by level."""
        return [
            interval_column(t, bound, level)
            for t in self.targets
            for level in self.intervals
            for bound in ("lower", "upper")
        ]

    def interval(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper), each (h, T), of the `level` % interval."""
        lo = self.forecast[[interval_column(t, "lower", level) for t in self.targets]]
        hi = self.forecast[[interval_column(t, "upper", level) for t in self.targets]]
        return lo.to_numpy(), hi.to_numpy()

    def forecast_frame(self) -> pd.DataFrame:
        """The forecast as it is written (CSV, table, JSON): its dates in ISO form."""
        frame = self.forecast.copy()
        frame["date"] = iso_dates(self.forecast["date"], self.freq)
        return frame

    def write_csv(self, path: str | os.PathLike) -> None:
        """The forecast frame as CSV, written atomically (a failed write leaves no half file)."""
        write_atomic(Path(path), self.forecast_frame().to_csv(index=False))

    def to_json(self) -> dict[str, Any]:
        """The CLI's JSON shape: metrics, forecast rows with ISO dates (and interval bounds),
        warnings, and what the run chose."""
        cols = ["date", *self.targets, *self.interval_columns()]  # target by target
        out = {
            "metrics": clean(self.metrics),
            "forecast": self.forecast_frame()[cols].to_dict(orient="records"),
            "warnings": list(self.warnings),
        }
        if self.choice is not None:
            out["choice"] = clean(self.choice.to_dict())
        if self.other_metrics:
            out["other_baselines"] = clean(self.other_metrics)
        return out


def date_style(freq: str | None, dates: Iterable = ()) -> str:
    """How a series' dates are written, one way for a whole column (so it reads back): "date"
    (YYYY-MM-DD) when the steps are a day or longer, "datetime" (YYYY-MM-DDTHH:MM:SS) when they
    are shorter, or when any of `dates` has a time of day."""
    try:
        step = pd.tseries.frequencies.to_offset(freq) if freq else None
    except ValueError:
        step = None
    if isinstance(step, pd.offsets.Tick) and step.nanos < DAY_NS:
        return "datetime"
    stamps = pd.DatetimeIndex(list(dates))
    return "datetime" if (stamps != stamps.normalize()).any() else "date"


def iso(d: Any, style: str | None = None) -> str:
    """A date in ISO form: `style` "date" or "datetime" (date_style); None: YYYY-MM-DD, or the
    full timestamp when it has a time of day."""
    d = pd.Timestamp(d)
    if style is None:
        style = "date" if d == d.normalize() else "datetime"
    return d.date().isoformat() if style == "date" else d.isoformat(timespec="seconds")


def iso_dates(dates: Iterable, freq: str | None) -> list[str]:
    """Every date of a column written the same way, chosen by the data's frequency."""
    dates = list(dates)
    style = date_style(freq, dates)
    return [iso(d, style) for d in dates]


def clean(obj: Any) -> Any:
    """JSON-safe: non-finite floats become None (nested dicts too)."""
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def write_atomic(path: Path, text: str) -> None:
    """`text` to `path` through a temporary file in the same folder, renamed into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as open() would make it, not mkstemp's owner-only
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
