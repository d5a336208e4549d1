"""Progress events the trainer emits; any front end (app, lessons, CLI) consumes them.

The trainer calls `on_event(event)` from the thread it runs in and knows nothing of who listens.
Every event carries `run`, the name of the model being trained, so a job that trains several
models side by side can be drawn as one sparkline per run.
"""

from __future__ import annotations

from dataclasses import dataclass

REASONS = ("completed", "early_stopped", "cancelled")


@dataclass(frozen=True)
class BatchEnd:
    """A training batch finished (throttled: see engine.train.TrainConfig.batch_event_interval)."""

    run: str
    epoch: int  # 1-based
    batch: int  # 1-based, within the epoch
    n_batches: int
    loss: float  # this batch's training loss


@dataclass(frozen=True)
class EpochEnd:
    """An epoch finished: its mean training loss, validation loss and timing."""

    run: str
    epoch: int  # 1-based
    epochs: int  # planned epochs (early stopping may end sooner)
    train_loss: float
    val_loss: float | None  # None when there is no validation data
    lr: float  # learning rate used during this epoch
    elapsed: float  # seconds since fit started
    eta: float  # seconds still expected for the planned epochs


@dataclass(frozen=True)
class TrainingDone:
    """Training ended; `reason` is one of REASONS."""

    run: str
    reason: str
    epochs_run: int
    best_val_loss: float | None


@dataclass(frozen=True)
class RunPlan:
    """A stage of a run is about to train `networks` networks (a forecast's input modes and
    seeds, then its refits), so a front end can count the whole run."""

    run: str
    stage: str  # "fit" | "refit"
    networks: int


Event = BatchEnd | EpochEnd | TrainingDone | RunPlan
