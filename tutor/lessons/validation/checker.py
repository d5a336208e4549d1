"""One lesson's checks, run for every sampled learner; problems pinned to file:line:col.

The checker owns what every check shares: the lesson, where each problem is reported, the
references of the learner being checked and the steps whose reference is broken for them.
It computes the references itself and reports what cannot be computed (and a reference
named like an engine quantity that disagrees with it); the other checks live beside it.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import yaml

from tutor.lessons import display, formula
from tutor.lessons.locate import Loc, mark_of
from tutor.lessons.problems import Problem
from tutor.lessons.references import LessonReferences, StepReferenceError, agree
from tutor.lessons.schema import Lesson
from tutor.lessons.validation import learners, structure, texts
from tutor.lessons.validation.findings import SampledFindings
from tutor.lessons.validation.sampling import FULL_SEEDS, describe, number_learners, sampled_lesson

SEED_NOTE = re.compile(r" \(for the learner (with seed \d+|whose [^)]*)\)")
RANDOM_SEEDS = FULL_SEEDS  # random lessons must work for every learner we can sample


class LessonChecker:
    """Collects the problems of one schema-valid lesson, each pinned to file:line:col."""

    def __init__(self, lesson: Lesson, root: yaml.Node | None, filename: str, known_ids: set[str]):
        self.lesson, self.root, self.filename, self.known_ids = lesson, root, filename, known_ids
        self.found: dict[tuple[int, int, str], Problem] = {}
        self.findings = SampledFindings()  # what holds for how many sampled learners
        self.broken: set[str] = set()  # value steps whose reference fails for the current seed
        self.who = ""  # the learner being checked, by their drawn numbers ("" for the first)
        self._sampled: Lesson | None = None

    def add(self, loc: Loc, message: str, *, key: bool = False, severity: str = "error") -> None:
        line, col = mark_of(self.root, loc, key=key)
        # The same problem for several learners' seeds is reported once, for the first seed.
        same = SEED_NOTE.sub("", message)
        problem = Problem(self.filename, line, col, message, severity)
        self.found.setdefault((line, col, same), problem)

    def problems(self) -> list[Problem]:
        structure.check_identity(self)
        structure.check_choice_bias(self)
        structure.check_names(self)
        random = _has_random(self.lesson)
        seeds = FULL_SEEDS if random else (0,)
        seen: set[bytes] = set()
        for seed in seeds:
            seen.add(_key(self.check_seed(seed)))
        count = len(seeds)
        if random and not self.broken:
            base = LessonReferences(self.sampled, 0, [], results=self._stand_ins()).givens
            for drawn in number_learners(self.lesson):
                givens = {**base, **drawn}
                if _key(givens) not in seen:
                    seen.add(_key(givens))
                    self.check_numbers(givens)
                    count += 1
        self.findings.report(self.add, count)
        return sorted(self.found.values(), key=lambda p: (p.line, p.col))

    @property
    def sampled(self) -> Lesson:
        """The lesson drawn with validation's fixed key, so the verdict ignores its id."""
        if self._sampled is None:
            self._sampled = sampled_lesson(self.lesson)
        return self._sampled

    def _stand_ins(self) -> dict:
        from tutor.lessons.results import stand_ins

        return stand_ins(self.lesson)

    def check_seed(self, seed: int) -> dict[str, np.ndarray]:
        """Everything that depends on the learner's numbers, for the sampled learner `seed`;
        returns that learner's givens."""
        from tutor.lessons.runtime import LessonSession

        errors: list[StepReferenceError] = []
        refs = LessonReferences(self.sampled, seed, errors, results=self._stand_ins())
        self.who = describe(self.lesson, refs.givens) if seed else ""
        steps = self.lesson.steps
        self.broken = {s.id for s in steps if s.valued and s.id not in refs.values}
        for err in errors:
            # A step whose reference uses a broken step's value fails too: report the cause only.
            step_index = err.loc[1] if err.loc[:1] == ("steps",) and len(err.loc) > 1 else None
            cascade = isinstance(step_index, int) and self.uses_broken(steps[step_index])
            if not err.reported and not cascade:
                self.add(err.loc, err.message + self._order_hint(step_index))
        self.check_derived_meaning(refs)
        session = LessonSession(self.sampled, references=refs)  # one per learner: worlds shared
        for index, step in enumerate(steps):
            if step.id in self.broken:
                continue  # reported above; steps that do not use its value are still checked
            texts.check_texts(self, index, step, refs)
            if step.valued:
                self.check_same_meaning(index, step, refs)
                learners.check_value_step(self, index, step, refs, seed, session)
        return refs.givens

    def check_numbers(self, givens: dict[str, np.ndarray]) -> None:
        """The checks typed numbers face (a mistake rounding like the answer, 0 passing), for
        one more learner: cheap enough to run for every learner a lesson can have."""
        from tutor.lessons.runtime import LessonSession

        errors: list[StepReferenceError] = []
        refs = LessonReferences(self.sampled, 0, errors, givens=givens, results=self._stand_ins())
        self.who = describe(self.lesson, givens)
        for err in errors:
            if not err.reported:
                self.add(err.loc, f"{err.message} (for the learner whose {self.who})")
        session = LessonSession(self.sampled, references=refs)
        for index, step in enumerate(self.lesson.steps):
            if step.valued and step.id in refs.values:
                learners.check_numbers(self, index, step, refs, session)

    def uses_broken(self, step: Any) -> bool:
        """Does the step use a broken step before it? (Steps that use each other, or a later
        step, are each broken on their own account and reported.)"""
        ids = [s.id for s in self.lesson.steps]
        earlier = self.broken & set(ids[: ids.index(step.id)])
        for src in (step.reference, *(m.expression for m in step.mistakes)):
            if not src:
                continue
            try:
                if set(formula.parse(src).names) & earlier:
                    return True
            except formula.FormulaError:
                continue
        return False

    def _order_hint(self, step_index: Any) -> str:
        if not isinstance(step_index, int):
            return ""
        later = self.later_steps_used(self.lesson.steps[step_index])
        if not later:
            return ""
        return (
            f"; {', '.join(later)} {'is' if len(later) == 1 else 'are'} this or a later step: a "
            "reference may use only givens, derived values and the steps before it (steps "
            "that use each other can never be computed), so reorder or rewrite it"
        )

    def later_steps_used(self, step: Any) -> list[str]:
        """Ids of this or later steps that the step's reference uses (never available to it)."""
        ids = [s.id for s in self.lesson.steps]
        later = set(ids[ids.index(step.id) :])
        try:
            used = formula.parse(step.reference).names if step.reference else set()
        except formula.FormulaError:
            return []
        return sorted(set(used) & later)

    def check_same_meaning(self, index: int, step: Any, refs: LessonReferences) -> None:
        """A reference-only step named like an engine quantity (h1, n0) must agree with it: a GRU
        blend with z and 1 - z swapped would otherwise be taught as right."""
        if step.quantity is not None or step.reference is None:
            return
        self._against_engine(
            ("steps", index, "reference"),
            f"step {step.id}: the reference",
            step.id,
            refs.values[step.id],
            refs,
            f"fix the reference, or add `quantity: {step.id}` so the engine computes it",
        )

    def check_derived_meaning(self, refs: LessonReferences) -> None:
        """A `derived:` formula named like an engine quantity (dh2, c1) must be that quantity:
        later steps use it as exact, so a wrong one refuses right answers downstream."""
        for name, spec in self.lesson.derived.items():
            if isinstance(spec, str) or spec.reference is None or name not in refs.derived:
                continue
            self._against_engine(
                ("derived", name, "reference"),
                f'derived "{name}": the formula',
                name,
                refs.derived[name],
                refs,
                f"fix the formula, or write `{name}: {name}` so the engine computes it",
            )

    def _against_engine(
        self, loc: Loc, what: str, name: str, mine: np.ndarray, refs: LessonReferences, fix: str
    ) -> None:
        """Report `mine` when `name` names an engine quantity whose value differs."""
        engine_value = self._engine_value(name, refs)
        if engine_value is not None and not agree(mine, engine_value):
            self.add(
                loc,
                f"{what} gives {display.short(mine)}, but the engine's {name} is "
                f"{display.short(engine_value)}; {fix}",
            )

    def _engine_value(self, name: str, refs: LessonReferences) -> np.ndarray | None:
        """The engine's value of the quantity `name` names (None: not a quantity's name)."""
        from tutor.lessons.quantities import QuantityError, split_quantity

        if refs.run is None:
            return None
        try:
            quantity, t = split_quantity(name, None, self.lesson.model.cell)
            return np.asarray(refs.run.quantity(quantity, t), dtype=float)
        except (QuantityError, ValueError, IndexError):
            return None

    def try_formula(self, loc: Loc, what: str, src: str, names: dict) -> np.ndarray | None:
        """The value of an authored formula, or None with the problem reported at `loc`."""
        try:
            if set(formula.parse(src).names) & (self.broken - set(names)):
                return None  # it uses a broken step's value: that step is already reported
            return np.asarray(formula.evaluate(src, names), dtype=float)
        except formula.FormulaError as exc:
            self.add(loc, f"{what}: {exc.with_column()}")
            return None


def _key(givens: dict[str, np.ndarray]) -> bytes:
    return b"".join(np.asarray(givens[n], dtype=float).tobytes() for n in sorted(givens))


def _has_random(lesson: Lesson) -> bool:
    return any(isinstance(v, dict) for v in lesson.givens.values())
