"""Did-you-mean suggestions for misspelt keys and names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.7  # at 0.6 suggestions turn silly (PITFALLS.md)


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to `word`, when one is close enough to suggest."""
    matches = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=CUTOFF)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' when a close match exists, else ''."""
    match = closest(word, choices)
    return f' (did you mean "{match}"?)' if match else ""
