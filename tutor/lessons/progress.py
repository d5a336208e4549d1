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
needs to know about files and SQLite (location, checks, schema, damage) is in progress_file.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from tutor.lessons import progress_file as pf
from tutor.lessons.progress_file import (
    BUSY_TIMEOUT_S,
    DB_NAME,
    ENV_DIR,
    LEGACY_NAME,
    SCHEMA,
    SEED_BOUND,
    TABLES,
    ProgressError,
    data_dir,
    default_path,
)
from tutor.lessons.progress_json import (
    FORMAT,
    VERSION,
    LessonProgress,
    ProgressFile,
    StepProgress,
    read_legacy,
)

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


class ProgressStore:
    """The learner's progress database; every change is saved at once, in one transaction.

    `path` is the database file. A path ending in .json names an old progress file: the
    database then lives beside it (same name, .db) and the JSON is migrated.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        path = Path(path) if path is not None else default_path()
        if path.suffix == ".json":
            self.path, self.legacy_path = path.with_suffix(".db"), path
        else:
            self.path, self.legacy_path = path, path.with_name(LEGACY_NAME)
        self.problem: str | None = None  # a message for the learner (set aside, read-only)
        self.read_only = False
        self.migrated: str | None = None  # set when an old progress.json was imported
        self._lock = threading.Lock()  # one connection, possibly used from worker threads
        self._db: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None  # (device, inode) of the open database
        self._seed: int | None = None
        self._open()

    # --- opening -------------------------------------------------------------------------

    def _open(self, keep_seed: int | None = None) -> None:
        folder = self.path.parent
        pf.check_folder(folder)
        pf.check_regular(self.path)
        pf.clean_temporaries(folder)
        try:
            self._connect()
            migrated = self._initialise(keep_seed)
        except pf.Damaged as damaged:
            self._close()
            self._set_aside(self.path, damaged.reason)
            self._connect()
            migrated = self._initialise(keep_seed)
        if migrated and self.legacy_path.exists():
            self._keep_backup()

    def _connect(self) -> None:
        existed = self.path.exists()
        db = None
        try:
            if not existed:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            try:
                pf.check_readable(db)
            except BaseException:
                db.close()
                raise
            pf.retry_busy(lambda: db.execute("PRAGMA journal_mode = WAL").fetchone())
            db.execute("PRAGMA synchronous = FULL")  # a committed attempt survives power loss
        except pf.Damaged:
            raise
        except (sqlite3.Error, OSError) as exc:
            if db is not None:
                db.close()
            if existed and pf.is_read_only(exc):
                self._connect_read_only()
                return
            raise ProgressError(pf.cannot("open", self.path, exc)) from None
        self._db = db
        self._identity = pf.identity(self.path)

    def _connect_read_only(self) -> None:
        """A read-only folder or file: read the seed and answers, refuse every change."""
        uri = self.path.resolve().as_uri()
        for query in ("?mode=ro", "?mode=ro&immutable=1"):  # immutable: WAL without a -shm
            try:
                db = sqlite3.connect(uri + query, uri=True, isolation_level=None)
                pf.check_readable(db)
                break
            except sqlite3.Error as exc:
                error = exc
        else:
            raise ProgressError(pf.cannot("read", self.path, error)) from None
        self._db, self.read_only = db, True
        self._identity = pf.identity(self.path)
        self.problem = (
            f"Your progress database {self.path} is read-only: your answers will not be saved. "
            f"Make it writable, or set {ENV_DIR} to a writable folder."
        )

    def _initialise(self, keep_seed: int | None) -> bool:
        """Create the tables and draw the seed once; check the marker of an existing database.

        The old JSON is read and imported inside the same write transaction as the tables'
        creation, by whichever process creates them: simultaneous first launches import it
        exactly once and all see its seed. True when this call imported it."""
        db = self._db
        assert db is not None
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and not tables >= TABLES:
            raise pf.Damaged("it is not an lstm-tutor progress database")
        if tables:
            marker = dict(
                db.execute("SELECT key, value FROM meta WHERE key IN ('format', 'version')")
            )
            if marker.get("format") != FORMAT:
                raise pf.Damaged("it is not an lstm-tutor progress database (no format marker)")
            version = marker.get("version", "")
            if not version.isdigit() or not 1 <= int(version):
                raise pf.Damaged(f"unknown format version {version!r}")
            if int(version) > VERSION:
                raise pf.Damaged(f"written by a newer lstm-tutor (format version {version})")
        if self.read_only:
            self._seed = self._read_seed()
            return False
        with self._write() as cur:  # not executescript: it would commit halfway
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    cur.execute(statement)
            fresh = cur.execute("SELECT 1 FROM meta WHERE key = 'format'").fetchone() is None
            legacy = self._legacy() if fresh else None
            seed = keep_seed if keep_seed is not None else (
                legacy.seed if legacy is not None else secrets.randbelow(SEED_BOUND)
            )  # fmt: skip
            cur.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
            cur.execute("INSERT OR IGNORE INTO meta VALUES ('version', ?)", (str(VERSION),))
            # insert-or-ignore inside the transaction: of many first launches, the first wins
            cur.execute("INSERT OR IGNORE INTO meta VALUES ('seed', ?)", (str(seed),))
            if legacy is not None:
                pf.import_legacy(cur, legacy)
        self._seed = self._read_seed()
        return legacy is not None

    def _legacy(self) -> ProgressFile | None:
        """The old JSON progress to migrate (None if absent); a damaged one is set aside."""
        try:
            return read_legacy(self.legacy_path)
        except FileNotFoundError:
            return None
        except ValueError as exc:  # not JSON, not ours, misshapen: keep its bytes, start afresh
            self._set_aside(self.legacy_path, pf.short(exc))
            return None
        except OSError as exc:
            raise ProgressError(pf.cannot("read", self.legacy_path, exc)) from None

    def _keep_backup(self) -> None:
        backup = pf.free_name(self.legacy_path.with_name(self.legacy_path.name + ".backup"))
        try:
            os.replace(self.legacy_path, backup)
        except OSError:  # migrated all the same; the JSON simply stays where it was
            return
        self.migrated = f"moved into {self.path.name}; the old file is kept as {backup.name}"

    def _set_aside(self, path: Path, reason: str) -> None:
        """Move a damaged file (and its journal) aside, bytes intact, and say so."""
        aside = pf.free_name(
            path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        )
        try:
            os.replace(path, aside)
            for suffix in ("-wal", "-journal"):
                journal = path.with_name(path.name + suffix)
                if journal.exists():
                    os.replace(journal, aside.with_name(aside.name + suffix))
            path.with_name(path.name + "-shm").unlink(missing_ok=True)  # an index, rebuilt
        except OSError as move_error:
            raise ProgressError(
                f"progress file {path} is unreadable ({reason}) and could not be "
                f"moved aside: {move_error}"
            ) from None
        self.problem = (
            f"Your progress file {path} could not be read ({reason}); it was kept as "
            f"{aside.name} and a fresh one was started."
        )

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def close(self) -> None:
        """Close the database (also done when the store is garbage-collected)."""
        with self._lock:
            self._close()

    def __del__(self) -> None:
        try:
            self._close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    # --- transactions --------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        """The open database; reopened when the file was deleted or replaced behind us."""
        if self._db is None or pf.identity(self.path) != self._identity:
            # deleted: a reset by hand, but the learner keeps their seed (their numbers)
            self._close()
            self._open(keep_seed=self._seed)
        assert self._db is not None
        return self._db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Cursor]:
        """One IMMEDIATE transaction: the write lock is taken up front, so concurrent
        read-modify-write sequences queue instead of interleaving."""
        if self.read_only:
            raise ProgressError(
                f"cannot save progress to {self.path}: it is read-only "
                f"(make it writable, or set {ENV_DIR} to a writable folder)"
            )
        db = self._db
        assert db is not None
        try:
            cur = db.cursor()
            pf.retry_busy(lambda: cur.execute("BEGIN IMMEDIATE"))
            try:
                yield cur
                cur.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise ProgressError(pf.cannot("save progress to", self.path, exc)) from None

    @contextmanager
    def _changing(self) -> Iterator[sqlite3.Cursor]:
        with self._lock:
            self._conn()
            with self._write() as cur:
                yield cur

    def _query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._conn().execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise ProgressError(pf.cannot("read", self.path, exc)) from None

    def _read_seed(self) -> int:
        db = self._db
        assert db is not None
        row = db.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone()
        if row is None or not str(row[0]).isdigit():
            raise ProgressError(f"progress database {self.path} has no valid learner seed")
        return int(row[0])

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
