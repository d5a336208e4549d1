"""Progress under contention: several processes at once lose no attempt and agree on one seed,
and a writer killed mid-write loses nothing it had committed. Real processes, not threads: the
lost-update bug this guards against only shows between separate interpreters."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

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


# Each child waits for the "go" file so that they really start together.
RECORDER = """
    import sys, time
    from pathlib import Path
    db, go, name, n = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    from tutor.progress import ProgressStore
    while not go.exists():
        time.sleep(0.001)
    store = ProgressStore(db)
    for i in range(n):
        store.record("race", "shared", f"{name}-{i}", correct=False)
        store.record("race", f"{name}-own", str(i), correct=i == n - 1)
    print("done", flush=True)
"""


def test_several_processes_recording_at_once_lose_no_attempt(tmp_path):
    db, go = tmp_path / "progress.db", tmp_path / "go"
    writers, each = 4, 60
    procs = [_spawn(RECORDER, str(db), str(go), f"w{k}", str(each)) for k in range(writers)]
    time.sleep(0.3)
    go.touch()
    for p in procs:
        out, err = p.communicate(timeout=TIMEOUT)
        assert p.returncode == 0, err
    store = ProgressStore(db)
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


def test_eight_first_launches_at_once_agree_on_one_seed(tmp_path):
    for attempt in range(3):  # three fresh folders: the race is different every time
        folder, go = tmp_path / f"learner{attempt}", tmp_path / f"go{attempt}"
        procs = [_spawn(FIRST_LAUNCH, str(folder), str(go)) for _ in range(8)]
        time.sleep(0.5)
        go.touch()
        seeds = set()
        for p in procs:
            out, err = p.communicate(timeout=TIMEOUT)
            assert p.returncode == 0, err
            seeds.add(int(out.strip()))
        assert len(seeds) == 1, seeds
        assert ProgressStore(folder / "progress.db").seed == seeds.pop()


KILLED_WRITER = """
    import sys
    from pathlib import Path
    from tutor.progress import ProgressStore
    store = ProgressStore(Path(sys.argv[1]))
    i = 0
    while True:
        i += 1
        store.record("kill", "step", "x" * 500 + str(i), correct=False)
        print(i, flush=True)  # printed only after the transaction committed
"""


def test_a_writer_killed_mid_write_loses_nothing_it_committed(tmp_path):
    db = tmp_path / "progress.db"
    for round_ in range(3):
        before = ProgressStore(db).attempts("kill", "step")
        proc = _spawn(KILLED_WRITER, str(db))
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
        store = ProgressStore(db)
        assert store.problem is None  # nothing damaged, nothing set aside
        after = store.attempts("kill", "step")
        # every committed attempt is there; at most the one in flight was also committed
        assert before + committed <= after <= before + committed + 1
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
