"""A learner working through one lesson: previews while typing, checks with diagnosis.

The app and `lstm-tutor lessons check` both go through `LessonSession`; it holds the exact
reference values for the learner's seed and never imports torch (run steps only hand their
job spec to the caller). Judging lives beside it: `value_answers` (numeric and formula
steps), `choice_answers` (choice steps and run steps' predictions), `outcomes` (what the
learner is told).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from tutor.lessons import display, formula
from tutor.lessons.asks import asked_values
from tutor.lessons.choice_answers import check_choice, check_prediction, shown_choices
from tutor.lessons.diagnosis import Candidate
from tutor.lessons.judging import StepCase
from tutor.lessons.outcomes import CheckResult, Preview, not_answerable, unevaluable
from tutor.lessons.problems import LessonLookupError
from tutor.lessons.references import LessonReferences
from tutor.lessons.results import declared_before, resolve
from tutor.lessons.schema import ChoiceStep, FormulaStep, Lesson, NumericStep, Step
from tutor.lessons.suggest import did_you_mean
from tutor.lessons.value_answers import ValueAnswers

__all__ = ["LessonSession"]


class LessonSession:
    """One learner's view of a lesson: givens, exact references, previews and checks."""

    def __init__(
        self, lesson: Lesson, seed: int | None = None, *, references: LessonReferences | None = None
    ) -> None:
        """Compute the references for the learner with `seed` (the caller reads it from the
        learner's progress; None means 0). The session never opens the progress store.

        Raises StepReferenceError when the lesson's references cannot be computed (a lesson
        that `lessons validate` rejects).
        """
        self.lesson = lesson
        self._judged: dict[str, dict[str, np.ndarray]] = {}  # run step id -> its results
        if references is not None:
            self.seed, self.refs = references.seed, references
        else:
            self.seed = 0 if seed is None else int(seed)
            self.refs = LessonReferences(lesson, self.seed)
        self._values = ValueAnswers(lesson, self.seed, self.refs, self.render)

    @property
    def steps(self) -> list[Step]:
        return list(self.lesson.steps)

    @property
    def givens(self) -> dict[str, np.ndarray]:
        return dict(self.refs.givens)

    # --- run steps' results and predictions ------------------------------------------------

    def record_results(self, step_id: str, runs: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Take a finished run step's declared results (from JobResult.runs); later steps'
        references that use them are computed now. Raises LessonLookupError for a missing path."""
        step = self.step(step_id)
        if not step.runs_job:
            raise LessonLookupError(f'step "{step_id}" is a {step.kind} step, not a run step')
        values = resolve(step, runs)
        results = {**self.refs.results, **values}
        self.refs = LessonReferences(self.lesson, self.seed, results=results)
        # references, candidates and worlds change with the results
        self._values = ValueAnswers(self.lesson, self.seed, self.refs, self.render)
        self._judged[step_id] = values
        return values

    def check_prediction(self, step_id: str, text: str) -> CheckResult:
        """Judge the learner's prediction for a run step against its recorded results."""
        step = self.step(step_id)
        if not step.runs_job:
            return unevaluable(None, "", f'step "{step_id}" asks for no prediction', None)
        ran = step_id in self._judged
        names = self.refs.names_before(step_id) | self._judged[step_id] if ran else None
        return check_prediction(step, text, names)

    def pending_on(self, step_id: str) -> str | None:
        """The run step whose results this step still waits for (None when it can be checked)."""
        self.step(step_id)
        return self.refs.pending.get(step_id)

    @property
    def derived(self) -> dict[str, np.ndarray]:
        """Values the lesson shows without asking for them (its `derived:` block)."""
        return dict(self.refs.derived)

    def step(self, step_id: str) -> Step:
        """The step with this id; LessonLookupError (with a did-you-mean) otherwise."""
        for step in self.lesson.steps:
            if step.id == step_id:
                return step
        ids = [s.id for s in self.lesson.steps]
        raise LessonLookupError(
            f'lesson {self.lesson.id} has no step "{step_id}"{did_you_mean(step_id, ids)}; '
            f"steps: {', '.join(ids)}"
        )

    def givens_for(self, step_id: str) -> dict[str, np.ndarray]:
        """The names an answer to this step may use: givens plus earlier steps' exact values."""
        return self.refs.names_for(self.step(step_id))

    def expected(self, step_id: str) -> np.ndarray | None:
        """The exact reference value of a numeric or formula step."""
        self.step(step_id)
        return self.refs.values.get(step_id)

    # --- text with {{ }} filled in -------------------------------------------------------

    def render(self, step_id: str, text: str | None) -> str:
        """Markdown with each `{{ expression }}` replaced by its value for this learner."""
        if not text:
            return ""
        names = self.refs.names_before(step_id) | self.refs.values
        awaited = set(declared_before(self.lesson, step_id)) - set(names)

        def value(src: str) -> str:
            try:
                return display.short(formula.evaluate(src, names))
            except formula.FormulaError:
                if awaited and awaited & set(formula.parse(src).names):
                    return "(known after the run)"
                raise

        return display.TEMPLATE.sub(lambda m: value(m.group(1).strip()), text)

    def prompt(self, step_id: str) -> str:
        """The step's prompt, ending with what form of answer is asked for (the precision)."""
        step = self.step(step_id)
        text = self.render(step_id, step.prompt)
        asked = self.answer_format(step_id)
        return f"{text.rstrip()}\n\n*{asked}*" if asked else text

    def answer_format(self, step_id: str) -> str:
        """'Give 3 significant figures, or type the expression.' ('' when nothing is typed)."""
        return self.step(step_id).answer_format()

    def hints(self, step_id: str) -> list[str]:
        """All hints in order; the app reveals them one at a time."""
        return [self.render(step_id, h) for h in self.step(step_id).hints]

    def explanation(self, step_id: str) -> str | None:
        text = self.step(step_id).explanation
        return self.render(step_id, text) if text else None

    def job_spec(self, step_id: str, answers: Mapping[str, str] | None = None) -> dict[str, Any]:
        """The spec a run step hands to engine.jobs.run_job, with the learner's `ask` answers.

        Raises LessonLookupError naming what is missing or wrong (a file that does not exist).
        """
        step = self.step(step_id)
        if not step.runs_job:
            raise LessonLookupError(f'step "{step_id}" is a {step.kind} step, not a run step')
        return {**step.job, **asked_values(step, answers or {})}

    # --- answers -------------------------------------------------------------------------

    def preview(self, step_id: str, text: str) -> Preview:
        """Cheap live feedback while typing: the value, or the parse error and its column."""
        step = self.step(step_id)
        if not step.previewed:
            return Preview(None)
        return self._values.preview(step, text)

    def check(self, step_id: str, text: str) -> CheckResult:
        """Judge an answer; never raises for a bad answer (see CheckResult.error)."""
        return self.step(step_id).check(self, text)

    # the step's kind picks one of these (schema.Judges)

    def judge_value(self, step: NumericStep | FormulaStep, text: str) -> CheckResult:
        return self._values.check(step, text)

    def judge_choice(self, step: ChoiceStep, text: str) -> CheckResult:
        return check_choice(step, self.choices(step.id), text, self.render)

    def judge_nothing(self, step: Step) -> CheckResult:
        return not_answerable(step)  # explanation and run steps: nothing to answer

    def exact(self, step_id: str) -> str:
        """A value step's exact reference, every digit ("?" while it is not known)."""
        expected = self.expected(step_id)
        return "?" if expected is None else display.exact(expected)

    def case(self, step: NumericStep | FormulaStep) -> StepCase:
        """How this step judges answers: the reference, the candidates, the precision."""
        return self._values.case(step)

    def candidates(
        self, step: NumericStep | FormulaStep, names: dict | None = None
    ) -> list[Candidate]:
        """Authored mistakes first, then the classic ones generated for cell quantities."""
        return self._values.candidates(step, names)

    # --- choices and reveal ---------------------------------------------------------------

    def choices(self, step_id: str) -> list[tuple[str, Any]]:
        """(letter, choice) in the order this learner sees them (shuffled per learner)."""
        step = self.step(step_id)
        if not step.offers_choices:
            return []
        return shown_choices(step, self.seed, self.lesson.id)

    def reveal(self, step_id: str) -> str:
        """The answer to show a learner who gave up: the right option, the formula or value."""
        return self.step(step_id).reveal(self)
