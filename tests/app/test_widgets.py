"""Pure helpers behind the widgets: which part of the cell lights up, how numbers are shown."""

from __future__ import annotations

import numpy as np
import pytest
from rich.style import Style

from tests.app.conftest import drive
from tutor.screens.forecast import fmt_metric, metric_rows
from tutor.widgets.cell_diagram import render_cell
from tutor.widgets.givens_table import shape_text
from tutor.widgets.loss_panel import fmt_seconds

LIT = Style(bold=True, reverse=True)


def lit_text(cell: str, quantity: str | None) -> str:
    """The characters drawn in the highlight style, in order."""
    text = render_cell(cell, quantity, LIT, Style())
    text = text.copy()
    text.truncate(text.plain.find("\n  asked") if "asked" in text.plain else len(text.plain))
    lit = []
    for span in text.spans:
        if span.style == LIT:
            lit.append(text.plain[span.start : span.end])
    return "".join(lit)


@pytest.mark.parametrize(
    ("cell", "quantity", "label"),
    [
        ("lstm", "f", "σ f"),
        ("lstm", "i", "σ i"),
        ("lstm", "c_hat", "tanh ĉ"),
        ("lstm", "o", "σ o"),
        ("lstm", "c", "(+)"),
        ("lstm", "y", "y = σ(h·Wy + By)"),
        ("rnn", "h", "tanh"),
        ("gru", "r", "σ r"),
        ("gru", "z", "σ z"),  # in a GRU, z is the update gate, not a pre-activation
        ("gru", "n", "tanh n"),
        ("gru", "h", "(+)"),
    ],
)
def test_the_gate_asked_about_is_lit(cell, quantity, label):
    assert label in lit_text(cell, quantity)


def test_the_lstm_z_lights_the_shared_pre_activation_not_a_gate():
    lit = lit_text("lstm", "z")
    assert "[x,h]·W + b" in lit and "σ" not in lit


def test_nothing_is_lit_for_an_unknown_quantity():
    assert lit_text("lstm", "bogus") == ""
    assert lit_text("lstm", None) == ""


def test_numbers_fit_narrow_columns():
    assert fmt_metric(1_648_359.6) == "1.65M"
    assert fmt_metric(82_108.59) == "82.1k"
    assert fmt_metric(6.871) == "6.87"
    assert fmt_metric(None) == "—"
    assert fmt_seconds(75) == "1m15s" and fmt_seconds(9.4) == "9s"
    assert shape_text(np.zeros((1, 4))) == "1×4" and shape_text(np.float64(2)) == "scalar"


def test_metric_rows_put_the_model_before_the_baselines():
    metrics = {"naive": {"mae": 3.0}, "model": {"mae": 1.0, "rmse": 2.0}, "seasonal_naive": {}}
    columns, rows = metric_rows(metrics)
    assert columns == ["model", "naive", "seasonal"]
    assert rows == [["mae", "1", "3", "—"], ["rmse", "2", "—", "—"]]


def test_loss_bars_give_each_epoch_the_same_width_a_gap_and_an_axis():
    from tutor.widgets.loss_bars import bars, epoch_axis

    (line,), bar, gap = bars([2.0, 1.0, 0.5], width=40)  # 3 epochs: not one solid block
    assert gap == 1 and line.count(" ") == 2
    assert [len(b) for b in line.split(" ")] == [bar] * 3  # the first no wider than the rest
    assert line[0] == "█" and line[-1] == "▁"  # highest first, lowest last
    axis = epoch_axis(3, len(line))
    assert axis.startswith("1") and axis.endswith("3") and len(axis) == len(line)
    many, bar, gap = bars(list(range(100, 0, -1)), width=30, rows=3)  # more epochs than columns
    assert [len(row) for row in many] == [30] * 3 and gap == 0
    assert many[0][0] == "█" and many[0][-1] == " " and many[2][-1] == "▁"  # tall, then low


@drive
async def test_a_loss_panel_labels_the_last_loss():
    from textual.app import App

    from tutor.messages import EpochProgress
    from tutor.widgets.loss_panel import LossPanel

    class One(App):
        def compose(self):
            yield LossPanel("lstm")

    app = One()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(LossPanel)
        for epoch, (train, val) in enumerate([(0.9, 0.8), (0.5, 0.45), (0.31, 0.3)], 1):
            panel.add_epoch(EpochProgress(0, "lstm", epoch, 3, [train], [val], 0.01, 1.0, 0.0))
        await pilot.pause()
        assert str(panel.query_one("#train-label").render()) == "train, last\n0.31"
        assert str(panel.query_one("#val-label").render()) == "val, last\n0.3"
