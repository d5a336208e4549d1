"""What a finished run shows of its networks' insides, for the lesson player."""

from __future__ import annotations

from typing import Any

from textual.widget import Widget
from textual.widgets import Collapsible, Static

HEATMAPS_EXPLAINED = (
    "Each trained network on one validation sequence: a row per unit, a column per time step "
    "(t = 0 on the left). Gates are coloured from blue (closed, 0) to red (open, 1); the "
    "cell and hidden states from blue (negative) to red (positive). `max` / `min` mark units "
    "that follow the running maximum or minimum of the input. Click a heatmap, then `[` and "
    "`]` switch the gate."
)


def inside_views(runs: dict[str, Any], classes: str = "") -> list[Widget]:
    """The gradient norms per time step (when the job measured them), then the gate heatmaps
    (when it recorded gates), folded under one explained heading so they do not push the
    verdict out of sight."""
    from tutor.widgets.gate_heatmap import GateHeatmap  # plotting: loaded after a run only
    from tutor.widgets.gradient_plot import GradientNormPlot

    views: list[Widget] = []
    if measured_norms(runs):
        views.append(GradientNormPlot.from_runs(runs, classes=classes))
    heatmaps = [
        GateHeatmap(run["gates"], run.get("tracking"), title=name.upper())
        for name, run in runs.items()
        if run.get("gates")
    ]
    if heatmaps:
        title = f"Inside the trained network{'s' if len(heatmaps) > 1 else ''}: gate heatmaps"
        explained = Static(HEATMAPS_EXPLAINED, classes="heatmaps-explained")
        views.append(Collapsible(explained, *heatmaps, title=title, classes=classes))
    return views


def measured_norms(runs: dict[str, Any]) -> bool:
    """The job measured gradient norms per time step (the plot shows them, not the summary)."""
    return any(run.get("grad_norms") for run in runs.values())
