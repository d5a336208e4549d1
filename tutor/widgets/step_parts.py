"""The lesson player's parts: its title line, its hints and the values beside the prompt.

Each owns what it shows, so the screen tells it the new state and nothing else is redrawn.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Label, Markdown, Static

from tutor.widgets.cell_diagram import CellDiagram
from tutor.widgets.givens_table import GivensTable, ValueGroups


class StepTitle(Label):
    """`8/11 The first step's …  ✓`: cut with an ellipsis where the width ends."""

    DEFAULT_CSS = """
    StepTitle { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def show(self, number: int, total: int, title: str, *, done: bool) -> None:
        self.update(Text(f"{number}/{total} {title}{' ✓' if done else ''}"))


class HintList(Markdown):
    """The hints revealed so far, numbered."""

    def show(self, hints: list[str], count: int) -> None:
        shown = hints[:count]
        self.update("\n\n".join(f"**Hint {n}.** {hint}" for n, hint in enumerate(shown, 1)))


class ValuesPanel(VerticalScroll):
    """Beside the prompt: the names an answer may use, then the cell diagram."""

    def __init__(self, cell: str | None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cell = cell

    def compose(self) -> ComposeResult:
        yield Static("values · ctrl+↑/↓ scroll", id="values-title")
        yield GivensTable(id="givens")
        yield CellDiagram(self.cell or "lstm", id="diagram")

    def show(
        self,
        givens: dict[str, np.ndarray],
        groups: ValueGroups,
        quantity: str | None,
        *,
        wide: bool,
    ) -> None:
        """`wide`: the step needs the width (a run step's curves), so the panel gives way."""
        table = self.query_one(GivensTable)
        table.show(givens, groups)
        table.display = bool(givens)
        self.query_one("#values-title").display = bool(givens)
        diagram = self.query_one(CellDiagram)
        diagram.display = self.cell is not None
        diagram.quantity = quantity
        self.display = not wide and (diagram.display or table.display)
