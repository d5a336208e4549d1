"""Is the learner's expression the reference formula, not just its value here (as WeBWorK judges)?

Both are evaluated at the lesson's values and in perturbed worlds. `perturb` is the one routine
that moves givens: the lesson runtime builds its consistent worlds (earlier references recomputed
by the engine) from it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from tutor.lessons.formula.errors import FormulaError
from tutor.lessons.formula.evaluation import evaluate
from tutor.lessons.formula.syntax import Formula, parse

Array = np.ndarray


@dataclass(frozen=True)
class FormulaComparison:
    """Whether a learner's expression is the reference formula, not just its value here."""

    same_value_here: bool
    same_formula: bool
    is_constant: bool
    trials: int
    message: str | None

    @property
    def equivalent(self) -> bool:
        return self.same_formula


def compare_formulas(
    learner: str | Formula,
    reference: str | Formula,
    givens: Mapping[str, object],
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    trials: int = 6,
    rng: np.random.Generator | None = None,
    perturbable: set[str] | None = None,
    namespaces: Iterable[Mapping[str, object]] | None = None,
) -> FormulaComparison:
    """Evaluate both at the givens and at random perturbations of them; agree everywhere = same.

    By default each given the formulas use is perturbed independently. When givens depend on each
    other (f0 is sigmoid(z0[0, 0])), pass `namespaces`: consistent perturbed sets of all names,
    so that `sigmoid(z0[0, 0]) * c0` and `f0 * c0` are recognised as the same formula.
    """
    learner_f = learner if isinstance(learner, Formula) else parse(learner)
    reference_f = reference if isinstance(reference, Formula) else parse(reference)
    here_l, here_r = evaluate(learner_f, givens), evaluate(reference_f, givens)
    same_here = _close(here_l, here_r, rtol, atol)
    is_constant = not learner_f.names
    if is_constant and reference_f.names:
        message = "Right value, but that is a number, not the formula: write it in terms of " + (
            ", ".join(sorted(reference_f.names))
        )
        return FormulaComparison(same_here, False, True, 0, message if same_here else None)
    if namespaces is None:
        used = (learner_f.names | reference_f.names) & set(givens)
        if perturbable is not None:
            used &= perturbable
        namespaces = _perturbations(givens, used, trials, rng or np.random.default_rng(20241104))
    done = 0
    for space in namespaces:
        try:
            expected = evaluate(reference_f, space)
        except FormulaError:
            continue  # the reference itself is undefined there: no evidence either way
        done += 1
        try:
            got = evaluate(learner_f, space)
        except FormulaError:
            return _different(same_here, done)
        if not _close(got, expected, max(rtol, 1e-6), max(atol, 1e-9)):
            return _different(same_here, done)
    return FormulaComparison(same_here, same_here, is_constant, done, None)


def _different(same_here: bool, trials: int) -> FormulaComparison:
    message = (
        "Right value here, but a different formula: it disagrees with the reference when the "
        "inputs change. Build it from the named quantities rather than numbers that happen to fit."
        if same_here
        else None
    )
    return FormulaComparison(same_here, False, False, trials, message)


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


def _perturbations(
    givens: Mapping[str, object], used: set[str], trials: int, rng: np.random.Generator
) -> list[dict[str, object]]:
    return [dict(givens) | perturb(givens, rng, used) for _ in range(trials)]


def _close(a: Array, b: Array, rtol: float, atol: float) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.size != b.size:
        return False
    return bool(np.allclose(a.reshape(-1), b.reshape(-1), rtol=rtol, atol=atol))
