"""One model's training at a glance: loss bars per epoch (training, validation) over an epoch
axis, the last loss by each, and where the run is."""

from __future__ import annotations

import math

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label

from tutor.messages import BatchProgress, EpochProgress, RunFinished
from tutor.widgets.loss_bars import LossBars

WAITING = "waiting its turn (models train one after another)"
MAX_POINTS = 200  # a sparkline narrower than its data summarises; keep memory bounded anyway


def log_scale(values: list[float]) -> list[float]:
    """log10 of each loss: the first epoch's loss, often 10-100x the rest, would otherwise
    flatten every later epoch to the bottom row of the sparkline (the labels say the value)."""
    logs = [math.log10(max(v, 1e-12)) for v in values]
    if len(logs) >= 3:  # and the first epoch clipped to the highest of the rest
        logs[0] = min(logs[0], max(logs[1:]))
    return logs


def fmt_loss(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def fmt_seconds(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    minutes, seconds = divmod(seconds, 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


class LossPanel(Vertical):
    """Loss curves of one run, fed by the training worker's progress messages."""

    DEFAULT_CSS = """
    LossPanel {
        height: auto;
        border: round $primary 50%;
        padding: 0 1;
    }
    LossPanel .row { height: 2; }
    LossPanel .row > Label { width: 12; padding: 0 1 0 0; }  /* "train, last" apart from the bars */
    LossPanel #train-line { color: $success; }
    LossPanel #val-line { color: $warning; }
    LossPanel .status { width: 1fr; height: auto; max-height: 2; color: $text-muted; }
    """

    def __init__(self, run: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.run = run
        self.train: list[float] = []
        self.val: list[float] = []
        self.border_title = run.upper()
        self.border_subtitle = "loss, log scale"
        self.metric = ""
        self.status = WAITING

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("train\n—", id="train-label")
            yield LossBars(id="train-line")
        with Horizontal(classes="row"):
            yield Label("val\n—", id="val-label")
            yield LossBars(id="val-line")
        yield Label(self.status, id="status", classes="status")

    def on_mount(self) -> None:
        # a fast job can report before the panel's children exist: show what came meanwhile
        self._draw()
        self._set_status(self.status)

    def reset(self) -> None:
        self.train.clear()
        self.val.clear()
        self._draw()
        self.metric = ""
        self.border_title = self.run.upper()
        self._set_status(WAITING)

    def _set_status(self, text: str) -> None:
        self.status = text
        for label in self.query("#status").results(Label):
            label.update(text)

    def add_epoch(self, event: EpochProgress) -> None:
        self.train.extend(float(v) for v in event.train_losses)
        self.val.extend(float(v) for v in event.val_losses)
        del self.train[:-MAX_POINTS], self.val[:-MAX_POINTS]
        self._draw()
        self._set_status(
            f"epoch {event.epoch}/{event.epochs} · lr {event.lr:.2g} · eta {fmt_seconds(event.eta)}"
        )

    def add_batch(self, event: BatchProgress) -> None:
        self._set_status(
            f"epoch {event.epoch} · batch {event.batch}/{event.n_batches} · "
            f"loss {fmt_loss(event.loss)}"
        )

    def finish(self, event: RunFinished) -> None:
        reason = event.reason.replace("_", " ")
        self._set_status(f"{reason} · {event.epochs_run} epochs")

    def show_metric(self, label: str, value: float) -> None:
        """The task's own error measure (MAE, test MSE) once the job has computed it."""
        self.metric = f"{label} {value:.4g}"
        self.border_title = f"{self.run.upper()} · {self.metric}"
        if self.metric not in self.status:
            self._set_status(f"{self.status} · {self.metric}")

    def _draw(self) -> None:
        if not self.query("#train-line"):
            return  # not composed yet; on_mount draws
        for name, values in (("train", self.train), ("val", self.val)):
            self.query_one(f"#{name}-line", LossBars).show(log_scale(values), len(values))
            last = fmt_loss(values[-1]) if values else "—"
            self.query_one(f"#{name}-label", Label).update(f"{name}, last\n{last}")
