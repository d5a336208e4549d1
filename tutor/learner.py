"""The app's view of the learner's progress, kept in one place over tutor.lessons.progress.

Screens ask here which steps are done, where to resume and what was answered; this module is
the only one that knows the ProgressStore's methods. A progress file that cannot be read or
written must not stop a lesson, so failures come back as a message for a notification.
"""

from __future__ import annotations

import os
from typing import Any

_stores: dict[str | None, Any] = {}


def store() -> Any:
    """The learner's ProgressStore; one per LSTM_TUTOR_DATA_DIR (tests change it per test)."""
    key = os.environ.get("LSTM_TUTOR_DATA_DIR")
    if key not in _stores:
        from tutor.lessons.progress import ProgressStore

        _stores[key] = ProgressStore()
    return _stores[key]


def seed() -> int:
    """The learner's seed: their random numbers and choice order (0 without readable progress)."""
    try:
        return int(store().seed)
    except Exception:  # noqa: BLE001 - progress is a convenience, never a crash
        return 0


def done_steps(lesson_id: str) -> set[str]:
    try:
        return set(store().completed_steps(lesson_id))
    except Exception:  # noqa: BLE001 - progress is a convenience, never a crash
        return set()


def progress(lesson_id: str, n_steps: int) -> tuple[int, int]:
    """(steps done, steps in the lesson)."""
    return min(len(done_steps(lesson_id)), n_steps), n_steps


def answers(lesson_id: str) -> dict[str, str]:
    try:
        return dict(store().answers(lesson_id))
    except Exception:  # noqa: BLE001
        return {}


def record(lesson_id: str, step_id: str, answer: str, correct: bool) -> str | None:
    """Save an answer; returns an error message instead of raising."""
    try:
        store().record(lesson_id, step_id, answer, correct)
    except Exception as exc:  # noqa: BLE001 - shown as a notification
        return f"Could not save progress: {exc}"
    return None


def last_position() -> tuple[str, str | None] | None:
    """(lesson id, step id) the learner was last at, if known."""
    try:
        return store().last_position()
    except Exception:  # noqa: BLE001
        return None


def set_position(lesson_id: str, step_id: str) -> None:
    try:
        store().set_position(lesson_id, step_id)
    except Exception:  # noqa: BLE001
        pass


def attempts(lesson_id: str, step_id: str) -> int:
    try:
        return int(store().attempts(lesson_id, step_id))
    except Exception:  # noqa: BLE001
        return 0


def hints_seen(lesson_id: str, step_id: str) -> int:
    try:
        return int(store().hints_seen(lesson_id, step_id))
    except Exception:  # noqa: BLE001
        return 0


def reveal_hint(lesson_id: str, step_id: str) -> None:
    try:
        store().reveal_hint(lesson_id, step_id)
    except Exception:  # noqa: BLE001
        pass


def mark_complete(lesson_id: str) -> str | None:
    try:
        store().mark_complete(lesson_id)
    except Exception as exc:  # noqa: BLE001
        return f"Could not save progress: {exc}"
    return None


def problem() -> str | None:
    """Why the progress file was set aside or cannot be used, if it was."""
    try:
        return store().problem
    except Exception as exc:  # noqa: BLE001 - e.g. an unreadable progress folder
        return str(exc)
