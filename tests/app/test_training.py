"""The training lab: a run posts progress into the sparklines, Stop ends it within a batch."""

from __future__ import annotations

from textual.widgets import Input
from textual.worker import WorkerState

from tests.app.conftest import SMALL_LAB, drive, notifications, open_lab, run, wait_for
from tutor.screens.lab import LabScreen
from tutor.widgets.loss_bars import LossBars
from tutor.widgets.loss_panel import LossPanel
from tutor.widgets.training_panel import TrainingPanel


@drive
async def test_training_fills_the_loss_bars_and_stop_cancels(app):
    async with run(app) as pilot:
        lab = await open_lab(app, pilot)
        lab.query_one("#use-rnn").value = False
        lab.query_one("#use-gru").value = False
        lab.query_one("#hidden", Input).value = "8"
        lab.query_one("#epochs", Input).value = "1000"  # far more than it will get to run
        await pilot.press("ctrl+s")
        panel = lab.query_one(TrainingPanel)
        assert panel.worker is not None
        line = panel.query_one("#run-lstm").query_one("#train-line", LossBars)
        await wait_for(pilot, lambda: len(line.values) >= 2, what="two loss points")
        losses = panel.query_one("#run-lstm", LossPanel).train
        assert len(line.values) == len(losses) and all(v > 0 for v in losses)

        await pilot.press("ctrl+x")  # Stop
        await app.workers.wait_for_complete([panel.worker])
        await pilot.pause()
        assert panel.worker.state == WorkerState.SUCCESS  # the thread itself returned
        assert not panel.running
        assert panel.last_cancelled
        loss_panel = panel.query_one(LossPanel)
        status = str(loss_panel.query_one("#status").render())
        assert status.startswith("cancelled · "), status
        epochs_run = int(status.split()[2])
        assert 2 <= epochs_run < 1000  # stopped long before the planned end
        assert len(loss_panel.train) == min(epochs_run, 200)  # every epoch reached the panel


@drive
async def test_bad_hyperparameters_are_a_notification(app):
    async with run(app) as pilot:
        lab = await open_lab(app, pilot)
        lab.query_one("#epochs", Input).value = "0"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert lab.query_one(TrainingPanel).worker is None
        assert any("epochs" in m for m in notifications(app))


@drive
async def test_quit_while_training_stops_the_trainer(app):
    async with run(app) as pilot:
        lab = await open_lab(app, pilot)
        lab.query_one("#epochs", Input).value = "1000"
        lab.query_one("#use-rnn").value = False
        await pilot.press("ctrl+s")
        panel = lab.query_one(TrainingPanel)
        line = panel.query_one("#run-lstm").query_one("#train-line", LossBars)
        await wait_for(pilot, lambda: len(line.values) >= 1, what="a loss point")
        stop, done = panel.run.stop, panel.run.done
        await pilot.press("ctrl+q")
        assert stop.is_set()  # the trainer was told to stop...
    assert done.wait(timeout=60)  # ...and its thread returned (not left running, textual #3966)


@drive
async def test_a_job_the_engine_refuses_is_a_notification(app):
    async with run(app) as pilot:
        app.push_screen(LabScreen(extra_spec={**SMALL_LAB, "length": 1}))  # too short a sequence
        await wait_for(pilot, lambda: isinstance(app.screen, LabScreen), what="lab")
        await pilot.pause()
        await pilot.press("ctrl+s")
        panel = app.screen.query_one(TrainingPanel)
        await wait_for(pilot, lambda: panel.worker.is_finished, what="the worker to fail")
        await pilot.pause()
        assert panel.worker.state == WorkerState.ERROR
        assert any(m.startswith("Training failed") and "length" in m for m in notifications(app))
        assert app.is_running
