"""Snapshots of the home screen, a lesson step and the training lab at 80x24.

Regenerate after a deliberate change to a screen:
    python -m pytest tests/app/test_snapshots.py --snapshot-update
Nothing time-dependent is on screen: the lab's curves are fixed progress messages (the
messages a training worker posts), so no timing, ETA or run-to-run noise can leak in.
"""

from __future__ import annotations

from textual.widgets import Input

from tests.app.conftest import wait_for
from tutor.app import TutorApp
from tutor.messages import EpochProgress, RunFinished
from tutor.screens.lab import LabScreen
from tutor.screens.lesson import LessonScreen
from tutor.widgets.training_panel import TrainingPanel

SIZE = (80, 24)


async def settle(pilot) -> None:
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_home_screen(snap_compare):
    assert snap_compare(TutorApp(), terminal_size=SIZE, run_before=settle)


def test_lesson_step_with_a_diagnosis(snap_compare):
    async def wrong_forget_gate(pilot) -> None:
        app = pilot.app
        app.open_lesson("lstm-forward-pass", "f0")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen))
        await settle(pilot)
        await pilot.press(*"tanh(z0[0,0])", "enter")
        await settle(pilot)

    assert snap_compare(TutorApp(), terminal_size=SIZE, run_before=wrong_forget_gate)


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
        await settle(pilot)

    assert snap_compare(TutorApp(), terminal_size=SIZE, run_before=open_lab)
