"""A run step that asks for the learner's data file: asked once, checked, remembered."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from textual import events
from textual.widgets import Input

from tests.app.conftest import drive, notifications, run, wait_for
from tutor import learner
from tutor.screens.lesson import LessonScreen
from tutor.widgets.training_panel import TrainingPanel

LESSON = """\
id: own-data
title: Own data
summary: Train on a file the learner names.
group: forecasting
steps:
  - id: train
    kind: run
    prompt: Train on your data.
    ask:
      - {key: data, prompt: Path to your CSV, kind: path}
    job: {task: forecast, targets: [y], window: 7, horizon: 1, epochs: 1, hidden: 4}
"""


def write_inputs(tmp_path):
    dates = pd.date_range("2024-01-01", periods=90, freq="D")
    y = 100 + 10 * np.sin(np.arange(90) / 3)
    csv = tmp_path / "mine.csv"
    pd.DataFrame({"date": dates.date, "y": y}).to_csv(csv, index=False)
    lesson = tmp_path / "own-data.yaml"
    lesson.write_text(LESSON)
    return lesson, csv


async def submit(pilot, text: str) -> None:
    answer = pilot.app.screen.query_one("#answer", Input)
    answer.value = ""
    if text:
        answer.post_message(events.Paste(text))
        await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


@drive
async def test_the_path_is_asked_checked_and_remembered(app, tmp_path):
    lesson, csv = write_inputs(tmp_path)
    async with run(app) as pilot:
        app.open_lesson(str(lesson))
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), what="lesson")
        await pilot.pause()
        screen = app.screen
        assert "Path to your CSV" in screen.query_one("#answer", Input).placeholder

        await submit(pilot, "")
        assert any("Path to your CSV first" in m for m in notifications(app))

        await submit(pilot, str(tmp_path / "missing.csv"))
        assert any("no file at" in m for m in notifications(app))
        assert "Path to your CSV" in screen.query_one("#answer", Input).placeholder

        await submit(pilot, str(csv))
        panel = screen.query_one(TrainingPanel)
        await wait_for(pilot, lambda: screen.state.done, timeout=60, what="the run to finish")
        assert panel.worker.is_finished

    assert json.loads(learner.answers("own-data")["train"]) == {"data": str(csv)}
