"""Forecast view: train on the built-in data, plot actual against predicted, compare baselines.

The forecast itself is `engine.forecast.run_forecast`, run in a thread worker; this screen
plots its holdout, tabulates its metrics and writes its forecast to CSV on request.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label
from textual.worker import Worker, WorkerState, get_current_worker
from textual_plotext import PlotextPlot

from tutor.messages import ForecastProgress

DEFAULT_EPOCHS = 5


def metric_rows(metrics: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Columns (metric names) and one row per method, from {"model": {...}, "naive": {...}}."""
    names: list[str] = []
    for values in metrics.values():
        if isinstance(values, dict):
            names += [k for k in values if k not in names]
    rows = []
    for method, values in metrics.items():
        if not isinstance(values, dict):
            continue
        row = [str(method)]
        for name in names:
            value = values.get(name)
            row.append(f"{value:.4g}" if isinstance(value, int | float) else str(value or "—"))
        rows.append(row)
    return names, rows


def holdout_series(holdout: Any) -> tuple[list[float], dict[str, list[float]]]:
    """x positions and named numeric columns of the holdout frame, actual first."""
    frame = holdout.select_dtypes("number")
    columns = sorted(frame.columns, key=lambda c: (0 if "actual" in str(c) else 1, str(c)))
    x = list(range(len(frame)))
    return x, {str(c): frame[c].astype(float).tolist() for c in columns}


class ForecastScreen(Screen[None]):
    """Runs the built-in forecast and shows what came out."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Home"),
        Binding("ctrl+s", "run", "Run", priority=True),
        Binding("ctrl+e", "export", "Export CSV", priority=True),
    ]

    def __init__(self, epochs: int = DEFAULT_EPOCHS, config: dict[str, Any] | None = None):
        super().__init__()
        self.epochs = epochs
        self.config = dict(config or {})
        self.result: Any = None
        self.worker: Worker | None = None
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="forecast-controls", classes="form-row"):
            yield Label("epochs", classes="field-label")
            yield Input(
                str(self.epochs), id="fc-epochs", type="integer", classes="number", compact=True
            )
            yield Button("Run", id="fc-run", variant="primary", compact=True)
            yield Input(placeholder="forecast.csv", id="fc-path", compact=True)
            yield Button("Export", id="fc-export", compact=True)
        with Horizontal(id="forecast-body"):
            yield PlotextPlot(id="fc-plot")
            with Vertical(id="fc-side"):
                yield Label("holdout metrics", classes="section-title")
                yield DataTable(id="fc-metrics", cursor_type="none")
                yield Label("press ctrl+s to forecast", id="fc-status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Forecast"
        plot = self.query_one(PlotextPlot).plt
        plot.title("actual vs predicted (holdout)")

    def on_unmount(self) -> None:
        self._stop.set()

    # --- running -------------------------------------------------------------------------

    def action_run(self) -> None:
        if self.worker is not None and self.worker.state == WorkerState.RUNNING:
            self.notify("The forecast is already running.", severity="warning")
            return
        try:
            epochs = int(self.query_one("#fc-epochs", Input).value)
        except ValueError:
            self.notify("epochs must be a whole number.", severity="error")
            return
        if not 1 <= epochs <= 1000:
            self.notify("Use 1–1000 epochs.", severity="error")
            return
        self._stop = threading.Event()
        self.app_stop_events().add(self._stop)
        self.query_one("#fc-status", Label).update("training…")
        self.worker = self._forecast({**self.config, "epochs": epochs}, self._stop)

    def app_stop_events(self) -> set[threading.Event]:
        events = getattr(self.app, "stop_events", None)
        return events if isinstance(events, set) else set()

    @on(Button.Pressed, "#fc-run")
    def _run_pressed(self) -> None:
        self.action_run()

    @work(thread=True, exit_on_error=False, group="forecast")
    def _forecast(self, config: dict[str, Any], stop: threading.Event) -> Any:
        from engine.events import EpochEnd
        from engine.forecast import run_forecast

        worker = get_current_worker()

        def on_event(event: object) -> None:
            if isinstance(event, EpochEnd):
                self.post_message(
                    ForecastProgress(event.epoch, event.epochs, event.train_loss, event.val_loss)
                )

        def should_stop() -> bool:
            return stop.is_set() or worker.is_cancelled

        return run_forecast(config, on_event=on_event, should_stop=should_stop)

    @on(ForecastProgress)
    def _progress(self, event: ForecastProgress) -> None:
        val = "" if event.val_loss is None else f", val {event.val_loss:.4g}"
        self.query_one("#fc-status", Label).update(
            f"epoch {event.epoch}/{event.epochs}: train {event.train_loss:.4g}{val}"
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.worker:
            return
        if event.state == WorkerState.ERROR:
            self.app_stop_events().discard(self._stop)
            self.query_one("#fc-status", Label).update("failed")
            self.notify(f"Forecast failed: {event.worker.error}", severity="error", timeout=10)
        elif event.state == WorkerState.SUCCESS:
            self.app_stop_events().discard(self._stop)
            self.show_result(event.worker.result)

    def show_result(self, result: Any) -> None:
        self.result = result
        names, rows = metric_rows(dict(getattr(result, "metrics", {}) or {}))
        table = self.query_one("#fc-metrics", DataTable)
        table.clear(columns=True)
        table.add_columns("method", *names)
        table.add_rows(rows)
        plot_widget = self.query_one(PlotextPlot)
        plt = plot_widget.plt
        plt.clear_data()
        holdout = getattr(result, "holdout", None)
        if holdout is not None and len(holdout):
            x, series = holdout_series(holdout)
            for label, values in series.items():
                plt.plot(x, values, label=label)
        plot_widget.refresh()
        warnings = list(getattr(result, "warnings", []) or [])
        for warning in warnings:
            self.notify(str(warning), title="Forecast", severity="warning")
        self.query_one("#fc-status", Label).update("done; ctrl+e exports the forecast")

    # --- export --------------------------------------------------------------------------

    def action_export(self) -> None:
        if self.result is None or getattr(self.result, "forecast", None) is None:
            self.notify("Run the forecast first (ctrl+s).", severity="warning")
            return
        text = self.query_one("#fc-path", Input).value.strip() or "forecast.csv"
        path = Path(text).expanduser()
        try:
            if path.is_dir():
                raise IsADirectoryError(f"{path} is a folder; give a file name")
            self.result.forecast.to_csv(path, index=True)
        except (OSError, ValueError) as exc:
            self.notify(f"Could not write {path}: {exc}", title="Export", severity="error")
            return
        self.notify(f"Forecast written to {path}", title="Export")

    @on(Button.Pressed, "#fc-export")
    def _export_pressed(self) -> None:
        self.action_export()

    @on(Input.Submitted, "#fc-path")
    def _export_submitted(self) -> None:
        self.action_export()
