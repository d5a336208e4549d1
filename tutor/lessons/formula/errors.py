"""The formula language's caps and its one error type."""

from __future__ import annotations

# Seed 000's bonus (y from the givens in one expression) is about 1,000 characters and 630 terms.
MAX_SOURCE_CHARS = 2_000
MAX_NODES = 1_500
MAX_DEPTH = 40  # brackets inside brackets
MAX_CHAIN = 200  # depth of the syntax tree: `a + b + c ...` is a chain as deep as it is long
MAX_ELEMENTS = 10_000
MAX_OPERATIONS = 5_000
MAX_EXPONENT = 100.0


class FormulaError(ValueError):
    """A formula that cannot be evaluated; `col` is the 0-based column it points at."""

    def __init__(self, message: str, col: int | None = None, src: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.col = col
        self.src = src

    def with_column(self) -> str:
        """The message with the 1-based column it points at, for lines naming file and step."""
        return self.message if self.col is None else f"{self.message} (column {self.col + 1})"

    def caret(self, src: str | None = None) -> str:
        """The source line with a caret under the column, for terminals."""
        text = (self.src if src is None else src) or ""
        if self.col is None:
            return text
        return f"{text}\n{' ' * min(self.col, len(text))}^"
