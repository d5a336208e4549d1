"""Reference elements that are float round-off of an exact 0 (1.07e-18 where 0 is meant).

Magnitude alone cannot tell them from genuinely tiny values (0.5**60 is 8.7e-19): a genuine
value moves smoothly when every given is scaled by 1 + 1e-7, a round-off zero does not (it
jumps by orders of its size, or away from 0 to the scale of the givens).
"""

from __future__ import annotations

import numpy as np

from tutor.lessons.precision import flat

TINY = 1e-12  # only elements this small can be round-off of 0 in a lesson's numbers
NUDGE = 1e-7


def roundoff_zeros(refs, step_id: str) -> np.ndarray:
    """A mask over the step's reference elements that are round-off of 0 (all False if none)."""
    from tutor.lessons.references import LessonReferences

    expected = flat(refs.values[step_id])
    tiny = (np.abs(expected) < TINY) & (expected != 0)
    if not tiny.any():
        return np.zeros(expected.size, dtype=bool)
    givens = {name: value * (1.0 + NUDGE) for name, value in refs.givens.items()}
    try:
        nudged = LessonReferences(refs.lesson, refs.seed, [], givens=givens, results=refs.results)
        moved = flat(nudged.values[step_id])
    except (KeyError, ValueError):
        return np.zeros(expected.size, dtype=bool)
    if moved.size != expected.size:
        return np.zeros(expected.size, dtype=bool)
    smooth = np.abs(moved - expected) <= 1e-3 * np.abs(expected)
    return tiny & ~smooth
