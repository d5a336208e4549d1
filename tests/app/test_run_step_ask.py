"""A run step that asks for the learner's data file: asked once, checked, remembered."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from tests.app.conftest import drive, notifications, open_lesson, run, submit, wait_for
from tutor import learner
from tutor.widgets.answer_box import AnswerBox
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
  - id: again
    kind: run
    prompt: Train again with a longer window.
    ask:
      - {key: data, prompt: Path to your CSV, kind: path}
    job: {task: forecast, targets: [y], window: 14, horizon: 1, epochs: 1, hidden: 4}
"""


def write_inputs(tmp_path):
    dates = pd.date_range("2024-01-01", periods=90, freq="D")
    y = 100 + 10 * np.sin(np.arange(90) / 3)
    csv = tmp_path / "mine.csv"
    frame = pd.DataFrame({"date": dates.date, "y": y})
    pd.concat([frame, frame.iloc[[5]]]).to_csv(csv, index=False)  # one duplicated row
    lesson = tmp_path / "own-data.yaml"
    lesson.write_text(LESSON)
    return lesson, csv


@drive
async def test_the_path_is_asked_checked_and_remembered(app, tmp_path):
    lesson, csv = write_inputs(tmp_path)
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, lesson=str(lesson))
        assert "Path to your CSV" in screen.query_one("#answer", AnswerBox).placeholder

        await submit(pilot, "")
        assert any("Path to your CSV first" in m for m in notifications(app))

        missing = str(tmp_path / "missing.csv")
        await submit(pilot, missing)
        # a human message on the screen, no internal error name, and the path kept to correct
        assert "no file at" in screen.query_one("#feedback").source
        assert "Error" not in screen.query_one("#feedback").source
        assert not any("LookupError" in m for m in notifications(app))
        assert screen.query_one("#answer", AnswerBox).value == missing
        assert "Path to your CSV" in screen.query_one("#answer", AnswerBox).placeholder

        await submit(pilot, str(csv))
        panel = screen.query_one(TrainingPanel)
        await wait_for(pilot, lambda: screen.state.done, timeout=60, what="the run to finish")
        assert panel.worker.is_finished
        await pilot.pause()
        # the step's mark at once, and the data warning the job raised is on screen
        assert "✓" in str(screen.query_one("#step-title").render())
        assert "duplicate" in screen.query_one("#feedback").source.lower()

        # enter on a finished run step moves on (it does not train again) ...
        job = panel.job
        await pilot.press("enter")
        await pilot.pause()
        assert screen.step.id == "again" and panel.job == job
        # ... and the next run step does not show the last one's curves or status
        assert not panel.query("LossPanel")
        assert not screen.state.done

    assert json.loads(learner.answers("own-data")["train"]) == {"data": str(csv)}
