"""The progress database as a file: where it lives, what is checked before it is opened,
telling damage from a busy lock, naming the file a damaged one is moved to.

tutor.progress.sqlite opens and writes the database; this module holds what it needs to know
about files and SQLite's errors, so that each reads on its own.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from engine.files import file_kind
from tutor.progress.errors import ProgressError

ENV_DIR = "LSTM_TUTOR_DATA_DIR"
DB_NAME = "progress.db"
LEGACY_NAME = "progress.json"
BUSY_TIMEOUT_S = 30.0  # writers queue this long for the lock before giving up


def data_dir() -> Path:
    """LSTM_TUTOR_DATA_DIR, else the platform's user data directory."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("lstm-tutor", appauthor=False))


def default_path() -> Path:
    """progress.db in the data directory."""
    return data_dir() / DB_NAME


class Damaged(Exception):
    """The database file is not a usable progress database (reason for the learner)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check_readable(db: sqlite3.Connection) -> None:
    """Touch the file's header and pages: 'file is not a database' and 'malformed' mean damage."""
    try:
        rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.OperationalError:
        raise  # locked, read-only, cannot open: not damage
    except sqlite3.DatabaseError as exc:
        raise Damaged(str(exc)) from None
    if rows != [("ok",)]:
        raise Damaged("; ".join(str(r[0]) for r in rows[:3]))


def retry_busy(action) -> object:
    """Some lock waits (changing the journal mode, BEGIN under WAL recovery) skip the busy
    handler and fail at once; retry them for the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def is_read_only(exc: Exception) -> bool:
    text = str(exc).lower()
    return (
        "readonly" in text
        or "read-only" in text
        or "unable to open" in text
        or (isinstance(exc, PermissionError))
    )


def check_folder(folder: Path) -> None:
    """The data folder must be a folder: LSTM_TUTOR_DATA_DIR pointing at a file is an error."""
    for parent in (folder, *folder.parents):
        if parent.exists():
            if not parent.is_dir():
                raise ProgressError(
                    f"cannot keep progress in {folder}: {parent} is a file, not a folder "
                    f"(set {ENV_DIR} to a folder)"
                )
            return


def check_regular(path: Path) -> None:
    """Only a regular file is opened: a named pipe or a device would hang or be destroyed."""
    try:
        kind = file_kind(path)
    except OSError as exc:
        raise ProgressError(cannot("read", path, exc)) from None
    if kind in ("folder", "special"):
        what = "a folder" if kind == "folder" else "not a regular file"
        raise ProgressError(f"cannot use progress file {path}: it is {what}")


def clean_temporaries(folder: Path) -> None:
    """Temporary files the JSON store left behind when it was killed mid-write."""
    try:
        for tmp in folder.glob(".progress-*.tmp"):
            if tmp.is_file():
                tmp.unlink(missing_ok=True)
    except OSError:  # cleaning is a courtesy
        pass


def identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def free_name(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}-{n}")
        n += 1
    return candidate


def cannot(verb: str, path: Path, exc: Exception) -> str:
    reason = getattr(exc, "strerror", None) or str(exc)
    hint = f" (check the folder's permissions, or set {ENV_DIR} to a writable folder)"
    return f"cannot {verb} {path}: {reason}{hint}"


def short(exc: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the top level"
        return f"{where}: {first['msg']}"[:160]
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:120]
