"""The answer box: a small text area where enter submits and alt+enter starts a new line.

A TextArea rather than an Input so that a long formula wraps instead of scrolling out of
sight, and the one-expression bonus step can really be typed over several lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

NEWLINE_KEYS = ("alt+enter", "shift+enter", "ctrl+j")  # shift+enter only where the terminal says so
LEFT_TO_THE_APP = ("question_mark",)  # `?` is help everywhere; no formula or answer uses it


class AnswerBox(TextArea):
    """Enter submits the text; alt+enter (or ctrl+j) inserts a line break; ctrl+u clears it."""

    BINDINGS = [Binding("ctrl+u", "clear_answer", "Clear the answer", show=False)]

    DEFAULT_CSS = """
    AnswerBox { height: auto; min-height: 3; max-height: 7; }
    """

    @dataclass
    class Submitted(Message):
        answer_box: AnswerBox
        value: str

        @property
        def control(self) -> AnswerBox:
            return self.answer_box

    def __init__(self, **kwargs) -> None:
        super().__init__(
            soft_wrap=True, tab_behavior="focus", highlight_cursor_line=False, **kwargs
        )

    @property
    def value(self) -> str:
        return self.text

    @value.setter
    def value(self, text: str) -> None:
        """Replace the text and put the cursor after it, where typing continues."""
        self.load_text(text)
        self.move_cursor(self.document.end)

    @property
    def single_line(self) -> str:
        """The answer with its line breaks as spaces: the formula language reads one line and
        the columns of its error messages stay where they were typed."""
        return self.text.replace("\r\n", " ").replace("\n", " ")

    def action_clear_answer(self) -> None:
        """ctrl+u: the whole answer, every wrapped row and line (TextArea clears one row)."""
        self.clear()

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        """A text area takes every printable key before the app's bindings see it; `?` must
        reach the app's help binding, as the footer promises."""
        return key not in LEFT_TO_THE_APP and super().check_consume_key(key, character)

    # Textual calls the handler of every class in the MRO: ours run first, TextArea's after
    # (unless ours prevent the default), so neither calls super().

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()  # TextArea inserts it; unstopped, the app would forward it back here

    def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            start, end = self.selection
            self._replace_via_keyboard("\n", start, end)
