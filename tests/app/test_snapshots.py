"""Snapshots of the home screen, a lesson step and the training lab at 80x24 and 120x40,
and of the refusal below 80x24.

Regenerate after a deliberate change to a screen:
    python -m pytest tests/app/test_snapshots.py --snapshot-update
Nothing time-dependent is on screen: the lab's curves are fixed progress messages (the
messages a training worker posts), so no timing, ETA or run-to-run noise can leak in.
"""

from __future__ import annotations

from tests.app.conftest import answered_before, open_lesson, wait_for
from tutor.app import TutorApp
from tutor.messages import EpochProgress, JobFinished, RunFinished
from tutor.screens.lab import LabScreen
from tutor.screens.lesson import LessonScreen
from tutor.widgets.training_panel import TrainingPanel

SIZE = (80, 24)
LARGE = (120, 40)


async def settle(pilot) -> None:
    await pilot.pause()  # focus first: a field's cursor is drawn only once it has it
    for field in pilot.app.screen.query("Input, TextArea"):
        field.cursor_blink = False
        field.refresh()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()  # a second frame: scrollbars settle after the first layout


def test_home_screen(snap_compare):
    assert snap_compare(TutorApp(), terminal_size=SIZE, run_before=settle)


def test_lesson_step_with_a_diagnosis(snap_compare):
    async def wrong_forget_gate(pilot) -> None:
        await open_lesson(pilot.app, pilot, "f0")
        await settle(pilot)
        await pilot.press(*"tanh(z0[0,0])", "enter")
        await settle(pilot)

    assert snap_compare(TutorApp(), terminal_size=SIZE, run_before=wrong_forget_gate)


def test_late_lesson_step_shows_every_value(snap_compare):
    """Step h2: the newest results on top, the weights as a matrix, nothing cut."""

    async def late_step(pilot) -> None:
        answered_before("h2")
        await open_lesson(pilot.app, pilot, "h2")
        await settle(pilot)

    assert snap_compare(TutorApp(), terminal_size=SIZE, run_before=late_step)


def test_lesson_step_at_120x40(snap_compare):
    async def gru_step(pilot) -> None:
        from tutor.lessons.catalog import load_lesson
        from tutor.lessons.runtime import LessonSession

        app = pilot.app
        # the GRU lesson draws its numbers per learner: a fixed seed keeps the picture fixed
        session = LessonSession(load_lesson("gru-by-hand"), seed=0)
        app.push_screen(LessonScreen(session, "z0"))
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen))
        await settle(pilot)

    assert snap_compare(TutorApp(), terminal_size=LARGE, run_before=gru_step)


def test_home_screen_at_120x40(snap_compare):
    assert snap_compare(TutorApp(), terminal_size=LARGE, run_before=settle)


def test_too_small_terminal_is_refused(snap_compare):
    assert snap_compare(TutorApp(), terminal_size=(60, 20), run_before=settle)


# fixed loss curves, delivered as the training worker would deliver them (no timings shown)
CURVES = {
    "rnn": ([0.31, 0.2, 0.15, 0.13, 0.12, 0.118, 0.117, 0.116], [0.25, 0.18, 0.15, 0.14]),
    "lstm": ([0.3, 0.16, 0.09, 0.06, 0.045, 0.037, 0.031, 0.028], [0.2, 0.1, 0.06, 0.04]),
    "gru": ([0.28, 0.12, 0.06, 0.035, 0.024, 0.018, 0.015, 0.013], [0.17, 0.07, 0.03, 0.02]),
}


def test_training_lab(snap_compare):
    async def open_lab(pilot) -> None:
        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, LabScreen))
        panel = pilot.app.screen.query_one(TrainingPanel)
        for run, (train, val) in CURVES.items():
            n = len(train)
            panel.post_message(EpochProgress(panel.job, run, n, n, train, val, 0.01, 0.0, 0.0))
            panel.post_message(RunFinished(panel.job, run, "completed", n, min(val)))
        runs = {
            run: {"metrics": {"mae": mae}, "epochs_run": 8, "seconds": 3.0}
            for run, mae in (("rnn", 0.2081), ("lstm", 0.0712), ("gru", 0.0455))
        }
        panel.post_message(JobFinished(panel.job, "", runs))
        await settle(pilot)

    assert snap_compare(TutorApp(), terminal_size=SIZE, run_before=open_lab)
