"""The lab keeps what it trained: it asks before leaving, toggles keep curves and order,
results stay in a table with each task's error, and ticked boxes look ticked."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from tests.app.conftest import drive, open_lab, run, wait_for
from tutor.dialogs.confirm import ConfirmDialog
from tutor.screens.home import HomeScreen
from tutor.widgets.loss_panel import LossPanel, log_scale
from tutor.widgets.tick_box import TickBox
from tutor.widgets.training_panel import TrainingPanel


def order(panel: TrainingPanel) -> list[str]:
    return [p.run for p in panel.query_children(LossPanel)]


@drive
async def test_escape_while_training_asks_first(app):
    async with run(app) as pilot:
        lab = await open_lab(app, pilot)
        lab.query_one("#epochs", Input).value = "1000"
        await pilot.press("ctrl+s")
        panel = lab.query_one(TrainingPanel)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("n")  # stay: the run goes on
        await pilot.pause()
        assert app.screen is lab and panel.running
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
        assert panel.run.done.wait(timeout=60)  # leaving stopped the trainer


@drive
async def test_results_stay_in_a_table_and_toggles_keep_them(app):
    async with run(app) as pilot:
        lab = await open_lab(app, pilot)
        panel = lab.query_one(TrainingPanel)
        lab.query_one("#use-lstm", TickBox).value = False
        await pilot.pause()
        lab.query_one("#use-lstm", TickBox).value = True
        await pilot.pause()
        assert order(panel) == ["rnn", "lstm", "gru"]  # re-ticking does not move LSTM last

        lab.query_one("#epochs", Input).value = "2"
        lab.query_one("#hidden", Input).value = "4"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: panel.worker.is_finished, timeout=120, what="the run")
        await pilot.pause()
        table = lab.query_one("#lab-results", DataTable)
        assert table.display and table.row_count == 3
        rows = [table.get_row_at(i) for i in range(3)]
        assert [r[1] for r in rows] == ["RNN", "LSTM", "GRU"]
        assert all(str(r[2]).startswith("MAE ") for r in rows)  # the task's error, not a loss
        for loss_panel in panel.query(LossPanel):
            assert "MAE" in str(loss_panel.border_title)

        lab.query_one("#use-gru", TickBox).value = False  # results and curves stay
        await pilot.pause()
        assert order(panel) == ["rnn", "lstm", "gru"]
        assert all(p.train for p in panel.query(LossPanel))
        assert table.row_count == 3

        await pilot.press("escape")  # results on screen: asks before leaving
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        await pilot.press("escape")  # escape answers no
        await pilot.pause()
        assert app.screen is lab


def test_ticked_and_unticked_boxes_look_different():
    ticked, unticked = TickBox("LSTM", value=True), TickBox("LSTM", value=False)
    assert ticked.BUTTON_INNER != unticked.BUTTON_INNER
    assert ticked.BUTTON_INNER.strip() and not unticked.BUTTON_INNER.strip()


def test_the_sparkline_scale_is_not_flattened_by_the_first_epoch():
    losses = [5.0, 0.1, 0.09, 0.08, 0.07]
    scaled = log_scale(losses)
    low, high = min(scaled), max(scaled)
    later = [(v - low) / (high - low) for v in scaled[1:]]
    assert max(later) - min(later) > 0.5  # later epochs use most of the height
