"""Lesson 11's run step at 80x24: the verdict in sight right after the run, the gradient norms
drawn once, the heatmaps explained and folded, the run's measurements named as such, and the
results kept when the learner leaves the lesson and comes back."""

from __future__ import annotations

from pathlib import Path

import yaml
from textual.widgets import Collapsible, Markdown

from tests.app.conftest import drive, open_lesson, run, submit, wait_for
from tutor.app import TutorApp
from tutor.screens.home import HomeScreen
from tutor.widgets.answer_box import AnswerBox
from tutor.widgets.gate_heatmap import GateHeatmap
from tutor.widgets.givens_table import GivensTable
from tutor.widgets.gradient_plot import GradientNormPlot

SHIPPED = Path(__file__).parents[2] / "lessons" / "exploding-vanishing-gradients.yaml"


def small_lesson(folder: Path) -> str:
    """Lesson 11 with its measuring run made small enough for a test (two models, tiny data)."""
    lesson = yaml.safe_load(SHIPPED.read_text())
    lesson["id"] = "gradients-small"
    measure = next(s for s in lesson["steps"] if s["id"] == "measure")
    measure["job"].update(models=["rnn", "lstm"], hidden=4, epochs=1, n_train=60, n_val=20)
    measure["job"]["n_measure"] = 10
    measure["predict"]["choices"] = measure["predict"]["choices"][:2]
    measure["results"] = {k: v for k, v in measure["results"].items() if not k.startswith("gru")}
    lesson["steps"] = [s for s in lesson["steps"] if s["id"] in ("intro", "measure", "rnn_decades")]
    path = folder / "gradients-small.yaml"
    path.write_text(yaml.safe_dump(lesson, sort_keys=False))
    return str(path)


async def measured(app, pilot, lesson: str):
    screen = await open_lesson(app, pilot, "measure", lesson)
    await submit(pilot, "b")  # the LSTM
    await wait_for(pilot, lambda: screen.state.done, timeout=120, what="the run to finish")
    await pilot.pause(0.2)
    return screen


def in_view(scroll, widget) -> bool:
    top = widget.virtual_region.y
    return scroll.scroll_y <= top < scroll.scroll_y + scroll.size.height


@drive
async def test_after_the_run_the_verdict_is_in_sight_and_the_plots_are_explained(app, tmp_path):
    lesson = small_lesson(tmp_path)
    async with run(app) as pilot:
        screen = await measured(app, pilot, lesson)
        feedback = screen.query_one("#feedback", Markdown)
        assert "prediction" in feedback.source
        assert in_view(screen.query_one("#prompt-scroll"), feedback)  # no PageDown needed
        # the norms are drawn once, by the plot (the job's text summary drew them too)
        assert len(screen.query(GradientNormPlot)) == 1
        assert "||dL/dh_t||" not in feedback.source
        # the measurements by name, readable
        assert "Measured by the run" in feedback.source and "`rnn_first` = " in feedback.source
        # the heatmaps sit under the plot, folded, with what their colours mean
        fold = screen.query_one(Collapsible)
        assert fold.collapsed and len(fold.query(GateHeatmap)) == 2
        assert "blue" in str(fold.query_one(".heatmaps-explained").render())
        assert feedback.virtual_region.y < fold.virtual_region.y


@drive
async def test_a_runs_results_are_kept_when_the_learner_leaves_and_comes_back(app, tmp_path):
    lesson = small_lesson(tmp_path)
    async with run(app) as pilot:
        screen = await measured(app, pilot, lesson)
        verdict = screen.state.feedback
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
        again = await open_lesson(app, pilot, "measure", lesson)
        assert again is screen and again.state.feedback == verdict
        assert "prediction" not in again.query_one(AnswerBox).placeholder  # not asked again
        assert again.query(GradientNormPlot)  # the plot is still there
        await pilot.press("enter")  # goes on, with the run's results
        assert again.step.id == "rnn_decades"
        text = again.query_one(GivensTable).plain
        assert "Measured by the run\nrnn_first" in text
        assert again.session.pending_on("rnn_decades") is None


@drive
async def test_after_a_restart_the_prediction_is_kept_and_enter_runs_again(app, tmp_path):
    lesson = small_lesson(tmp_path)
    async with run(app) as pilot:
        await measured(app, pilot, lesson)
    later = TutorApp()  # a new run of lstm-tutor: the results were not saved, the guess was
    async with run(later) as pilot:
        screen = await open_lesson(later, pilot, "measure", lesson)
        assert screen.state.done and screen.inputs.predictions == {"measure": "b"}
        assert "prediction" not in screen.query_one(AnswerBox).placeholder
        await pilot.press("enter")  # trains again instead of skipping to a step it can't judge
        assert screen.step.id == "measure"
        await wait_for(pilot, lambda: screen.session.pending_on("rnn_decades") is None, 120)
