"""The forecast command's progress on stderr, driven by the trainer's events: a rich bar on a
terminal, or (with --verbose) one line per network where stderr is a pipe or a CI log."""

from __future__ import annotations

import sys
import time


class Progress:
    """A rich progress bar on stderr driven by the trainer's events: the whole run (networks
    done, of how many when the engine says, the run's time), the current network's epochs,
    loss and ETA.

    A run may train several networks (one per input mode and seed, then refits): each restarts
    the network bar. With origins (a backtest) a second bar counts the cut-offs.
    """

    def __init__(self, origins: int | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, TextColumn
        from rich.progress import Progress as RichProgress

        self.origins = origins
        self.progress = RichProgress(
            TextColumn("[bold]{task.description}[/]"),
            BarColumn(),
            TextColumn("{task.fields[what]}"),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = None
        self.cut = None
        self.run = RunCount()

    def __enter__(self) -> Progress:
        self.progress.__enter__()
        if self.origins:
            self.cut = self.progress.add_task("backtest", total=self.origins, what="cut-off 1")
        self.task = self.progress.add_task("training", total=1, what="")
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def on_origin(self, i: int, n: int) -> None:
        self.progress.update(self.cut, completed=i, what=f"cut-off {i + 1} of {n}")

    def on_event(self, event) -> None:
        from engine.events import BatchEnd, EpochEnd

        self.run.on_event(event)
        if isinstance(event, BatchEnd):
            done = event.epoch - 1 + event.batch / max(event.n_batches, 1)
            self.progress.update(self.task, completed=done, description=self.run.network())
        elif isinstance(event, EpochEnd):
            val = "-" if event.val_loss is None else f"{event.val_loss:.4f}"
            self.progress.update(
                self.task, completed=event.epoch, total=event.epochs,
                what=f"epoch {event.epoch}/{event.epochs}  loss {event.train_loss:.4f}  "
                f"val {val}  ETA {event.eta:.0f}s  {self.run.overall()}",
            )  # fmt: skip


class RunCount:
    """The whole run from its events: networks finished, the run's time, and an ETA for the
    run when the total is known (engine.events.RunPlan: each stage says how many networks it
    trains, so the total grows by the refits once the run has chosen what to refit)."""

    def __init__(self) -> None:
        self.done = 0
        self.total: int | None = None
        self.start = time.monotonic()
        self.last: object | None = None  # the current network's last EpochEnd

    def on_event(self, event) -> None:
        from engine.events import EpochEnd, TrainingDone

        if isinstance(getattr(event, "networks", None), int):
            self.total = (self.total or self.done) + event.networks
        elif isinstance(event, EpochEnd):
            self.last = event
        elif isinstance(event, TrainingDone):
            self.done += 1

    def network(self) -> str:
        of = f" of {self.total}" if self.total else ""
        return f"network {self.done + 1}{of}"

    def overall(self) -> str:
        elapsed = time.monotonic() - self.start
        text = f"run {elapsed:.0f}s"
        if self.total and self.done:
            left = elapsed / self.done * max(self.total - self.done, 0)
            text += f", about {left:.0f}s left"
        return text


class Lines:
    """--verbose without a terminal: one line per network on stderr (a CI log sees the run go
    by; a bar would be drawn into it as control characters)."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.run = RunCount()

    def __enter__(self) -> Lines:
        return self

    def __exit__(self, *exc) -> None:
        pass

    def on_origin(self, i: int, n: int) -> None:
        print(f"cut-off {i + 1} of {n}", file=self.stream, flush=True)

    def on_event(self, event) -> None:
        from engine.events import TrainingDone

        name = self.run.network()
        last = self.run.last
        self.run.on_event(event)
        if not isinstance(event, TrainingDone):
            return
        val = getattr(last, "val_loss", None)
        parts = [f"{name}: {event.run}, {event.epochs_run} epoch(s), {event.reason}"]
        if val is not None:
            parts.append(f"val loss {val:.4f}")
        parts.append(self.run.overall())
        print("; ".join(parts), file=self.stream, flush=True)


def progress_for(quiet: bool, verbose: bool, loading: bool, origins: int | None = None):
    """The progress listener a run gets: a bar on a terminal, lines with --verbose elsewhere,
    None when --quiet, --load (nothing is trained) or a pipe without --verbose."""
    if quiet or loading:
        return None
    if sys.stderr.isatty():
        return Progress(origins)
    return Lines() if verbose else None
