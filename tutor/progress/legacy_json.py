"""The progress format before the SQLite store: one JSON file, read once to migrate it.

Kept apart from the store because it has one job: turn an old progress.json into the pydantic
snapshot the store imports (or a ValueError saying why the file is not usable), and copy that
into the tables. The same pydantic models are the snapshot `ProgressStore.load()` returns.
"""

from __future__ import annotations

import json
import secrets
import stat
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from tutor.progress.schema import FORMAT, LOCAL

VERSION = 1  # of the JSON file (the database has its own, in tutor.progress.schema)
MAX_BYTES = 20_000_000  # a learner's progress is kilobytes; anything near this is not ours


# extra="forbid": a key we do not know means the file is not ours (or newer than us), and
# importing it would drop data; such a file is set aside rather than half-read.
class StepProgress(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str | None = None  # the last answer text
    attempts: int = Field(default=0, ge=0, le=2**62)
    solved: bool = False
    hints_seen: int = Field(default=0, ge=0, le=2**62)
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
    seed: int = Field(default_factory=lambda: secrets.randbelow(2**31), ge=0, lt=2**63)
    last_lesson: str | None = None
    lessons: dict[str, LessonProgress] = Field(default_factory=dict)


def read_legacy(path: Path) -> ProgressFile:
    """The old JSON file's content, or ValueError (not ours, damaged) / OSError (unreadable).

    Only a regular file is opened: a named pipe would block the read forever.
    """
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise OSError(f"{path} is not a regular file")
    if st.st_size > MAX_BYTES:
        raise ValueError(f"{st.st_size:,} bytes is far more than a progress file holds")
    return parse(path.read_bytes())


def parse(raw: bytes) -> ProgressFile:
    """Our file or a ValueError saying why not; the marker is checked before the schema."""
    try:
        doc = json.loads(raw)
    except RecursionError:  # e.g. 100,000 "[": json's decoder recurses per bracket
        raise ValueError("nested too deeply to be a progress file") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f'not an lstm-tutor progress file (no "format": "{FORMAT}" marker)')
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"unknown format version {version!r}")
    if version > VERSION:
        raise ValueError(f"written by a newer lstm-tutor (format version {version} > {VERSION})")
    return ProgressFile.model_validate(doc)


def import_legacy(tx, legacy: ProgressFile, now: str) -> None:
    """Copy an old JSON progress into the fresh tables, as the LOCAL learner, in the
    transaction that created them."""
    tx.execute(
        "INSERT INTO learners (learner, seed, last_lesson, created_at) VALUES (?, ?, ?, ?)",
        (LOCAL, legacy.seed, legacy.last_lesson, now),
    )
    for lesson_id, lesson in legacy.lessons.items():
        tx.execute(
            "INSERT INTO lessons VALUES (?, ?, ?, ?, ?, ?, ?)",
            (LOCAL, lesson_id, lesson.current_step, int(lesson.completed), lesson.started_at,
             lesson.updated_at, lesson.completed_at),
        )  # fmt: skip
        for step_id, s in lesson.steps.items():
            tx.execute(
                "INSERT INTO steps (learner, lesson, step, answer, attempts, solved, hints_seen, "
                "last_attempt_at, solved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (LOCAL, lesson_id, step_id, s.answer, s.attempts, int(s.solved), s.hints_seen,
                 s.last_attempt_at, s.solved_at),
            )  # fmt: skip
