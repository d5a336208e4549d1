"""A loss curve as bars, one per epoch, over an epoch axis.

Textual's Sparkline stretches a few points over the whole width (three epochs become one
solid block, the first bucket wider than the rest); here every epoch gets the same width
and a gap, and the axis under the bars says which epoch is which.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.widget import Widget

BLOCKS = "▁▂▃▄▅▆▇█"
MAX_BAR = 3  # columns per epoch when there is room: wider bars read as one block again


def bar_layout(n: int, width: int) -> tuple[int, int]:
    """(columns per bar, gap) so that n equal bars fit `width`; (1, 0) when they do not."""
    for bar in range(MAX_BAR, 0, -1):
        if n * (bar + 1) - 1 <= width:
            return bar, 1
    return 1, 0


def bars(values: list[float], width: int, rows: int = 1) -> tuple[list[str], int, int]:
    """The bar lines (top first), the bar width and the gap. More epochs than columns:
    neighbouring epochs are averaged into one column each."""
    if not values or width < 1:
        return [], 1, 0
    data = np.asarray(values, dtype=float)
    if data.size > width:
        data = np.array([chunk.mean() for chunk in np.array_split(data, width)])
    lo, hi = float(data.min()), float(data.max())
    share = (data - lo) / (hi - lo) if hi > lo else np.full(data.size, 0.5)
    eighths = [1 + int(round(v * (rows * 8 - 1))) for v in share]  # the lowest still shows
    bar, gap = bar_layout(data.size, width)
    lines = []
    for row in range(rows):
        base = (rows - 1 - row) * 8
        cells = [_cell(e - base) * bar for e in eighths]
        lines.append((" " * gap).join(cells))
    return lines, bar, gap


def _cell(fill: int) -> str:
    return " " if fill <= 0 else BLOCKS[min(fill, 8) - 1]


def epoch_axis(n: int, line_width: int) -> str:
    """`1` under the first bar and the last epoch's number under the last."""
    if n == 0:
        return ""
    if n == 1:
        return "1"
    last = str(n)
    return "1" + " " * max(1, line_width - 1 - len(last)) + last


class LossBars(Widget):
    """Bars of one loss curve (already on the scale to draw) and the epoch axis under them."""

    DEFAULT_CSS = """
    LossBars { height: 2; width: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.values: list[float] = []
        self.epochs = 0

    def show(self, values: list[float], epochs: int) -> None:
        self.values, self.epochs = list(values), epochs
        self.refresh()

    def render(self) -> Text:
        """The bars over every row but the last, which is the epoch axis."""
        lines, _, _ = bars(self.values, self.size.width, rows=max(1, self.size.height - 1))
        if not lines:
            return Text()
        text = Text("\n".join(lines), style="bold")
        text.append("\n" + epoch_axis(self.epochs, len(lines[0])), style="dim")
        return text
