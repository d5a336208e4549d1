"""The PostgreSQL backend: one classroom shared by several `serve` hosts (psycopg 3).

The same tables and SQL as the SQLite backend (tutor.progress.schema); what differs is the
connection: placeholders, the tables created under an advisory lock (two hosts starting at once
would otherwise race on CREATE TABLE IF NOT EXISTS), a connection lost to a server restart
reopened once, and errors turned into ProgressError with the address but never the password.
psycopg is imported only here, and only when a postgresql:// store is asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from tutor.progress.errors import ProgressError
from tutor.progress.schema import FORMAT, POSTGRES, VERSION

SCHEMA_LOCK = 726_354_112  # any constant: the advisory lock held while the tables are made
INSTALL = "pip install 'lstm-tutor[postgres]'"


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.split("://", 1)[0] in ("postgresql", "postgres")


def shown(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    user = f"{parts.username}:***@" if parts.username else ""
    netloc = f"{user}{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class PgTx:
    """One open transaction: `execute` takes SQLite's `?` placeholders and returns the rows."""

    def __init__(self, cursor) -> None:
        self._cursor = cursor

    def execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        self._cursor.execute(sql.replace("?", "%s"), params)
        return self._cursor.fetchall() if self._cursor.description else []


class PostgresBackend:
    """A classroom's progress in a PostgreSQL database named by `url`."""

    dialect = POSTGRES

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        try:
            import psycopg
        except ImportError:
            raise ProgressError(
                f"a postgresql:// store needs psycopg: {INSTALL} (or pip install psycopg)"
            ) from None
        self._psycopg = psycopg
        self.url, self.where = url, shown(url)
        self.path = self.where
        self.problem: str | None = None
        self.read_only = read_only
        self.migrated: str | None = None
        self._lock = threading.Lock()
        self._db = None
        with self._lock:
            self._connect()
            self._initialise()

    def _connect(self) -> None:
        try:
            self._db = self._psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except self._psycopg.Error as exc:
            raise ProgressError(self._cannot("connect to", exc)) from None

    def _cannot(self, verb: str, exc: Exception) -> str:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"cannot {verb} the progress database {self.where}: {reason}"

    def _initialise(self) -> None:
        """Create the tables once (under the advisory lock) and check the marker."""
        if not self.read_only:
            with self._transaction() as tx:
                tx.execute("SELECT pg_advisory_xact_lock(?)", (SCHEMA_LOCK,))
                for statement in POSTGRES.statements():
                    tx.execute(statement)
                tx.execute(
                    "INSERT INTO meta VALUES ('format', ?), ('version', ?) ON CONFLICT DO NOTHING",
                    (FORMAT, str(VERSION)),
                )
        try:
            rows = self._run("SELECT key, value FROM meta WHERE key IN ('format', 'version')")
        except ProgressError as exc:
            raise ProgressError(f"{exc} (is it an lstm-tutor store?)") from None
        marker = dict(rows)
        if marker.get("format") != FORMAT:
            raise ProgressError(f"{self.where} is not an lstm-tutor progress database")
        if not str(marker.get("version", "")).isdigit() or int(marker["version"]) > VERSION:
            raise ProgressError(
                f"{self.where} was written by a newer lstm-tutor "
                f"(format version {marker.get('version')!r}); upgrade lstm-tutor"
            )

    def _alive(self):
        """The connection; reopened once when the server dropped it (a restart)."""
        if self._db is None or self._db.closed or self._db.broken:
            self._connect()
        return self._db

    @contextmanager
    def _transaction(self) -> Iterator[PgTx]:
        db = self._alive()
        try:
            with db.transaction(), db.cursor() as cur:
                yield PgTx(cur)
        except self._psycopg.Error as exc:
            raise ProgressError(self._cannot("save progress to", exc)) from None

    def _run(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            with self._alive().cursor() as cur:
                return PgTx(cur).execute(sql, params)
        except self._psycopg.OperationalError:
            # the server went away between two calls: one more try on a fresh connection
            self._db = None
            try:
                with self._alive().cursor() as cur:
                    return PgTx(cur).execute(sql, params)
            except self._psycopg.Error as exc:
                raise ProgressError(self._cannot("read", exc)) from None
        except self._psycopg.Error as exc:
            raise ProgressError(self._cannot("read", exc)) from None

    @contextmanager
    def changing(self) -> Iterator[PgTx]:
        """One change, all or nothing."""
        if self.read_only:
            raise ProgressError(f"cannot save progress to {self.where}: opened read-only")
        with self._lock, self._transaction() as tx:
            yield tx

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._run(sql, params)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
