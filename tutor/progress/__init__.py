"""Learners' progress: one store interface (tutor.progress.store.ProgressStore) over two
backends, SQLite (a personal file, or a classroom's) and PostgreSQL (a classroom shared by
several servers), plus the import of the old JSON format and the classroom's own queries.

    sqlite.py      the SQLite backend: open, check, migrate, set aside, transactions
    files.py       what the SQLite backend must know about files (location, checks, damage)
    postgres.py    the PostgreSQL backend (psycopg, imported only when a URL asks for it)
    schema.py      the tables, for both engines
    legacy_json.py the JSON format before the database, read once to import it
    classroom.py   learners with names and sign-in codes, and what an instructor reads
"""

from tutor.progress.errors import ProgressError
from tutor.progress.files import DB_NAME, ENV_DIR, data_dir, default_path
from tutor.progress.legacy_json import LessonProgress, ProgressFile, StepProgress
from tutor.progress.store import ProgressStore

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
