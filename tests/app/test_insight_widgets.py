"""The gate heatmap and the gradient-norm plot at 80x24 (snapshots), and their data paths."""

from __future__ import annotations

import numpy as np
from textual.app import App, ComposeResult

from engine.datasets import maxmin
from engine.gate_activity import gate_activity, tracking
from engine.models import ModelConfig, build_model
from tutor.widgets.gate_heatmap import GateHeatmap
from tutor.widgets.gradient_plot import GradientNormPlot

SIZE = (80, 24)


def activity():
    model = build_model(ModelConfig(kind="lstm", hidden=8, n_targets=2), seed=0)
    X, _ = maxmin(1, 60, seed=0)
    act = gate_activity(model, X[0])
    return act, tracking(act["c"], X[0, :, 0])


class HeatmapApp(App):
    def compose(self) -> ComposeResult:
        act, labels = activity()
        yield GateHeatmap(act, labels, title="LSTM, max–min")


# per-step norms shaped like a gradient_norms job's (fixed numbers, no training in the test)
NORMS = {
    "rnn": np.logspace(-18, -2, 60),
    "lstm": np.logspace(-9, -2, 60),
    "gru": np.logspace(-4, -2.5, 60),
}


class PlotApp(App):
    def compose(self) -> ComposeResult:
        runs = {k: {"grad_norms": v.tolist()} for k, v in NORMS.items()}
        yield GradientNormPlot.from_runs(runs)


def test_gate_heatmap_snapshot(snap_compare):
    async def forget_then_cell(pilot) -> None:
        await pilot.press("]")  # i -> f
        await pilot.pause()

    assert snap_compare(HeatmapApp(), terminal_size=SIZE, run_before=forget_then_cell)


def test_gradient_plot_snapshot(snap_compare):
    assert snap_compare(PlotApp(), terminal_size=SIZE)


def test_gate_activity_is_the_models_own_forward_pass():
    import torch

    model = build_model(ModelConfig(kind="gru", hidden=3, n_targets=2), seed=1)
    X, _ = maxmin(1, 12, seed=1)
    act = gate_activity(model, X[0])
    with torch.no_grad():
        out, _ = model.encoder(torch.as_tensor(X[:1], dtype=torch.float32))
    np.testing.assert_allclose(act["h"], out[0].numpy(), atol=1e-6)
    assert set(act) == {"r", "z", "n", "h"}


def test_tracking_finds_running_max_and_min():
    series = np.array([0.1, 0.5, 0.2, 0.9, 0.3, 0.05, 0.4])
    state = np.stack(
        [np.maximum.accumulate(series), -np.minimum.accumulate(series), np.sin(np.arange(7))],
        axis=1,
    )
    assert tracking(state, series) == ["max", "min", ""]
