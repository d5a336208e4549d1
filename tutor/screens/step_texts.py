"""One step's words and values for one learner, computed once when the step is shown.

The runtime fills `{{ }}` templates and the givens; an authoring slip in one step (a template
that does not evaluate) becomes a line in the prompt instead of taking the lesson down, so the
screen calls the runtime for a step's texts here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from tutor.screens.lesson_text import options_markdown, prediction_markdown

if TYPE_CHECKING:
    from tutor.lessons.runtime import LessonSession

# what the runtime raises for a step it cannot show: a formula that does not evaluate
# (FormulaError is a ValueError), a name or result it does not know (LookupError)
SHOW_ERRORS = (LookupError, ValueError, ArithmeticError)


@dataclass(frozen=True)
class StepTexts:
    prompt: str
    hints: list[str] = field(default_factory=list)
    givens: dict[str, np.ndarray] = field(default_factory=dict)
    problem: str | None = None  # why part of the step could not be shown

    @classmethod
    def of(cls, session: LessonSession, step: Any, guess: str | None) -> StepTexts:
        """The prompt (with a choice step's options in this learner's order and a run step's
        prediction question), the hints and the names an answer may use."""
        try:
            prompt = session.prompt(step.id)
            shown = session.choices(step.id)
            if shown:
                prompt += "\n\n" + options_markdown(shown)
            if step.runs_job and step.predict is not None:
                prompt += "\n\n" + prediction_markdown(step.predict, guess)
            return cls(prompt, session.hints(step.id), session.givens_for(step.id))
        except SHOW_ERRORS as exc:
            problem = f"This step cannot be shown in full: {exc}"
            return cls(f"{step.prompt}\n\n**⚠ {problem}**", problem=problem)
