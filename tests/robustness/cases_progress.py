"""Damaged, foreign, blocked and contended progress stores, met through `lstm-tutor lessons`.

Each case prepares the learner's data folder ({work}/data, via LSTM_TUTOR_DATA_DIR). A damaged
store is set aside and reported (the command still works: exit 0); a store that cannot be used
at all is an error (exit 1) — never a fresh random seed that would change the learner's numbers.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from tests.robustness.corpus import Case, write

ENV = {"LSTM_TUTOR_DATA_DIR": "{work}/data"}
RANDOM_LESSON = "gate-conventions"  # draws numbers from the learner's seed
SHOW = ["lessons", "show", RANDOM_LESSON]
CHECK = ["lessons", "check", RANDOM_LESSON, "--step", "gru_params", "--answer", "1"]
LIST = ["lessons", "list"]
RESET = ["lessons", "reset", "--yes"]


def prepared(prepare, args: list[str]):
    def make(folder: Path) -> list[str]:
        prepare(folder / "data")
        return list(args)

    return make


def db_bytes(content: bytes):
    return lambda data: write(data, "progress.db", content)


def legacy(content: bytes):
    return lambda data: write(data, "progress.json", content)


def data_is_a_file(data: Path) -> None:
    write(data.parent, "data", "a file where the data folder should be")


def fifo(name: str):
    def prepare(data: Path) -> None:
        data.mkdir(parents=True)
        os.mkfifo(data / name)

    return prepare


def folder(name: str):
    return lambda data: (data / name).mkdir(parents=True)


def foreign_sqlite(data: Path) -> None:
    data.mkdir(parents=True)
    db = sqlite3.connect(data / "progress.db")
    db.execute("CREATE TABLE photos (name TEXT)")
    db.commit()
    db.close()


def written_over(statement: str, *params: str):
    """A store of ours with one value written over behind its back."""

    def prepare(data: Path) -> None:
        from tutor.progress import ProgressStore

        ProgressStore(data / "progress.db").close()
        db = sqlite3.connect(data / "progress.db")
        db.execute(statement, params)
        db.commit()
        db.close()

    return prepare


newer_sqlite = written_over("UPDATE meta SET value = '99' WHERE key = 'version'")


def truncated_sqlite(data: Path) -> None:
    from tutor.progress import ProgressStore

    store = ProgressStore(data / "progress.db")
    for n in range(200):
        store.record("one", f"s{n}", "x" * 300, correct=True)
    store.close()
    raw = (data / "progress.db").read_bytes()
    (data / "progress.db").write_bytes(raw[: len(raw) // 3])


seed_as_text = written_over("UPDATE learners SET seed = 'lucky'")


SET_ASIDE = ("could not be read", "corrupt-")
GARBAGE = {
    "db-text": db_bytes(b"not a database"),
    "db-zeros": db_bytes(b"\x00" * 4096),
    "db-random": db_bytes(bytes(range(256)) * 16),
    "db-header-only": db_bytes(b"SQLite format 3\x00" + b"\x00" * 84),
    "db-foreign-sqlite": foreign_sqlite,
    "db-truncated": truncated_sqlite,
    "json-brackets-100000": legacy(b"[" * 100_000),
    "json-garbage": legacy(b"{not json"),
    "json-foreign": legacy(json.dumps({"theme": "dark"}).encode()),
    "json-newer": legacy(json.dumps({"format": "lstm-tutor/progress", "version": 9}).encode()),
    "json-invalid-utf8": legacy(b"\xff\xfe\x00{"),
    "json-negative-attempts": legacy(
        json.dumps(
            {
                "format": "lstm-tutor/progress",
                "version": 1,
                "lessons": {"a": {"steps": {"s": {"attempts": -5}}}},
            }
        ).encode()
    ),  # fmt: skip
    "json-huge-seed": legacy(
        json.dumps({"format": "lstm-tutor/progress", "version": 1, "seed": 10**30}).encode()
    ),  # fmt: skip
}

BLOCKED = {  # the store cannot be used at all: an error naming it, exit 1
    "data-dir-is-a-file": (data_is_a_file, "is a file, not a folder"),
    "db-named-pipe": (fifo("progress.db"), "not a regular file"),
    "json-named-pipe": (fifo("progress.json"), "not a regular file"),
    "db-is-a-folder": (folder("progress.db"), "a folder"),
    "seed-not-a-number": (seed_as_text, "no valid learner seed"),
}

CASES: list[Case] = [
    *[
        Case("progress", f"{name}-{cmd}", prepared(prep, args), SET_ASIDE, code=0, env=ENV)
        for name, prep in GARBAGE.items()
        for cmd, args in (("list", LIST), ("show", SHOW))
    ],
    Case(
        "progress",
        "db-newer-version",
        prepared(newer_sqlite, LIST),
        ("newer lstm-tutor",),
        code=0,
        env=ENV,
    ),
    *[
        Case("progress", f"{name}-{cmd}", prepared(prep, args), (words,), env=ENV)
        for name, (prep, words) in BLOCKED.items()
        for cmd, args in (("show", SHOW), ("check", CHECK), ("reset", RESET))
    ],
    *[
        Case("progress", f"{name}-list", prepared(prep, LIST), (words,), code=0, env=ENV)
        for name, (prep, words) in BLOCKED.items()
    ],
]
