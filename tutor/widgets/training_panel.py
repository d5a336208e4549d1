"""Runs an engine training job and shows each model's LossPanel next to the others.

The job (`engine.jobs.run_job`) runs through tutor.training, the app's one trainer worker;
this widget only starts, stops and draws what its messages say.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from textual import on
from textual.containers import Horizontal
from textual.worker import Worker, WorkerState

from tutor.messages import BatchProgress, EpochProgress, JobFinished, RunFinished
from tutor.training import TrainingRun, start_training
from tutor.widgets.loss_panel import LossPanel

HEADLINE = (("mae", "MAE"), ("test_mse", "test MSE"))  # what each task is judged by, in order


def headline_metric(metrics: dict[str, Any]) -> tuple[str, float] | None:
    """(label, value) of the metric a task is judged by, if the run has one."""
    for key, label in HEADLINE:
        value = metrics.get(key)
        if isinstance(value, int | float):
            return label, float(value)
    return None


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
        self.run: TrainingRun | None = None
        self.last_summary = ""
        self.last_cancelled = False

    @property
    def worker(self) -> Worker | None:
        return self.run.worker if self.run else None

    @property
    def running(self) -> bool:
        return self.run is not None and self.run.running

    def show_models(self, models: list[str]) -> None:
        """Empty panels for exactly these runs, in this order (before a job starts)."""
        wanted = [panel_id(name) for name in models]
        for panel in list(self.query_children(LossPanel)):
            if panel.id not in wanted:
                panel.remove()
        for index, (name, ident) in enumerate(zip(models, wanted, strict=True)):
            found = self.query_children(f"#{ident}")
            if found:
                found.first(LossPanel).reset()
                continue
            # before the first later run already shown: the order never depends on clicks
            later = [self.query_children(f"#{i}") for i in wanted[index + 1 :]]
            before = next((q.first() for q in later if q), None)
            self.mount(LossPanel(name, id=ident), before=before)

    @property
    def has_results(self) -> bool:
        """Some panel shows curves of a run (finished or not)."""
        return any(panel.train for panel in self.query_children(LossPanel))

    def show_metrics(self, runs: dict[str, Any]) -> None:
        """Each run's headline metric on its panel (the loss alone is not the task's error)."""
        for run, record in runs.items():
            found = self.query_children(f"#{panel_id(run)}")
            metric = headline_metric(record.get("metrics") or {})
            if found and metric:
                found.first(LossPanel).show_metric(*metric)

    def start(self, spec: dict[str, Any]) -> Worker | None:
        """Train `spec` (engine.jobs.run_job); refuses while a job still runs."""
        if self.running:
            self.notify("A training run is already going; stop it first.", severity="warning")
            return None
        self.job += 1
        # runs are named after their models, except where a task names them itself
        named_by_model = spec.get("task") in ("maxmin", "sine")
        self.show_models([str(m) for m in spec.get("models", [])] if named_by_model else [])
        self.run = start_training(
            self, self.job, partial(self._run_job, self.job, dict(spec)), self.app.stop_events
        )
        return self.run.worker

    def stop(self) -> None:
        """Ask the trainer to stop after the batch it is in."""
        if self.run is not None:
            self.run.stop.set()

    def on_unmount(self) -> None:
        self.stop()

    def _run_job(self, job: int, spec: dict[str, Any], on_event, should_stop) -> Any:
        from engine.jobs import run_job  # heavy: the app starts without torch

        result = run_job(spec, on_event=on_event, should_stop=should_stop)
        detail = result.detail  # the ForecastResult of a forecast job, with its data warnings
        warnings = [str(w) for w in detail.warnings] if detail is not None else []
        self.post_message(
            JobFinished(job, result.summary, dict(result.runs), should_stop(), warnings)
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

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.worker:
            return
        if event.state == WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"Training failed: {error}", title="Training", severity="error", timeout=10)
