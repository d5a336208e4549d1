"""The lesson player's words: prompts with their options, placeholders, verdicts, reveals.

Pure functions of the step and the runtime's results (no widgets), so the player screen only
decides when to show them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from tutor.lessons import display
from tutor.lessons.choices import letter
from tutor.lessons.schema import Prediction

DONE_RUN_PLACEHOLDER = "enter: next step · ctrl+s trains again"


def options_markdown(shown: list[tuple[str, Any]]) -> str:
    """A choice step's options as the learner sees them: `- **b)** text`."""
    return "\n".join(f"- **{ltr})** {choice.text}" for ltr, choice in shown)


def prediction_markdown(predict: Prediction, guess: str | None) -> str:
    """A run step's question asked before it runs, with the learner's pick once made."""
    options = [(letter(i), choice) for i, choice in enumerate(predict.choices)]
    text = f"**Predict first:** {predict.prompt}\n\n{options_markdown(options)}"
    return text + (f"\n\n*Your prediction: {guess})*" if guess else "")


def placeholder(
    step: Any, *, done: bool, pending_prompt: str | None, awaits_prediction: bool
) -> str:
    """What the answer box asks for: an answer, what a run step still needs, or enter."""
    if pending_prompt:
        return f"{pending_prompt}, then enter"
    if awaits_prediction:
        return "type your prediction (a, b, ...), then enter to run"
    if step.runs_job and done:
        return DONE_RUN_PLACEHOLDER
    return step.placeholder


def echo(typed: str, value: Any) -> str:
    """The learner's answer as they typed it when it is a number ("0.550": the trailing zero
    counts as a figure), else its value."""
    try:
        float(typed)
    except ValueError:
        return display.short(value)
    return typed.strip()


def wrong_feedback(result: Any, typed: str = "") -> str:
    """The runtime's diagnosis first when it recognised the mistake; its full verdict otherwise."""
    if result.diagnosis:
        text = f"**✗ Not quite.** {result.diagnosis}"
        if result.value is not None and not isinstance(result.value, str):
            text += f"  \n*Your answer: {echo(typed, result.value)}.*"
        return text
    text = f"**✗** {result.feedback}"
    if result.tolerance_text and result.tolerance_text not in result.feedback:
        text += f"  \n*Accepted: {result.tolerance_text}.*"
    return text


def check_feedback(result: Any, typed: str = "") -> str:
    """The feedback after a check: why it could not be checked, the verdict, the explanation."""
    if result.error is not None:
        at = f" (column {result.col + 1})" if result.col is not None else ""
        return f"**Cannot check that yet:** {result.error}{at}"
    if result.correct:
        more = f"\n\n{result.explanation}" if result.explanation else ""
        return f"**✓** {result.feedback}{more}"
    return wrong_feedback(result, typed)


def measured_markdown(measured: dict[str, Any]) -> str:
    """The values a run step keeps for later steps, by name, to 3 significant figures."""
    shown = ", ".join(f"`{name}` = {_figures(value)}" for name, value in measured.items())
    return f"**Measured by the run** (later steps use these names): {shown}"


def _figures(value: Any) -> str:
    array = np.asarray(value, dtype=float)
    if array.size == 1:
        return f"{float(array.reshape(-1)[0]) + 0.0:.3g}"
    return display.short(array, digits=3)


def run_summary_markdown(summary: str, warnings: list[str]) -> str:
    """A finished job's summary (plain lines, kept as lines in Markdown) and its warnings."""
    lines = (summary or "Training finished.").splitlines()
    return "  \n".join([*lines, *(f"⚠ {warning}" for warning in warnings)])


def reveal_markdown(answer: str, formula: str | None, how: str | None = None) -> str:
    """The revealed answer: the formula before its value when one is known, else the hint
    that says how (`how`)."""
    shown = f"`{formula}` = `{answer}`" if formula and formula != answer else f"`{answer}`"
    more = f"  \n**How:** {how}" if how and not formula else ""
    return f"**The answer:** {shown}{more}  \nType it in to go on."
