"""The trained network's own gates over the last window it forecast from: the heatmaps the
lessons teach, on the learner's forecast.

The run saves its networks to a temporary checkpoint; the first network is loaded back and
unrolled by engine.gate_activity over the same normalized window the forecast after the data
was made from. Runs in the forecast's worker thread, after the forecast itself.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from engine.forecast import ForecastResult


@dataclass(frozen=True)
class ForecastGates:
    activity: dict[str, np.ndarray]  # gate -> (window, hidden units)
    first: str  # the window's first and last dates
    last: str
    problem: str | None = None  # why there are none to show

    @property
    def title(self) -> str:
        """Short enough for the fold's one line at 80 columns."""
        if self.problem:
            return "The network's gates: not available"
        steps = len(next(iter(self.activity.values()), ()))
        return f"The network's gates, last {steps} steps"

    @property
    def caption(self) -> str:
        if self.problem:
            return f"They cannot be shown: {self.problem}"
        return (
            f"Inside the trained network, over the last window it forecast from "
            f"({self.first} .. {self.last}): a row per "
            "unit, a column per day; gates from blue (closed, 0) to red (open, 1), the cell "
            "state from blue (negative) to red. Click the heatmap, then `[` `]` switch the gate."
        )


def forecast_with_gates(
    config: dict[str, Any], on_event: Callable | None, should_stop: Callable[[], bool]
) -> tuple[ForecastResult, ForecastGates]:
    """The forecast, then its network's gates over the last window."""
    from engine.forecast import run_forecast  # heavy: the app starts without torch

    with tempfile.TemporaryDirectory() as folder:
        wanted = dict(config)
        if wanted.get("load") is None and wanted.get("save") is None:
            wanted["save"] = str(Path(folder) / "network.safetensors")
        result = run_forecast(wanted, on_event=on_event, should_stop=should_stop)
        try:
            gates = last_window_gates({**wanted, "load": wanted.get("load") or wanted["save"]})
        except Exception as exc:  # noqa: BLE001 - an extra view: the forecast stands without it
            gates = ForecastGates({}, "", "", problem=str(exc) or type(exc).__name__)
    return result, gates


def last_window_gates(config: dict[str, Any]) -> ForecastGates:
    """Load the checkpoint `config["load"]` and unroll its first network over the window the
    forecast after the data started from."""
    from engine.forecast import builtin, persistence
    from engine.forecast.config import checked
    from engine.forecast.prepare import load_data
    from engine.forecast.setting import Loaded, settle
    from engine.gate_activity import gate_activity

    settled = builtin.adjust_config(checked({**config, "save": None}))
    settled, models, meta = persistence.apply_checkpoint(settled)
    loaded = Loaded(tuple(models), meta)
    series = load_data(settled)
    s = settle(settled, series, loaded)
    window = s.framed(loaded.modes[0], s.last, s.h)
    x = np.asarray(window.win.x_past)[0]
    dates = series.dates[-len(x) :]
    return ForecastGates(gate_activity(models[0], x), str(dates[0])[:10], str(dates[-1])[:10])
