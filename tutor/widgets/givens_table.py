"""The names an answer may use: each given (and earlier result) with its shape and value."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from textual.widgets import DataTable

MAX_VALUE_CHARS = 22  # fits the 80-column layout's side panel


def shape_text(value: np.ndarray) -> str:
    shape = np.shape(value)
    return "scalar" if not shape else "×".join(str(n) for n in shape)


def value_text(value: np.ndarray) -> str:
    from tutor.lessons import display

    text = display.short(np.asarray(value, dtype=float), digits=4)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


class GivensTable(DataTable):
    """A read-only table of name, shape and (shortened) value."""

    DEFAULT_CSS = """
    GivensTable { height: auto; max-height: 12; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="none", zebra_stripes=True, **kwargs)

    def on_mount(self) -> None:
        self.add_columns("name", "shape", "value")

    def show(self, givens: Mapping[str, np.ndarray]) -> None:
        self.clear()
        for name, value in givens.items():
            self.add_row(name, shape_text(value), value_text(value), key=name)
