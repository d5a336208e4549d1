"""The names an answer may use: each given and each earlier result, shape and full value.

Nothing is cut: a vector or matrix is drawn row by row and wraps to the panel's width, so a
3x6 GRU weight matrix is readable at 80 columns. Earlier results come first, newest on top,
because the step a learner is on almost always uses the result just before it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class ValueGroups:
    """Which names are what: the learner's own results (in step order), earlier steps they
    skipped (their values stay hidden: skipping must not reveal an answer), and what a run
    measured. Every other name is a given of the lesson."""

    results: Sequence[str] = ()
    skipped: Sequence[str] = ()
    measured: Sequence[str] = ()


def render_values(givens: Mapping[str, np.ndarray], groups: ValueGroups, width: int) -> Text:
    """Earlier results (newest first), the run's measurements, then the lesson's givens;
    skipped steps by name only."""
    out = Text()
    own = {*groups.results, *groups.skipped, *groups.measured}
    sections = (
        ("Your results, newest first", [n for n in reversed(list(groups.results)) if n in givens]),
        ("Measured by the run", [n for n in groups.measured if n in givens]),
        ("Givens", [name for name in givens if name not in own]),
    )
    skipped = [n for n in groups.skipped if n in givens]
    if skipped:
        out.append("Not answered yet: ", style="bold")
        out.append(", ".join(skipped) + " (shown once answered)\n", style="dim")
    for heading, names in sections:
        if not names:
            continue
        if out:
            out.append("\n")
        out.append(heading + "\n", style="bold")
        for name in names:
            out.append_text(_value_text(name, givens[name], width))
    out.rstrip()
    return out


def _value_text(name: str, value: np.ndarray, width: int) -> Text:
    """`name (shape) = value` on one line when it fits, else the value's lines under it."""
    value = np.asarray(value, dtype=float)
    lines = value_lines(value, width - 2)
    shape = shape_text(value)
    head = Text(name, style="bold")
    head.append(f" ({shape})", style="dim")
    if len(lines) == 1 and len(name) + len(shape) + len(lines[0]) + 6 <= width:
        head.append(" = " + lines[0] + "\n")
        return head
    head.append("\n")
    for line in lines:
        head.append("  " + line + "\n")
    return head


class GivensTable(Static):
    """Every given and earlier result in full, wrapped to the panel (it scrolls, never cuts)."""

    DEFAULT_CSS = """
    GivensTable { height: auto; padding: 0 1; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.givens: dict[str, np.ndarray] = {}
        self.groups = ValueGroups()

    def show(self, givens: Mapping[str, np.ndarray], groups: ValueGroups | None = None) -> None:
        self.givens = dict(givens)
        self.groups = groups or ValueGroups()
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = self.content_size.width or 36
        self.update(render_values(self.givens, self.groups, width))

    @property
    def plain(self) -> str:
        """The text on screen (for tests and screen readers)."""
        width = self.content_size.width or 36
        return render_values(self.givens, self.groups, width).plain
