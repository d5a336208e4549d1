"""The app's view of the learner's progress, kept in one place over tutor.progress.

Screens ask here which steps are done, where to resume and what was answered; this module is
the only one that knows the ProgressStore's methods.

One error policy for all of them: progress must never stop a lesson. A read that fails gives
its empty answer (nothing done, no answers, seed 0); a change that fails returns a message for a
notification. Either way the first failure is kept and `problem()` reports it, so the learner is
told once that their progress is not being read or saved, instead of never.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_stores: dict[str | None, Any] = {}
_chosen: Any = None  # a store chosen by the caller (a classroom session's learner)
_failures: dict[str | None, str] = {}  # the first failure met, per store


def use(chosen: Any) -> None:
    """Read and write this store from now on (serve mode: the signed-in learner's); None:
    the personal store of LSTM_TUTOR_DATA_DIR again."""
    global _chosen
    _chosen = chosen
    _failures.pop(_key(), None)


def _key() -> str | None:
    return f"chosen-{id(_chosen)}" if _chosen is not None else os.environ.get("LSTM_TUTOR_DATA_DIR")


def store() -> Any:
    """The learner's ProgressStore; one per LSTM_TUTOR_DATA_DIR (tests change it per test)."""
    if _chosen is not None:
        return _chosen
    key = _key()
    if key not in _stores:
        from tutor.progress import ProgressStore

        _stores[key] = ProgressStore()
    return _stores[key]


def _read(action: Callable[[Any], T], empty: T) -> T:
    try:
        return action(store())
    except Exception as exc:  # noqa: BLE001 - progress is a convenience, never a crash
        _remember(exc)
        return empty


def _change(action: Callable[[Any], object]) -> str | None:
    """Do a change; the message for a notification when it could not be saved."""
    try:
        action(store())
    except Exception as exc:  # noqa: BLE001 - shown as a notification, never a crash
        _remember(exc)
        return f"Could not save progress: {exc}"
    return None


def _remember(exc: Exception) -> None:
    _failures.setdefault(_key(), str(exc) or type(exc).__name__)


def seed() -> int:
    """The learner's seed: their random numbers and choice order (0 without readable progress)."""
    return _read(lambda s: int(s.seed), 0)


def done_steps(lesson_id: str) -> set[str]:
    return _read(lambda s: set(s.completed_steps(lesson_id)), set())


def progress(lesson_id: str, n_steps: int) -> tuple[int, int]:
    """(steps done, steps in the lesson)."""
    return min(len(done_steps(lesson_id)), n_steps), n_steps


def answers(lesson_id: str) -> dict[str, str]:
    return _read(lambda s: dict(s.answers(lesson_id)), {})


def attempts(lesson_id: str, step_id: str) -> int:
    return _read(lambda s: int(s.attempts(lesson_id, step_id)), 0)


def hints_seen(lesson_id: str, step_id: str) -> int:
    return _read(lambda s: int(s.hints_seen(lesson_id, step_id)), 0)


def last_position() -> tuple[str, str | None] | None:
    """(lesson id, step id) the learner was last at, if known."""
    return _read(lambda s: s.last_position(), None)


def record(
    lesson_id: str, step_id: str, answer: str, correct: bool, mistake: str | None = None
) -> str | None:
    """Save an answer (and, for a wrong one, the diagnosis's name); an error message or None."""
    return _change(lambda s: s.record(lesson_id, step_id, answer, correct, mistake=mistake))


def set_position(lesson_id: str, step_id: str) -> str | None:
    return _change(lambda s: s.set_position(lesson_id, step_id))


def reveal_hint(lesson_id: str, step_id: str) -> str | None:
    return _change(lambda s: s.reveal_hint(lesson_id, step_id))


def reveal(lesson_id: str, step_id: str) -> str | None:
    """The learner had the answer shown (the class's export counts reveals)."""
    return _change(lambda s: s.reveal(lesson_id, step_id))


def mark_complete(lesson_id: str) -> str | None:
    return _change(lambda s: s.mark_complete(lesson_id))


def problem() -> str | None:
    """Why progress is not being read or saved: the store's own report (set aside, read-only),
    else the first failure met."""
    try:
        reported = store().problem
    except Exception as exc:  # noqa: BLE001 - e.g. an unreadable progress folder
        return str(exc)
    return reported or _failures.get(_key())
