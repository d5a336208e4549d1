"""||dL/dh_t|| per time step for several models, on one log scale.

A row per model: each column is a time step (t = 0, furthest from the loss, on the left), its
height a block character on a scale shared by all rows, so the rows compare directly; the
decades spanned are printed beside it. Fed from a gradient_norms job's runs.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.widget import Widget

BLOCKS = " ▁▂▃▄▅▆▇█"
COLOURS = {"rnn": "red", "lstm": "green", "gru": "cyan"}


class GradientNormPlot(Widget):
    """Log-scale bars of per-step gradient norms, one row per model."""

    DEFAULT_CSS = """
    GradientNormPlot { height: auto; width: 1fr; padding: 0 1; }
    """

    def __init__(self, norms: dict[str, list[float] | np.ndarray], **kwargs) -> None:
        super().__init__(**kwargs)
        self.norms = {k: np.asarray(v, dtype=np.float64) for k, v in norms.items()}

    @classmethod
    def from_runs(cls, runs: dict, key: str = "grad_norms", **kwargs) -> GradientNormPlot:
        """The per-step norms of every run that has them (a gradient_norms job's runs)."""
        return cls({name: run[key] for name, run in runs.items() if run.get(key)}, **kwargs)

    def render(self) -> Text:
        text = Text()
        if not self.norms:
            return Text("no gradient norms measured", style="dim")
        logs = {k: np.log10(np.maximum(v, 1e-300)) for k, v in self.norms.items()}
        lo = min(float(v.min()) for v in logs.values())
        hi = max(float(v.max()) for v in logs.values())
        span = max(hi - lo, 1e-12)
        width = max(8, self.size.width - 22)
        text.append(f"||dL/dh_t||, log scale 1e{lo:.0f} .. 1e{hi:.0f}\n", style="bold")
        for name, v in logs.items():
            cols = [c.mean() for c in np.array_split(v, min(width, v.size))]
            bars = "".join(
                BLOCKS[1 + int(round((c - lo) / span * (len(BLOCKS) - 2)))] for c in cols
            )
            decades = float(v[-1] - v[0])
            text.append(f"{name:<5} ", style="bold")
            text.append(bars, style=COLOURS.get(name, "white"))
            text.append(f" {decades:5.1f} dec\n", style="dim")
        longest = max(v.size for v in self.norms.values())
        bars = min(width, longest)  # the axis ends where the bars do, not at the panel's edge
        end = f"t={longest - 1}"
        text.append(f"{'':6}t=0{'':>{max(1, bars - 3 - len(end))}}{end}", style="dim")
        return text
