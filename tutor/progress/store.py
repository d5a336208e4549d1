"""One learner's progress: answers, attempts, solved steps, hints seen, reveals, where they were,
their seed, and the log of every attempt with its diagnosis.

Over either backend (tutor.progress.sqlite, tutor.progress.postgres). Why a database and not a
JSON file rewritten whole: the app, the CLI beside it, or many visitors of one classroom server
write at the same time, and a whole-file rewrite loses whatever another writer saved in
between. Here every change is one transaction, counters are incremented inside the database,
and a learner's seed is drawn with insert-or-ignore, so simultaneous first launches agree on it.

A personal progress file holds one learner (LOCAL), created with the file; a classroom's store
holds many, created at sign-in (tutor.progress.classroom), each read and written through a
ProgressStore bound to them. Nothing is ever silently dropped: a store that cannot write raises
ProgressError.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from tutor.progress.errors import ProgressError
from tutor.progress.legacy_json import LessonProgress, ProgressFile, StepProgress
from tutor.progress.schema import LOCAL, SEED_BOUND
from tutor.progress.sqlite import Tx, now


class ProgressStore:
    """A learner's progress; every change is saved at once, in one transaction.

    `path` is a personal database file (default: progress.db in the data folder; a path ending
    in .json names an old progress file to migrate). `backend` is an open classroom store
    instead, and `learner` who in it. `read_only` opens a file without writing anything.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        read_only: bool = False,
        backend: Any = None,
        learner: str = LOCAL,
    ) -> None:
        self.learner = learner
        self._seed: int | None = None
        if backend is None:
            from tutor.progress.sqlite import SQLiteBackend

            backend = SQLiteBackend(path, read_only=read_only, prepare=self._prepare)
        self.backend = backend
        self._order = backend.dialect.order
        if not read_only and learner == LOCAL:
            self.seed  # noqa: B018 - a damaged seed is an error at once, never a new seed later

    def _prepare(self, tx: Tx) -> None:
        """The personal learner exists once the file is open: their seed is drawn here, or
        kept from before when the file was deleted behind the store."""
        seed = self._seed if self._seed is not None else secrets.randbelow(SEED_BOUND)
        tx.execute(
            "INSERT INTO learners (learner, seed, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (learner) DO NOTHING",
            (LOCAL, seed, now()),
        )

    # --- what the backend says -----------------------------------------------------------

    @property
    def path(self) -> Path:
        return self.backend.path

    @property
    def problem(self) -> str | None:
        return self.backend.problem

    @property
    def read_only(self) -> bool:
        return self.backend.read_only

    @property
    def migrated(self) -> str | None:
        return getattr(self.backend, "migrated", None)

    def close(self) -> None:
        self.backend.close()

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        return self.backend.query(sql, (self.learner, *params))

    # --- queries -------------------------------------------------------------------------

    @property
    def seed(self) -> int:
        """The learner's randomization seed: drawn once, when the learner is created."""
        rows = self._query("SELECT seed FROM learners WHERE learner = ?")
        if not rows or not str(rows[0][0]).isdigit():
            raise ProgressError(f"progress database {self.backend.where} has no valid learner seed")
        self._seed = int(rows[0][0])
        return self._seed

    def seed_for(self, lesson_id: str) -> int:
        """The seed a lesson draws its numbers from: the learner's own, the same for all lessons."""
        return self.seed

    def load(self) -> ProgressFile:
        """Everything, as a snapshot (another process may write after this returns)."""
        lessons: dict[str, LessonProgress] = {}
        for row in self._query(
            "SELECT lesson, current_step, completed, started_at, updated_at, completed_at "
            "FROM lessons WHERE learner = ?"
        ):
            lessons[row[0]] = LessonProgress(
                current_step=row[1], completed=bool(row[2]), started_at=row[3],
                updated_at=row[4], completed_at=row[5],
            )  # fmt: skip
        for row in self._query(
            "SELECT lesson, step, answer, attempts, solved, hints_seen, last_attempt_at, "
            f"solved_at FROM steps WHERE learner = ? ORDER BY {self._order}"
        ):
            lesson = lessons.setdefault(row[0], LessonProgress())
            lesson.steps[row[1]] = StepProgress(
                answer=row[2], attempts=row[3], solved=bool(row[4]), hints_seen=row[5],
                last_attempt_at=row[6], solved_at=row[7],
            )  # fmt: skip
        last = self.last_position()
        return ProgressFile(seed=self.seed, last_lesson=last[0] if last else None, lessons=lessons)

    def completed_steps(self, lesson_id: str) -> list[str]:
        rows = self._query(
            "SELECT step FROM steps WHERE learner = ? AND lesson = ? AND solved = 1 "
            f"ORDER BY {self._order}",
            (lesson_id,),
        )
        return [r[0] for r in rows]

    def answers(self, lesson_id: str) -> dict[str, str]:
        rows = self._query(
            "SELECT step, answer FROM steps WHERE learner = ? AND lesson = ? "
            f"AND answer IS NOT NULL ORDER BY {self._order}",
            (lesson_id,),
        )
        return dict(rows)

    def attempts(self, lesson_id: str, step_id: str) -> int:
        return self._step_value("attempts", lesson_id, step_id)

    def hints_seen(self, lesson_id: str, step_id: str) -> int:
        return self._step_value("hints_seen", lesson_id, step_id)

    def revealed(self, lesson_id: str, step_id: str) -> bool:
        return bool(self._step_value("revealed", lesson_id, step_id))

    def _step_value(self, column: str, lesson_id: str, step_id: str) -> int:
        rows = self._query(
            f"SELECT {column} FROM steps WHERE learner = ? AND lesson = ? AND step = ?",
            (lesson_id, step_id),
        )
        return int(rows[0][0]) if rows else 0

    def last_position(self) -> tuple[str, str | None] | None:
        rows = self._query(
            "SELECT k.last_lesson, l.current_step FROM learners k LEFT JOIN lessons l "
            "ON l.learner = k.learner AND l.lesson = k.last_lesson "
            "WHERE k.learner = ? AND k.last_lesson IS NOT NULL"
        )
        return (rows[0][0], rows[0][1]) if rows else None

    def summary(self, lesson_id: str, n_steps: int) -> str:
        rows = self._query(
            "SELECT completed FROM lessons WHERE learner = ? AND lesson = ?", (lesson_id,)
        )
        if rows and rows[0][0]:
            return "complete"
        done = len(self.completed_steps(lesson_id))
        return f"{min(done, n_steps)}/{n_steps}" if done else "not started"

    def history(self, lesson_id: str | None = None) -> list[tuple]:
        """Every attempt, oldest first: (lesson, step, answer, correct, mistake, hints, at)."""
        where, params = ("AND lesson = ?", (lesson_id,)) if lesson_id else ("", ())
        return self._query(
            "SELECT lesson, step, answer, correct, mistake, hints, at FROM attempts "
            f"WHERE learner = ? {where} ORDER BY id",
            params,
        )

    # --- changes (each one a transaction) ------------------------------------------------

    def _touch(self, tx: Tx, lesson_id: str, at: str) -> None:
        tx.execute(
            "INSERT INTO lessons (learner, lesson, started_at, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (learner, lesson) DO UPDATE SET updated_at = excluded.updated_at, "
            "started_at = COALESCE(lessons.started_at, excluded.started_at)",
            (self.learner, lesson_id, at, at),
        )

    def _changing(self):
        return self.backend.changing()

    def record(
        self, lesson_id: str, step_id: str, answer: str, correct: bool, mistake: str | None = None
    ) -> None:
        """One attempt at a step: keeps the last answer text; a step once solved stays solved.
        `mistake` is the diagnosis's name for a wrong answer, kept in the attempt log."""
        at, me = now(), self.learner
        with self._changing() as tx:
            self._touch(tx, lesson_id, at)
            # the increment happens in the database: two writers add two attempts
            tx.execute(
                "INSERT INTO steps (learner, lesson, step, answer, attempts, solved, "
                "last_attempt_at, solved_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?) "
                "ON CONFLICT (learner, lesson, step) DO UPDATE SET answer = excluded.answer, "
                "attempts = steps.attempts + 1, last_attempt_at = excluded.last_attempt_at, "
                "solved_at = CASE WHEN steps.solved = 1 THEN steps.solved_at "
                "ELSE excluded.solved_at END, "
                "solved = CASE WHEN steps.solved = 1 THEN 1 ELSE excluded.solved END",
                (me, lesson_id, step_id, answer, int(correct), at, at if correct else None),
            )
            tx.execute(
                "INSERT INTO attempts (learner, lesson, step, answer, correct, mistake, hints, "
                "at) SELECT ?, ?, ?, ?, ?, ?, hints_seen, ? FROM steps "
                "WHERE learner = ? AND lesson = ? AND step = ?",
                (me, lesson_id, step_id, answer, int(correct), mistake, at, me, lesson_id,
                 step_id),
            )  # fmt: skip

    def reveal_hint(self, lesson_id: str, step_id: str) -> int:
        with self._changing() as tx:
            self._touch(tx, lesson_id, now())
            rows = tx.execute(
                "INSERT INTO steps (learner, lesson, step, hints_seen) VALUES (?, ?, ?, 1) "
                "ON CONFLICT (learner, lesson, step) DO UPDATE SET "
                "hints_seen = steps.hints_seen + 1 RETURNING hints_seen",
                (self.learner, lesson_id, step_id),
            )
        return int(rows[0][0])

    def reveal(self, lesson_id: str, step_id: str) -> None:
        """The learner had the answer shown."""
        with self._changing() as tx:
            self._touch(tx, lesson_id, now())
            tx.execute(
                "INSERT INTO steps (learner, lesson, step, revealed) VALUES (?, ?, ?, 1) "
                "ON CONFLICT (learner, lesson, step) DO UPDATE SET revealed = 1",
                (self.learner, lesson_id, step_id),
            )

    def set_position(self, lesson_id: str, step_id: str | None) -> None:
        """Where the learner is; the first time a step is shown is kept (for time spent)."""
        at = now()
        with self._changing() as tx:
            self._touch(tx, lesson_id, at)
            tx.execute(
                "UPDATE lessons SET current_step = ? WHERE learner = ? AND lesson = ?",
                (step_id, self.learner, lesson_id),
            )
            if step_id is not None:
                tx.execute(
                    "INSERT INTO steps (learner, lesson, step, opened_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (learner, lesson, step) DO UPDATE SET "
                    "opened_at = COALESCE(steps.opened_at, excluded.opened_at)",
                    (self.learner, lesson_id, step_id, at),
                )
            tx.execute(
                "UPDATE learners SET last_lesson = ? WHERE learner = ?", (lesson_id, self.learner)
            )

    def mark_complete(self, lesson_id: str) -> None:
        at = now()
        with self._changing() as tx:
            self._touch(tx, lesson_id, at)
            tx.execute(
                "UPDATE lessons SET completed = 1, completed_at = ? "
                "WHERE learner = ? AND lesson = ? AND completed = 0",
                (at, self.learner, lesson_id),
            )

    def reset_step(self, lesson_id: str, step_id: str) -> None:
        me = self.learner
        with self._changing() as tx:
            for table in ("steps", "attempts"):
                tx.execute(
                    f"DELETE FROM {table} WHERE learner = ? AND lesson = ? AND step = ?",
                    (me, lesson_id, step_id),
                )
            tx.execute(
                "UPDATE lessons SET completed = 0, completed_at = NULL "
                "WHERE learner = ? AND lesson = ?",
                (me, lesson_id),
            )

    def reset_lesson(self, lesson_id: str) -> None:
        me = self.learner
        with self._changing() as tx:
            for table in ("steps", "attempts", "lessons"):
                tx.execute(f"DELETE FROM {table} WHERE learner = ? AND lesson = ?", (me, lesson_id))
            tx.execute(
                "UPDATE learners SET last_lesson = NULL WHERE learner = ? AND last_lesson = ?",
                (me, lesson_id),
            )

    def reset_all(self) -> None:
        """Forget every lesson; the learner keeps their seed (their numbers stay theirs)."""
        me = self.learner
        with self._changing() as tx:
            for table in ("steps", "attempts", "lessons"):
                tx.execute(f"DELETE FROM {table} WHERE learner = ?", (me,))
            tx.execute("UPDATE learners SET last_lesson = NULL WHERE learner = ?", (me,))
