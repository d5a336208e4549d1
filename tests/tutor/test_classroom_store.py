"""The class store on both backends (SQLite and a live PostgreSQL): the same suite, no mocks.

One learner's progress through the store interface, learners kept apart, sign-in codes, the
proxy's names, the instructor's code and the reports the `class` commands print."""

from __future__ import annotations

import pytest

from tests.stores import store_target  # noqa: F401 - the fixture
from tutor.progress import ProgressError
from tutor.progress.classroom import Classroom, normal_code


@pytest.fixture
def classroom(store_target):  # noqa: F811
    room = Classroom(store_target)
    yield room
    room.close()


# --- one learner's progress: the store interface -----------------------------------------


def test_answers_attempts_hints_and_position_survive_reopening(classroom, store_target):  # noqa: F811
    ada = classroom.sign_up("Ada")
    mine = classroom.progress_of(ada)
    mine.set_position("one", "f0")
    mine.record("one", "f0", "tanh(z)", correct=False, mistake="wrong_activation")
    mine.reveal_hint("one", "f0")
    mine.record("one", "f0", "sigmoid(z)", correct=True)
    mine.record("one", "f0", "oops", correct=False)  # a solved step stays solved
    mine.reveal("one", "i0")
    assert mine.reveal_hint("one", "i0") == 1

    again = Classroom(store_target).progress_of(ada.id)
    assert again.completed_steps("one") == ["f0"]
    assert again.answers("one") == {"f0": "oops"}
    assert again.attempts("one", "f0") == 3 and again.hints_seen("one", "f0") == 1
    assert again.revealed("one", "i0") and not again.revealed("one", "f0")
    assert again.last_position() == ("one", "f0")
    assert again.seed == ada.seed
    assert [(r[1], r[3], r[4], r[5]) for r in again.history("one")] == [
        ("f0", 0, "wrong_activation", 0),
        ("f0", 1, None, 1),
        ("f0", 0, None, 1),
    ]
    snapshot = again.load().lessons["one"]
    assert snapshot.steps["f0"].solved and snapshot.current_step == "f0"


def test_completion_summary_and_resets(classroom):
    mine = classroom.progress_of(classroom.sign_up("Ada"))
    for step in ("a", "b"):
        mine.record("one", step, "1", correct=True)
    mine.record("two", "a", "1", correct=True)
    mine.mark_complete("one")
    assert mine.summary("one", 2) == "complete"
    mine.reset_step("one", "a")
    assert mine.completed_steps("one") == ["b"] and mine.summary("one", 2) == "1/2"
    mine.reset_lesson("one")
    assert mine.completed_steps("one") == [] and mine.completed_steps("two") == ["a"]
    mine.reset_all()
    assert mine.completed_steps("two") == [] and mine.history() == []


def test_learners_never_see_each_others_progress(classroom):
    ada, bob = classroom.sign_up("Ada"), classroom.sign_up("Bob")
    classroom.progress_of(ada).record("one", "f0", "x", correct=True)
    classroom.progress_of(ada).set_position("one", "f0")
    theirs = classroom.progress_of(bob)
    assert theirs.completed_steps("one") == [] and theirs.answers("one") == {}
    assert theirs.last_position() is None and theirs.history() == []
    theirs.reset_all()  # a reset is one learner's too
    assert classroom.progress_of(ada).completed_steps("one") == ["f0"]


# --- sign-in ------------------------------------------------------------------------------


def test_a_sign_in_code_brings_back_the_same_learner_and_seed(classroom):
    ada = classroom.sign_up("  Ada   Lovelace ", "ml-101")
    assert ada.name == "Ada Lovelace" and ada.class_code == "ml-101"
    assert len(ada.signin) == 8 and ada.code == f"{ada.signin[:4]}-{ada.signin[4:]}"
    for typed in (ada.signin, ada.code, f" {ada.code.lower()} "):
        back = classroom.sign_in(typed)
        assert back is not None and (back.id, back.seed) == (ada.id, ada.seed)
    assert classroom.sign_in("ZZZZ-ZZZZ") is None and classroom.sign_in("short") is None
    other = classroom.sign_up("Ada Lovelace", "ml-101")  # the same name: another learner
    assert other.id != ada.id and other.signin != ada.signin


@pytest.mark.parametrize("name", ["", "   ", "a\x07b", "x" * 61])
def test_a_name_must_be_a_name(classroom, name):
    with pytest.raises(ValueError):
        classroom.sign_up(name)


def test_a_proxy_named_learner_is_one_learner_per_class_and_name(classroom):
    first = classroom.trusted("ada@uni.example", "ml-101")
    assert classroom.trusted("ada@uni.example", "ml-101") == first
    assert classroom.trusted("ada@uni.example", "ml-102").id != first.id
    assert first.signin is None  # the proxy is how they come back


def test_the_instructor_code_is_drawn_once_and_opens_nothing_else(classroom, store_target):  # noqa: F811
    code = classroom.instructor_code
    assert Classroom(store_target).instructor_code == code
    assert classroom.is_instructor(code.lower()) and not classroom.is_instructor("AAAA-AAAA")
    assert classroom.sign_in(code) is None  # not a learner's code
    assert normal_code(code) == code


def test_a_read_only_classroom_changes_nothing(classroom, store_target):  # noqa: F811
    ada = classroom.sign_up("Ada")
    reader = Classroom(store_target, read_only=True)
    assert reader.sign_in(ada.signin).id == ada.id
    with pytest.raises(ProgressError):
        reader.progress_of(ada).record("one", "f0", "x", correct=True)
    with pytest.raises(ProgressError):
        reader.sign_up("Eve")
    assert [r["name"] for r in reader.roster()] == ["Ada"]


# --- what the instructor reads -----------------------------------------------------------


def make_class(classroom):
    """Two learners of ml-101 and one of another class, with known answers."""
    ada = classroom.progress_of(classroom.sign_up("Ada", "ml-101"))
    bob = classroom.progress_of(classroom.sign_up("Bob", "ml-101"))
    eve = classroom.progress_of(classroom.sign_up("Eve", "other"))
    ada.set_position("one", "f0")
    ada.record("one", "f0", "tanh(z)", correct=False, mistake="wrong_activation")
    ada.reveal_hint("one", "f0")
    ada.record("one", "f0", "sigmoid(z)", correct=True)
    ada.record("one", "i0", "1 - f", correct=False, mistake="authored")
    ada.reveal("one", "i0")
    bob.record("one", "f0", "tanh(z)", correct=False, mistake="wrong_activation")
    bob.record("one", "f0", "relu(z)", correct=False)
    eve.record("one", "f0", "tanh(z)", correct=False, mistake="wrong_activation")


def test_export_has_one_row_per_learner_and_step(classroom):
    make_class(classroom)
    rows = classroom.export_rows("ml-101")
    got = [
        (r["learner"], r["step"], r["attempts"], r["solved"], r["hints"], r["revealed"],
         r["mistakes"])
        for r in rows
    ]  # fmt: skip
    assert got == [
        ("Ada", "f0", 2, True, 1, False, "wrong_activation:1"),
        ("Ada", "i0", 1, False, 0, True, "authored:1"),
        ("Bob", "f0", 2, False, 0, False, "wrong_activation:1"),
    ]
    assert all(isinstance(r["seconds"], int) and r["seconds"] >= 0 for r in rows)
    assert len(classroom.export_rows()) == 4  # every class: Eve too


def test_mistakes_count_learners_not_attempts(classroom):
    make_class(classroom)
    found = classroom.mistakes("one", "ml-101")
    assert list(found) == ["f0", "i0"]
    assert found["f0"]["mistakes"] == [("wrong_activation", 2)]
    assert found["f0"]["wrong_learners"] == 2
    assert found["f0"]["wrong_answers"] == [("tanh(z)", 2), ("relu(z)", 1)]
    assert classroom.mistakes("one")["f0"]["mistakes"] == [("wrong_activation", 3)]
    assert classroom.mistakes("no-such-lesson") == {}


def test_roster_and_progress_per_learner(classroom):
    make_class(classroom)
    roster = classroom.roster("ml-101")
    got = [(r["name"], r["solved"], r["attempts"]) for r in roster]
    assert got == [("Ada", 1, 3), ("Bob", 0, 2)]
    progress = classroom.progress("ml-101")
    keys = ("name", "lesson", "done", "attempts", "hints", "reveals")
    got = [tuple(r[k] for k in keys) for r in progress]
    assert got == [("Ada", "one", 1, 3, 1, 1), ("Bob", "one", 0, 2, 0, 0)]
