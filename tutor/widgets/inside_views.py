"""What a finished run shows of its networks' insides, for the lesson player."""

from __future__ import annotations

from typing import Any

from textual.widget import Widget


def inside_views(runs: dict[str, Any], classes: str = "") -> list[Widget]:
    """The gradient norms per time step (when the job measured them), then each run's gate
    heatmap (when it recorded gates), in the job's run order."""
    from tutor.widgets.gate_heatmap import GateHeatmap  # plotting: loaded after a run only
    from tutor.widgets.gradient_plot import GradientNormPlot

    views: list[Widget] = []
    if any(run.get("grad_norms") for run in runs.values()):
        views.append(GradientNormPlot.from_runs(runs, classes=classes))
    for name, run in runs.items():
        if run.get("gates"):
            views.append(
                GateHeatmap(run["gates"], run.get("tracking"), title=name.upper(), classes=classes)
            )
    return views
