"""What the learner types at run steps before they train: `ask:` values and predictions.

The asked values (a data file's path) are shared by the lesson's run steps and saved with a
finished run step's answer, so the learner types them once. A prediction is one letter per
run step, asked before it runs and judged after.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tutor.lessons.asks import pending_asks
from tutor.lessons.choice_answers import choice_index
from tutor.lessons.choices import letter
from tutor.lessons.schema import Ask, RunStep

PREDICTION = "(prediction)"  # its key in the saved answer: no `ask:` key can be spelled so


@dataclass(frozen=True)
class Taken:
    """What one enter on a run step led to."""

    warning: str | None = None  # nothing taken: tell the learner what is wanted
    refresh: bool = False  # the prompt or placeholder changed
    ready: bool = False  # everything is in: train now


@dataclass
class RunStepInputs:
    asked: dict[str, str] = field(default_factory=dict)  # ask key -> the learner's text
    predictions: dict[str, str] = field(default_factory=dict)  # run step id -> letter

    @classmethod
    def from_saved(cls, steps: list[Any], saved: dict[str, str]) -> RunStepInputs:
        """The values finished run steps kept in their saved answers."""
        inputs = cls()
        for step in steps:
            if step.runs_job:
                asked = asked_from(saved.get(step.id, ""))
                guess = asked.pop(PREDICTION, None)
                if guess and step.predict is not None:
                    inputs.predictions[step.id] = guess
                inputs.asked |= asked
        return inputs

    def pending(self, step: Any) -> list[Ask]:
        return pending_asks(step, self.asked)

    def awaits_prediction(self, step: Any) -> bool:
        return step.runs_job and step.predict is not None and (step.id not in self.predictions)

    def take(self, step: RunStep, text: str) -> Taken:
        """Enter on a run step: fill what it asks for, one value at a time, then the
        prediction; ready when nothing is missing."""
        pending = self.pending(step)
        if pending and not text.strip():
            return Taken(warning=f"{pending[0].prompt} first.")
        if pending:
            self.asked[pending[0].key] = text.strip()
            if len(pending) > 1:
                return Taken(refresh=True)
        if self.awaits_prediction(step):
            index = choice_index(step.predict, text)
            if index is None:
                return Taken(warning="Type the letter of your prediction first.")
            self.predictions[step.id] = letter(index)
            return Taken(refresh=True, ready=True)
        return Taken(ready=True)

    def forget(self, step: RunStep) -> None:
        """Ask again for what this step asked (the file was not there)."""
        for ask in step.ask:
            self.asked.pop(ask.key, None)

    def saved_answer(self, step: RunStep) -> str:
        """What a finished run step keeps as its answer: the JSON of the values it asked for
        and of the prediction made before it ran (so it is not asked again next time)."""
        asks = {a.key: self.asked[a.key] for a in step.ask if a.key in self.asked}
        if step.id in self.predictions:
            asks[PREDICTION] = self.predictions[step.id]
        return json.dumps(asks) if asks else ""


def asked_from(answer: str) -> dict[str, str]:
    """A run step's saved answer: the JSON of the values it asked for, or nothing."""
    try:
        values = json.loads(answer) if answer.startswith("{") else {}
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}
