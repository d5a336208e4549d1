"""What the sampled learners' checks found, counted over learners and reported once.

A random lesson is checked for many learners; a step that passes unsolved, or a mistake the
step's precision cannot tell from the right answer, is one problem whose message says for how
many of them it holds (and the precision that would separate the values, for all of them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tutor.lessons.locate import Loc
from tutor.lessons.precision import Precision, flat


@dataclass
class PrecisionNote:
    needed: str | None  # the precision that separates the values for every learner; None: none
    accepted: bool  # the mistake was accepted as right (not just ambiguous) for some learner
    learners: int
    who: str  # the first sampled learner it held for, by their numbers ("" for the first)


@dataclass
class SampledFindings:
    # (loc, message) -> number of sampled learners for whom a step passes unsolved
    unsolved: dict[tuple[Loc, str], int] = field(default_factory=dict)
    # (loc, step id, mistake label) -> what separates the mistake from the answer
    precision: dict[tuple[Loc, str, str], PrecisionNote] = field(default_factory=dict)

    def note_unsolved(self, loc: Loc, message: str) -> None:
        key = (tuple(loc), message)
        self.unsolved[key] = self.unsolved.get(key, 0) + 1

    def note_precision(
        self,
        loc: Loc,
        step_id: str,
        label: str,
        case: Any,
        expected: np.ndarray,
        wrong: np.ndarray,
        who: str,
        accepted: bool,
    ) -> None:
        """Collect, over all sampled learners, the precision that would separate a mistake."""
        needed = _separating(case, expected, wrong)
        key = (tuple(loc), step_id, label)
        old = self.precision.get(key)
        if old is None:
            self.precision[key] = PrecisionNote(needed, accepted, 1, who)
        else:
            old.needed = _max_need(old.needed, needed)
            old.accepted = old.accepted or accepted
            old.learners += 1

    def report(self, add: Callable[[Loc, str], None], n_seeds: int) -> None:
        """One problem per finding, saying for how many of `n_seeds` learners it holds."""
        for (loc, message), count in self.unsolved.items():
            # An error when it holds for any sampled learner: that learner gets a free pass.
            if n_seeds == 1:
                add(loc, message)
            else:
                add(loc, f"{message} (for {count} of {n_seeds} sampled learners)")
        for (loc, step_id, label), note in self.precision.items():
            first = f" (first: {note.who})" if note.who else ""
            who = (
                f" for {note.learners} of {n_seeds} sampled learners{first}" if n_seeds > 1 else ""
            )
            what = (
                "is accepted as right"
                if note.accepted
                else "rounds like the right answer, so learners typing the right number are "
                "asked for more figures"
            )
            fix = (
                f"ask for `{note.needed}`"
                if note.needed
                else "the values cannot be told apart; drop the mistake or change the givens"
            )
            add(loc, f"step {step_id}: {label} {what} at the step's precision{who}; {fix}")


def _separating(case: Any, expected: np.ndarray, wrong: np.ndarray) -> str | None:
    """`precision: 4` (or `{decimals: 3}`) that would tell the two values apart; None: none."""
    base = case.precision or Precision()
    best = None
    for x, y in zip(flat(expected), flat(wrong), strict=True):
        p = base.separating(float(x), float(y))
        if p is not None:
            n = p.decimals if p.decimals is not None else p.figures
            best = n if best is None else min(best, n)
    if best is None:
        return None
    if base.decimals is not None:
        return f"precision: {{decimals: {best}}}"
    return f"precision: {best}"


def _max_need(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return None
    number = lambda t: int(re.sub(r"\D", "", t))  # noqa: E731
    return a if number(a) >= number(b) else b
