"""The bad-input corpus: each case builds its input in a temporary folder at run time and says
what the command line must answer (exit code, and words the message must contain).

A family module (cases_*.py) exposes CASES, a list of Case. tests/robustness/test_corpus.py runs
every case in-process through click's CliRunner under a time limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Case:
    family: str  # lessons | csv | options | checkpoints | progress
    name: str
    # builds the input under the given folder and returns the lstm-tutor arguments
    make: Callable[[Path], list[str]]
    words: tuple[str, ...]  # each must appear in the output (case-insensitive)
    code: int = 1
    env: dict[str, str] = field(default_factory=dict)
    stdin: str | None = None
    seconds: int = 20  # the time limit: a hang fails the case instead of blocking the suite

    @property
    def id(self) -> str:
        return f"{self.family}/{self.name}"


def csv_text(rows: list[tuple], header: str = "date,y") -> str:
    return header + "\n" + "".join(",".join(str(v) for v in r) + "\n" for r in rows)


def daily(n: int = 60, start: str = "2024-01-01") -> list[str]:
    """ISO dates (datetime, not pandas: the corpus writes years pandas cannot hold)."""
    import datetime as dt

    first = dt.date.fromisoformat(start)
    return [(first + dt.timedelta(days=k)).isoformat() for k in range(n)]


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path
