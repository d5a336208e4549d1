"""The line under the answer box: the value typed so far, or the error with a caret under it."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static


class AnswerPreview(Static):
    """Shows a runtime `Preview`: `= 0.731` in green, or the error in red."""

    def show(self, preview: Any, *, caret_fits: bool) -> None:
        """`caret_fits`: the answer is one line narrower than the box, so a caret lines up
        under the column; otherwise the column is named."""
        if preview is None or (preview.value is None and preview.error is None):
            self.update("")
        elif preview.error is not None:
            line = Text()
            if preview.col is not None and caret_fits:
                line.append(" " * preview.col + "^\n", style="bold red")
            elif preview.col is not None:
                line.append(f"column {preview.col + 1}: ", style="bold red")
            line.append(preview.error, style="red")
            self.update(line)
        else:
            self.update(Text(f"= {preview.text}", style="green"))
