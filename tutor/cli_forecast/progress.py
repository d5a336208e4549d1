"""The forecast command's progress bar on stderr, driven by the trainer's events."""

from __future__ import annotations


class Progress:
    """A rich progress bar on stderr driven by the trainer's events: epochs, loss, ETA.

    A run may train several networks (one per input mode, then a refit): each restarts the bar,
    named by its phase. With origins (a backtest) a second bar counts the cut-offs.
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
        self.fits = 0

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
        from engine.events import BatchEnd, EpochEnd, TrainingDone

        if isinstance(event, BatchEnd):
            done = event.epoch - 1 + event.batch / max(event.n_batches, 1)
            self.progress.update(self.task, completed=done, description=f"network {self.fits + 1}")
        elif isinstance(event, EpochEnd):
            val = "-" if event.val_loss is None else f"{event.val_loss:.4f}"
            self.progress.update(
                self.task, completed=event.epoch, total=event.epochs,
                what=f"epoch {event.epoch}/{event.epochs}  loss {event.train_loss:.4f}  "
                f"val {val}  ETA {event.eta:.0f}s",
            )  # fmt: skip
        elif isinstance(event, TrainingDone):
            self.fits += 1
