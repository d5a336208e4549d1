"""Forecast view: train on the built-in data, plot actual against predicted, compare baselines.

The forecast itself is `engine.forecast.run_forecast`, run by tutor.training; this screen
plots its holdout, tabulates its metrics and writes its forecast to CSV on request.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import (
    Button,
    Collapsible,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    Select,
    Static,
)
from textual.worker import Worker, WorkerState
from textual_plotext import PlotextPlot

from engine.metric_format import format_metric
from engine.vocabulary import (
    DATASET_TITLES,
    DATASETS,
    DEFAULT_DATASET,
    DEFAULT_MODEL_KIND,
    MODEL_KINDS,
)
from tutor.messages import EpochProgress
from tutor.screens.forecast_gates import ForecastGates, forecast_with_gates
from tutor.training import TrainingRun, start_training
from tutor.widgets.gate_heatmap import GateHeatmap

if TYPE_CHECKING:  # engine.forecast loads torch: the app imports it when a forecast runs
    from engine.forecast import ForecastResult

DATASET_OPTIONS = [(DATASET_TITLES[name], name) for name in DATASETS]
MODEL_OPTIONS = [(kind.upper(), kind) for kind in MODEL_KINDS]
DEFAULT_EPOCHS = 5
PLOT_POINTS = 56  # the tail of the holdout a terminal plot can show legibly


METHODS = ("model", "naive", "seasonal_naive")  # the metrics table's first columns


def fmt_metric(value: Any) -> str:
    """Short enough for a narrow column: 1.5M, 82.1k, 6.87."""
    return format_metric(value, compact=True, missing="—")


def metric_rows(metrics: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Column headings (the methods) and one row per metric, from {"model": {"mae": ..}, ..}."""
    from engine.forecast.result import LABELS

    def label(key: str) -> str:
        return LABELS[key].short if key in LABELS else key

    keys = [k for k in METHODS if isinstance(metrics.get(k), dict)]
    keys += [k for k, v in metrics.items() if isinstance(v, dict) and k not in METHODS]
    methods = [(k, label(k)) for k in keys]
    names: list[str] = []
    for key, _ in methods:
        names += [name for name in metrics[key] if name not in names]
    rows = [[name] + [fmt_metric(metrics[key].get(name)) for key, _ in methods] for name in names]
    return [label for _, label in methods], rows


METRIC_HELP = (
    "mae: mean absolute error · rmse: root mean square (big misses count more) · "
    "mape, smape: in % · mase < 1: beats seasonal naive (the same day a week before); "
    "naive repeats the last day."
)
COLORS = {"actual": "blue", "predicted": "orange", "forecast": "green"}  # plotext's names
RICH_COLORS = {"blue": "blue", "orange": "dark_orange", "green": "green"}  # the same in Rich


DRAW_ORDER = ("predicted", "forecast", "actual")  # the actual line last: on top of the model's


def legend(span: str = "") -> Text:
    """The plot's colours, above it (plotext's own legend covers the curves at 80 columns),
    and where the holdout lies."""
    text = Text()
    for kind, label in (("actual", "actual"), ("predicted", "model"), ("forecast", "forecast")):
        text.append("━━ ", style=RICH_COLORS[COLORS[kind]])
        text.append(f"{label}  ")
    if span:
        text.append(span, style="dim")
    return text


def holdout_span(holdout: Any, forecast: Any) -> str:
    """`holdout from 2024-03-01` and, when its plotted blocks end before the data does
    (the forecast starts later than the day after), how many days are left out."""
    import pandas as pd  # the frames are pandas already; the app starts without importing it

    if "date" not in holdout or not len(holdout):
        return ""
    first, last = pd.Timestamp(holdout["date"].iloc[0]), pd.Timestamp(holdout["date"].iloc[-1])
    text = f"holdout from {first.date()}"
    if "date" in forecast and len(forecast) and len(holdout) > 1:
        step = pd.Timestamp(holdout["date"].iloc[-1]) - pd.Timestamp(holdout["date"].iloc[-2])
        start = pd.Timestamp(forecast["date"].iloc[0])
        left = int(round((start - last) / step)) - 1 if step else 0
        if left > 0:
            text += f" (its last {left} step{'s' if left > 1 else ''}: scored, not plotted)"
    return text


def default_export_path() -> Path:
    """forecast.csv in the folder the app was started from, as an absolute path to show."""
    return Path.cwd().resolve() / "forecast.csv"


def axis_ticks(values: list[float], n: int = 5) -> tuple[list[float], list[str]]:
    """y-axis ticks labelled the way the metrics table writes numbers (52k, 1.45M)."""
    low, high = min(values), max(values)
    if high == low:
        return [low], [fmt_metric(low)]
    ticks = [low + (high - low) * i / (n - 1) for i in range(n)]
    return ticks, [fmt_metric(t) for t in ticks]


def holdout_series(holdout: Any, target: str) -> tuple[list[str], dict[str, list[float]]]:
    """Dates and the actual and predicted values of one target over the holdout."""
    dates = [str(d)[:10] for d in holdout["date"]] if "date" in holdout else []
    series = {}
    for kind in ("actual", "predicted"):
        column = f"{target}_{kind}"
        if column in holdout:
            series[kind] = holdout[column].astype(float).tolist()
    return dates, series


class ForecastScreen(Screen[None]):
    """Runs the built-in forecast and shows what came out."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Home"),
        Binding("ctrl+s", "run", "Run", priority=True),
        Binding("ctrl+e", "export", "Export CSV", priority=True),
        Binding("ctrl+n", "next_target", "Next target", show=False, priority=True),
    ]

    def __init__(self, epochs: int = DEFAULT_EPOCHS, config: dict[str, Any] | None = None):
        super().__init__()
        self.epochs = epochs
        self.config = dict(config or {})
        self.result: ForecastResult | None = None
        self.target_index = 0
        self.plotted: tuple[str, int] | None = None  # (target, points) on the plot
        self.plotted_kinds: list[str] = []  # actual, predicted, forecast
        self.run: TrainingRun | None = None
        self.job = 0
        self.gates: ForecastGates | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        dataset = str(self.config.get("dataset", DEFAULT_DATASET))
        model = str(self.config.get("model", DEFAULT_MODEL_KIND))
        with Horizontal(id="forecast-controls", classes="form-row"):
            yield Label("data", classes="field-label")
            yield Select(
                DATASET_OPTIONS, value=dataset, allow_blank=False, id="fc-dataset", compact=True
            )
            yield Label("model", classes="field-label")
            yield Select(MODEL_OPTIONS, value=model, allow_blank=False, id="fc-model", compact=True)
            yield Label("epochs", classes="field-label")
            yield Input(
                str(self.epochs), id="fc-epochs", type="integer", classes="number", compact=True
            )
            yield Button("Run", id="fc-run", variant="primary", compact=True)
        with Horizontal(id="forecast-body"):
            with Vertical(id="fc-left"):
                yield Static(legend(), id="fc-legend")
                yield PlotextPlot(id="fc-plot")
                yield Collapsible(title="", id="fc-gates")
            with VerticalScroll(id="fc-side"):
                yield Label("holdout error (lower is better)", classes="section-title")
                yield DataTable(id="fc-metrics", cursor_type="none")
                yield Static(METRIC_HELP, id="fc-help")
                yield Label("press ctrl+s to forecast", id="fc-status")
                yield Label(f"ctrl+e exports to {default_export_path()}", id="fc-export-to")
                with Horizontal(id="fc-export-row"):
                    yield Input(placeholder="or type a file path", id="fc-path", compact=True)
                    yield Button("Export", id="fc-export", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Forecast"
        self.query_one("#fc-gates").display = False  # until a forecast has run
        self.query_one(PlotextPlot).plt.title("press ctrl+s to forecast")

    @property
    def worker(self) -> Worker | None:
        return self.run.worker if self.run else None

    def on_unmount(self) -> None:
        if self.run is not None:
            self.run.stop.set()

    # --- running -------------------------------------------------------------------------

    def action_run(self) -> None:
        if self.run is not None and self.run.running:
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
        self.query_one("#fc-status", Label).update("training…")
        choices = {
            "dataset": self.query_one("#fc-dataset", Select).value,
            "model": self.query_one("#fc-model", Select).value,
            "epochs": epochs,
        }
        self.job += 1
        config = {**self.config, **choices}
        self.run = start_training(
            self, self.job, partial(self._forecast, config), self.app.stop_events, group="forecast"
        )

    @on(Button.Pressed, "#fc-run")
    def _run_pressed(self) -> None:
        self.action_run()

    @staticmethod
    def _forecast(config: dict[str, Any], on_event, should_stop):
        return forecast_with_gates(config, on_event, should_stop)

    @on(EpochProgress)
    def _progress(self, event: EpochProgress) -> None:
        if event.job != self.job or not event.train_losses:
            return
        val = f", val {event.val_losses[-1]:.4g}" if event.val_losses else ""
        self.query_one("#fc-status", Label).update(
            f"epoch {event.epoch}/{event.epochs}: train {event.train_losses[-1]:.4g}{val}"
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self.worker:
            return
        if event.state == WorkerState.ERROR:
            self.query_one("#fc-status", Label).update("failed")
            self.notify(f"Forecast failed: {event.worker.error}", severity="error", timeout=10)
        elif event.state == WorkerState.SUCCESS:
            result, gates = event.worker.result
            self.show_result(result)
            self.show_gates(gates)

    def show_result(self, result: ForecastResult) -> None:
        self.result = result
        columns, rows = metric_rows(result.metrics)
        table = self.query_one("#fc-metrics", DataTable)
        table.clear(columns=True)
        table.add_columns("metric", *columns)
        table.add_rows(rows)
        targets = result.targets
        self.target_index = 0
        self.plot_target(targets[0] if targets else "")
        for warning in result.warnings:
            self.notify(warning, title="Forecast", severity="warning")
        more = " · ctrl+n: next target" if len(targets) > 1 else ""
        days = f"; green: the {len(result.forecast)} steps after the data"
        self.query_one("#fc-status", Label).update(
            f"done: forecast by {result.forecast_by()}{days}{more}"
        )

    def show_gates(self, gates: ForecastGates) -> None:
        """The network's gates over its last window, folded under the plot."""
        self.gates = gates
        fold = self.query_one("#fc-gates", Collapsible)
        contents = fold.query_one(Collapsible.Contents)
        contents.remove_children()
        fold.title = gates.title
        contents.mount(Static(gates.caption, classes="heatmaps-explained"))
        if gates.activity:
            contents.mount(GateHeatmap(gates.activity))
        fold.display = True

    def action_next_target(self) -> None:
        targets = self.result.targets if self.result is not None else []
        if len(targets) > 1:
            self.target_index = (self.target_index + 1) % len(targets)
            self.plot_target(targets[self.target_index])

    def plot_target(self, target: str) -> None:
        """The holdout's tail (model, then actual drawn over it) and the forecast after the
        data, one colour each; the line above the plot says where the holdout starts and ends
        (a legend inside the plot would cover the curves at 80 columns)."""
        plot_widget = self.query_one(PlotextPlot)
        plt = plot_widget.plt
        plt.clear_data()
        plt.clear_figure()
        holdout = self.result.holdout if self.result is not None else None
        if holdout is not None and len(holdout):
            span = holdout_span(holdout, self.result.forecast)
            holdout = holdout.tail(PLOT_POINTS)
            self.plotted = (target, len(holdout))
            dates, series = holdout_series(holdout, target)
            forecast = self.result.forecast
            if target in forecast and "date" in forecast:
                series["forecast"] = forecast[target].astype(float).tolist()
            future_dates = [str(d)[:10] for d in forecast["date"]] if "date" in forecast else []
            plt.title(target)
            self.plotted_kinds = [k for k in DRAW_ORDER if k in series]
            plt.date_form("Y-m-d")
            for kind in self.plotted_kinds:
                x = future_dates if kind == "forecast" else dates
                if x:
                    plt.plot(x, series[kind], marker="braille", color=COLORS[kind])
                else:
                    plt.plot(series[kind], marker="braille", color=COLORS[kind])
            values = [v for points in series.values() for v in points]
            if values:
                plt.yticks(*axis_ticks(values))
            self.query_one("#fc-legend", Static).update(legend(span))
        plot_widget.refresh()

    # --- export --------------------------------------------------------------------------

    def action_export(self) -> None:
        if self.result is None:
            self.notify("Run the forecast first (ctrl+s).", severity="warning")
            return
        text = self.query_one("#fc-path", Input).value.strip()
        path = Path(text).expanduser().resolve() if text else default_export_path()
        try:
            if path.is_dir():
                raise IsADirectoryError(f"{path} is a folder; give a file name")
            self.result.write_csv(path)
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
