"""What a checkpoint keeps of its run's holdout, so `load` reports the saved run's figures.

The networks a run saves were, by default, retrained on every row, the holdout included; scored
on that holdout again after loading they look better than they are (issue 18: rides MAE 48,950
saved, 41,364 loaded), and intervals calibrated on those in-sample errors come out too narrow.
So a checkpoint holds the holdout's metrics (model and baselines, overall and per target), its
period, and the chosen forecaster's errors on it, each divided by its window's scale (what the
intervals are calibrated on). A load reports those, says so in the choice's notes, and scales
the intervals to the last window of the data it is given. The file is input, not truth: the
block is checked here before anything reads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.forecast.config import ForecastError
from engine.forecast.result import HoldoutSpan, clean
from engine.limits import MAX_TARGETS

Metrics = dict[str, dict[str, float | None]]
KEY = "holdout"  # the checkpoint metadata's key
MAX_ERRORS = 2_000_000  # scaled errors kept (16 MB of JSON at most)


@dataclass(frozen=True)
class SavedHoldout:
    metrics: Metrics  # model, naive, seasonal_naive
    other: Metrics  # drift, seasonal drift
    by_target: dict[str, Metrics]
    span: HoldoutSpan
    errors: np.ndarray  # (M, h, T) |actual - forecast| / the window's scale, >= 0

    def to_meta(self) -> dict[str, Any]:
        return {
            "metrics": clean(self.metrics),
            "other": clean(self.other),
            "by_target": clean(self.by_target),
            "span": self.span.to_dict(),
            "scaled_errors": self.errors.tolist(),
        }

    def note(self) -> str:
        return (
            f"the holdout figures and intervals are the saved run's ({self.span.start} to "
            f"{self.span.end}): its networks were retrained on those rows after, so scoring "
            "them there again would flatter them"
        )


RESCORED = (
    "the checkpoint keeps no holdout figures (saved by an older version): these are the loaded "
    "networks' on this data's holdout, which a retrained network has already seen, so they "
    "flatter it; save the model again to keep the saved run's"
)


class _Span(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)
    start: str = Field(alias="from", max_length=40)
    end: str = Field(alias="to", max_length=40)
    rows: int = Field(ge=1)
    windows: int = Field(ge=1)


Scores = dict[str, dict[str, float | None]]


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    metrics: Scores
    other: Scores
    by_target: dict[str, Scores] = Field(max_length=MAX_TARGETS)
    span: _Span
    scaled_errors: list[list[list[float]]] = Field(min_length=1)


def read(meta: dict, targets: list[str], horizon: int) -> SavedHoldout | None:
    """The checkpoint's saved holdout (None when it has none); ForecastError naming the
    problem when the block does not fit the checkpoint's horizon and targets."""
    if KEY not in meta:
        return None
    try:
        block = _Block.model_validate(meta[KEY])
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        return _damaged(f"{where}: {err['msg']}")
    errors = np.asarray(block.scaled_errors, np.float64)
    shape = (horizon, len(targets))
    if errors.ndim != 3 or errors.shape[1:] != shape or errors.size > MAX_ERRORS:
        return _damaged(f"scaled_errors has shape {errors.shape}, not (windows, {horizon}, "
                        f"{len(targets)})")  # fmt: skip
    if not np.isfinite(errors).all() or (errors < 0).any():
        return _damaged("scaled_errors holds negative or non-finite values")
    for name in ("model", "naive", "seasonal_naive"):
        if name not in block.metrics:
            return _damaged(f"metrics has no {name!r}")
    if sorted(block.by_target) != sorted(targets):
        return _damaged(f"by_target names {', '.join(block.by_target)}, not the targets")
    span = HoldoutSpan(block.span.start, block.span.end, block.span.rows, block.span.windows)
    return SavedHoldout(
        _finite(block.metrics), _finite(block.other),
        {t: _finite(block.by_target[t]) for t in targets}, span, errors,
    )  # fmt: skip


def _finite(m: Scores) -> Scores:
    return {k: {n: v if v is None or math.isfinite(v) else None for n, v in d.items()}
            for k, d in m.items()}  # fmt: skip


def _damaged(what: str) -> SavedHoldout:
    raise ForecastError(
        f"the checkpoint's saved holdout figures are damaged ({what[:200]}); save the model again"
    )
