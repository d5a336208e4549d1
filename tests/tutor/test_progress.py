"""Learner progress: kept between runs, one transaction per change, never silently lost."""

import contextlib
import json
import os
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest

from tutor.progress import ProgressError, ProgressStore, default_path


def test_progress_lives_in_the_data_dir_override(isolated_learner_data):
    assert default_path() == isolated_learner_data / "progress.db"


def test_answers_attempts_and_solved_steps_survive_a_restart(tmp_path):
    path = tmp_path / "progress.db"
    store = ProgressStore(path)
    store.record("lesson-a", "f0", "tanh(z0[0, 0])", correct=False)
    store.record("lesson-a", "f0", "sigmoid(z0[0, 0])", correct=True)
    store.reveal_hint("lesson-a", "i0")
    store.set_position("lesson-a", "i0")
    store.close()

    again = ProgressStore(path)
    assert again.completed_steps("lesson-a") == ["f0"]
    assert again.answers("lesson-a") == {"f0": "sigmoid(z0[0, 0])"}
    assert again.attempts("lesson-a", "f0") == 2
    assert again.hints_seen("lesson-a", "i0") == 1
    assert again.last_position() == ("lesson-a", "i0")
    assert again.problem is None


def test_seed_is_stable_for_one_learner_and_differs_between_learners(tmp_path):
    first = ProgressStore(tmp_path / "one" / "progress.db").seed
    assert ProgressStore(tmp_path / "one" / "progress.db").seed == first
    others = {ProgressStore(tmp_path / f"l{n}" / "progress.db").seed for n in range(5)}
    assert len(others | {first}) > 1


def test_resets_step_lesson_and_all(tmp_path):
    path = tmp_path / "p.db"
    store = ProgressStore(path)
    seed = store.seed
    for step in ("a", "b"):
        store.record("one", step, "1", correct=True)
    store.record("two", "a", "1", correct=True)
    store.mark_complete("one")
    store.reset_step("one", "a")
    assert store.completed_steps("one") == ["b"]
    assert store.summary("one", 2) == "1/2"
    store.reset_lesson("one")
    assert store.completed_steps("one") == [] and store.completed_steps("two") == ["a"]
    store.reset_all()
    assert ProgressStore(path).completed_steps("two") == []
    assert ProgressStore(path).seed == seed


# --- the old JSON file: migrated once, kept as a backup -------------------------------------


def _legacy_doc(seed=1234):
    return {
        "format": "lstm-tutor/progress",
        "version": 1,
        "seed": seed,
        "last_lesson": "one",
        "lessons": {
            "one": {
                "steps": {
                    "f0": {"answer": "sigmoid(z)", "attempts": 3, "solved": True, "hints_seen": 1},
                    "i0": {"answer": "0.5", "attempts": 1, "solved": False},
                },
                "current_step": "i0",
                "completed": False,
            }
        },
    }


def test_an_old_json_progress_is_migrated_with_its_seed_and_kept_as_a_backup(tmp_path):
    legacy = tmp_path / "progress.json"
    content = json.dumps(_legacy_doc()).encode()
    legacy.write_bytes(content)
    store = ProgressStore(tmp_path / "progress.db")
    assert store.seed == 1234
    assert store.completed_steps("one") == ["f0"]
    assert store.answers("one") == {"f0": "sigmoid(z)", "i0": "0.5"}
    assert store.attempts("one", "f0") == 3 and store.hints_seen("one", "f0") == 1
    assert store.last_position() == ("one", "i0")
    assert store.problem is None and "progress.json.backup" in store.migrated
    assert not legacy.exists()
    assert (tmp_path / "progress.json.backup").read_bytes() == content
    # a second start does not import again (the backup is not read back)
    store.record("one", "i0", "0.6", correct=True)
    assert ProgressStore(tmp_path / "progress.db").attempts("one", "i0") == 2


def test_a_json_path_names_the_legacy_file_and_the_database_beside_it(tmp_path):
    (tmp_path / "p.json").write_text(json.dumps(_legacy_doc(seed=77)))
    store = ProgressStore(tmp_path / "p.json")
    assert store.path == tmp_path / "p.db" and store.seed == 77


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b'{"format": "someone-else", "lessons": []}',
        b"[1, 2, 3]",
        b"\xff\xfe\x00",
        b"[" * 100_000,  # json recursion
    ],
)
def test_a_corrupt_or_foreign_json_is_set_aside_not_overwritten(tmp_path, content):
    path = tmp_path / "progress.json"
    path.write_bytes(content)
    store = ProgressStore(tmp_path / "progress.db")
    assert store.problem and "could not be read" in store.problem
    kept = list(tmp_path.glob("progress.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == content
    store.record("x", "y", "1", correct=True)
    assert ProgressStore(tmp_path / "progress.db").completed_steps("x") == ["y"]
    assert kept[0].read_bytes() == content


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        ({}, "not an lstm-tutor progress file"),
        ({"theme": "dark"}, "not an lstm-tutor progress file"),
        ({"format": "lstm-tutor/progress", "version": 9}, "newer lstm-tutor"),
        ({"format": "lstm-tutor/progress", "version": "1"}, "unknown format version"),
        ({"format": "lstm-tutor/progress", "version": 1, "colour": "red"}, "colour"),
        (
            {"format": "lstm-tutor/progress", "version": 1, "lessons": {"a": {"steps": []}}},
            "lessons.a.steps",
        ),
    ],
)
def test_foreign_future_or_misshapen_json_is_reported_and_kept(tmp_path, doc, words):
    path = tmp_path / "progress.json"
    content = json.dumps(doc).encode()
    path.write_bytes(content)
    store = ProgressStore(tmp_path / "progress.db")
    assert store.problem and words in store.problem
    (kept,) = tmp_path.glob("progress.json.corrupt-*")
    assert kept.name in store.problem and kept.read_bytes() == content
    assert not path.exists()


# --- a damaged database ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"not a database at all", b"SQLite format 3\x00" + b"\x00" * 84, os.urandom(4096)],
)
def test_a_damaged_database_is_set_aside_with_its_bytes_and_reported(tmp_path, content):
    path = tmp_path / "progress.db"
    path.write_bytes(content)
    store = ProgressStore(path)
    assert store.problem and "could not be read" in store.problem
    (kept,) = tmp_path.glob("progress.db.corrupt-*")
    assert kept.read_bytes() == content and kept.name in store.problem
    store.record("x", "y", "1", correct=True)
    assert ProgressStore(path).completed_steps("x") == ["y"]


def test_a_truncated_database_is_set_aside(tmp_path):
    path = tmp_path / "progress.db"
    store = ProgressStore(path)
    for n in range(300):
        store.record("one", f"s{n}", "x" * 200, correct=True)
    store.close()
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    again = ProgressStore(path)
    assert again.problem and "could not be read" in again.problem
    (kept,) = tmp_path.glob("progress.db.corrupt-*")
    assert kept.read_bytes() == whole[: len(whole) // 2]


def behind_the_stores_back(path: Path, statement: str) -> None:
    """One SQL statement on the database file, committed, by another program."""
    db = sqlite3.connect(path)
    with db:  # commits
        db.execute(statement)
    db.close()


def test_someone_elses_sqlite_database_is_set_aside(tmp_path):
    path = tmp_path / "progress.db"
    behind_the_stores_back(path, "CREATE TABLE photos (name TEXT)")
    store = ProgressStore(path)
    assert "not an lstm-tutor progress database" in store.problem
    assert len(list(tmp_path.glob("progress.db.corrupt-*"))) == 1


def test_a_database_from_a_newer_version_is_set_aside(tmp_path):
    path = tmp_path / "progress.db"
    ProgressStore(path).close()
    behind_the_stores_back(path, "UPDATE meta SET value = '7' WHERE key = 'version'")
    store = ProgressStore(path)
    assert "newer lstm-tutor" in store.problem


def test_two_bad_files_in_the_same_second_are_both_kept(tmp_path):
    path = tmp_path / "progress.db"
    for content in (b"first", b"second"):
        path.write_bytes(content)
        ProgressStore(path).close()
    kept = sorted(p.read_bytes() for p in tmp_path.glob("progress.db.corrupt-*"))
    assert kept == [b"first", b"second"]


# --- behaviour -------------------------------------------------------------------------------


def test_timestamps_are_kept(tmp_path):
    store = ProgressStore(tmp_path / "p.db")
    store.record("one", "f0", "sigmoid(z0[0, 0])", correct=True)
    store.mark_complete("one")
    lesson = store.load().lessons["one"]
    assert lesson.completed and lesson.started_at and lesson.completed_at
    assert lesson.steps["f0"].solved_at == lesson.steps["f0"].last_attempt_at


def test_a_solved_step_stays_solved_after_a_later_wrong_attempt(tmp_path):
    store = ProgressStore(tmp_path / "p.db")
    store.record("one", "f0", "right", correct=True)
    store.record("one", "f0", "wrong", correct=False)
    assert store.completed_steps("one") == ["f0"]
    assert store.answers("one") == {"f0": "wrong"} and store.attempts("one", "f0") == 2


def test_load_sees_what_another_store_wrote(tmp_path):
    path = tmp_path / "p.db"
    mine, theirs = ProgressStore(path), ProgressStore(path)
    theirs.record("one", "f0", "x", correct=True)
    assert mine.load().lessons["one"].steps["f0"].solved
    assert mine.completed_steps("one") == ["f0"]


def test_seed_follows_the_data_dir_override(tmp_path, monkeypatch):
    seeds = []
    for name in ("ada", "ada", "bob", "cy", "dee"):
        monkeypatch.setenv("LSTM_TUTOR_DATA_DIR", str(tmp_path / name))
        seeds.append(ProgressStore().seed_for("lstm-forward-pass"))
    assert seeds[0] == seeds[1]
    assert len(set(seeds[1:])) > 1
    assert (tmp_path / "ada" / "progress.db").exists()


def test_summary_counts_solved_steps(tmp_path):
    store = ProgressStore(tmp_path / "p.db")
    assert store.summary("one", 3) == "not started"
    store.record("one", "a", "1", correct=True)
    store.record("one", "b", "1", correct=False)
    assert store.summary("one", 3) == "1/3"
    store.mark_complete("one")
    assert store.summary("one", 3) == "complete"


def test_a_folder_where_the_database_should_be_is_an_error_with_the_path(tmp_path):
    folder = tmp_path / "progress.db"
    folder.mkdir()
    with pytest.raises(ProgressError, match="progress.db.*folder"):
        ProgressStore(folder)


def test_a_named_pipe_is_refused_without_hanging(tmp_path):
    path = tmp_path / "progress.db"
    os.mkfifo(path)
    with pytest.raises(ProgressError, match="not a regular file"):
        ProgressStore(path)
    os.unlink(path)
    os.mkfifo(tmp_path / "progress.json")
    with pytest.raises(ProgressError, match="not a regular file"):
        ProgressStore(path)


def test_two_stores_on_one_file_do_not_undo_each_other(tmp_path):
    """The app keeps a store open while the CLI records or resets through another."""
    path = tmp_path / "p.db"
    app, cli = ProgressStore(path), ProgressStore(path)
    app.record("one", "f0", "a", correct=True)
    cli.record("one", "i0", "b", correct=True)
    app.record("one", "o0", "c", correct=True)
    assert sorted(ProgressStore(path).completed_steps("one")) == ["f0", "i0", "o0"]
    cli.reset_lesson("one")
    assert app.completed_steps("one") == []
    app.reveal_hint("two", "x")
    assert ProgressStore(path).completed_steps("one") == []


def test_a_file_deleted_behind_the_store_counts_as_a_reset_that_keeps_the_seed(tmp_path):
    path = tmp_path / "p.db"
    store = ProgressStore(path)
    store.record("one", "f0", "a", correct=True)
    seed = store.seed
    for extra in ("", "-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    assert store.completed_steps("one") == []
    store.record("one", "i0", "b", correct=True)
    again = ProgressStore(path)
    assert again.completed_steps("one") == ["i0"] and again.seed == seed


def test_leftover_temporary_files_of_the_json_store_are_cleaned(tmp_path):
    (tmp_path / ".progress-abc123.tmp").write_text("half a file")
    ProgressStore(tmp_path / "progress.db")
    assert not list(tmp_path.glob(".progress-*.tmp"))


def test_a_data_dir_that_is_a_file_is_an_error_not_a_new_seed(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(ProgressError, match="is a file, not a folder"):
        ProgressStore(blocker / "progress.db")


@contextlib.contextmanager
def read_only(folder):
    """A folder nobody can write in: chmod for users, the immutable flag for root (CI's
    containers may lack it, then the test cannot be set up and is skipped)."""
    if os.geteuid() != 0:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
        undo = ["chmod", "700", str(folder)]
    else:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot make a folder read-only for root here (no chattr)")
        undo = ["chattr", "-i", str(folder)]
    try:
        yield folder
    finally:
        subprocess.run(undo, check=True)


def test_a_read_only_folder_keeps_the_seed_and_refuses_changes(tmp_path):
    folder = tmp_path / "data"
    store = ProgressStore(folder / "progress.db")
    seed = store.seed
    store.record("one", "f0", "a", correct=True)
    store.close()
    with read_only(folder):
        again = ProgressStore(folder / "progress.db")
        assert again.seed == seed and again.completed_steps("one") == ["f0"]
        assert "read-only" in again.problem
        with pytest.raises(ProgressError, match="read-only"):
            again.record("one", "i0", "b", correct=True)
        again.close()


def test_a_read_only_folder_without_progress_is_an_error_not_a_throwaway_seed(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    with read_only(folder):
        with pytest.raises(ProgressError, match="cannot open .*progress.db.*writable folder"):
            ProgressStore(folder / "progress.db")


# --- the attempt log, the version-1 file, the read-only open ---------------------------------

V1_SCHEMA = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE lessons (lesson TEXT PRIMARY KEY, current_step TEXT, completed INTEGER NOT "
    "NULL DEFAULT 0, started_at TEXT, updated_at TEXT, completed_at TEXT)",
    "CREATE TABLE steps (lesson TEXT NOT NULL, step TEXT NOT NULL, answer TEXT, attempts INTEGER "
    "NOT NULL DEFAULT 0, solved INTEGER NOT NULL DEFAULT 0, hints_seen INTEGER NOT NULL DEFAULT "
    "0, last_attempt_at TEXT, solved_at TEXT, PRIMARY KEY (lesson, step))",
    "INSERT INTO meta VALUES ('format', 'lstm-tutor/progress'), ('version', '1'), "
    "('seed', '777'), ('last_lesson', 'one')",
    "INSERT INTO lessons VALUES ('one', 'i0', 0, 't0', 't1', NULL)",
    "INSERT INTO steps VALUES ('one', 'i0', 'b', 1, 0, 0, 't1', NULL)",
    "INSERT INTO steps VALUES ('one', 'f0', 'a', 3, 1, 2, 't1', 't1')",
]


def version_one_file(path: Path) -> Path:
    """A progress database as lstm-tutor wrote it before the classroom (one learner a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for statement in V1_SCHEMA:
        behind_the_stores_back(path, statement)
    return path


def test_every_attempt_is_logged_with_its_diagnosis_and_the_hints_seen_before_it(tmp_path):
    store = ProgressStore(tmp_path / "progress.db")
    store.reveal_hint("one", "f0")
    store.record("one", "f0", "tanh(z)", correct=False, mistake="wrong_activation")
    store.record("one", "f0", "sigmoid(z)", correct=True)
    store.reveal("one", "i0")
    log = store.history("one")
    assert [(r[1], r[2], r[3], r[4], r[5]) for r in log] == [
        ("f0", "tanh(z)", 0, "wrong_activation", 1),
        ("f0", "sigmoid(z)", 1, None, 1),
    ]
    assert store.revealed("one", "i0") and not store.revealed("one", "f0")
    store.reset_lesson("one")
    assert store.history() == []


def test_a_version_one_file_is_migrated_with_its_seed_order_and_position(tmp_path):
    path = version_one_file(tmp_path / "progress.db")
    store = ProgressStore(path)
    assert store.seed == 777 and store.problem is None
    assert store.completed_steps("one") == ["f0"]
    assert store.answers("one") == {"i0": "b", "f0": "a"}  # the order they were first saved
    assert store.attempts("one", "f0") == 3 and store.hints_seen("one", "f0") == 2
    assert store.last_position() == ("one", "i0")
    store.record("one", "i0", "c", correct=True)
    assert ProgressStore(path).completed_steps("one") == ["i0", "f0"]


def test_a_read_only_open_writes_nothing(tmp_path):
    folder = tmp_path / "data"
    missing = ProgressStore(folder / "progress.db", read_only=True)
    assert missing.completed_steps("one") == [] and not folder.exists()

    path = version_one_file(folder / "progress.db")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    reader = ProgressStore(path, read_only=True)
    assert reader.seed == 777 and reader.completed_steps("one") == ["f0"]  # migrated in memory
    with pytest.raises(ProgressError, match="read-only"):
        reader.record("one", "i0", "x", correct=True)
    reader.close()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_read_only_open_of_a_damaged_file_says_so_and_leaves_it(tmp_path):
    path = tmp_path / "progress.db"
    behind_the_stores_back(path, "CREATE TABLE photos (name TEXT)")
    with pytest.raises(ProgressError, match="not an lstm-tutor progress database"):
        ProgressStore(path, read_only=True)
    assert [p.name for p in tmp_path.iterdir()] == ["progress.db"]


def test_a_version_two_file_gains_the_time_a_step_was_first_shown(tmp_path):
    path = tmp_path / "progress.db"
    store = ProgressStore(path)
    store.record("one", "f0", "a", correct=True)
    store.close()
    behind_the_stores_back(path, "ALTER TABLE steps DROP COLUMN opened_at")
    behind_the_stores_back(path, "UPDATE meta SET value = '2' WHERE key = 'version'")
    again = ProgressStore(path)
    again.set_position("one", "i0")
    assert again.completed_steps("one") == ["f0"] and again.last_position() == ("one", "i0")
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone() == ("3",)
    assert db.execute("SELECT opened_at IS NOT NULL FROM steps WHERE step = 'i0'").fetchone()
