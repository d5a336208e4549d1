"""The names an answer may use: each given and each earlier result, shape and full value.

Nothing is cut: a vector or matrix is drawn row by row and wraps to the panel's width, so a
3x6 GRU weight matrix is readable at 80 columns. Earlier results come first, newest on top,
because the step a learner is on almost always uses the result just before it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from rich.text import Text
from textual.widgets import Static

DIGITS = 6  # significant digits shown; the exact values are the names themselves


def shape_text(value: np.ndarray) -> str:
    shape = np.shape(value)
    return "scalar" if not shape else "×".join(str(n) for n in shape)


def number(v: float) -> str:
    return f"{v:.{DIGITS}g}"


def value_lines(value: np.ndarray, width: int) -> list[str]:
    """The value as lines no wider than `width`: a matrix row per line, columns aligned;
    a row too long for the panel continues on the next lines."""
    array = np.asarray(value, dtype=float)
    if array.size == 1:
        return [number(float(array.reshape(-1)[0]))]
    if array.ndim > 2:
        return np.array2string(array, max_line_width=max(12, width), threshold=10_000).splitlines()
    rows = np.atleast_2d(array)
    cells = [[number(float(v)) for v in row] for row in rows]
    cell = max(len(c) for row in cells for c in row)
    per_line = max(1, (width - 4) // (cell + 1))  # "[[" + numbers + "]]"
    lines: list[str] = []
    for r, row in enumerate(cells):
        chunks = [row[i : i + per_line] for i in range(0, len(row), per_line)]
        for k, chunk in enumerate(chunks):
            open_ = ("[[" if r == 0 else " [") if array.ndim == 2 else "["
            lead = open_ if k == 0 else " " * len(open_)
            text = lead + " ".join(c.rjust(cell) for c in chunk)
            if k == len(chunks) - 1:
                text += "]]" if (array.ndim == 2 and r == len(cells) - 1) else "]"
            lines.append(text)
    return lines


def render_values(givens: Mapping[str, np.ndarray], results: Sequence[str], width: int) -> Text:
    """Earlier results (newest first), then the lesson's givens."""
    out = Text()
    newest_first = [name for name in reversed(list(results)) if name in givens]
    groups = (
        ("Your results, newest first", newest_first),
        ("Givens", [name for name in givens if name not in results]),
    )
    for heading, names in groups:
        if not names:
            continue
        if out:
            out.append("\n")
        out.append(heading + "\n", style="bold")
        for name in names:
            value = np.asarray(givens[name], dtype=float)
            lines = value_lines(value, width - 2)
            shape = shape_text(value)
            head = Text(name, style="bold")
            head.append(f" ({shape})", style="dim")
            if len(lines) == 1 and len(name) + len(shape) + len(lines[0]) + 6 <= width:
                head.append(" = " + lines[0])
                out.append_text(head)
                out.append("\n")
                continue
            out.append_text(head)
            out.append("\n")
            for line in lines:
                out.append("  " + line + "\n")
    out.rstrip()
    return out


class GivensTable(Static):
    """Every given and earlier result in full, wrapped to the panel (it scrolls, never cuts)."""

    DEFAULT_CSS = """
    GivensTable { height: auto; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.givens: dict[str, np.ndarray] = {}
        self.results: list[str] = []

    def show(self, givens: Mapping[str, np.ndarray], results: Sequence[str] = ()) -> None:
        """`results`: the names among `givens` that are earlier steps' results, in step order."""
        self.givens = dict(givens)
        self.results = list(results)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = self.content_size.width or 36
        self.update(render_values(self.givens, self.results, width))

    @property
    def plain(self) -> str:
        """The text on screen (for tests and screen readers)."""
        width = self.content_size.width or 36
        return render_values(self.givens, self.results, width).plain
