"""Did-you-mean suggestions for misspelt names: one implementation, one default cutoff."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.7  # at difflib's default 0.6 suggestions turn silly (PITFALLS.md)


def closest(word: object, choices: Iterable[object], cutoff: float = CUTOFF) -> str | None:
    """The choice closest to `word`, when one is close enough to suggest."""
    matches = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(word: object, choices: Iterable[object], cutoff: float = CUTOFF) -> str:
    """The text ` (did you mean 'x'?)` when a close match exists, else an empty string."""
    match = closest(word, choices, cutoff)
    return f" (did you mean {match!r}?)" if match else ""


def choice_problem(name: str, value: object, choices: tuple[str, ...]) -> str | None:
    """The message `<name> must be one of a, b, not 'x'` (+ did-you-mean), or None if it is one."""
    if value in choices:
        return None
    hint = did_you_mean(value, choices)
    return f"{name} must be one of {', '.join(choices)}, not {value!r}{hint}"
