"""Every bad input of the corpus gets a clear message, a non-zero exit and no traceback.

Cases run in-process through click's CliRunner (fast); each under a SIGALRM time limit, so an
input that makes the program hang (a named pipe read, an alias bomb) fails instead of blocking.
"""

from __future__ import annotations

import signal
from collections import Counter

import pytest
from click.testing import CliRunner

from tests.robustness import (
    cases_checkpoints,
    cases_csv,
    cases_lessons,
    cases_options,
    cases_progress,
)
from tutor.cli import cli

FAMILIES = {
    "csv": cases_csv.CASES,
    "checkpoints": cases_checkpoints.CASES,
    "options": cases_options.CASES,
    "lessons": cases_lessons.CASES,
    "progress": cases_progress.CASES,
}
ALL = [case for cases in FAMILIES.values() for case in cases]


class Hang(BaseException):  # not an Exception: the CLI's error wrapper must not catch it
    pass


def _alarm(signum, frame):
    raise Hang


@pytest.mark.parametrize("case", ALL, ids=[c.id for c in ALL])
def test_bad_input_is_refused_clearly(case, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    args = case.make(work)
    for key, value in case.env.items():
        monkeypatch.setenv(key, value.format(work=work))
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(case.seconds)
    try:
        result = CliRunner().invoke(cli, args, input=case.stdin, catch_exceptions=True)
    except Hang:
        pytest.fail(f"{case.id}: no answer within {case.seconds} s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    output = result.output
    if isinstance(result.exception, Hang):
        pytest.fail(f"{case.id}: no answer within {case.seconds} s")
    assert "Traceback" not in output, output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail(f"{case.id}: {type(result.exception).__name__} escaped: {result.exception}")
    assert result.exit_code == case.code, output
    lowered = output.lower()
    for word in case.words:
        assert word.lower() in lowered, f"{word!r} not in: {output}"


def test_the_corpus_covers_every_family():
    counts = Counter(case.family for case in ALL)
    assert len({c.id for c in ALL}) == len(ALL)  # no two cases share a name
    assert len(ALL) >= 170, counts
    for family in FAMILIES:
        assert counts[family] >= 20, counts
