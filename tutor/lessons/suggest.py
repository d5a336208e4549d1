"""Did-you-mean suggestions for misspelt keys and names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.7  # at 0.6 suggestions turn silly (PITFALLS.md)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean "x"?)' when a close match exists, else ''."""
    matches = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=CUTOFF)
    return f' (did you mean "{matches[0]}"?)' if matches else ""
