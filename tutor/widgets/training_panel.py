"""Runs an engine training job in a thread worker and shows each model's LossPanel side by side.

The worker wraps `engine.jobs.run_job`; it never touches widgets, it only posts messages.
Stopping sets a flag the trainer polls between batches, so the thread really ends (cancelling
a Textual thread worker alone would leave the thread running, textual #3966).
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

from textual import on, work
from textual.containers import Horizontal
from textual.worker import Worker, WorkerState, get_current_worker

from tutor.messages import BatchProgress, EpochProgress, JobFinished, RunFinished
from tutor.widgets.loss_panel import LossPanel

MESSAGE_INTERVAL = 0.1  # seconds between progress messages per run: more is invisible


def panel_id(run: str) -> str:
    """A DOM id for a run name ("forget_bias_0.0" has a dot, which ids may not)."""
    return "run-" + re.sub(r"[^A-Za-z0-9_-]", "-", run)


class TrainingPanel(Horizontal):
    """Loss panels of the models a job trains, plus the worker that trains them."""

    DEFAULT_CSS = """
    TrainingPanel { height: auto; }
    TrainingPanel LossPanel { width: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.job = 0
        self.worker: Worker | None = None
        self._stop = threading.Event()
        self.thread_done = threading.Event()  # set when the training thread has returned
        self.last_summary = ""
        self.last_cancelled = False

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.state in (
            WorkerState.PENDING,
            WorkerState.RUNNING,
        )

    def show_models(self, models: list[str]) -> None:
        """Empty panels for exactly these runs, in this order (before a job starts)."""
        wanted = [panel_id(name) for name in models]
        for panel in list(self.query_children(LossPanel)):
            if panel.id not in wanted:
                panel.remove()
        for name, ident in zip(models, wanted, strict=True):
            found = self.query_children(f"#{ident}")
            if found:
                found.first(LossPanel).reset()
            else:
                self.mount(LossPanel(name, id=ident))

    def start(self, spec: dict[str, Any]) -> Worker | None:
        """Train `spec` (engine.jobs.run_job); refuses while a job still runs."""
        if self.running:
            self.notify("A training run is already going; stop it first.", severity="warning")
            return None
        self.job += 1
        self._stop = threading.Event()
        self.thread_done = threading.Event()
        self.app_stop_events().add(self._stop)
        # runs are named after their models, except where a task names them itself
        named_by_model = spec.get("task") in ("maxmin", "sine")
        self.show_models([str(m) for m in spec.get("models", [])] if named_by_model else [])
        self.worker = self._train(self.job, dict(spec), self._stop, self.thread_done)
        return self.worker

    def stop(self) -> None:
        """Ask the trainer to stop after the batch it is in."""
        self._stop.set()

    def app_stop_events(self) -> set[threading.Event]:
        events = getattr(self.app, "stop_events", None)
        return events if isinstance(events, set) else set()

    def on_unmount(self) -> None:
        self._stop.set()

    @work(thread=True, exit_on_error=False, group="training")
    def _train(
        self, job: int, spec: dict[str, Any], stop: threading.Event, done: threading.Event
    ) -> Any:
        try:
            return self._run_job(job, spec, stop)
        finally:
            done.set()

    def _run_job(self, job: int, spec: dict[str, Any], stop: threading.Event) -> Any:
        # heavy imports here: the app starts without torch
        from engine.events import BatchEnd, EpochEnd, TrainingDone
        from engine.jobs import run_job

        worker = get_current_worker()
        last_batch: dict[str, float] = {}
        last_epoch: dict[str, float] = {}
        pending: dict[str, list] = {}  # run -> EpochEnd events not sent yet

        def flush(run: str) -> None:
            events = pending.pop(run, [])
            if not events:
                return
            last = events[-1]
            last_epoch[run] = time.monotonic()
            self.post_message(
                EpochProgress(
                    job,
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

        def on_event(event: object) -> None:
            if isinstance(event, BatchEnd):
                now = time.monotonic()
                if now - last_batch.get(event.run, 0.0) < MESSAGE_INTERVAL:
                    return
                last_batch[event.run] = now
                self.post_message(
                    BatchProgress(
                        job, event.run, event.epoch, event.batch, event.n_batches, event.loss
                    )
                )
            elif isinstance(event, EpochEnd):
                pending.setdefault(event.run, []).append(event)
                if time.monotonic() - last_epoch.get(event.run, 0.0) >= MESSAGE_INTERVAL:
                    flush(event.run)
            elif isinstance(event, TrainingDone):
                flush(event.run)
                self.post_message(
                    RunFinished(job, event.run, event.reason, event.epochs_run, event.best_val_loss)
                )

        def should_stop() -> bool:
            return stop.is_set() or worker.is_cancelled

        result = run_job(spec, on_event=on_event, should_stop=should_stop)
        self.post_message(
            JobFinished(
                job,
                str(getattr(result, "summary", "")),
                dict(getattr(result, "runs", {}) or {}),
                cancelled=stop.is_set(),
            )
        )
        return result

    # --- progress from the worker ------------------------------------------------------

    def _panel(self, run: str) -> LossPanel:
        found = self.query_children(f"#{panel_id(run)}")
        if found:
            return found.first(LossPanel)
        panel = LossPanel(run, id=panel_id(run))
        self.mount(panel)
        return panel

    @on(BatchProgress)
    def _batch(self, event: BatchProgress) -> None:
        event.stop()
        if event.job == self.job:
            self._panel(event.run).add_batch(event)

    @on(EpochProgress)
    def _epoch(self, event: EpochProgress) -> None:
        event.stop()
        if event.job == self.job:
            self._panel(event.run).add_epoch(event)

    @on(RunFinished)
    def _run_finished(self, event: RunFinished) -> None:
        event.stop()
        if event.job == self.job:
            self._panel(event.run).finish(event)

    @on(JobFinished)
    def _job_finished(self, event: JobFinished) -> None:
        # let it bubble: the screen decides what a finished job means (lesson step done, ...)
        if event.job == self.job:
            self.last_summary, self.last_cancelled = event.summary, event.cancelled
        self.app_stop_events().discard(self._stop)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.worker:
            return
        if event.state == WorkerState.ERROR:
            self.app_stop_events().discard(self._stop)
            error = event.worker.error
            self.notify(f"Training failed: {error}", title="Training", severity="error", timeout=10)
