"""A learner working through one lesson: previews while typing, checks with diagnosis.

The app and `lstm-tutor lessons check` both go through `LessonSession`; it holds the exact
reference values for the learner's seed and never imports torch (run steps only hand their
job spec to the caller).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from tutor.lessons import display

# Run steps' `ask:` answers live in tutor.lessons.asks; re-exported for the screens and tests.
from tutor.lessons.asks import asked_values, pending_asks  # noqa: E402,F401
from tutor.lessons.checking import shape_mismatch
from tutor.lessons.choices import letter as choice_letter
from tutor.lessons.choices import order as choice_order
from tutor.lessons.choices import position_of as choice_position
from tutor.lessons.diagnosis import Candidate, cell_candidates
from tutor.lessons.judging import (
    StepCase,
    Verdict,
    has_decimals,
    judge_expression,
    judge_number,
    number_for_formula,
)
from tutor.lessons.precision import Precision, typed_numbers
from tutor.lessons.problems import LessonLookupError
from tutor.lessons.references import LessonReferences
from tutor.lessons.schema import (
    ChoiceStep,
    FormulaStep,
    Lesson,
    NumericStep,
    RunStep,
)
from tutor.lessons.suggest import did_you_mean
from tutor.lessons.worlds import consistent_worlds, usable

MAX_ANSWER_CHARS = 2000


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
        """Compute the references for the learner with `seed` (the caller reads it from the
        learner's progress; None means 0). The session never opens the progress store.

        Raises StepReferenceError when the lesson's references cannot be computed (a lesson
        that `lessons validate` rejects).
        """
        self.lesson = lesson
        self._cases: dict[str, StepCase] = {}
        self._world_cache: dict[str, list] = {}
        self._lesson_worlds: dict[frozenset[str], list[LessonReferences]] = {}
        self._judged: dict[str, dict[str, np.ndarray]] = {}  # run step id -> its results
        if references is not None:
            self.seed, self.refs = references.seed, references
            return
        self.seed = 0 if seed is None else int(seed)
        self.refs = LessonReferences(lesson, self.seed)

    @property
    def steps(self) -> list[Any]:
        return list(self.lesson.steps)

    @property
    def givens(self) -> dict[str, np.ndarray]:
        return dict(self.refs.givens)

    # --- run steps' results and predictions ------------------------------------------------

    def record_results(self, step_id: str, runs: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """Take a finished run step's declared results (from JobResult.runs); later steps'
        references that use them are computed now. Raises LessonLookupError for a missing path."""
        from tutor.lessons.results import resolve

        step = self.step(step_id)
        if not isinstance(step, RunStep):
            raise LessonLookupError(f'step "{step_id}" is a {step.kind} step, not a run step')
        values = resolve(step, runs)
        results = {**self.refs.results, **values}
        self.refs = LessonReferences(self.lesson, self.seed, results=results)
        self._cases.clear()  # references, candidates and worlds change with the results
        self._world_cache.clear()
        self._lesson_worlds.clear()
        self._judged[step_id] = values
        return values

    def check_prediction(self, step_id: str, text: str) -> CheckResult:
        """Judge the learner's prediction for a run step against its recorded results."""
        from tutor.lessons.results import judge

        step = self.step(step_id)
        if not isinstance(step, RunStep) or step.predict is None:
            return _unevaluable(None, "", f'step "{step_id}" asks for no prediction', None)
        index = choice_index(step.predict, text)
        letters = [chr(ord("a") + i) for i in range(len(step.predict.choices))]
        if index is None:
            message = f'"{text.strip()}" is not one of the choices ({", ".join(letters)})'
            return _unevaluable(None, "", message, None)
        if step_id not in self._judged:
            return _unevaluable(None, "", "run the step first: the run decides", None)
        names = self.refs.names_before(step_id) | self._judged[step_id]
        best, values = judge(step, names)
        shown = ", ".join(
            f"{c.text}: {display.short(np.asarray(v))}"
            for c, v in zip(step.predict.choices, values, strict=True)
        )
        right = step.predict.choices[best].text
        if index == best:
            feedback = f"Your prediction was right: {right}. ({shown})"
        else:
            feedback = f"The run says otherwise: {right}. ({shown})"
        return CheckResult(index == best, letters[index], letters[best], feedback, None, "")

    def pending_on(self, step_id: str) -> str | None:
        """The run step whose results this step still waits for (None when it can be checked)."""
        self.step(step_id)
        return self.refs.pending.get(step_id)

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
        from tutor.lessons.results import declared_before

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
        step = self.step(step_id)
        if not isinstance(step, NumericStep):
            return ""
        if step.integer:
            return "Answer with a whole number, or type the expression."
        if step.legacy_tolerance:
            rtol, atol = step.tolerance.rtol, step.tolerance.atol
            return f"Answers within ±{rtol * 100:g}% (or ±{atol:g}) are accepted."
        spec = step.precision_spec
        if spec.decimals is not None:
            n, unit = spec.decimals, "decimal place"
        else:
            n, unit = spec.figures, "significant figure"
        return f"Give {n} {unit}{'' if n == 1 else 's'}, or type the expression."

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

    # Which method judges each step kind; a new kind of step adds its entry here.
    CHECKS = {"numeric": "_check_value", "formula": "_check_value", "choice": "_check_choice"}

    def check(self, step_id: str, text: str) -> CheckResult:
        """Judge an answer; never raises for a bad answer (see CheckResult.error)."""
        step = self.step(step_id)
        method = self.CHECKS.get(step.kind)
        if method is None:  # explanation and run steps: nothing to answer
            return _not_answerable(step)
        return getattr(self, method)(step, text)

    def _check_value(self, step: NumericStep | FormulaStep, text: str) -> CheckResult:
        from tutor.lessons import formula

        if step.id in self.refs.pending:
            run = self.refs.pending[step.id]
            message = f'this step uses the results of run step "{run}": run it first'
            return _unevaluable(None, "", message, None)
        expected = self.refs.values[step.id]
        case = self.case(step)
        rule = case.rule_text()
        if not text.strip():
            return _unevaluable(expected, rule, "type an answer first", None)
        if len(text) > MAX_ANSWER_CHARS:
            return _unevaluable(expected, rule, "that answer is too long", None)
        names = self.refs.names_for(step)
        try:
            parsed = formula.parse(text)
            value = np.asarray(formula.evaluate(parsed, names), dtype=float)
        except formula.FormulaError as exc:
            return _unevaluable(expected, rule, _message(exc), _col(exc))
        mismatch = shape_mismatch(value, expected)
        if mismatch:
            return CheckResult(False, value, expected, f"Not quite: {mismatch}.", None, rule)
        verdict = self._verdict(step, case, parsed, value)
        if verdict.correct:
            later = "; later steps use it" if step.id != self.steps[-1].id else ""
            return CheckResult(
                True,
                value,
                expected,
                f"Correct! The exact value is {display.exact(expected)}{later}.",
                None,
                rule,
                explanation=self.explanation(step.id),
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
            return judge_number(case, value, typed_numbers(parsed.tree, src))
        worlds = self._answer_worlds(step, parsed)
        as_expression = judge_expression(replace(case, worlds=worlds), value)
        if as_expression.correct or case.is_formula or not has_decimals(parsed):
            return as_expression
        # Names mixed with typed-in numbers (`0.5125 * tanh(c2)`): a calculation, judged by value.
        return judge_number(case, value, None)

    def _answer_worlds(self, step: Any, parsed: Any) -> list:
        from tutor.lessons import formula

        out = []
        for names, ref, wrongs in self._worlds_of(step):
            try:
                got = np.asarray(formula.evaluate(parsed, names), dtype=float)
            except formula.FormulaError:
                got = None
            out.append((got, ref, wrongs))
        return out

    def case(self, step: NumericStep | FormulaStep) -> StepCase:
        """How this step judges answers: the reference, the candidates, the precision."""
        if step.id not in self._cases:
            legacy = step.legacy_tolerance
            spec = step.precision_spec
            self._cases[step.id] = StepCase(
                expected=self.refs.values[step.id],
                candidates=self.candidates(step),
                precision=None if legacy else Precision(spec.figures, spec.decimals),
                tolerance=(step.tolerance.rtol, step.tolerance.atol),
                integer=step.integer,
                is_formula=isinstance(step, FormulaStep),
            )
        return self._cases[step.id]

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
        from tutor.lessons import formula

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

    # --- choices and reveal ---------------------------------------------------------------

    def choices(self, step_id: str) -> list[tuple[str, Any]]:
        """(letter, choice) in the order this learner sees them (shuffled per learner)."""
        step = self.step(step_id)
        if not isinstance(step, ChoiceStep):
            return []
        shown = choice_order(step.choices, self.seed, f"{self.lesson.id}/{step.id}")
        return [(choice_letter(k), step.choices[i]) for k, i in enumerate(shown)]

    def reveal(self, step_id: str) -> str:
        """The answer to show a learner who gave up: the right option, the formula or value."""
        step = self.step(step_id)
        if isinstance(step, ChoiceStep):
            return next(f"{ltr}) {c.text.strip()}" for ltr, c in self.choices(step_id) if c.correct)
        if isinstance(step, FormulaStep):
            return " ".join(str(step.reference).split())
        expected = self.expected(step_id)
        return "?" if expected is None else display.exact(expected)

    def _check_choice(self, step: ChoiceStep, text: str) -> CheckResult:
        shown = self.choices(step.id)
        letters = [ltr for ltr, _ in shown]
        right = next(ltr for ltr, c in shown if c.correct)
        index = choice_position([c.text for _, c in shown], text)
        if index is None:
            options = ", ".join(letters)
            return CheckResult(
                False,
                None,
                right,
                f"Answer with one of {options}, the option's number, or its text.",
                None,
                "",
                error=f'"{text.strip()}" is not one of the choices ({options})',
            )
        chosen = shown[index][1]
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
    """The authored option an answer names, in the authored (unshuffled) order."""
    return choice_position([c.text for c in step.choices], text)


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


def _message(exc: Exception) -> str:
    return getattr(exc, "message", None) or str(exc)


def _col(exc: Exception) -> int | None:
    col = getattr(exc, "col", None)
    return col if isinstance(col, int) else None
