"""A checkbox whose mark differs by shape, not only by colour: ✓ ticked, blank unticked."""

from __future__ import annotations

from textual.widgets import Checkbox


class TickBox(Checkbox):
    """Checkbox that draws ✓ when ticked (Textual's draws X either way, in another colour)."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - the name Textual's ToggleButton reads
        return "✓" if self.value else " "
