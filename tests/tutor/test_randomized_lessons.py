"""Random givens: every learner gets their own numbers, and every reference follows them."""

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.lessons.catalog import load_lesson
from tutor.lessons.display import exact
from tutor.lessons.runtime import LessonSession

LESSON = load_lesson(Path(__file__).parent / "sample_lessons" / "gru-tiny.yaml")


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_each_learners_exact_references_are_accepted_and_prompts_render(seed):
    session = LessonSession(LESSON, seed=seed)
    assert 0.5 <= session.givens["x0"].item() <= 1.0
    for step in session.steps:
        assert "{{" not in session.prompt(step.id)
        if step.kind == "numeric":
            assert session.check(step.id, exact(session.expected(step.id))).correct
    # The right formula is right for everyone.
    assert session.check("h1", "(1 - z0) * n0 + z0 * h0").correct


def test_learners_differ_and_one_learner_is_stable():
    a, b = LessonSession(LESSON, seed=1), LessonSession(LESSON, seed=2)
    again = LessonSession(LESSON, seed=1)
    assert not np.array_equal(a.givens["x0"], b.givens["x0"])
    assert np.array_equal(a.expected("h2"), again.expected("h2"))


def test_without_a_seed_the_learners_own_seed_is_used():
    first, second = LessonSession(LESSON), LessonSession(LESSON)
    assert first.seed == second.seed
    assert np.array_equal(first.givens["x1"], second.givens["x1"])
