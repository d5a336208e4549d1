"""Messages the app's workers and widgets post, as small dataclasses.

Training workers run in threads and talk to the UI only through these (`post_message` is
thread-safe). Batch progress arrives far faster than a terminal can show it, so consecutive
`BatchProgress` messages of one run replace each other in the queue (`can_replace`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message


@dataclass
class BatchProgress(Message):
    """A run finished a batch; only the latest one per run is worth drawing."""

    job: int  # which training job (a panel may start several one after another)
    run: str
    epoch: int
    batch: int
    n_batches: int
    loss: float

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, BatchProgress)
            and message.job == self.job
            and message.run == self.run
        )


@dataclass
class EpochProgress(Message):
    """A run finished one or more epochs: new points for its loss sparklines.

    Fast epochs are sent in bunches (every point, but at most one message per interval),
    so a small model training thousands of epochs a second cannot flood the UI.
    """

    job: int
    run: str
    epoch: int  # the latest epoch in this bunch
    epochs: int
    train_losses: list[float]
    val_losses: list[float]
    lr: float
    elapsed: float
    eta: float


@dataclass
class RunFinished(Message):
    """One model of a job stopped training (completed, early-stopped or cancelled)."""

    job: int
    run: str
    reason: str
    epochs_run: int
    best_val_loss: float | None


@dataclass
class JobFinished(Message):
    """The whole job returned: the trainer's summary and per-run metrics."""

    job: int
    summary: str
    runs: dict[str, Any] = field(default_factory=dict)
    cancelled: bool = False
    warnings: list[str] = field(default_factory=list)  # about the data (dropped duplicates, ...)


@dataclass
class LessonCompleted(Message):
    """The learner answered the last step of a lesson."""

    lesson_id: str
