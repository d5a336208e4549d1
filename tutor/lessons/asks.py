"""What a run step asks the learner before its job starts (a data file, a column list)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tutor.lessons.problems import LessonLookupError
from tutor.lessons.schema import RunStep


def pending_asks(step: Any, answers: Mapping[str, str]) -> list[Any]:
    """The `ask` entries of a run step that the answers do not fill yet."""
    if not step.runs_job:
        return []  # only run steps ask before they start
    return [ask for ask in step.ask if not str(answers.get(ask.key, "")).strip()]


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
