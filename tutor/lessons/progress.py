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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

FORMAT = "lstm-tutor/progress"
VERSION = 1
ENV_DIR = "LSTM_TUTOR_DATA_DIR"


class ProgressError(RuntimeError):
    """Progress could not be read or written (the message says where and why)."""


# extra="forbid": a key we do not know means the file is not ours (or newer than us), and saving
# would drop it; such a file is set aside rather than half-read.
class StepProgress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str | None = None  # the last answer text
    attempts: int = Field(default=0, ge=0)
    solved: bool = False
    hints_seen: int = Field(default=0, ge=0)
    last_attempt_at: str | None = None  # UTC ISO timestamps
    solved_at: str | None = None


class LessonProgress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    steps: dict[str, StepProgress] = Field(default_factory=dict)
    current_step: str | None = None  # where to resume
    completed: bool = False
    started_at: str | None = None
    updated_at: str | None = None
    completed_at: str | None = None


class ProgressFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
        self.problem: str | None = None  # a message for the learner when the file was set aside
        self._stamp: tuple[int, int] | None = None  # the file as we last read or wrote it
        self.data = self._read()

    # --- reading and writing -------------------------------------------------------------

    def load(self) -> ProgressFile:
        """Read the file again (another process may have written it); returns the data."""
        self.data = self._read()
        return self.data

    def _sync(self) -> ProgressFile:
        """Pick up what another process (the CLI beside the app) wrote since we last looked."""
        stamp = _stamp(self.path)
        if stamp != self._stamp:
            if stamp is None:  # deleted behind our back: a reset, but the learner's seed stays
                self.data = ProgressFile(seed=self.data.seed)
                self._stamp = None
            else:
                self.data = self._read()
        return self.data

    def _read(self) -> ProgressFile:
        self._stamp = _stamp(self.path)  # before reading: a write in between is seen next time
        if self._stamp is None:
            return ProgressFile()
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise ProgressError(f"cannot read progress file {self.path}: {exc}") from None
        try:
            return _parse(raw)
        except (ValueError, ValidationError) as exc:  # JSONDecodeError/UnicodeError are ValueErrors
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
        _fsync_dir(self.path.parent)
        self._stamp = _stamp(self.path)

    # --- queries -------------------------------------------------------------------------

    @property
    def seed(self) -> int:
        """The learner's randomization seed: drawn once, stable afterwards."""
        self._sync()
        if not self.path.exists():
            try:
                self.save()
            except ProgressError as exc:  # a read-only home must not stop a lesson from opening
                self.problem = f"{exc}; your numbers will be drawn afresh next time."
        return self.data.seed

    def seed_for(self, lesson_id: str) -> int:
        """The seed a lesson draws its numbers from: the learner's own, the same for all lessons."""
        return self.seed

    def lesson(self, lesson_id: str) -> LessonProgress:
        return self._sync().lessons.setdefault(lesson_id, LessonProgress())

    def completed_steps(self, lesson_id: str) -> list[str]:
        steps = self._sync().lessons.get(lesson_id, LessonProgress()).steps
        return [step_id for step_id, s in steps.items() if s.solved]

    def answers(self, lesson_id: str) -> dict[str, str]:
        steps = self._sync().lessons.get(lesson_id, LessonProgress()).steps
        return {step_id: s.answer for step_id, s in steps.items() if s.answer is not None}

    def attempts(self, lesson_id: str, step_id: str) -> int:
        return self._step(lesson_id, step_id).attempts

    def hints_seen(self, lesson_id: str, step_id: str) -> int:
        return self._step(lesson_id, step_id).hints_seen

    def _step(self, lesson_id: str, step_id: str) -> StepProgress:
        return (
            self._sync().lessons.get(lesson_id, LessonProgress()).steps.get(step_id, StepProgress())
        )

    def last_position(self) -> tuple[str, str | None] | None:
        lesson_id = self._sync().last_lesson
        if lesson_id is None:
            return None
        return lesson_id, self._sync().lessons.get(lesson_id, LessonProgress()).current_step

    def summary(self, lesson_id: str, n_steps: int) -> str:
        done = len(self.completed_steps(lesson_id))
        if self._sync().lessons.get(lesson_id, LessonProgress()).completed:
            return "complete"
        return f"{min(done, n_steps)}/{n_steps}" if done else "not started"

    # --- changes (each one saved) --------------------------------------------------------

    def _touch(self, lesson_id: str) -> LessonProgress:
        lesson = self.lesson(lesson_id)
        lesson.updated_at = _now()
        lesson.started_at = lesson.started_at or lesson.updated_at
        return lesson

    def record(self, lesson_id: str, step_id: str, answer: str, correct: bool) -> None:
        """One attempt at a step: keeps the last answer text; a step once solved stays solved."""
        step = self._touch(lesson_id).steps.setdefault(step_id, StepProgress())
        step.answer = answer
        step.attempts += 1
        step.last_attempt_at = _now()
        if correct and not step.solved:
            step.solved, step.solved_at = True, step.last_attempt_at
        self.save()

    record_attempt = record

    def reveal_hint(self, lesson_id: str, step_id: str) -> int:
        step = self._touch(lesson_id).steps.setdefault(step_id, StepProgress())
        step.hints_seen += 1
        self.save()
        return step.hints_seen

    def set_position(self, lesson_id: str, step_id: str | None) -> None:
        self._touch(lesson_id).current_step = step_id
        self.data.last_lesson = lesson_id
        self.save()

    set_current_step = set_position

    def mark_complete(self, lesson_id: str) -> None:
        lesson = self._touch(lesson_id)
        if not lesson.completed:
            lesson.completed, lesson.completed_at = True, _now()
        self.save()

    def reset_step(self, lesson_id: str, step_id: str) -> None:
        lesson = self.lesson(lesson_id)
        lesson.steps.pop(step_id, None)
        lesson.completed, lesson.completed_at = False, None
        self.save()

    def reset_lesson(self, lesson_id: str) -> None:
        self._sync().lessons.pop(lesson_id, None)
        if self.data.last_lesson == lesson_id:
            self.data.last_lesson = None
        self.save()

    def reset_all(self) -> None:
        """Forget every lesson; the learner keeps their seed (their numbers stay theirs)."""
        self.data = ProgressFile(seed=self._sync().seed)
        self.save()


def _parse(raw: bytes) -> ProgressFile:
    """Our file or a ValueError saying why not; the marker is checked before the schema."""
    doc = json.loads(raw)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f'not an lstm-tutor progress file (no "format": "{FORMAT}" marker)')
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"unknown format version {version!r}")
    if version > VERSION:
        raise ValueError(f"written by a newer lstm-tutor (format version {version} > {VERSION})")
    return ProgressFile.model_validate(doc)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _short(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the top level"
        return f"{where}: {first['msg']}"[:160]
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
