"""A learner's progress: answers, attempts, solved steps, hints seen, where they were, their seed.

One JSON file under the platform's user data directory (`LSTM_TUTOR_DATA_DIR` overrides it), written
atomically: a crash mid-write leaves the previous file intact. A file that is not ours or cannot be
read is moved aside (never overwritten) and reported through `problem`.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

FORMAT = "lstm-tutor/progress"
VERSION = 1
ENV_DIR = "LSTM_TUTOR_DATA_DIR"


class ProgressError(RuntimeError):
    """Progress could not be read or written (the message says where and why)."""


class StepProgress(BaseModel):
    answer: str | None = None
    attempts: int = 0
    solved: bool = False
    hints_seen: int = 0
    solved_at: str | None = None


class LessonProgress(BaseModel):
    steps: dict[str, StepProgress] = Field(default_factory=dict)
    current_step: str | None = None
    completed: bool = False
    completed_at: str | None = None


class ProgressFile(BaseModel):
    format: str = FORMAT
    version: int = VERSION
    seed: int = Field(default_factory=lambda: secrets.randbelow(2**31))
    last_lesson: str | None = None
    lessons: dict[str, LessonProgress] = Field(default_factory=dict)


def default_path() -> Path:
    """progress.json in LSTM_TUTOR_DATA_DIR, else in the platform's user data directory."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override) / "progress.json"
    from platformdirs import user_data_dir

    return Path(user_data_dir("lstm-tutor", appauthor=False)) / "progress.json"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ProgressStore:
    """Reads the learner's progress once, saves after every change."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self.problem: str | None = None
        self.data = self._read()

    # --- reading and writing -------------------------------------------------------------

    def _read(self) -> ProgressFile:
        if not self.path.exists():
            return ProgressFile()
        try:
            raw = self.path.read_bytes()
            data = ProgressFile.model_validate(json.loads(raw))
            if data.format != FORMAT or data.version > VERSION:
                raise ValueError(f"format {data.format!r} version {data.version}")
            return data
        except OSError as exc:
            raise ProgressError(f"cannot read progress file {self.path}: {exc}") from None
        except (ValueError, ValidationError) as exc:
            self._set_aside(exc)
            return ProgressFile()

    def _set_aside(self, exc: Exception) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
            n += 1
        try:
            os.replace(self.path, aside)
        except OSError as move_error:
            raise ProgressError(
                f"progress file {self.path} is unreadable ({_short(exc)}) and could not be "
                f"moved aside: {move_error}"
            ) from None
        self.problem = (
            f"Your progress file {self.path} could not be read ({_short(exc)}); it was kept as "
            f"{aside.name} and a fresh one was started."
        )

    def save(self) -> None:
        """Write atomically: a temporary file in the same folder, fsync, then rename."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=self.path.parent)
        except OSError as exc:
            raise ProgressError(f"cannot save progress to {self.path}: {exc}") from None
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(self.data.model_dump_json(indent=2))
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise ProgressError(f"cannot save progress to {self.path}: {exc}") from None

    # --- queries -------------------------------------------------------------------------

    @property
    def seed(self) -> int:
        """The learner's randomization seed: drawn once, stable afterwards."""
        if not self.path.exists():
            self.save()
        return self.data.seed

    def seed_for(self, lesson_id: str) -> int:
        return self.seed

    def lesson(self, lesson_id: str) -> LessonProgress:
        return self.data.lessons.setdefault(lesson_id, LessonProgress())

    def completed_steps(self, lesson_id: str) -> list[str]:
        steps = self.data.lessons.get(lesson_id, LessonProgress()).steps
        return [step_id for step_id, s in steps.items() if s.solved]

    def answers(self, lesson_id: str) -> dict[str, str]:
        steps = self.data.lessons.get(lesson_id, LessonProgress()).steps
        return {step_id: s.answer for step_id, s in steps.items() if s.answer is not None}

    def attempts(self, lesson_id: str, step_id: str) -> int:
        return self._step(lesson_id, step_id).attempts

    def hints_seen(self, lesson_id: str, step_id: str) -> int:
        return self._step(lesson_id, step_id).hints_seen

    def _step(self, lesson_id: str, step_id: str) -> StepProgress:
        return self.data.lessons.get(lesson_id, LessonProgress()).steps.get(step_id, StepProgress())

    def last_position(self) -> tuple[str, str | None] | None:
        lesson_id = self.data.last_lesson
        if lesson_id is None:
            return None
        return lesson_id, self.data.lessons.get(lesson_id, LessonProgress()).current_step

    def summary(self, lesson_id: str, n_steps: int) -> str:
        done = len(self.completed_steps(lesson_id))
        if self.data.lessons.get(lesson_id, LessonProgress()).completed:
            return "complete"
        return f"{min(done, n_steps)}/{n_steps}" if done else "not started"

    # --- changes (each one saved) --------------------------------------------------------

    def record(self, lesson_id: str, step_id: str, answer: str, correct: bool) -> None:
        step = self.lesson(lesson_id).steps.setdefault(step_id, StepProgress())
        step.answer = answer
        step.attempts += 1
        if correct and not step.solved:
            step.solved, step.solved_at = True, _now()
        self.save()

    record_attempt = record

    def reveal_hint(self, lesson_id: str, step_id: str) -> int:
        step = self.lesson(lesson_id).steps.setdefault(step_id, StepProgress())
        step.hints_seen += 1
        self.save()
        return step.hints_seen

    def set_position(self, lesson_id: str, step_id: str | None) -> None:
        self.lesson(lesson_id).current_step = step_id
        self.data.last_lesson = lesson_id
        self.save()

    set_current_step = set_position

    def mark_complete(self, lesson_id: str) -> None:
        lesson = self.lesson(lesson_id)
        if not lesson.completed:
            lesson.completed, lesson.completed_at = True, _now()
        self.save()

    def reset_step(self, lesson_id: str, step_id: str) -> None:
        lesson = self.lesson(lesson_id)
        lesson.steps.pop(step_id, None)
        lesson.completed, lesson.completed_at = False, None
        self.save()

    def reset_lesson(self, lesson_id: str) -> None:
        self.data.lessons.pop(lesson_id, None)
        if self.data.last_lesson == lesson_id:
            self.data.last_lesson = None
        self.save()

    def reset_all(self) -> None:
        """Forget every lesson; the learner keeps their seed (their numbers stay theirs)."""
        self.data = ProgressFile(seed=self.data.seed)
        self.save()


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
