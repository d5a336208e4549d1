"""The app's learner object: one error policy, and the diagnosis kept with a wrong answer."""

import pytest

from tutor import learner
from tutor.progress import ProgressError, ProgressStore


class Broken:
    """A store whose every read and write fails, as an unreadable database would."""

    problem = None

    def __getattr__(self, name):
        raise ProgressError(f"cannot read progress ({name})")


@pytest.fixture
def broken():
    learner.use(Broken())
    yield
    learner.use(None)


def test_reads_give_their_empty_answer_and_changes_a_message(broken):
    assert learner.seed() == 0 and learner.done_steps("one") == set()
    assert learner.answers("one") == {} and learner.attempts("one", "f0") == 0
    assert learner.last_position() is None
    for change in (
        lambda: learner.record("one", "f0", "x", False),
        lambda: learner.set_position("one", "f0"),
        lambda: learner.reveal_hint("one", "f0"),
        lambda: learner.reveal("one", "f0"),
        lambda: learner.mark_complete("one"),
    ):
        assert change().startswith("Could not save progress: cannot read progress")


def test_the_first_failure_is_reported_as_the_problem(broken):
    assert learner.problem() is None
    learner.done_steps("one")
    learner.record("one", "f0", "x", False)
    assert learner.problem() == "cannot read progress (completed_steps)"


def test_a_wrong_answer_keeps_its_diagnosis(isolated_learner_data):
    assert learner.record("one", "f0", "tanh(z)", False, mistake="wrong_activation") is None
    assert learner.reveal("one", "f0") is None
    store = ProgressStore(isolated_learner_data / "progress.db")
    assert [r[4] for r in store.history("one")] == ["wrong_activation"]
    assert store.revealed("one", "f0")
