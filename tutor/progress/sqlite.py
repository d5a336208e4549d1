"""The SQLite backend: connect (WAL, busy timeout), fall back to read-only, create or migrate
the tables, import an old progress.json once, set a damaged file aside, reopen a file replaced
behind our back, and run each change as one transaction.

A read-only open (`read_only=True`) writes nothing at all: no folder, no journal mode change, no
migration, no setting aside. An older file is migrated in memory for the reading, and a file
that does not exist reads as empty.

tutor.progress.store says what the progress is (its queries and changes); tutor.progress.files
holds the facts about files and SQLite's errors this module relies on.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from tutor.progress import files as pf
from tutor.progress.errors import ProgressError
from tutor.progress.files import BUSY_TIMEOUT_S, ENV_DIR, LEGACY_NAME
from tutor.progress.legacy_json import ProgressFile, import_legacy, read_legacy
from tutor.progress.schema import FORMAT, SQLITE, TABLES, VERSION, migrate


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Tx:
    """One open transaction: `execute` returns the rows (none for a change)."""

    def __init__(self, cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        self._cursor.execute(sql, params)
        return self._cursor.fetchall() if self._cursor.description else []


Prepare = Callable[[Tx], None]  # run in the transaction that opens the store (e.g. a seed)


class SQLiteBackend:
    """A progress database in one file. `path` ending in .json names an old progress file: the
    database then lives beside it (same name, .db) and the JSON is migrated.

    `prepare` runs inside the transaction that creates or opens the tables, so that what it
    inserts (a learner's seed) is decided once among simultaneous first launches."""

    dialect = SQLITE

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        read_only: bool = False,
        prepare: Prepare | None = None,
    ) -> None:
        path = Path(path) if path is not None else pf.default_path()
        if path.suffix == ".json":
            self.path, self.legacy_path = path.with_suffix(".db"), path
        else:
            self.path, self.legacy_path = path, path.with_name(LEGACY_NAME)
        self.where = str(self.path)
        self.problem: str | None = None  # a message for the learner (set aside, read-only)
        self.read_only = read_only
        self.asked_read_only = read_only
        self.migrated: str | None = None  # set when an old progress.json was imported
        self._prepare = prepare
        self._lock = threading.Lock()  # one connection, possibly used from worker threads
        self._db: sqlite3.Connection | None = None
        self._identity: tuple[int, int] | None = None  # (device, inode) of the open database
        self._open()

    # --- opening -------------------------------------------------------------------------

    def _open(self) -> None:
        if self.asked_read_only:
            self._open_for_reading()
            return
        folder = self.path.parent
        pf.check_folder(folder)
        pf.check_regular(self.path)
        pf.clean_temporaries(folder)
        try:
            self._connect()
            migrated = self._initialise()
        except pf.Damaged as damaged:
            self._close()
            self._set_aside(self.path, damaged.reason)
            self._connect()
            migrated = self._initialise()
        if migrated and self.legacy_path.exists():
            self._keep_backup()

    def _open_for_reading(self) -> None:
        """Read what is there and change nothing: a missing file is an empty store."""
        pf.check_regular(self.path)
        if not self.path.exists():
            self._db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            self._create(self._db)
            return
        self._connect_read_only()
        try:
            version = self._check_marker()
        except pf.Damaged as damaged:
            raise ProgressError(f"cannot read {self.path}: {damaged.reason}") from None
        if version < VERSION:
            self._read_a_migrated_copy(version)

    def _read_a_migrated_copy(self, version: int) -> None:
        """An older layout that must not be changed: migrate a copy in memory, to read it."""
        assert self._db is not None
        memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._db.backup(memory)
        self._db.close()
        self._db = memory
        migrate(Tx(memory.cursor()).execute, version, now())

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        for statement in SQLITE.statements():
            db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('format', ?), ('version', ?)", (FORMAT, str(VERSION)))

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
                self.problem = (
                    f"Your progress database {self.path} is read-only: your answers will not "
                    f"be saved. Make it writable, or set {ENV_DIR} to a writable folder."
                )
                return
            raise ProgressError(pf.cannot("open", self.path, exc)) from None
        self._db = db
        self._identity = pf.identity(self.path)

    def _connect_read_only(self) -> None:
        """A read-only folder or file: read the seed and answers, refuse every change."""
        uri = self.path.resolve().as_uri()
        queries = ["?mode=ro", "?mode=ro&immutable=1"]  # immutable: WAL without a -shm
        if self.asked_read_only and not self.path.with_name(self.path.name + "-wal").exists():
            # nobody has it open (no -wal): read it as it is, for a plain read-only open of a
            # WAL database would create the -wal and -shm files, and this open writes nothing
            queries.reverse()
        for query in queries:
            try:
                db = sqlite3.connect(
                    uri + query, uri=True, isolation_level=None, check_same_thread=False
                )
                db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
                pf.check_readable(db)
                break
            except sqlite3.Error as exc:
                error = exc
        else:
            raise ProgressError(pf.cannot("read", self.path, error)) from None
        self._db, self.read_only = db, True
        self._identity = pf.identity(self.path)

    def _check_marker(self) -> int:
        """The version of an existing database of ours (0: no tables yet), else Damaged."""
        db = self._db
        assert db is not None
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not tables:
            return 0
        if not tables >= TABLES:
            raise pf.Damaged("it is not an lstm-tutor progress database")
        marker = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('format', 'version')"))
        if marker.get("format") != FORMAT:
            raise pf.Damaged("it is not an lstm-tutor progress database (no format marker)")
        version = marker.get("version", "")
        if not version.isdigit() or not 1 <= int(version):
            raise pf.Damaged(f"unknown format version {version!r}")
        if int(version) > VERSION:
            raise pf.Damaged(f"written by a newer lstm-tutor (format version {version})")
        return int(version)

    def _initialise(self) -> bool:
        """Create (or migrate) the tables; True when an old progress.json was imported.

        The marker is checked again inside the write transaction: of simultaneous first
        launches, one creates the tables, imports the old JSON and migrates, and the others
        find that done."""
        version = self._check_marker()
        if version < VERSION and self.read_only:
            self._read_a_migrated_copy(version)
        if self.read_only:
            return False
        with self._write() as tx:
            version = self._check_marker()
            legacy = None
            if version == 0:
                for statement in SQLITE.statements():  # not executescript: it commits halfway
                    tx.execute(statement)
                tx.execute("INSERT INTO meta VALUES ('format', ?), ('version', ?)",
                           (FORMAT, str(VERSION)))  # fmt: skip
                legacy = self._legacy()
                if legacy is not None:
                    import_legacy(tx, legacy, now())
            elif version < VERSION:
                migrate(tx.execute, version, now())
            if self._prepare is not None:
                self._prepare(tx)
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
        if self._db is None or (
            not self.asked_read_only and pf.identity(self.path) != self._identity
        ):
            # deleted: a reset by hand; `prepare` keeps the learner's seed (their numbers)
            self._close()
            self.read_only = self.asked_read_only
            self._open()
        assert self._db is not None
        return self._db

    @contextmanager
    def _write(self) -> Iterator[Tx]:
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
                yield Tx(cur)
                cur.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise ProgressError(pf.cannot("save progress to", self.path, exc)) from None

    @contextmanager
    def changing(self) -> Iterator[Tx]:
        """One change, all or nothing."""
        with self._lock:
            self._conn()
            with self._write() as tx:
                yield tx

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            try:
                return self._conn().execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise ProgressError(pf.cannot("read", self.path, exc)) from None
