"""Perturbed worlds: the one routine that moves givens.

A learner's expression is the reference formula, not just its value here (as WeBWorK judges),
when it agrees with the reference in worlds where the givens have moved: tutor.lessons.worlds
builds those worlds (earlier references recomputed by the engine) with `perturb`, and
tutor.lessons.judging compares the answer in each.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np


def perturb(
    values: Mapping[str, object], rng: np.random.Generator, names: Iterable[str] | None = None
) -> dict[str, np.ndarray]:
    """One perturbed world: each of `names` (default: all) moved by ~30% and ~0.2, others kept.

    Every value is moved, zeros included: a formula that drops a term because its given is 0
    here (a bias of 0, say) must part from the reference somewhere.
    """
    moving = set(values) if names is None else set(names)
    world: dict[str, np.ndarray] = {}
    for name in values:  # a fixed order, so one rng gives one world
        v = np.asarray(values[name], dtype=np.float64)
        if name in moving:
            v = v * (1.0 + 0.3 * rng.standard_normal(v.shape)) + 0.2 * rng.standard_normal(v.shape)
        world[name] = v
    return world
