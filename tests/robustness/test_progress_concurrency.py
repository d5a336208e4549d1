"""Progress under contention: several processes at once lose no attempt and agree on one seed,
and a writer killed mid-write loses nothing it had committed. Real processes, not threads: the
lost-update bug this guards against only shows between separate interpreters. The writers run
against both backends: a SQLite file and a live PostgreSQL database (tests/stores.py)."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.stores import each_backend, fresh_postgres
from tutor.progress import ProgressStore

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120  # a hang fails the test instead of blocking the suite


def _spawn(code: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


# a child's store: a personal SQLite file, or one learner of a PostgreSQL class store
OPEN = """
    def open_store(target):
        if target.startswith("postgresql://"):
            from tutor.progress.classroom import Classroom
            return Classroom(target).progress_of("racer")
        from tutor.progress import ProgressStore
        return ProgressStore(Path(target))
"""


def open_store(target: str):
    if target.startswith("postgresql://"):
        from tutor.progress.classroom import Classroom

        return Classroom(target).progress_of("racer")
    return ProgressStore(Path(target))


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    yield from each_backend(request, tmp_path, "progress.db")


# Each child waits for the "go" file so that they really start together.
RECORDER = (
    OPEN
    + """
    import sys, time
    from pathlib import Path
    db, go, name, n = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    while not go.exists():
        time.sleep(0.001)
    store = open_store(db)
    for i in range(n):
        store.record("race", "shared", f"{name}-{i}", correct=False)
        store.record("race", f"{name}-own", str(i), correct=i == n - 1)
    print("done", flush=True)
"""
)


def test_several_processes_recording_at_once_lose_no_attempt(tmp_path, target):
    db, go = target, tmp_path / "go"
    writers, each = 4, 60
    procs = [_spawn(RECORDER, db, str(go), f"w{k}", str(each)) for k in range(writers)]
    time.sleep(0.3)
    go.touch()
    for p in procs:
        out, err = p.communicate(timeout=TIMEOUT)
        assert p.returncode == 0, err
    store = open_store(db)
    assert store.attempts("race", "shared") == writers * each
    for k in range(writers):
        assert store.attempts("race", f"w{k}-own") == each
    assert sorted(store.completed_steps("race")) == [f"w{k}-own" for k in range(writers)]


FIRST_LAUNCH = """
    import sys, time
    from pathlib import Path
    folder, go = Path(sys.argv[1]), Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.001)
    from tutor.progress import ProgressStore
    print(ProgressStore(folder / "progress.db").seed, flush=True)
"""


def _printed_at_once(code: str, where: str, go: Path, n: int) -> set[int]:
    """What n children started together printed (each prints one number)."""
    procs = [_spawn(code, where, str(go)) for _ in range(n)]
    time.sleep(0.5)
    go.touch()
    printed = set()
    for p in procs:
        out, err = p.communicate(timeout=TIMEOUT)
        assert p.returncode == 0, err
        printed.add(int(out.strip()))
    return printed


def test_eight_first_launches_at_once_agree_on_one_seed(tmp_path):
    for attempt in range(3):  # three fresh folders: the race is different every time
        folder, go = tmp_path / f"learner{attempt}", tmp_path / f"go{attempt}"
        seeds = _printed_at_once(FIRST_LAUNCH, str(folder), go, 8)
        assert len(seeds) == 1, seeds
        assert ProgressStore(folder / "progress.db").seed == seeds.pop()


KILLED_WRITER = (
    OPEN
    + """
    import sys
    from pathlib import Path
    store = open_store(sys.argv[1])
    i = 0
    while True:
        i += 1
        store.record("kill", "step", "x" * 500 + str(i), correct=False)
        print(i, flush=True)  # printed only after the transaction committed
"""
)


def test_a_writer_killed_mid_write_loses_nothing_it_committed(tmp_path, target):
    db = target
    for round_ in range(3):
        before = open_store(db).attempts("kill", "step")
        proc = _spawn(KILLED_WRITER, db)
        committed = 0
        deadline = time.monotonic() + TIMEOUT
        while committed < 30 + 20 * round_:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            committed = int(line)
            assert time.monotonic() < deadline
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=TIMEOUT)
        # lines the writer printed before the kill landed: commits we had not read yet
        for line in proc.stdout.read().split():
            committed = int(line)
        proc.stdout.close()
        proc.stderr.close()
        store = open_store(db)
        assert store.problem is None  # nothing damaged, nothing set aside
        after = store.attempts("kill", "step")
        # every committed attempt is there; at most the one in flight was also committed
        assert before + committed <= after <= before + committed + 1
        assert len(store.history("kill")) == after  # the attempt log lost nothing either
        store.close()
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_first_launches_at_once_migrate_an_old_json_exactly_once(tmp_path):
    import json

    folder, go = tmp_path / "learner", tmp_path / "go"
    folder.mkdir()
    old = {
        "format": "lstm-tutor/progress",
        "version": 1,
        "seed": 4242,
        "lessons": {"one": {"steps": {"f0": {"answer": "x", "attempts": 5, "solved": True}}}},
    }
    (folder / "progress.json").write_text(json.dumps(old))
    procs = [_spawn(FIRST_LAUNCH, str(folder), str(go)) for _ in range(6)]
    time.sleep(0.5)
    go.touch()
    for p in procs:
        out, err = p.communicate(timeout=TIMEOUT)
        assert p.returncode == 0, err
        assert int(out) == 4242  # everyone sees the migrated seed
    store = ProgressStore(folder / "progress.db")
    assert store.attempts("one", "f0") == 5  # imported once, not once per process
    assert (folder / "progress.json.backup").exists() and not (folder / "progress.json").exists()


PG_FIRST_LAUNCH = """
    import sys, time
    from pathlib import Path
    url, go = sys.argv[1], Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.001)
    from tutor.progress.classroom import Classroom
    print(Classroom(url).trusted("same learner").seed, flush=True)
"""


def test_eight_first_sessions_at_once_on_postgres_make_one_learner_and_one_seed(tmp_path):
    url, drop = fresh_postgres()
    try:
        go = tmp_path / "go"  # eight processes create the tables and the learner at once
        seeds = _printed_at_once(PG_FIRST_LAUNCH, url, go, 8)
        from tutor.progress.classroom import Classroom

        assert len(seeds) == 1 and len(Classroom(url).learners()) == 1
    finally:
        drop()
