"""A classroom's store: learners with names and sign-in codes, and what an instructor reads.

One store (a SQLite file, or a PostgreSQL database shared by several servers) holds every
learner of one or more classes. A learner signs up with a name (and the class code the server
asks for) and gets a sign-in code; the code, typed again or carried in the link, brings them
back to their own progress and seed. The instructor's code is drawn once per store.

The reports (roster, progress, export, mistakes) read every learner's rows: they are for the
instructor (the `lstm-tutor class` commands, the instructor screen), never shown to a learner.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tutor.progress.errors import ProgressError
from tutor.progress.schema import SEED_BOUND
from tutor.progress.sqlite import now
from tutor.progress.store import ProgressStore

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are read aloud
CODE_LENGTH = 8  # 31**8: about 8.5e11 codes, drawn at random
MAX_NAME = 60
STORE_NAME = "class.db"


def open_backend(target: str | Path, *, read_only: bool = False) -> Any:
    """The backend for a store: a postgresql:// URL, else a SQLite file."""
    from tutor.progress.postgres import PostgresBackend, is_postgres_url

    if is_postgres_url(target):
        return PostgresBackend(str(target), read_only=read_only)
    from tutor.progress.sqlite import SQLiteBackend

    return SQLiteBackend(Path(target), read_only=read_only)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normal_code(text: str) -> str:
    """A code as stored: capitals, no dashes or spaces (people type 'abcd-efgh ')."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def shown_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def clean_name(name: str) -> str:
    """A learner's name as kept: printable, one line, at most MAX_NAME characters; or
    ValueError saying what to type instead."""
    name = " ".join(name.split())
    if not name:
        raise ValueError("type your name (any name your instructor will recognise)")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise ValueError("a name cannot contain control characters")
    if len(name) > MAX_NAME:
        raise ValueError(f"a name of at most {MAX_NAME} characters, please")
    return name


@dataclass(frozen=True)
class Learner:
    id: str
    name: str
    class_code: str | None
    signin: str | None
    seed: int

    @property
    def code(self) -> str:
        return shown_code(self.signin or "")


LEARNER_COLUMNS = "learner, name, class_code, signin, seed"


class Classroom:
    """The learners of a store and their progress. `target` is a SQLite file or a
    postgresql:// URL; `read_only` (the instructor's commands) writes nothing."""

    def __init__(self, target: str | Path, *, read_only: bool = False) -> None:
        self.backend = open_backend(target, read_only=read_only)
        self.where = self.backend.where
        self.read_only = self.backend.read_only

    def close(self) -> None:
        self.backend.close()

    # --- learners --------------------------------------------------------------------------

    @property
    def instructor_code(self) -> str:
        """The code that opens the class view (drawn the first time it is asked for)."""
        rows = self.backend.query("SELECT value FROM meta WHERE key = 'instructor'")
        if rows:
            return str(rows[0][0])
        with self.backend.changing() as tx:
            tx.execute(
                "INSERT INTO meta VALUES ('instructor', ?) ON CONFLICT (key) DO NOTHING",
                (new_code(),),
            )
            return str(tx.execute("SELECT value FROM meta WHERE key = 'instructor'")[0][0])

    def is_instructor(self, code: str) -> bool:
        rows = self.backend.query("SELECT value FROM meta WHERE key = 'instructor'")
        return bool(rows) and secrets.compare_digest(str(rows[0][0]), normal_code(code))

    def sign_up(self, name: str, class_code: str | None = None) -> Learner:
        """A new learner with a sign-in code and a seed of their own."""
        name = clean_name(name)
        for _ in range(5):  # a drawn code already taken: draw again
            learner = Learner(uuid.uuid4().hex[:16], name, class_code, new_code(),
                              secrets.randbelow(SEED_BOUND))  # fmt: skip
            with self.backend.changing() as tx:
                taken = tx.execute("SELECT 1 FROM learners WHERE signin = ?", (learner.signin,))
                if not taken:
                    self._insert(tx, learner)
                    return learner
        raise ProgressError("could not draw a free sign-in code; try again")

    @staticmethod
    def _insert(tx: Any, learner: Learner) -> None:
        at = now()
        tx.execute(
            f"INSERT INTO learners ({LEARNER_COLUMNS}, created_at, seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (learner) DO NOTHING",
            (learner.id, learner.name, learner.class_code, learner.signin, learner.seed, at, at),
        )

    def sign_in(self, code: str) -> Learner | None:
        """The learner whose sign-in code this is (None: no such code)."""
        code = normal_code(code)
        if len(code) != CODE_LENGTH:
            return None
        rows = self.backend.query(
            f"SELECT {LEARNER_COLUMNS} FROM learners WHERE signin = ?", (code,)
        )
        if not rows:
            return None
        learner = Learner(*rows[0][:4], int(rows[0][4]))
        if not self.read_only:
            with self.backend.changing() as tx:
                tx.execute("UPDATE learners SET seen_at = ? WHERE learner = ?", (now(), learner.id))
        return learner

    def trusted(self, name: str, class_code: str | None = None) -> Learner:
        """The learner an authenticating proxy names: one per (class, name), made on first
        sight, with no sign-in code (the proxy is how they come back)."""
        name = clean_name(name)
        ident = "proxy-" + uuid.uuid5(uuid.NAMESPACE_URL, f"{class_code or ''}/{name}").hex[:16]
        with self.backend.changing() as tx:
            self._insert(tx, Learner(ident, name, class_code, None, secrets.randbelow(SEED_BOUND)))
            row = tx.execute(f"SELECT {LEARNER_COLUMNS} FROM learners WHERE learner = ?", (ident,))
        return Learner(*row[0][:4], int(row[0][4]))

    def progress_of(self, learner: Learner | str) -> ProgressStore:
        """The learner's own progress: reads and writes only their rows."""
        ident = learner.id if isinstance(learner, Learner) else learner
        return ProgressStore(backend=self.backend, learner=ident)

    def learners(self, class_code: str | None = None) -> list[Learner]:
        where, params = _in_class(class_code, "")
        rows = self.backend.query(
            f"SELECT {LEARNER_COLUMNS} FROM learners {where} ORDER BY name, created_at", params
        )
        return [Learner(*r[:4], int(r[4])) for r in rows if r[1] is not None]

    # --- what the instructor reads ---------------------------------------------------------

    def roster(self, class_code: str | None = None) -> list[dict]:
        """One row per learner: name, class, sign-in code, first and last seen, steps solved."""
        where, params = _in_class(class_code, "k.")
        rows = self.backend.query(
            "SELECT k.name, k.class_code, k.signin, k.created_at, k.seen_at, "
            "COALESCE(SUM(s.solved), 0), COALESCE(SUM(s.attempts), 0) FROM learners k "
            f"LEFT JOIN steps s ON s.learner = k.learner {where} "
            "GROUP BY k.learner, k.name, k.class_code, k.signin, k.created_at, k.seen_at "
            "ORDER BY k.name, k.created_at",
            params,
        )
        keys = ("name", "class", "code", "joined", "last_seen", "solved", "attempts")
        return [
            {**dict(zip(keys, r, strict=True)), "code": shown_code(r[2] or "")}
            for r in rows
            if r[0] is not None
        ]

    def progress(self, class_code: str | None = None) -> list[dict]:
        """Learner × lesson: steps done, attempts, hints, reveals, last activity."""
        where, params = _in_class(class_code, "k.")
        rows = self.backend.query(
            "SELECT k.name, s.lesson, SUM(s.solved), SUM(s.attempts), SUM(s.hints_seen), "
            "SUM(s.revealed), MAX(l.updated_at) FROM steps s "
            "JOIN learners k ON k.learner = s.learner "
            "LEFT JOIN lessons l ON l.learner = s.learner AND l.lesson = s.lesson "
            f"{where} GROUP BY k.learner, k.name, s.lesson ORDER BY k.name, s.lesson",
            params,
        )
        keys = ("name", "lesson", "done", "attempts", "hints", "reveals", "last_activity")
        return [dict(zip(keys, r, strict=True)) for r in rows if r[0] is not None]

    def export_rows(self, class_code: str | None = None) -> list[dict]:
        """Learner × step: attempts, solved, hints, revealed, seconds spent, named mistakes.

        Seconds spent: from the step first shown (or its first attempt) to its solving (or,
        unsolved, its last attempt)."""
        where, params = _in_class(class_code, "k.")
        rows = self.backend.query(
            "SELECT k.learner, k.name, k.class_code, s.lesson, s.step, s.attempts, s.solved, "
            "s.hints_seen, s.revealed, s.opened_at, s.last_attempt_at, s.solved_at "
            f"FROM steps s JOIN learners k ON k.learner = s.learner {where} "
            "ORDER BY k.name, k.learner, s.lesson, s.step",
            params,
        )
        named = self._mistakes_by_step(class_code)
        first = self._first_attempts(class_code)
        out = []
        for r in rows:
            if r[1] is None:
                continue
            key = (r[0], r[3], r[4])
            start = r[9] or first.get(key)
            end = r[11] or r[10]
            out.append({
                "learner_id": r[0], "learner": r[1], "class": r[2] or "", "lesson": r[3],
                "step": r[4],
                "attempts": r[5], "solved": bool(r[6]), "hints": r[7], "revealed": bool(r[8]),
                "seconds": _seconds(start, end),
                "mistakes": ";".join(f"{m}:{n}" for m, n in sorted(named.get(key, {}).items())),
            })  # fmt: skip
        return out

    def _attempt_rows(
        self, class_code: str | None, columns: str, condition: str, params: tuple = (), tail=""
    ) -> list[tuple]:
        """Rows of the attempt log of a class's learners that meet `condition`."""
        where, in_class = _in_class(class_code, "k.")
        joiner = "AND" if where else "WHERE"
        return self.backend.query(
            f"SELECT {columns} FROM attempts a JOIN learners k ON k.learner = a.learner "
            f"{where} {joiner} {condition} {tail}",
            (*in_class, *params),
        )

    def _mistakes_by_step(self, class_code: str | None) -> dict[tuple, dict[str, int]]:
        rows = self._attempt_rows(
            class_code, "a.learner, a.lesson, a.step, a.mistake", "a.mistake IS NOT NULL"
        )
        named: dict[tuple, dict[str, int]] = defaultdict(Counter)
        for learner, lesson, step, mistake in rows:
            named[(learner, lesson, step)][mistake] += 1
        return named

    def _first_attempts(self, class_code: str | None) -> dict[tuple, str]:
        rows = self._attempt_rows(
            class_code, "a.learner, a.lesson, a.step, MIN(a.at)", "1 = 1",
            tail="GROUP BY a.learner, a.lesson, a.step",
        )  # fmt: skip
        return {(r[0], r[1], r[2]): r[3] for r in rows if r[3]}

    def mistakes(self, lesson: str, class_code: str | None = None) -> dict[str, dict]:
        """Per step of `lesson`: how many learners hit each named mistake, and the most
        common wrong answers (answer, how many learners gave it)."""
        rows = self._attempt_rows(
            class_code, "a.learner, a.step, a.answer, a.correct, a.mistake", "a.lesson = ?",
            (lesson,), tail="ORDER BY a.id",
        )  # fmt: skip
        learners: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
        answers: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
        wrong: dict[str, set] = defaultdict(set)
        for learner, step, answer, correct, mistake in rows:
            if mistake:
                learners[step][mistake].add(learner)
            if not correct:
                wrong[step].add(learner)
                if answer:
                    answers[step][answer].add(learner)
        steps = [s for s in dict.fromkeys(r[1] for r in rows) if s in learners or s in wrong]
        return {
            step: {
                "mistakes": sorted(
                    ((m, len(w)) for m, w in learners[step].items()), key=lambda mw: (-mw[1], mw[0])
                ),
                "wrong_learners": len(wrong[step]),
                "wrong_answers": sorted(
                    ((a, len(w)) for a, w in answers[step].items()), key=lambda aw: (-aw[1], aw[0])
                )[:5],
            }  # fmt: skip
            for step in steps
        }


def _in_class(class_code: str | None, prefix: str) -> tuple[str, tuple]:
    if class_code is None:
        return "", ()
    return f"WHERE {prefix}class_code = ?", (class_code,)


def _seconds(start: str | None, end: str | None) -> int | str:
    if not start or not end:
        return ""
    try:
        spent = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    except ValueError:
        return ""
    return max(0, int(spent.total_seconds()))
