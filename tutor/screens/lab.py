"""The training lab: pick a task, models and hyperparameters, and watch them train.

The models of a run train one after another (each panel fills in turn); every finished run
adds its models' error to a results table that stays until the learner leaves the lab, and
leaving never throws a run or its results away without asking.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, DataTable, Footer, Header, Input, Label, Select

from engine.job_spec import LIMITS, LR_MAX
from engine.vocabulary import JOB_TASK_TITLES, MODEL_KINDS
from tutor.dialogs.confirm import ConfirmDialog
from tutor.messages import JobFinished
from tutor.widgets.loss_panel import fmt_seconds
from tutor.widgets.tick_box import TickBox
from tutor.widgets.training_panel import TrainingPanel, headline_metric

TASKS = [(title, task) for task, title in JOB_TASK_TITLES.items()]


class LabScreen(Screen[None]):
    """A free training lab; the lesson player's run steps use the same TrainingPanel."""

    BINDINGS = [
        Binding("escape", "leave", "Home"),
        Binding("ctrl+s", "start", "Start", priority=True),
        Binding("ctrl+x", "stop", "Stop", priority=True),
    ]

    def __init__(
        self, defaults: dict[str, Any] | None = None, extra_spec: dict[str, Any] | None = None
    ) -> None:
        """`defaults` fill the form; `extra_spec` adds job keys the form does not show."""
        super().__init__()
        self.extra_spec = dict(extra_spec or {})
        self.defaults = {"task": "maxmin", "models": list(MODEL_KINDS), "hidden": 20, "epochs": 10}
        self.defaults["lr"] = 0.01
        self.defaults.update(defaults or {})
        self.n_results = 0  # finished runs in the results table

    def compose(self) -> ComposeResult:
        d = self.defaults
        yield Header()
        with VerticalScroll(id="lab-body"):
            with Horizontal(id="lab-task", classes="form-row"):
                yield Label("task", classes="field-label")
                yield Select(TASKS, value=d["task"], allow_blank=False, id="task", compact=True)
            with Horizontal(id="lab-models", classes="form-row"):
                yield Label("models", classes="field-label")
                for model in MODEL_KINDS:
                    yield TickBox(
                        model.upper(), value=model in d["models"], id=f"use-{model}", compact=True
                    )
            with Horizontal(id="lab-hyper", classes="form-row"):
                yield Label("hidden", classes="field-label")
                yield Input(
                    str(d["hidden"]), id="hidden", type="integer", classes="number", compact=True
                )
                yield Label("epochs", classes="field-label")
                yield Input(
                    str(d["epochs"]), id="epochs", type="integer", classes="number", compact=True
                )
                yield Label("lr", classes="field-label")
                yield Input(str(d["lr"]), id="lr", type="number", classes="number", compact=True)
            with Horizontal(id="lab-buttons", classes="form-row"):
                yield Button("Start", id="start", variant="primary", compact=True)
                yield Button("Stop", id="stop", variant="error", compact=True)
                yield Label("", id="lab-status")
            yield TrainingPanel(id="lab-panel")
            yield Label("results, lower is better (kept until you leave)", id="lab-results-title")
            yield DataTable(id="lab-results", cursor_type="none", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Training lab"
        self.query_one(TrainingPanel).show_models(self.chosen_models())
        self.query_one("#lab-results", DataTable).add_columns(
            "run", "model", "error", "epochs", "time"
        )
        self.query_one("#lab-results-title").display = False
        self.query_one("#lab-results").display = False

    def chosen_models(self) -> list[str]:
        return [m for m in MODEL_KINDS if self.query_one(f"#use-{m}", Checkbox).value]

    @on(Checkbox.Changed)
    def _models_changed(self) -> None:
        panel = self.query_one(TrainingPanel)
        if panel.running or panel.has_results:  # curves on screen stay until the next start
            self.query_one("#lab-status", Label).update("models change at the next start")
        else:
            panel.show_models(self.chosen_models())

    def spec(self) -> dict[str, Any] | None:
        """The job spec from the form, or None (after a notification) when it is not valid."""
        models = self.chosen_models()
        if not models:
            self.notify("Choose at least one model.", severity="warning")
            return None
        try:
            hidden = int(self.query_one("#hidden", Input).value)
            epochs = int(self.query_one("#epochs", Input).value)
            lr = float(self.query_one("#lr", Input).value)
        except ValueError:
            self.notify("hidden and epochs must be whole numbers, lr a number.", severity="error")
            return None
        (h_lo, h_hi), (e_lo, e_hi) = LIMITS["hidden"], LIMITS["epochs"]
        if not (h_lo <= hidden <= h_hi and e_lo <= epochs <= e_hi and 0 < lr <= LR_MAX):
            self.notify(
                f"Use {h_lo}–{h_hi} hidden units, {e_lo}–{e_hi} epochs, 0 < lr ≤ {LR_MAX:g}.",
                severity="error",
            )
            return None
        task = self.query_one("#task", Select).value
        spec = {"task": task, "models": models, "hidden": hidden, "epochs": epochs, "lr": lr}
        if task == "forget_bias":  # one LSTM per bias value; the runs are named by the bias
            spec["models"] = ["lstm"]
        return {**self.extra_spec, **spec}

    def action_start(self) -> None:
        spec = self.spec()
        if spec is not None and self.query_one(TrainingPanel).start(spec) is not None:
            names = ", ".join(str(m).upper() for m in spec["models"])
            many = len(spec["models"]) > 1 or spec["task"] == "forget_bias"
            order = ", one after another" if many else ""
            self.query_one("#lab-status", Label).update(f"training {names}{order}…")

    def action_leave(self) -> None:
        """Home; a run in progress, or results on screen, are not thrown away unasked."""
        panel = self.query_one(TrainingPanel)
        if panel.running:
            question = "A training run is still going. Stop it and leave the lab?"
        elif self.n_results:
            question = "Leave the lab? Its results table and curves are not kept."
        else:
            self.app.pop_screen()
            return

        def answered(leave: bool | None) -> None:
            if leave:
                panel.stop()
                self.app.pop_screen()

        self.app.push_screen(ConfirmDialog(question, yes="Leave", no="Stay"), answered)

    def action_stop(self) -> None:
        panel = self.query_one(TrainingPanel)
        if panel.running:
            panel.stop()
            self.query_one("#lab-status", Label).update("stopping…")

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#stop")
    def _stop_pressed(self) -> None:
        self.action_stop()

    @on(JobFinished)
    def _finished(self, event: JobFinished) -> None:
        status = "stopped" if event.cancelled else "done"
        self.query_one("#lab-status", Label).update(status)
        panel = self.query_one(TrainingPanel)
        panel.show_metrics(event.runs)
        table = self.query_one("#lab-results", DataTable)
        self.n_results += 1
        for run, record in event.runs.items():
            metric = headline_metric(record.get("metrics") or {})
            error = f"{metric[0]} {metric[1]:.4g}" if metric else "—"
            seconds = float(record.get("seconds") or 0.0)
            epochs = str(record.get("epochs_run", "—"))
            table.add_row(str(self.n_results), run.upper(), error, epochs, fmt_seconds(seconds))
        self.query_one("#lab-results-title").display = True
        table.display = True
        table.scroll_end(animate=False)
