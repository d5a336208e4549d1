"""Opening the progress database and keeping it usable: connect (WAL, busy timeout), fall back
to read-only, create the tables and draw the seed, import an old progress.json once, set a
damaged file aside, reopen a file replaced behind our back, and run each change as one
transaction.

tutor.lessons.progress.ProgressStore builds on this with what the learner's progress is (its
queries and changes); progress_file holds the facts about files and SQLite both rely on.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tutor.lessons import progress_file as pf
from tutor.lessons.progress_file import (
    BUSY_TIMEOUT_S,
    ENV_DIR,
    LEGACY_NAME,
    SCHEMA,
    SEED_BOUND,
    TABLES,
    ProgressError,
    default_path,
)
from tutor.lessons.progress_json import FORMAT, VERSION, ProgressFile, read_legacy


class ProgressConnection:
    """The open progress database: how it is opened, recovered, migrated and written
    (ProgressStore says what `path` may be)."""

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
