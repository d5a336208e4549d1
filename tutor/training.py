"""The app's one way to train: an engine trainer in a thread worker, progress as messages.

Both the training panel (lab, lesson run steps) and the forecast view start their trainers
through `start_training`. The worker never touches widgets: it turns the engine's events into
the messages of tutor/messages.py, at most one per run per `MESSAGE_INTERVAL` (the trainer
already throttles its batch events; a terminal cannot show more than ~10 frames a second of
one curve either). Stopping sets a flag the trainer polls between batches, so the thread
really ends (cancelling a Textual thread worker alone would leave it running, textual #3966);
the app keeps every live flag so quitting stops every trainer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, get_current_worker

from tutor.messages import BatchProgress, EpochProgress, RunFinished

MESSAGE_INTERVAL = 0.1  # seconds between progress messages per run: more is invisible

OnEvent = Callable[[object], None]
ShouldStop = Callable[[], bool]
Trainer = Callable[[OnEvent, ShouldStop], Any]  # e.g. run_job(spec, on_event=, should_stop=)


class ProgressRelay:
    """Engine events in, the app's progress messages out (throttled per run)."""

    def __init__(
        self, job: int, post: Callable[[Message], Any], interval: float = MESSAGE_INTERVAL
    ) -> None:
        self.job = job
        self.post = post
        self.interval = interval
        self._last_batch: dict[str, float] = {}
        self._last_epoch: dict[str, float] = {}
        self._pending: dict[str, list] = {}  # run -> EpochEnd events not sent yet

    def __call__(self, event: object) -> None:
        from engine.events import BatchEnd, EpochEnd, TrainingDone

        if isinstance(event, BatchEnd):
            now = time.monotonic()
            if now - self._last_batch.get(event.run, 0.0) < self.interval:
                return
            self._last_batch[event.run] = now
            self.post(
                BatchProgress(
                    self.job, event.run, event.epoch, event.batch, event.n_batches, event.loss
                )
            )
        elif isinstance(event, EpochEnd):
            self._pending.setdefault(event.run, []).append(event)
            if time.monotonic() - self._last_epoch.get(event.run, 0.0) >= self.interval:
                self.flush(event.run)
        elif isinstance(event, TrainingDone):
            self.flush(event.run)
            self.post(
                RunFinished(
                    self.job, event.run, event.reason, event.epochs_run, event.best_val_loss
                )
            )

    def flush(self, run: str) -> None:
        """Send the epochs of `run` held back by the throttle (every point reaches the UI)."""
        events = self._pending.pop(run, [])
        if not events:
            return
        last = events[-1]
        self._last_epoch[run] = time.monotonic()
        self.post(
            EpochProgress(
                self.job,
                run,
                last.epoch,
                last.epochs,
                [e.train_loss for e in events],
                [e.val_loss for e in events if e.val_loss is not None],
                last.lr,
                last.elapsed,
                last.eta,
            )
        )

    def flush_all(self) -> None:
        for run in list(self._pending):
            self.flush(run)


@dataclass
class TrainingRun:
    """One trainer in its thread: its job number, stop flag and worker."""

    job: int
    stop: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)  # the thread has returned
    worker: Worker | None = None

    @property
    def running(self) -> bool:
        return self.worker is not None and not self.worker.is_finished


def start_training(
    owner: DOMNode,
    job: int,
    trainer: Trainer,
    stop_events: set[threading.Event],
    *,
    group: str = "training",
) -> TrainingRun:
    """Run `trainer(on_event, should_stop)` in a thread worker owned by `owner`.

    Progress messages go to `owner` (post_message is thread-safe); the worker's result or
    error arrives as the usual Worker.StateChanged. `stop_events` is the app's set of live
    stop flags: the flag is in it while the thread runs.
    """
    run = TrainingRun(job)
    stop_events.add(run.stop)

    def work() -> Any:
        worker = get_current_worker()
        relay = ProgressRelay(job, owner.post_message)
        try:
            return trainer(relay, lambda: run.stop.is_set() or worker.is_cancelled)
        finally:
            relay.flush_all()
            stop_events.discard(run.stop)
            run.done.set()

    run.worker = owner.run_worker(work, thread=True, exit_on_error=False, group=group)
    return run
