"""A learner working through one lesson: previews while typing, checks with diagnosis.

The app and `lstm-tutor lessons check` both go through `LessonSession`; it holds the exact
reference values for the learner's seed and never imports torch (run steps only hand their
job spec to the caller).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tutor.lessons import display
from tutor.lessons.checking import close, shape_mismatch, tolerance_text
from tutor.lessons.diagnosis import Candidate, cell_candidates, diagnose
from tutor.lessons.problems import LessonLookupError
from tutor.lessons.references import LessonReferences
from tutor.lessons.schema import (
    ChoiceStep,
    ExplanationStep,
    FormulaStep,
    Lesson,
    NumericStep,
    RunStep,
)
from tutor.lessons.suggest import did_you_mean

MAX_ANSWER_CHARS = 2000
FORMULA_TRIALS = 6  # perturbed worlds a formula must agree in (WeBWorK uses a handful too)


@dataclass(frozen=True)
class Preview:
    """The live value of what the learner has typed so far, or why it has none."""

    value: np.ndarray | None
    error: str | None = None
    col: int | None = None  # 0-based column of the error in the typed text
    text: str = ""  # the value formatted for display ("" when there is none)


@dataclass(frozen=True)
class CheckResult:
    """What the learner is told after submitting an answer."""

    correct: bool
    value: Any  # what the answer evaluates to (array, or the chosen letter); None if it cannot
    expected: Any  # the exact reference (array, or the right letter); None for explanations
    feedback: str  # Markdown: verdict, exact value after success, or what to look at
    diagnosis: str | None  # the specific mistake recognised, if any
    tolerance_text: str  # "±1% (or ±0.0001 near zero)"; "" for choices
    error: str | None = None  # the answer could not be evaluated (syntax, unknown name, ...)
    col: int | None = None  # 0-based column of `error` in the answer
    explanation: str | None = None  # the step's explanation, shown after success
    mistake: str | None = None  # key of the recognised mistake: "authored", "wrong_slice", ...


class LessonSession:
    """One learner's view of a lesson: givens, exact references, previews and checks."""

    def __init__(
        self, lesson: Lesson, seed: int | None = None, *, references: LessonReferences | None = None
    ) -> None:
        """Compute the references for `seed` (default: the learner's, from their progress).

        Raises StepReferenceError when the lesson's references cannot be computed (a lesson
        that `lessons validate` rejects).
        """
        self.lesson = lesson
        self._perturbed: dict[str, list[dict[str, np.ndarray]]] = {}
        if references is not None:
            self.seed, self.refs = references.seed, references
            return
        self.seed = _learner_seed(lesson) if seed is None else int(seed)
        self.refs = LessonReferences(lesson, self.seed)

    @property
    def steps(self) -> list[Any]:
        return list(self.lesson.steps)

    @property
    def givens(self) -> dict[str, np.ndarray]:
        return dict(self.refs.givens)

    @property
    def derived(self) -> dict[str, np.ndarray]:
        """Values the lesson shows without asking for them (its `derived:` block)."""
        return dict(self.refs.derived)

    def step(self, step_id: str) -> Any:
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
        from tutor.lessons import formula

        return display.render(text, lambda src: formula.evaluate(src, names))

    def prompt(self, step_id: str) -> str:
        return self.render(step_id, self.step(step_id).prompt)

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
        if not isinstance(step, RunStep):
            raise LessonLookupError(f'step "{step_id}" is a {step.kind} step, not a run step')
        return {**step.job, **asked_values(step, answers or {})}

    # --- answers -------------------------------------------------------------------------

    def preview(self, step_id: str, text: str) -> Preview:
        """Cheap live feedback while typing: the value, or the parse error and its column."""
        step = self.step(step_id)
        if not isinstance(step, NumericStep | FormulaStep):
            return Preview(None)
        if not text.strip():
            return Preview(None)
        from tutor.lessons import formula

        try:
            value = np.asarray(formula.evaluate(text, self.refs.names_for(step)), dtype=float)
        except formula.FormulaError as exc:
            return Preview(None, _message(exc), _col(exc))
        return Preview(value, None, None, display.short(value))

    def check(self, step_id: str, text: str) -> CheckResult:
        """Judge an answer; never raises for a bad answer (see CheckResult.error)."""
        step = self.step(step_id)
        if isinstance(step, ChoiceStep):
            return self._check_choice(step, text)
        if isinstance(step, ExplanationStep | RunStep):
            return _not_answerable(step)
        return self._check_value(step, text)

    def _check_value(self, step: NumericStep | FormulaStep, text: str) -> CheckResult:
        from tutor.lessons import formula

        expected = self.refs.values[step.id]
        tol_text = tolerance_text(step.tolerance)
        if not text.strip():
            return _unevaluable(expected, tol_text, "type an answer first", None)
        if len(text) > MAX_ANSWER_CHARS:
            return _unevaluable(expected, tol_text, "that answer is too long", None)
        names = self.refs.names_for(step)
        try:
            value = np.asarray(formula.evaluate(text, names), dtype=float)
        except formula.FormulaError as exc:
            return _unevaluable(expected, tol_text, _message(exc), _col(exc))
        value_ok = close(value, expected, step.tolerance)
        if isinstance(step, FormulaStep) and value_ok:
            verdict = self._formula_verdict(step, text, names)
            if verdict is not None:
                return CheckResult(False, value, expected, verdict, None, tol_text)
        if value_ok:
            return CheckResult(
                True,
                value,
                expected,
                f"Correct! The exact value is {display.exact(expected)}; later steps use it.",
                None,
                tol_text,
                explanation=self.explanation(step.id),
            )
        return self._wrong(step, value, expected, names, tol_text)

    def _formula_verdict(self, step: FormulaStep, text: str, names: dict) -> str | None:
        """None when the expression is the formula; else why a matching value is not enough."""
        from tutor.lessons import formula

        comparison = formula.compare_formulas(
            text, step.reference, names, namespaces=self._namespaces(step) or None
        )
        if comparison.equivalent:
            return None
        return comparison.message or (
            "Right value, but not the formula: it does not follow the givens when they change."
        )

    def _namespaces(self, step: FormulaStep) -> list[dict[str, np.ndarray]]:
        """Consistent perturbed worlds: givens moved, every earlier reference recomputed."""
        if step.id not in self._perturbed:
            rng = np.random.default_rng(20241104)
            spaces = []
            for _ in range(FORMULA_TRIALS):
                moved = {
                    name: v * (1.0 + 0.3 * rng.standard_normal(v.shape))
                    + 0.2 * rng.standard_normal(v.shape)
                    for name, v in self.refs.givens.items()
                }
                errors: list = []
                refs = LessonReferences(self.lesson, self.seed, errors, givens=moved)
                names = refs.names_for(step)
                if set(names) >= set(self.refs.names_for(step)):
                    spaces.append(names)
            self._perturbed[step.id] = spaces
        return self._perturbed[step.id]

    def _wrong(
        self,
        step: NumericStep | FormulaStep,
        value: np.ndarray,
        expected: np.ndarray,
        names: dict,
        tol_text: str,
    ) -> CheckResult:
        mismatch = shape_mismatch(value, expected)
        if mismatch:
            feedback = f"Not quite: {mismatch}."
            return CheckResult(False, value, expected, feedback, None, tol_text)
        found = diagnose(value, expected, self.candidates(step, names), step.tolerance)
        feedback = f"Not quite: your answer is {display.short(value)}, which is not within "
        feedback += f"{tol_text} of the right value."
        if found is None:
            feedback += " Look at the hints, or check each part of your expression."
            return CheckResult(False, value, expected, feedback, None, tol_text)
        return CheckResult(
            False,
            value,
            expected,
            f"{feedback} {found.message}",
            found.message,
            tol_text,
            mistake=found.key,
        )

    def candidates(
        self, step: NumericStep | FormulaStep, names: dict | None = None
    ) -> list[Candidate]:
        """Authored mistakes first, then the classic ones generated for cell quantities."""
        from tutor.lessons import formula

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

    def _check_choice(self, step: ChoiceStep, text: str) -> CheckResult:
        letters = [chr(ord("a") + i) for i in range(len(step.choices))]
        right = letters[next(i for i, c in enumerate(step.choices) if c.correct)]
        index = choice_index(step, text)
        if index is None:
            options = ", ".join(letters)
            return CheckResult(
                False,
                None,
                right,
                f"Answer with one of {options}.",
                None,
                "",
                error=f'"{text.strip()}" is not one of the choices ({options})',
            )
        chosen = step.choices[index]
        if chosen.correct:
            feedback = "Correct!" + (
                f" {self.render(step.id, chosen.feedback)}" if chosen.feedback else ""
            )
            return CheckResult(
                True,
                letters[index],
                right,
                feedback,
                None,
                "",
                explanation=self.explanation(step.id),
            )
        why = self.render(step.id, chosen.feedback) if chosen.feedback else None
        return CheckResult(
            False,
            letters[index],
            right,
            "Not quite." + (f" {why}" if why else ""),
            why,
            "",
            mistake="authored" if why else None,
        )


def choice_index(step: ChoiceStep, text: str) -> int | None:
    """The chosen option for 'b', 'B)', '2' or the option's text; None if none matches."""
    answer = text.strip().rstrip(").").strip().lower()
    letters = [chr(ord("a") + i) for i in range(len(step.choices))]
    labelled = re.match(r"([a-z])[).]\s", answer)  # "b) takes the candidate"
    if labelled and labelled.group(1) in letters:
        return letters.index(labelled.group(1))
    if answer in letters:
        return letters.index(answer)
    if answer.isdigit() and 1 <= int(answer) <= len(step.choices):
        return int(answer) - 1
    for i, choice in enumerate(step.choices):
        if choice.text.strip().lower() == text.strip().lower():
            return i
    return None


def _not_answerable(step: Any) -> CheckResult:
    what = "only text to read" if step.kind == "explanation" else "a job to run, not an answer"
    return CheckResult(
        False,
        None,
        None,
        f"Step {step.id} is {what}.",
        None,
        "",
        error=f'step "{step.id}" is {_article(step.kind)} {step.kind} step: {what}',
    )


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _unevaluable(expected: np.ndarray, tol_text: str, message: str, col: int | None) -> CheckResult:
    return CheckResult(False, None, expected, message, None, tol_text, error=message, col=col)


def pending_asks(step: Any, answers: Mapping[str, str]) -> list[Any]:
    """The `ask` entries of a run step that the answers do not fill yet."""
    return [ask for ask in getattr(step, "ask", []) if not str(answers.get(ask.key, "")).strip()]


def asked_values(step: RunStep, answers: Mapping[str, str]) -> dict[str, Any]:
    """The job values typed by the learner, checked: paths must exist, lists are split."""
    missing = pending_asks(step, answers)
    if missing:
        wanted = "; ".join(f"{ask.key}: {ask.prompt}" for ask in missing)
        raise LessonLookupError(f"step {step.id} needs {wanted}")
    values: dict[str, Any] = {}
    for ask in step.ask:
        text = str(answers[ask.key]).strip()
        if ask.kind == "path":
            path = Path(text).expanduser()
            if not path.is_file():
                raise LessonLookupError(f"{ask.key}: no file at {path} ({ask.prompt.lower()})")
            values[ask.key] = str(path)
        elif ask.kind == "list":
            values[ask.key] = [part.strip() for part in text.split(",") if part.strip()]
        else:
            values[ask.key] = text
    return values


def _message(exc: Exception) -> str:
    return getattr(exc, "message", None) or str(exc)


def _col(exc: Exception) -> int | None:
    col = getattr(exc, "col", None)
    return col if isinstance(col, int) else None


def _learner_seed(lesson: Lesson) -> int:
    """The learner's seed from their progress file; 0 when the lesson draws nothing at random."""
    if not any(isinstance(v, dict) for v in lesson.givens.values()):
        return 0
    from tutor.lessons.progress import ProgressStore

    return int(ProgressStore().seed)
