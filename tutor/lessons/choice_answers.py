"""Judging a choice: a choice step's answer, and a run step's prediction once it has run.

Options are shown shuffled per learner (tutor.lessons.choices); an answer may name one by
letter, position or text. A prediction is judged in the authored order, against the run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tutor.lessons import display
from tutor.lessons.choices import letter, order, position_of
from tutor.lessons.outcomes import CheckResult, unevaluable
from tutor.lessons.schema import Choice, ChoiceStep, Prediction, RunStep


def shown_choices(step: ChoiceStep, seed: int, lesson_id: str) -> list[tuple[str, Choice]]:
    """(letter, choice) in the order this learner sees them (shuffled per learner)."""
    shown = order(step.choices, seed, f"{lesson_id}/{step.id}")
    return [(letter(k), step.choices[i]) for k, i in enumerate(shown)]


def choice_index(step: ChoiceStep | Prediction, text: str) -> int | None:
    """The authored option an answer names, in the authored (unshuffled) order."""
    return position_of([c.text for c in step.choices], text)


def check_choice(
    step: ChoiceStep,
    shown: list[tuple[str, Choice]],
    text: str,
    render: Callable[[str, str | None], str],
) -> CheckResult:
    """The learner's pick among the options as shown; authored feedback filled in by `render`."""
    letters = [ltr for ltr, _ in shown]
    right = next(ltr for ltr, c in shown if c.correct)
    index = position_of([c.text for _, c in shown], text)
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
        feedback = "Correct!" + (f" {render(step.id, chosen.feedback)}" if chosen.feedback else "")
        explanation = render(step.id, step.explanation) if step.explanation else None
        return CheckResult(True, letters[index], right, feedback, None, "", explanation=explanation)
    why = render(step.id, chosen.feedback) if chosen.feedback else None
    return CheckResult(
        False,
        letters[index],
        right,
        "Not quite." + (f" {why}" if why else ""),
        why,
        "",
        mistake="authored" if why else None,
    )


def check_prediction(step: RunStep, text: str, names: dict[str, Any] | None) -> CheckResult:
    """The prediction made before a run, judged over `names` (None: the step has not run)."""
    from tutor.lessons.results import judge

    if step.predict is None:
        return unevaluable(None, "", f'step "{step.id}" asks for no prediction', None)
    index = choice_index(step.predict, text)
    letters = [letter(i) for i in range(len(step.predict.choices))]
    if index is None:
        message = f'"{text.strip()}" is not one of the choices ({", ".join(letters)})'
        return unevaluable(None, "", message, None)
    if names is None:
        return unevaluable(None, "", "run the step first: the run decides", None)
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
