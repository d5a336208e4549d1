"""A colour grid of one gate's activations: a row per unit, a column per time step.

After Karpathy, Johnson and Fei-Fei's "Visualizing and Understanding Recurrent Networks": for a
trained model and one sequence, each cell is coloured by the gate's value there (blue low, red
high; tanh-valued rows are centred on 0). `[` and `]` switch the gate; units found to follow
the running max or min (engine.gate_activity.tracking) are labelled.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.binding import Binding
from textual.reactive import reactive
from textual.widget import Widget

NAMES = {
    "i": "input gate",
    "f": "forget gate",
    "g": "candidate",
    "o": "output gate",
    "c": "cell state",
    "r": "reset gate",
    "z": "update gate",
    "n": "candidate",
    "h": "hidden state",
}
SIGNED = {"g", "c", "n", "h"}  # tanh-valued (or unbounded): coloured around 0


def colour(value: float, signed: bool) -> str:
    """Blue (low) to red (high); white in the middle (0.5 for gates, 0 for signed values)."""
    t = 0.5 + 0.5 * np.tanh(value) if signed else float(np.clip(value, 0.0, 1.0))
    if t < 0.5:
        k = t / 0.5
        r, g, b = int(40 + 215 * k), int(80 + 175 * k), 255
    else:
        k = (t - 0.5) / 0.5
        r, g, b = 255, int(255 - 200 * k), int(255 - 215 * k)
    return f"rgb({r},{g},{b})"


class GateHeatmap(Widget, can_focus=True):
    """Gate activations of one sequence: rows = units, columns = time steps."""

    DEFAULT_CSS = """
    GateHeatmap { height: auto; width: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding("]", "next_gate", "next gate"),
        Binding("[", "previous_gate", "previous gate"),
    ]

    gate: reactive[str] = reactive("f")

    def __init__(
        self,
        activity: dict[str, np.ndarray],
        labels: list[str] | None = None,
        title: str = "",
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.activity = {k: np.asarray(v, dtype=np.float64) for k, v in activity.items()}
        self.labels = labels or []
        self.title = title
        self.set_reactive(GateHeatmap.gate, next(iter(self.activity)))

    def action_next_gate(self) -> None:
        names = list(self.activity)
        self.gate = names[(names.index(self.gate) + 1) % len(names)]

    def action_previous_gate(self) -> None:
        names = list(self.activity)
        self.gate = names[(names.index(self.gate) - 1) % len(names)]

    def render(self) -> Text:
        values = self.activity[self.gate]  # (T, H)
        T, H = values.shape
        width = max(1, self.size.width - 12)
        step = max(1, -(-T // width))  # average neighbouring steps when T is wider than us
        cols = [values[s : s + step].mean(axis=0) for s in range(0, T, step)]
        grid = np.stack(cols)  # (columns, H)
        signed = self.gate in SIGNED
        text = Text()
        header = f"{NAMES.get(self.gate, self.gate)} ({self.gate})  t = 0..{T - 1}"
        if self.title:
            header = f"{self.title} · {header}"
        text.append(header + "  [ ] switch\n", style="bold")
        for unit in range(H):
            label = self.labels[unit] if unit < len(self.labels) else ""
            text.append(f"u{unit:<3}{label:>4} ", style="dim")
            for v in grid[:, unit]:
                text.append(" ", style=f"on {colour(float(v), signed)}")
            text.append("\n")
        lo = "-1" if signed else "0"
        text.append(f"{'':9}", style="dim")
        text.append(" ", style=f"on {colour(-3.0 if signed else 0.0, signed)}")
        text.append(f" {lo}  ", style="dim")
        text.append(" ", style=f"on {colour(3.0 if signed else 1.0, signed)}")
        text.append(" 1", style="dim")
        return text
