"""Lesson 1 walked through the runtime as a learner types it, reproducing seed 000's numbers."""

import numpy as np
import pytest

from tutor.lessons.catalog import load_lesson
from tutor.lessons.runtime import LessonSession

# What a learner types at each step of lesson 1: formulas like the seed's code, and numbers.
ANSWERS = {
    "z0": "concat(x0, h0) @ W + B",
    "f0": "sigmoid(z0[0,0])",
    "i0": "sigmoid(z0[0, 1])",
    "c_hat0": "tanh(z0[0, 2])",
    "o0": "sigmoid(z0[0, 3])",
    "c1": "c0 * f0 + i0 * c_hat0",
    "h1": "tanh(c1) * o0",
    "z1": "concat(x1, h1) @ W + B",
    "f1": "sigmoid(z1[0, 0])",
    "i1": "sigmoid(z1[0, 1])",
    "c_hat1": "tanh(z1[0, 2])",
    "o1": "sigmoid(z1[0, 3])",
    "c2": "(c1 * f1) + (i1 * c_hat1)",
    "h2": "tanh(c2) * o1",
    "y": "sigmoid(h2 * Wy + By)",
}
# Seed 000's printed outputs.
PUBLISHED = {
    "z0": [[0.2, 0.4, -0.25, 0.05]],
    "c1": [[-0.14662978]],
    "h1": [[-0.07461341]],
    "z1": [[0.25253866, 0.53492268, -0.3773067, 0.05761598]],
}
Y = 0.5855398664699348


@pytest.fixture(scope="module")
def session():
    return LessonSession(load_lesson("lstm-forward-pass"))


def test_steps_follow_the_seed_order(session):
    value_steps = [s.id for s in session.steps if s.kind in ("numeric", "formula")]
    assert value_steps == [*ANSWERS, "y_oneliner"]
    assert set(session.givens) == {"x0", "x1", "h0", "c0", "W", "B", "Wy", "By"}
    assert session.givens["x0"].shape == (1, 1) and session.givens["W"].shape == (2, 4)


def test_every_typed_answer_is_right_and_y_is_the_seeds(session):
    for step_id, typed in ANSWERS.items():
        result = session.check(step_id, typed)
        assert result.correct, (step_id, result.feedback)
        assert result.error is None
        if step_id in PUBLISHED:
            np.testing.assert_allclose(result.value, PUBLISHED[step_id], atol=5e-9)
    final = session.check("y", ANSWERS["y"])
    assert float(np.asarray(final.value).reshape(-1)[0]) == pytest.approx(Y, abs=1e-15)
    assert "0.5855398664699348" in final.feedback


def test_rounded_numbers_typed_by_hand_are_accepted(session):
    assert session.check("f0", "0.5498").correct
    assert session.check("z0", "[[0.2, 0.4, -0.25, 0.05]]").correct
    assert session.check("z0", "[0.2, 0.4, -0.25, 0.05]").correct  # same numbers, flat
    assert not session.check("f0", "0.56").correct


def test_later_steps_see_exact_values_not_rounded_ones(session):
    names = session.givens_for("c1")
    assert set(names) >= {"f0", "i0", "c_hat0", "o0", "z0"}
    assert "c1" not in names and "h1" not in names
    assert names["f0"].reshape(-1)[0] == 1 / (1 + np.exp(-0.2))


Z0 = "(concat(x0,h0)@W+B)"
C1 = f"(c0*sigmoid({Z0}[0,0]) + sigmoid({Z0}[0,1])*tanh({Z0}[0,2]))"
Z1 = f"(concat(x1, tanh({C1})*sigmoid({Z0}[0,3])) @ W + B)"
ONE_LINER = (
    f"sigmoid(tanh(sigmoid({Z1}[0,0])*{C1} + sigmoid({Z1}[0,1])*tanh({Z1}[0,2]))"
    f" * sigmoid({Z1}[0,3]) * Wy + By)"
)


def test_the_bonus_one_liner_must_be_a_formula_of_the_givens(session):
    right = session.check("y_oneliner", ONE_LINER)
    assert right.correct, right.feedback
    assert float(np.asarray(right.value).reshape(-1)[0]) == pytest.approx(Y, abs=1e-15)
    number = session.check("y_oneliner", "0.5855398664699348")
    assert not number.correct
    assert "number" in number.feedback.lower()
    # A coincidence: the right value here, but not the formula when the inputs change.
    fudge = f"{Y} + 0 * x1[0, 0] * h0[0, 0]"
    assert not session.check("y_oneliner", fudge).correct
    # Intermediate step ids are not available here: the point is one expression.
    assert session.check("y_oneliner", "sigmoid(h2 * Wy + By)").error is not None


def test_preview_shows_the_value_or_the_column_of_the_error(session):
    ok = session.preview("f0", "sigmoid(z0[0, 0])")
    assert ok.error is None and float(ok.value) == pytest.approx(0.549833997, abs=1e-9)
    bad = session.preview("f0", "sigmoid(z0[0, 0]")
    assert bad.value is None and bad.error and bad.col is not None
    unknown = session.preview("f0", "sigmoid(z9[0, 0])")
    assert unknown.value is None and "z9" in unknown.error


def test_the_precision_asked_for_is_shown_with_the_verdict_and_in_the_prompt(session):
    assert session.check("f0", "0.1").tolerance_text == "3 significant figures"
    assert "Give 3 significant figures" in session.prompt("f0")
    assert session.check("c1", "0.1").tolerance_text == "2 significant figures"


def test_unparseable_answers_are_errors_not_verdicts(session):
    for typed in ("", "   ", "sigmoid(", "__import__('os')", "f0.__class__"):
        result = session.check("f0", typed)
        assert not result.correct and result.error, typed
