"""Consistent perturbed worlds: the lesson recomputed by the engine at moved givens.

An expression is judged as an expression by evaluating it here and in these worlds: every given
moved independently, zeros included (except a step's `fixed:` ones and a loss's target), every
earlier step's reference recomputed from the moved givens, so `sigmoid(z0[0, 0]) * c0` and
`f0 * c0` agree everywhere while `tanh(c2) * o0` parts from `tanh(c2) * o1` as soon as o0 and o1
do.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from tutor.lessons.formula import perturb
from tutor.lessons.references import LessonReferences
from tutor.lessons.schema import Lesson

WORLDS = 6  # perturbed worlds an expression must agree in (WeBWorK uses a handful too)
WORLD_SEED = 20241104  # the same worlds for every learner and run: verdicts are repeatable


def consistent_worlds(
    lesson: Lesson, seed: int, base: LessonReferences, fixed: Iterable[str] = ()
) -> list[LessonReferences]:
    """WORLDS recomputed lessons whose givens are moved (steps undefined there are left out)."""
    rng = np.random.default_rng(WORLD_SEED)
    # An initial state of zeros moves too: h0 = c0 = 0 held still would let `h0` typed where
    # `c0` belongs pass. A step that invites simplifying with it declares them `fixed:`.
    held = set(fixed) | _loss_targets(lesson)
    moving = [name for name in base.givens if name not in held]
    worlds = []
    for _ in range(WORLDS):
        moved = perturb(base.givens, rng, moving)
        errors: list = []
        worlds.append(LessonReferences(lesson, seed, errors, givens=moved, results=base.results))
    return worlds


def usable(worlds: list[LessonReferences], base: LessonReferences, step_id: str) -> list:
    """The worlds in which the step and every name it may use are defined."""
    step = base.lesson.step(step_id)
    wanted = set(base.names_for(step))
    return [w for w in worlds if step_id in w.values and set(w.names_for(step)) >= wanted]


def _loss_targets(lesson: Lesson) -> set[str]:
    """A loss's target is the problem's label, not an input: a learner may use its value (with
    target 1 only the first term of the cross-entropy is left), so it is never moved."""
    loss = lesson.model.loss if lesson.model is not None else None
    return {loss.target} if loss is not None else set()
