"""A learner's progress: answers, attempts, solved steps, hints seen, where they were, their seed.

One SQLite database (standard library) under the platform's user data directory
(`LSTM_TUTOR_DATA_DIR` overrides it). Why SQLite and not a JSON file rewritten whole: the app,
the CLI beside it, or many visitors of one classroom server write at the same time, and a
whole-file rewrite loses whatever another writer saved in between. Here every change is one
transaction (WAL journal, a busy timeout so writers queue instead of failing), counters are
incremented inside the database, and the learner's seed is drawn with insert-or-ignore, so
simultaneous first launches agree on one seed.

A database that is damaged or not ours is moved aside with its bytes kept and reported through
`problem`; an old progress.json is migrated on first start and kept as progress.json.backup.
Nothing is ever silently dropped: a store that cannot write raises ProgressError. What the store
needs to know about files and SQLite (location, checks, schema, damage) is in progress_file;
opening, recovering, migrating and transactions are in progress_connection.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from tutor.lessons.progress_connection import ProgressConnection
from tutor.lessons.progress_file import DB_NAME, ENV_DIR, ProgressError, data_dir, default_path
from tutor.lessons.progress_json import LessonProgress, ProgressFile, StepProgress

__all__ = [
    "DB_NAME",
    "ENV_DIR",
    "LessonProgress",
    "ProgressError",
    "ProgressFile",
    "ProgressStore",
    "StepProgress",
    "data_dir",
    "default_path",
]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ProgressStore(ProgressConnection):
    """The learner's progress database; every change is saved at once, in one transaction.

    `path` is the database file. A path ending in .json names an old progress file: the
    database then lives beside it (same name, .db) and the JSON is migrated.
    """

    # --- queries -------------------------------------------------------------------------

    @property
    def seed(self) -> int:
        """The learner's randomization seed: drawn once, when the database is created."""
        with self._lock:
            self._conn()
            return int(self._seed) if self._seed is not None else self._read_seed()

    def seed_for(self, lesson_id: str) -> int:
        """The seed a lesson draws its numbers from: the learner's own, the same for all lessons."""
        return self.seed

    def load(self) -> ProgressFile:
        """Everything, as a snapshot (another process may write after this returns)."""
        lessons: dict[str, LessonProgress] = {}
        for row in self._query(
            "SELECT lesson, current_step, completed, started_at, updated_at, completed_at "
            "FROM lessons"
        ):
            lessons[row[0]] = LessonProgress(
                current_step=row[1], completed=bool(row[2]), started_at=row[3],
                updated_at=row[4], completed_at=row[5],
            )  # fmt: skip
        for row in self._query(
            "SELECT lesson, step, answer, attempts, solved, hints_seen, last_attempt_at, "
            "solved_at FROM steps ORDER BY rowid"
        ):
            lesson = lessons.setdefault(row[0], LessonProgress())
            lesson.steps[row[1]] = StepProgress(
                answer=row[2], attempts=row[3], solved=bool(row[4]), hints_seen=row[5],
                last_attempt_at=row[6], solved_at=row[7],
            )  # fmt: skip
        last = self._query("SELECT value FROM meta WHERE key = 'last_lesson'")
        return ProgressFile(
            seed=self.seed, last_lesson=last[0][0] if last else None, lessons=lessons
        )

    @property
    def data(self) -> ProgressFile:
        return self.load()

    def lesson(self, lesson_id: str) -> LessonProgress:
        return self.load().lessons.get(lesson_id, LessonProgress())

    def completed_steps(self, lesson_id: str) -> list[str]:
        rows = self._query(
            "SELECT step FROM steps WHERE lesson = ? AND solved ORDER BY rowid", (lesson_id,)
        )
        return [r[0] for r in rows]

    def answers(self, lesson_id: str) -> dict[str, str]:
        rows = self._query(
            "SELECT step, answer FROM steps WHERE lesson = ? AND answer IS NOT NULL ORDER BY rowid",
            (lesson_id,),
        )
        return dict(rows)

    def attempts(self, lesson_id: str, step_id: str) -> int:
        return self._step_value("attempts", lesson_id, step_id)

    def hints_seen(self, lesson_id: str, step_id: str) -> int:
        return self._step_value("hints_seen", lesson_id, step_id)

    def _step_value(self, column: str, lesson_id: str, step_id: str) -> int:
        rows = self._query(
            f"SELECT {column} FROM steps WHERE lesson = ? AND step = ?", (lesson_id, step_id)
        )
        return int(rows[0][0]) if rows else 0

    def last_position(self) -> tuple[str, str | None] | None:
        rows = self._query(
            "SELECT m.value, l.current_step FROM meta m LEFT JOIN lessons l ON l.lesson = m.value "
            "WHERE m.key = 'last_lesson'"
        )
        return (rows[0][0], rows[0][1]) if rows else None

    def summary(self, lesson_id: str, n_steps: int) -> str:
        rows = self._query("SELECT completed FROM lessons WHERE lesson = ?", (lesson_id,))
        if rows and rows[0][0]:
            return "complete"
        done = len(self.completed_steps(lesson_id))
        return f"{min(done, n_steps)}/{n_steps}" if done else "not started"

    # --- changes (each one a transaction) ------------------------------------------------

    @staticmethod
    def _touch(cur: sqlite3.Cursor, lesson_id: str, now: str) -> None:
        cur.execute(
            "INSERT INTO lessons (lesson, started_at, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (lesson) DO UPDATE SET updated_at = excluded.updated_at, "
            "started_at = COALESCE(started_at, excluded.started_at)",
            (lesson_id, now, now),
        )

    def record(self, lesson_id: str, step_id: str, answer: str, correct: bool) -> None:
        """One attempt at a step: keeps the last answer text; a step once solved stays solved."""
        now = _now()
        with self._changing() as cur:
            self._touch(cur, lesson_id, now)
            # the increment happens in the database: two writers add two attempts
            cur.execute(
                "INSERT INTO steps (lesson, step, answer, attempts, solved, last_attempt_at, "
                "solved_at) VALUES (?, ?, ?, 1, ?, ?, ?) ON CONFLICT (lesson, step) DO UPDATE SET "
                "answer = excluded.answer, attempts = attempts + 1, "
                "last_attempt_at = excluded.last_attempt_at, "
                "solved_at = CASE WHEN solved THEN solved_at ELSE excluded.solved_at END, "
                "solved = solved OR excluded.solved",
                (lesson_id, step_id, answer, int(correct), now, now if correct else None),
            )

    record_attempt = record

    def reveal_hint(self, lesson_id: str, step_id: str) -> int:
        with self._changing() as cur:
            self._touch(cur, lesson_id, _now())
            cur.execute(
                "INSERT INTO steps (lesson, step, hints_seen) VALUES (?, ?, 1) "
                "ON CONFLICT (lesson, step) DO UPDATE SET hints_seen = hints_seen + 1",
                (lesson_id, step_id),
            )
            row = cur.execute(
                "SELECT hints_seen FROM steps WHERE lesson = ? AND step = ?", (lesson_id, step_id)
            ).fetchone()
        return int(row[0])

    def set_position(self, lesson_id: str, step_id: str | None) -> None:
        with self._changing() as cur:
            self._touch(cur, lesson_id, _now())
            cur.execute(
                "UPDATE lessons SET current_step = ? WHERE lesson = ?", (step_id, lesson_id)
            )
            cur.execute("INSERT OR REPLACE INTO meta VALUES ('last_lesson', ?)", (lesson_id,))

    set_current_step = set_position

    def mark_complete(self, lesson_id: str) -> None:
        now = _now()
        with self._changing() as cur:
            self._touch(cur, lesson_id, now)
            cur.execute(
                "UPDATE lessons SET completed = 1, completed_at = ? "
                "WHERE lesson = ? AND NOT completed",
                (now, lesson_id),
            )

    def reset_step(self, lesson_id: str, step_id: str) -> None:
        with self._changing() as cur:
            cur.execute("DELETE FROM steps WHERE lesson = ? AND step = ?", (lesson_id, step_id))
            cur.execute(
                "UPDATE lessons SET completed = 0, completed_at = NULL WHERE lesson = ?",
                (lesson_id,),
            )

    def reset_lesson(self, lesson_id: str) -> None:
        with self._changing() as cur:
            cur.execute("DELETE FROM steps WHERE lesson = ?", (lesson_id,))
            cur.execute("DELETE FROM lessons WHERE lesson = ?", (lesson_id,))
            cur.execute("DELETE FROM meta WHERE key = 'last_lesson' AND value = ?", (lesson_id,))

    def reset_all(self) -> None:
        """Forget every lesson; the learner keeps their seed (their numbers stay theirs)."""
        with self._changing() as cur:
            cur.execute("DELETE FROM steps")
            cur.execute("DELETE FROM lessons")
            cur.execute("DELETE FROM meta WHERE key = 'last_lesson'")
