"""Did-you-mean suggestions for misspelt keys and names, worded for lesson authors.

The matching itself is engine.suggest's (one implementation, one cutoff for the project).
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.suggest import CUTOFF, closest

__all__ = ["CUTOFF", "closest", "did_you_mean"]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' when a close match exists, else ''."""
    match = closest(word, choices)
    return f' (did you mean "{match}"?)' if match else ""
