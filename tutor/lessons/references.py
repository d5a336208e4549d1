"""Every reference value of a lesson, for one learner's seed: givens, the unrolled cell, steps.

The instructor never types a reference value: a step names a `quantity:` the engine computes,
or gives a `reference:` expression over the givens and earlier step ids. Later steps see the
exact values of earlier ones, so rounding never carries forward.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tutor.lessons.givens import GivenError, given_value
from tutor.lessons.quantities import QuantityError, split_quantity
from tutor.lessons.schema import Derived, FormulaStep, Lesson, NumericStep
from tutor.lessons.unroll import CellRun, unroll

ValueStep = NumericStep | FormulaStep


class StepReferenceError(ValueError):
    """A reference the engine cannot compute; `loc` says where in the lesson (for file:line:col)."""

    def __init__(self, loc: tuple[str | int, ...], message: str, reported: bool = False) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message
        self.reported = reported  # a consequence of a problem already reported elsewhere


class LessonReferences:
    """The givens, the unrolled model and each value step's exact expected value."""

    def __init__(
        self,
        lesson: Lesson,
        seed: int = 0,
        errors: list[StepReferenceError] | None = None,
        givens: dict[str, np.ndarray] | None = None,
        results: dict[str, np.ndarray] | None = None,
    ) -> None:
        """Compute everything; raise the first StepReferenceError, or collect all in `errors`.

        `givens` replaces the lesson's numbers (formula comparison recomputes every reference
        at perturbed givens, so that earlier steps' values move consistently).
        """
        self.lesson = lesson
        self.seed = seed
        self._errors = errors
        self.model_failed = False
        self.givens = self._givens() if givens is None else dict(givens)
        self.run: CellRun | None = self._unroll()
        self.derived: dict[str, np.ndarray] = self._derived()
        self.values: dict[str, np.ndarray] = {}
        self.quantities: dict[str, tuple[str, int | None]] = {}
        self.results = dict(results or {})  # run steps' results recorded so far
        self.pending: dict[str, str] = {}  # step id -> the run step whose results it awaits
        for index, step in enumerate(lesson.steps):
            if step.valued:
                waiting = self._awaits(step)
                if waiting:
                    self.pending[step.id] = waiting
                    continue
                try:
                    self.values[step.id] = self._step_value(index, step)
                except StepReferenceError as exc:
                    self._fail(exc)

    def _fail(self, exc: StepReferenceError) -> None:
        if self._errors is None:
            raise exc
        self._errors.append(exc)

    def names_before(self, step_id: str) -> dict[str, np.ndarray]:
        """Givens, derived values and the exact values of the value steps before `step_id`."""
        names = {**self.givens, **self.derived}
        for step in self.lesson.steps:
            if step.id == step_id:
                break
            if step.id in self.values:
                names[step.id] = self.values[step.id]
            for name in step.declared_results:
                if name in self.results:
                    names[name] = self.results[name]
        return names

    def _awaits(self, step: ValueStep) -> str | None:
        """The run step whose results this step's reference uses and that has not run yet."""
        if step.reference is None:
            return None
        from tutor.lessons import formula
        from tutor.lessons.results import declared_before

        declared = declared_before(self.lesson, step.id)
        if not declared:
            return None
        try:
            used = formula.parse(step.reference).names
        except formula.FormulaError:
            return None  # reported when the reference is evaluated
        # in lesson order: `used` is a set, and the message must not change from run to run
        missing = [run for n, run in declared.items() if n in used and n not in self.results]
        return missing[0] if missing else None

    def names_for(self, step: Any) -> dict[str, np.ndarray]:
        """What a learner's expression for `step` may use (a formula step may restrict it)."""
        names = self.names_before(step.id)
        if not step.formula_only or step.names is None:
            return names
        return {n: names[n] for n in step.names if n in names}

    # --- building ------------------------------------------------------------------------

    def _givens(self) -> dict[str, np.ndarray]:
        givens = {}
        for name, raw in self.lesson.givens.items():
            try:
                givens[name] = given_value(self.lesson.id, name, raw, self.seed)
            except GivenError as exc:
                where = ("givens", name, *exc.where)
                self._fail(StepReferenceError(where, f'given "{name}": {exc}'))
        return givens

    def _unroll(self) -> CellRun | None:
        if self.lesson.model is None:
            return None
        if len(self.givens) < len(self.lesson.givens):
            self.model_failed = True  # a given is broken and already reported
            return None
        try:
            return unroll(self.lesson.model, self.givens)
        except (QuantityError, ValueError) as exc:
            self.model_failed = True
            # a QuantityError says where in `model:`; the cells' own ValueError does not
            where = exc.where if isinstance(exc, QuantityError) else ()
            self._fail(StepReferenceError(("model", *where), f"model: {exc}"))
            return None

    def _derived(self) -> dict[str, np.ndarray]:
        """The lesson's `derived:` values, in order (a formula may use the ones before it)."""
        from tutor.lessons import formula

        out: dict[str, np.ndarray] = {}
        for name, spec in self.lesson.derived.items():
            spec = Derived(quantity=spec) if isinstance(spec, str) else spec
            loc: tuple[str | int, ...] = ("derived", name)
            try:
                if spec.quantity is not None:
                    out[name] = self._quantity(loc, spec, label=f'derived "{name}"')
                else:
                    names = {**self.givens, **out}
                    out[name] = np.asarray(formula.evaluate(spec.reference, names), np.float64)
            except formula.FormulaError as exc:
                self._fail(StepReferenceError(loc, f'derived "{name}": {exc.with_column()}'))
            except StepReferenceError as exc:
                self._fail(exc)
        return out

    def _step_value(self, index: int, step: ValueStep) -> np.ndarray:
        from tutor.lessons import formula

        loc: tuple[str | int, ...] = ("steps", index)
        value = None
        if step.quantity is not None:
            value = self._quantity(loc, step)
        if step.reference is not None:
            names = self.names_for(step)
            try:
                by_formula = np.asarray(formula.evaluate(step.reference, names), dtype=np.float64)
            except formula.FormulaError as exc:
                raise StepReferenceError(
                    (*loc, "reference"), f"reference of step {step.id}: {exc.with_column()}"
                ) from None
            if value is not None and not agree(value, by_formula):
                raise StepReferenceError(
                    (*loc, "reference"),
                    f"reference of step {step.id} gives {by_formula.tolist()}, but quantity "
                    f"{step.quantity} is {value.tolist()}; fix one of them",
                )
            value = by_formula if value is None else value
        return value

    def _quantity(
        self, loc: tuple[str | int, ...], step: ValueStep | Derived, label: str | None = None
    ) -> Any:
        what = label or f"step {step.id}"
        if self.run is None:
            if self.model_failed:  # already reported once, at the model block
                raise StepReferenceError((*loc, "quantity"), "", reported=True)
            raise StepReferenceError(
                (*loc, "quantity"),
                f'{what} asks for quantity "{step.quantity}", '
                "but the lesson has no `model:` block to compute it",
            )
        t = None if isinstance(step, Derived) else step.t  # a derived value names its time step
        try:
            name, t = split_quantity(step.quantity, t, self.lesson.model.cell)
            value = self.run.quantity(name, t)
        except QuantityError as exc:
            raise StepReferenceError((*loc, "quantity"), f"{what}: {exc}") from None
        if label is None:
            self.quantities[step.id] = (name, t)
        return value


def agree(a: np.ndarray, b: np.ndarray) -> bool:
    """The same numbers, to rounding: two ways of computing one reference must agree."""
    return a.size == b.size and bool(
        np.allclose(a.reshape(-1), b.reshape(-1), rtol=1e-9, atol=1e-12)
    )
