"""Where the store tests get their stores: a SQLite file, and a live PostgreSQL database.

PostgreSQL comes from LSTM_TUTOR_TEST_POSTGRES, an admin URL of a running server (.ci/run
starts one); each test gets a fresh database on it, dropped afterwards. Nothing is mocked.
Locally, without a server (or without chromium), these tests skip; with LSTM_TUTOR_CI set (CI
sets it) a missing server or browser fails them instead, so CI cannot pass by skipping.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

PG_ENV = "LSTM_TUTOR_TEST_POSTGRES"  # e.g. postgresql://postgres@127.0.0.1:5432/postgres
CI_ENV = "LSTM_TUTOR_CI"


def missing(what: str) -> None:
    """Skip here; fail in CI, where what is missing is a broken setup."""
    if os.environ.get(CI_ENV):
        pytest.fail(f"{what}: CI must provide it ({CI_ENV} is set)")
    pytest.skip(what)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def fresh_postgres() -> tuple[str, object]:
    """(URL of a new empty database, a function that drops it)."""
    admin = os.environ.get(PG_ENV)
    if not admin:
        missing(f"no PostgreSQL server to test against (set {PG_ENV})")
    try:
        import psycopg
    except ImportError:
        missing("psycopg is not installed (pip install -e '.[test]')")
    name = f"lstm_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return with_database(admin, name), drop


def each_backend(request, tmp_path, file_name: str):
    """A store's address on the fixture's backend: a SQLite path, or a fresh PostgreSQL URL."""
    if request.param == "sqlite":
        yield str(tmp_path / file_name)
        return
    url, drop = fresh_postgres()
    try:
        yield url
    finally:
        drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_target(request, tmp_path):
    """A class store's address on each backend: a SQLite path, then a PostgreSQL URL."""
    yield from each_backend(request, tmp_path, "class.db")
