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
