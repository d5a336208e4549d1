"""Learner progress: kept between runs, written atomically, never silently lost."""

import json

import pytest

from tutor.lessons.progress import ProgressError, ProgressStore, default_path


def test_progress_lives_in_the_data_dir_override(isolated_learner_data):
    assert default_path() == isolated_learner_data / "progress.json"


def test_answers_attempts_and_solved_steps_survive_a_restart(tmp_path):
    path = tmp_path / "progress.json"
    store = ProgressStore(path)
    store.record("lesson-a", "f0", "tanh(z0[0, 0])", correct=False)
    store.record("lesson-a", "f0", "sigmoid(z0[0, 0])", correct=True)
    store.reveal_hint("lesson-a", "i0")
    store.set_position("lesson-a", "i0")

    again = ProgressStore(path)
    assert again.completed_steps("lesson-a") == ["f0"]
    assert again.answers("lesson-a") == {"f0": "sigmoid(z0[0, 0])"}
    assert again.attempts("lesson-a", "f0") == 2
    assert again.hints_seen("lesson-a", "i0") == 1
    assert again.last_position() == ("lesson-a", "i0")
    assert again.problem is None


def test_seed_is_stable_for_one_learner_and_differs_between_learners(tmp_path):
    first = ProgressStore(tmp_path / "one" / "progress.json").seed
    assert ProgressStore(tmp_path / "one" / "progress.json").seed == first
    others = {ProgressStore(tmp_path / f"l{n}" / "progress.json").seed for n in range(5)}
    assert len(others | {first}) > 1


def test_resets_step_lesson_and_all(tmp_path):
    store = ProgressStore(tmp_path / "p.json")
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
    assert ProgressStore(tmp_path / "p.json").completed_steps("two") == []
    assert ProgressStore(tmp_path / "p.json").seed == seed


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"format": "someone-else", "lessons": []}', b"[1, 2, 3]", b"\xff\xfe\x00"],
)
def test_a_corrupt_or_foreign_file_is_set_aside_not_overwritten(tmp_path, content):
    path = tmp_path / "progress.json"
    path.write_bytes(content)
    store = ProgressStore(path)
    assert store.problem and "could not be read" in store.problem
    kept = list(tmp_path.glob("progress.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == content
    store.record("x", "y", "1", correct=True)
    assert json.loads(path.read_text())["format"] == "lstm-tutor/progress"
    assert kept[0].read_bytes() == content


def test_save_is_atomic_when_the_write_fails(tmp_path, monkeypatch):
    path = tmp_path / "progress.json"
    store = ProgressStore(path)
    store.record("x", "a", "1", correct=True)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("tutor.lessons.progress.os.fsync", boom)
    with pytest.raises(ProgressError, match="disk full"):
        store.record("x", "b", "2", correct=True)
    assert path.read_bytes() == before
    assert ProgressStore(path).completed_steps("x") == ["a"]
    assert not list(tmp_path.glob(".progress-*"))


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
    store = ProgressStore(path)
    assert store.problem and words in store.problem
    (kept,) = tmp_path.glob("progress.json.corrupt-*")
    assert kept.name in store.problem and kept.read_bytes() == content
    assert not path.exists()  # nothing written until the learner does something


def test_two_bad_files_in_the_same_second_are_both_kept(tmp_path):
    path = tmp_path / "progress.json"
    for content in (b"first", b"second"):
        path.write_bytes(content)
        ProgressStore(path)
    kept = sorted(p.read_bytes() for p in tmp_path.glob("progress.json.corrupt-*"))
    assert kept == [b"first", b"second"]


def test_the_file_is_versioned_json_with_timestamps(tmp_path):
    path = tmp_path / "progress.json"
    store = ProgressStore(path)
    store.record("one", "f0", "sigmoid(z0[0, 0])", correct=True)
    store.mark_complete("one")
    doc = json.loads(path.read_text())
    assert (doc["format"], doc["version"]) == ("lstm-tutor/progress", 1)
    lesson = doc["lessons"]["one"]
    assert lesson["completed"] and lesson["started_at"] and lesson["completed_at"]
    assert lesson["steps"]["f0"]["solved_at"] == lesson["steps"]["f0"]["last_attempt_at"]


def test_a_solved_step_stays_solved_after_a_later_wrong_attempt(tmp_path):
    store = ProgressStore(tmp_path / "p.json")
    store.record("one", "f0", "right", correct=True)
    store.record("one", "f0", "wrong", correct=False)
    assert store.completed_steps("one") == ["f0"]
    assert store.answers("one") == {"f0": "wrong"} and store.attempts("one", "f0") == 2


def test_load_sees_what_another_store_wrote(tmp_path):
    path = tmp_path / "p.json"
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
    assert (tmp_path / "ada" / "progress.json").exists()


def test_summary_counts_solved_steps(tmp_path):
    store = ProgressStore(tmp_path / "p.json")
    assert store.summary("one", 3) == "not started"
    store.record("one", "a", "1", correct=True)
    store.record("one", "b", "1", correct=False)
    assert store.summary("one", 3) == "1/3"
    store.mark_complete("one")
    assert store.summary("one", 3) == "complete"


def test_an_unreadable_path_is_an_error_with_the_path(tmp_path):
    folder = tmp_path / "progress.json"
    folder.mkdir()
    with pytest.raises(ProgressError, match="progress.json"):
        ProgressStore(folder)


def test_two_stores_on_one_file_do_not_undo_each_other(tmp_path):
    """The app keeps a store open while the CLI records or resets through another."""
    path = tmp_path / "p.json"
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
    path = tmp_path / "p.json"
    store = ProgressStore(path)
    store.record("one", "f0", "a", correct=True)
    seed = store.seed
    path.unlink()
    assert store.completed_steps("one") == []
    store.record("one", "i0", "b", correct=True)
    again = ProgressStore(path)
    assert again.completed_steps("one") == ["i0"] and again.seed == seed


def test_an_unwritable_data_dir_still_gives_a_seed_and_says_why_it_will_not_stick(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data folder should be")
    store = ProgressStore(blocker / "progress.json")
    assert store.seed == store.seed_for("any")
    assert "cannot save progress" in store.problem and "afresh" in store.problem
    with pytest.raises(ProgressError, match="cannot save progress"):
        store.record("one", "f0", "x", correct=True)
