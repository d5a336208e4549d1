"""What a learner is shown about an answer: the live preview while typing, the verdict after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


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


def unevaluable(expected: Any, tol_text: str, message: str, col: int | None) -> CheckResult:
    """An answer that could not be judged at all (empty, too long, a syntax error, ...)."""
    return CheckResult(False, None, expected, message, None, tol_text, error=message, col=col)


def not_answerable(step: Any) -> CheckResult:
    """Explanation and run steps have nothing to answer (the step says why: `unanswered`)."""
    what = step.unanswered
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
