"""Shown instead of the app while the terminal is smaller than the layouts are made for."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24  # every screen is laid out and tested at this size and above


def too_small(width: int, height: int) -> bool:
    return width < MIN_WIDTH or height < MIN_HEIGHT


def message(width: int, height: int) -> str:
    return (
        f"This terminal is too small ({width}x{height}): use at least "
        f"{MIN_WIDTH}x{MIN_HEIGHT}.\n\nEnlarge the window or make the font smaller; "
        "the app comes back as it was. ctrl+q quits."
    )


class TooSmallScreen(ModalScreen[None]):
    """Covers the app until the terminal is large enough again (the app pops it)."""

    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; background: $background; }
    TooSmallScreen > Static { width: 1fr; height: auto; padding: 1 2; text-align: center; }
    """

    def compose(self) -> ComposeResult:
        yield Static(message(*self.app.size), id="too-small")

    def on_resize(self) -> None:
        self.query_one("#too-small", Static).update(message(*self.app.size))
