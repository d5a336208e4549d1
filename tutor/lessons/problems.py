"""Problems found in a lesson file, each pinned to a place an author can jump to."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a lesson: `file:line:col: message` (line and col are 1-based)."""

    file: str
    line: int
    col: int
    message: str
    severity: str = "error"  # "warning": reported, but the lesson is still valid

    def __str__(self) -> str:
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.col}: {tag}{self.message}"


class LessonError(Exception):
    """A lesson that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class LessonLookupError(LookupError):
    """A lesson or step that does not exist (the message names it and what exists)."""
