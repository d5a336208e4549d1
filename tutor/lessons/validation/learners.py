"""Checks through a learner's eyes: every mistake is refused, no step passes unsolved.

Run for each sampled learner through that learner's `LessonSession`, so a mistake is judged
exactly as the app would judge it: typed as an expression, and typed as a number at the
step's precision. What holds for how many learners is collected in `checker.findings`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from tutor.lessons import display, formula
from tutor.lessons.judging import distinct, tight
from tutor.lessons.locate import Loc
from tutor.lessons.precision import Precision, flat
from tutor.lessons.references import LessonReferences

if TYPE_CHECKING:
    from tutor.lessons.runtime import LessonSession
    from tutor.lessons.validation.checker import LessonChecker


def check_value_step(
    checker: LessonChecker,
    index: int,
    step: Any,
    refs: LessonReferences,
    seed: int,
    session: LessonSession,
) -> None:
    """Every authored and built-in mistake must be refused, for every sampled learner."""
    expected = refs.values[step.id]
    names = refs.names_for(step)
    seed_note = f" (for the learner whose {checker.who})" if checker.who else ""
    for k, mistake in enumerate(step.mistakes):
        loc = ("steps", index, "mistakes", k, "expression")
        wrong = checker.try_formula(loc, f"step {step.id}: mistake", mistake.expression, names)
        if wrong is None:
            continue
        if session.check(step.id, mistake.expression).correct:
            checker.add(
                loc,
                f"step {step.id}: this mistake is indistinguishable from the right answer: "
                f"`{mistake.expression}` is accepted (it agrees with the reference here and "
                f"when the givens move){seed_note}; drop it or fix the reference",
            )
            continue
        label = f"mistake `{mistake.expression}`"
        check_as_number(checker, session, step, loc, wrong, label)
    _check_built_in(checker, index, step, refs, session)
    check_unsolved(checker, index, step, expected, names, session)
    from tutor.lessons.validation.giveaways import check_giveaways

    check_giveaways(checker, index, step, names, session)


def check_numbers(
    checker: LessonChecker, index: int, step: Any, refs: LessonReferences, session: LessonSession
) -> None:
    """The number-only checks of `check_value_step`, for the many extra sampled learners: every
    mistake typed as a number is refused (and does not round like the answer), 0 does not pass."""
    names = refs.names_for(step)
    for k, mistake in enumerate(step.mistakes):
        loc = ("steps", index, "mistakes", k, "expression")
        try:
            wrong = np.asarray(formula.evaluate(mistake.expression, names), dtype=float)
        except formula.FormulaError:
            continue  # reported for the fully checked learners
        check_as_number(checker, session, step, loc, wrong, f"mistake `{mistake.expression}`")
    _check_built_in(checker, index, step, refs, session)
    if not step.formula_only and session.check(step.id, "0").correct:
        loc = ("steps", index, "quantity" if step.quantity else "reference")
        checker.findings.note_unsolved(
            loc,
            f"step {step.id} would pass unsolved: an answer of 0 is accepted; ask for something "
            "else",
        )


def _check_built_in(
    checker: LessonChecker, index: int, step: Any, refs: LessonReferences, session: LessonSession
) -> None:
    if step.id not in refs.quantities:
        return
    loc = ("steps", index, "quantity")
    for candidate in session.candidates(step)[len(step.mistakes) :]:
        label = f'built-in mistake "{candidate.key}" ({_first_words(candidate.message)})'
        check_as_number(checker, session, step, loc, candidate.value, label)


def check_as_number(
    checker: LessonChecker,
    session: LessonSession,
    step: Any,
    loc: Loc,
    wrong: np.ndarray,
    label: str,
) -> None:
    """A mistake's value typed as a learner would type it must not be accepted."""
    expected = session.refs.values[step.id]
    if step.formula_only or not distinct(wrong, expected):
        return  # a formula step refuses numbers; an equal value is no mistake here
    if wrong.size != expected.size:
        return
    case = session.case(step)
    if case.precision is not None and not case.integer and not _rounds_alike(case, wrong):
        return  # typed at the step's precision it differs from the answer: refused, never unsure
    result = session.check(step.id, typed_as_learner(wrong, case))
    if result.correct or result.mistake == "ambiguous":
        checker.findings.note_precision(
            loc, step.id, label, case, expected, wrong, checker.who, result.correct
        )


def _rounds_alike(case: Any, wrong: np.ndarray) -> bool:
    pairs = zip(flat(wrong), flat(case.expected), strict=True)
    return all(case.precision.same(float(a), float(b)) for a, b in pairs)


def check_unsolved(
    checker: LessonChecker,
    index: int,
    step: Any,
    expected: np.ndarray,
    names: dict,
    session: LessonSession,
) -> None:
    """0, a name copied from the givens, its value typed in, or (for a formula step) the
    number itself must not pass."""
    note = checker.findings.note_unsolved
    loc = ("steps", index, "quantity" if step.quantity else "reference")
    case = session.case(step)
    if not step.formula_only and session.check(step.id, "0").correct:
        note(
            loc,
            f"step {step.id} would pass unsolved: an answer of 0 is accepted "
            f"(the right value is {display.short(expected)}); ask for something else",
        )
    for name, value in names.items():
        if value.size != expected.size:
            continue
        # Only a value that rounds like the answer can pass; skip the rest cheaply.
        rounds_alike = case.integer or all(
            (case.precision or Precision()).same(float(a), float(b))
            for a, b in zip(flat(value), flat(expected), strict=True)
        )
        if case.precision is None and not case.integer:
            rtol, atol = case.tolerance
            rounds_alike = bool(
                np.all(np.abs(flat(value) - flat(expected)) <= atol + rtol * np.abs(flat(expected)))
            )
        if not rounds_alike and not tight(value, expected):
            continue
        if tight(value, expected) and session.check(step.id, name).correct:
            note(
                loc,
                f'step {step.id} would pass unsolved: typing just "{name}" is '
                "accepted; ask for a value the learner must compute",
            )
        elif (
            not step.formula_only
            and value.size == expected.size
            and session.check(step.id, typed_as_learner(value, case)).correct
        ):
            note(
                loc,
                f'step {step.id} would pass unsolved: copying the value of "{name}" is '
                "accepted at the step's precision; ask for more figures or another value",
            )
    if step.formula_only and session.check(step.id, display.exact(expected)).correct:
        note(
            loc,
            f"step {step.id} would pass unsolved: the number itself is accepted as "
            "the formula; check `names:` and that the reference uses the givens",
        )


def typed_as_learner(value: np.ndarray, case: Any) -> str:
    """How a learner types this value at the step's precision (`5.13e-01`, `[1.20e+00, ...]`)."""
    array = np.asarray(value, dtype=float)
    if case.integer:
        one = lambda v: str(int(round(v)))  # noqa: E731
    elif case.precision is None:
        one = repr
    elif case.precision.decimals is not None:
        one = lambda v: f"{v:.{case.precision.decimals}f}"  # noqa: E731
    else:
        one = lambda v: f"{v:.{case.precision.figures - 1}e}"  # noqa: E731

    def fmt(a: np.ndarray) -> str:
        if a.ndim == 0:
            return one(float(a))
        return "[" + ", ".join(fmt(row) for row in a) + "]"

    return fmt(array)


def _first_words(message: str, n: int = 8) -> str:
    words = message.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")
