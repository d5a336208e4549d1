"""Judging what a learner types for a numeric or formula step, for one learner's references.

An answer is parsed and evaluated over the names the step allows, then judged as a number
(at the step's precision) or as an expression (in the lesson's perturbed worlds too, so a
formula that only happens to give the right number here is refused); a wrong value is
matched against the authored and built-in mistakes to say what went wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from tutor.lessons import display, formula
from tutor.lessons.checking import shape_mismatch, transposed
from tutor.lessons.diagnosis import Candidate, cell_candidates
from tutor.lessons.judging import (
    StepCase,
    Verdict,
    has_decimals,
    judge_expression,
    judge_number,
    number_for_formula,
)
from tutor.lessons.outcomes import CheckResult, Preview, unevaluable
from tutor.lessons.precision import Precision, typed_numbers
from tutor.lessons.references import LessonReferences
from tutor.lessons.schema import FormulaStep, Lesson, NumericStep
from tutor.lessons.worlds import consistent_worlds, usable

MAX_ANSWER_CHARS = 2000

ValueStep = NumericStep | FormulaStep


class ValueAnswers:
    """Previews and checks answers to value steps; caches each step's case and worlds."""

    def __init__(
        self,
        lesson: Lesson,
        seed: int,
        refs: LessonReferences,
        render: Callable[[str, str | None], str],
    ) -> None:
        self.lesson, self.seed, self.refs = lesson, seed, refs
        self.render = render  # the session's {{ }} filling, for authored feedback
        self._cases: dict[str, StepCase] = {}
        self._world_cache: dict[str, list] = {}
        self._lesson_worlds: dict[frozenset[str], list[LessonReferences]] = {}

    def preview(self, step: ValueStep, text: str) -> Preview:
        """Cheap live feedback while typing: the value, or the parse error and its column."""
        if not text.strip():
            return Preview(None)
        try:
            value = np.asarray(formula.evaluate(text, self.refs.names_for(step)), dtype=float)
        except formula.FormulaError as exc:
            return Preview(None, exc.message, exc.col)
        return Preview(value, None, None, display.short(value))

    def check(self, step: ValueStep, text: str) -> CheckResult:
        if step.id in self.refs.pending:
            run = self.refs.pending[step.id]
            message = f'this step uses the results of run step "{run}": run it first'
            return unevaluable(None, "", message, None)
        expected = self.refs.values[step.id]
        case = self.case(step)
        rule = case.rule_text()
        if not text.strip():
            return unevaluable(expected, rule, "type an answer first", None)
        if len(text) > MAX_ANSWER_CHARS:
            return unevaluable(expected, rule, "that answer is too long", None)
        names = self.refs.names_for(step)
        try:
            parsed = formula.parse(text)
            value = np.asarray(formula.evaluate(parsed, names), dtype=float)
        except formula.FormulaError as exc:
            return unevaluable(expected, rule, exc.message, exc.col)
        mismatch = shape_mismatch(value, expected)
        if mismatch:
            said = f"Not quite: {mismatch}."
            turned = transposed(value, expected)
            return CheckResult(
                False,
                value,
                expected,
                said,
                said if turned else None,
                rule,
                mistake="transposed" if turned else None,
            )
        verdict = self._verdict(step, case, parsed, value)
        if verdict.correct:
            later = "; later steps use it" if step.id != self.lesson.steps[-1].id else ""
            return CheckResult(
                True,
                value,
                expected,
                f"Correct! The exact value is {display.exact(expected)}{later}.",
                None,
                rule,
                explanation=self.render(step.id, step.explanation) if step.explanation else None,
            )
        if verdict.mistake in ("too_few_figures", "ambiguous", "number_not_formula"):
            feedback = verdict.feedback  # not a wrong value: no "not quite"
        else:
            feedback = f"Not quite: your answer is {display.short(value)}. " + (
                verdict.feedback or "Look at the hints, or check each part of your expression."
            )
        return CheckResult(
            False, value, expected, feedback, verdict.diagnosis, rule, mistake=verdict.mistake
        )

    def _verdict(self, step: Any, case: StepCase, parsed: Any, value: np.ndarray) -> Verdict:
        """Expression or number: dispatch on what the learner typed."""
        src = parsed.src.replace("\r", " ").replace("\n", " ").strip()
        if not parsed.names:
            if case.is_formula:
                return number_for_formula(step, case, value)
            typed = typed_numbers(parsed.tree, src)
            verdict = judge_number(case, value, typed)
            return verdict if typed is not None else self._rounded(step, case, parsed, verdict)
        worlds = self._answer_worlds(step, parsed)
        ruled_out = self._ruled_out(parsed)
        as_expression = judge_expression(replace(case, worlds=worlds, ruled_out=ruled_out), value)
        if as_expression.correct or case.is_formula or not has_decimals(parsed):
            return as_expression
        # Names mixed with typed-in numbers (`0.5125 * tanh(c2)`): a calculation, judged by value.
        return self._rounded(step, case, parsed, judge_number(case, value, None))

    def _rounded(self, step: Any, case: StepCase, parsed: Any, verdict: Verdict) -> Verdict:
        """A calculation that misses only because a typed constant was rounded says so."""
        from tutor.lessons.rounded_constants import rounded_constants

        if verdict.correct or verdict.mistake is not None:
            return verdict
        found = rounded_constants(parsed, self.refs.names_for(step), case.expected)
        if not found:
            return verdict
        which = ", ".join(found)
        message = (
            f"Your calculation would be right without rounding: {which} "
            f"{'is' if len(found) == 1 else 'are'} rounded, and the rounding grows through the "
            "calculation. Keep more figures, or use the lesson's names for the values."
        )
        return Verdict(False, message, message, "rounded_constant")

    def _ruled_out(self, parsed: Any) -> frozenset[str]:
        """An answer that uses an exact gradient (dy, dh2) got dL/dy's sign from it: a flipped
        sign is its own line's slip, not the loss's."""
        from tutor.lessons.gradient_mistakes import LOSS_SIGN
        from tutor.lessons.quantities import QuantityError, is_gradient, split_quantity

        model = self.lesson.model
        if model is None or model.loss is None:
            return frozenset()
        for name in parsed.names:
            try:
                quantity, _ = split_quantity(name, None, model.cell)
            except QuantityError:
                continue
            if is_gradient(quantity, model.cell):
                return frozenset({LOSS_SIGN})
        return frozenset()

    def _answer_worlds(self, step: Any, parsed: Any) -> list:
        out = []
        for names, ref, wrongs in self._worlds_of(step):
            try:
                got = np.asarray(formula.evaluate(parsed, names), dtype=float)
            except formula.FormulaError:
                got = None
            out.append((got, ref, wrongs))
        return out

    def case(self, step: ValueStep) -> StepCase:
        """How this step judges answers: the reference, the candidates, the precision."""
        if step.id not in self._cases:
            legacy = step.legacy_tolerance
            spec = step.precision_spec
            self._cases[step.id] = StepCase(
                expected=self._expected_for_numbers(step),
                candidates=self.candidates(step),
                precision=None if legacy else Precision(spec.figures, spec.decimals),
                tolerance=(step.tolerance.rtol, step.tolerance.atol),
                integer=step.integer,
                is_formula=step.formula_only,
            )
        return self._cases[step.id]

    def _expected_for_numbers(self, step: ValueStep) -> np.ndarray:
        """The reference with elements that are round-off of 0 (1.07e-18) set to 0, so that a
        learner's exact 0 is right."""
        from tutor.lessons.roundoff import roundoff_zeros

        expected = self.refs.values[step.id]
        mask = roundoff_zeros(self.refs, step.id)
        if not mask.any():
            return expected
        cleaned = np.array(expected, dtype=float).reshape(-1)
        cleaned[mask] = 0.0
        return cleaned.reshape(expected.shape)

    def _worlds_of(self, step: Any) -> list:
        """Per consistent world: the names the answer may use, the reference, the candidates."""
        if step.id not in self._world_cache:
            key = frozenset(step.fixed)
            if key not in self._lesson_worlds:
                self._lesson_worlds[key] = consistent_worlds(self.lesson, self.seed, self.refs, key)
            out = []
            for refs in usable(self._lesson_worlds[key], self.refs, step.id):
                names = refs.names_for(step)
                wrongs = [c.value for c in self._candidates_in(step, refs, names)]
                out.append((names, refs.values[step.id], wrongs))
            self._world_cache[step.id] = out
        return self._world_cache[step.id]

    def _candidates_in(self, step: Any, refs: LessonReferences, names: dict) -> list[Any]:
        """The step's candidates recomputed in a world, aligned with `candidates(step)`."""
        out: list[Any] = []
        for mistake in step.mistakes:
            try:
                formula.evaluate(mistake.expression, self.refs.names_for(step))
            except formula.FormulaError:
                continue  # left out of candidates() too
            try:
                wrong = np.asarray(formula.evaluate(mistake.expression, names), dtype=float)
            except formula.FormulaError:
                wrong = None
            out.append(Candidate("authored", wrong, ""))
        if step.id in refs.quantities and refs.run is not None:
            name, t = refs.quantities[step.id]
            out += cell_candidates(refs.run, name, t)
        return out

    def candidates(self, step: ValueStep, names: dict | None = None) -> list[Candidate]:
        """Authored mistakes first, then the classic ones generated for cell quantities."""
        names = self.refs.names_for(step) if names is None else names
        out = []
        for mistake in step.mistakes:
            try:
                wrong = np.asarray(formula.evaluate(mistake.expression, names), dtype=float)
            except formula.FormulaError:
                continue  # validation reports it; a learner must still get a verdict
            out.append(Candidate("authored", wrong, self.render(step.id, mistake.feedback)))
        if step.id in self.refs.quantities and self.refs.run is not None:
            name, t = self.refs.quantities[step.id]
            out += cell_candidates(self.refs.run, name, t)
        return out
