"""Issue 8: no wrong answer passes, no right answer fails, every diagnosis names the mistake made.

Each class of answer is tried through the lesson runtime and, for the issue's own table, through
`lstm-tutor lessons check --json` as well.
"""

import json

import pytest
from click.testing import CliRunner

from tutor.cli_lessons import lessons
from tutor.lessons.catalog import load_lesson
from tutor.lessons.runtime import LessonSession

_SESSIONS: dict[str, LessonSession] = {}


def session(lesson_id: str) -> LessonSession:
    if lesson_id not in _SESSIONS:
        _SESSIONS[lesson_id] = LessonSession(load_lesson(lesson_id), seed=0)
    return _SESSIONS[lesson_id]


# The issue's table: wrong answers that the ±1% window accepted.
WRONG = [
    ("lstm-forward-pass", "h1", "o0 * c1"),
    ("lstm-forward-pass", "h1", "tanh(o0 * c1)"),
    ("lstm-forward-pass", "c2", "f0 * c1 + i1 * c_hat1"),
    ("lstm-forward-pass", "h2", "tanh(c2) * o0"),
    ("lstm-forward-pass", "y", "sigmoid(tanh(c2) * o0 @ Wy + By)"),
    ("lstm-forward-pass", "f1", "sigmoid((concat(x1, c1) @ W + B)[0, 0])"),
    ("lstm-forward-pass", "f1", "sigmoid((concat(x1, h0) @ W + B)[0, 0])"),
    ("lstm-forward-pass", "i1", "sigmoid((concat(x1, c1) @ W + B)[0, 1])"),
    ("lstm-forward-pass", "i1", "sigmoid((concat(x1, h0) @ W + B)[0, 1])"),
    (
        "gate-conventions",
        "f0",
        "sigmoid(W_ih[1, 0] * x0[0, 0] + b_ih[1] + W_hh[1, 0] * h0[0, 0])",
    ),
    ("sine-wave", "n_windows", "719.6"),
    ("your-own-series", "window_choice", "28.3"),
]
# Right answers that were rejected.
RIGHT = [
    ("gate-conventions", "f0", "0.71"),
    ("gate-conventions", "c1", "0.51"),
    ("forget-gate-bias", "f_bias", "0.73"),
    ("lstm-forward-pass", "c1", "-0.15"),
    ("lstm-forward-pass", "h2", "o1 * tanh(c2)"),
    ("lstm-forward-pass", "h1", "-0.0746"),
    ("lstm-forward-pass", "f0", "sigmoid(0.2)"),
    ("sine-wave", "n_windows", "720"),
    ("sine-wave", "n_windows", "N - test - window"),
]


@pytest.mark.parametrize(("lesson", "step", "typed"), WRONG)
def test_wrong_answers_of_the_issue_are_rejected(lesson, step, typed):
    result = session(lesson).check(step, typed)
    assert not result.correct and result.error is None, result.feedback


@pytest.mark.parametrize(("lesson", "step", "typed"), RIGHT)
def test_right_answers_of_the_issue_are_accepted(lesson, step, typed):
    result = session(lesson).check(step, typed)
    assert result.correct, result.feedback


@pytest.mark.parametrize(("lesson", "step", "typed"), WRONG[:4] + RIGHT[:4])
def test_the_cli_gives_the_same_verdicts(lesson, step, typed):
    args = ["check", lesson, "--step", step, "--answer", typed, "--seed", "0", "--json"]
    out = CliRunner().invoke(lessons, args)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["correct"] is ((lesson, step, typed) in RIGHT)
    assert {"correct", "value", "expected", "feedback", "diagnosis", "tolerance"} <= set(data)


# --- expressions are judged in the perturbed worlds ---------------------------------------------


def test_an_expression_close_here_is_still_the_wrong_expression():
    # o0 and o1 differ by 0.37% here; the expression parts from the right one when they part.
    wrong = session("lstm-forward-pass").check("h2", "tanh(c2) * o0")
    assert not wrong.correct
    assert session("lstm-forward-pass").check("h2", "tanh(c2) * o1").correct


def test_a_simplification_the_prompt_allows_is_accepted():
    # y in one expression, simplified with the zero initial state (`fixed: [h0, c0]`).
    z0 = "(x0 @ W[0:1] + B)"
    c1 = f"(sigmoid({z0}[0,1])*tanh({z0}[0,2]))"
    z1 = f"(concat(x1, [[tanh({c1})*sigmoid({z0}[0,3])]]) @ W + B)"
    y = f"sigmoid(tanh(sigmoid({z1}[0,0])*{c1} + sigmoid({z1}[0,1])*tanh({z1}[0,2]))"
    y += f" * sigmoid({z1}[0,3]) * Wy + By)"
    assert session("lstm-forward-pass").check("y_oneliner", y).correct


def test_names_mixed_with_typed_numbers_are_judged_as_a_calculation():
    assert session("lstm-forward-pass").check("h2", "0.5144 * tanh(c2)").correct
    assert not session("lstm-forward-pass").check("h2", "0.5125 * tanh(c2)").correct


# --- numbers are judged by precision ------------------------------------------------------------


def test_correct_rounding_is_right_and_wrong_rounding_is_not():
    s = session("lstm-forward-pass")  # h1 = -0.0746134...
    assert s.check("h1", "-0.0746").correct
    assert s.check("h1", "-0.07461").correct  # more figures than asked, still right
    assert not s.check("h1", "-0.0747").correct
    assert s.check("z0", "[[0.2, 0.4, -0.25, 0.05]]").correct  # exact values need no padding


def test_too_few_figures_get_their_own_feedback():
    result = session("lstm-forward-pass").check("h1", "-0.075")
    assert not result.correct and result.mistake == "too_few_figures"
    assert "Right to 2 figures" in result.feedback and "3 significant figures" in result.feedback
    assert "Not quite" not in result.feedback


def test_a_sign_error_is_named():
    result = session("lstm-forward-pass").check("h1", "0.0746")
    assert not result.correct and result.mistake == "sign_error" and "sign" in result.diagnosis
    expression = session("lstm-forward-pass").check("h1", "-tanh(c1) * o0")
    assert expression.mistake == "sign_error"


def test_the_wrong_elements_of_an_array_are_named():
    result = session("lstm-forward-pass").check("z0", "[[0.2, 0.4, -0.25, 0.06]]")
    assert not result.correct and "element [0, 3] is not right" in result.feedback


AMBIGUOUS = """\
id: close-call
title: A close call
summary: A mistake that rounds like the answer.
group: by-hand
givens:
  a: 0.5
steps:
  - id: s
    kind: numeric
    reference: a + 0.0002
    prompt: Add a little.
    mistakes:
      - expression: a
        feedback: You forgot the little.
"""


def test_a_number_that_cannot_tell_the_answer_from_a_mistake_asks_for_more(tmp_path):
    path = tmp_path / "close-call.yaml"
    path.write_text(AMBIGUOUS)
    s = LessonSession(load_lesson(path), seed=0)
    result = s.check("s", "0.500")
    assert not result.correct and result.mistake == "ambiguous"
    assert "at least 4 significant figures" in result.feedback
    assert "0.5002" not in result.feedback and "0.5" not in result.feedback.replace("0.500", "")
    assert s.check("s", "0.5002").correct  # enough figures to side with the right value
    assert s.check("s", "a + 0.0002").correct  # or the expression
    assert s.check("s", "0.5000").mistake == "authored"


# --- diagnoses name only mistakes the answer makes ----------------------------------------------


def test_the_bias_left_out_is_not_called_the_wrong_slice():
    result = session("lstm-forward-pass").check("i0", "sigmoid((concat(x0, h0) @ W)[0, 1])")
    assert result.mistake == "bias_left_out", result.feedback
    assert "forget gate" not in result.feedback


def test_a_wrong_time_step_is_not_called_a_missing_bias():
    result = session("lstm-forward-pass").check("c2", "f1*c1 + i1*c_hat0")
    assert not result.correct
    assert result.mistake != "bias_left_out" and "bias" not in result.feedback


def test_a_number_two_mistakes_explain_equally_gets_no_diagnosis(tmp_path):
    text = AMBIGUOUS.replace(
        "      - expression: a\n",
        "      - expression: a + 0.3\n        feedback: One.\n      - expression: a + 0.3001\n",
    )
    path = tmp_path / "close-call.yaml"
    path.write_text(text)
    s = LessonSession(load_lesson(path), seed=0)
    result = s.check("s", "0.800")
    assert not result.correct and result.diagnosis is None


# --- integers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lesson", "step", "typed"),
    [("sine-wave", "n_windows", "719.6"), ("gate-conventions", "rnn_params", "1.5")],
)
def test_a_count_is_a_whole_number(lesson, step, typed):
    result = session(lesson).check(step, typed)
    assert not result.correct and result.mistake == "not_integer"
    assert "whole number" in result.feedback


def test_an_integer_step_is_exact():
    s = session("sine-wave")
    assert not s.check("n_windows", "721").correct
    assert s.check("n_windows", "721").mistake == "authored"
    assert "whole number" in s.prompt("n_windows")


# --- choices ------------------------------------------------------------------------------------


def test_choices_are_shuffled_per_learner_and_stable_for_one():
    lesson = load_lesson("gate-conventions")
    orders = {
        tuple(c.text for _, c in LessonSession(lesson, seed=s).choices("pytorch_order"))
        for s in range(12)
    }
    assert len(orders) > 1  # learners see different orders
    one = [c.text for _, c in LessonSession(lesson, seed=5).choices("pytorch_order")]
    again = [c.text for _, c in LessonSession(lesson, seed=5).choices("pytorch_order")]
    assert one == again
    positions = set()
    for s in range(12):
        shown = LessonSession(lesson, seed=s).choices("pytorch_order")
        positions.add(next(k for k, (_, c) in enumerate(shown) if c.correct))
    assert len(positions) > 1  # the right option is not always in the same place


ORDINAL = ["first", "second", "third", "fourth"]


@pytest.mark.parametrize("seed", [0, 3])
def test_a_choice_is_accepted_by_letter_position_or_text(seed):
    s = LessonSession(load_lesson("vanishing-gradients"), seed=seed)
    shown = s.choices("verdict")
    k = next(k for k, (_, c) in enumerate(shown) if c.correct)
    letter = shown[k][0]
    for typed in (
        letter,
        f"({letter})",
        f"{letter})",
        ORDINAL[k],
        str(k + 1),
        "simple RNN",
        "The simple RNN.",
        "  the SIMPLE   rnn ",
    ):
        result = s.check("verdict", typed)
        assert result.correct and result.error is None, typed
        assert result.value == letter
    wrong = shown[(k + 1) % len(shown)]
    assert not s.check("verdict", wrong[0]).correct


def test_a_choice_without_its_final_period_is_the_choice():
    s = LessonSession(load_lesson("gru-by-hand"), seed=0)
    assert s.check("convention", "It keeps the previous hidden state almost unchanged").correct
    assert s.check("convention", "z").error is not None


def test_reveal_names_the_right_option_in_the_learners_order():
    s = LessonSession(load_lesson("gate-conventions"), seed=2)
    shown = dict(s.choices("pytorch_order"))
    revealed = s.reveal("pytorch_order")
    assert shown[revealed[0]].correct and "the second" in revealed
    assert s.reveal("f0") == "[[0.7109495026250039]]"


def test_the_runtime_never_opens_the_progress_store(monkeypatch):
    import tutor.progress as progress

    def refuse(*args, **kwargs):
        raise AssertionError("the runtime opened the progress store")

    monkeypatch.setattr(progress, "ProgressStore", refuse)
    s = LessonSession(load_lesson("gru-by-hand"))  # random givens, no seed: learner 0
    assert s.seed == 0 and s.check("r0", "sigmoid((concat(x0, h0) @ W + B)[:, 0:2])").correct


# --- feedback renders as written, in the lesson's own names -------------------------------------


def test_formulas_in_built_in_feedback_are_code_and_use_the_lessons_names():
    s = LessonSession(load_lesson("gru-by-hand"), seed=0)
    reversed_blend = s.check("h1", "z0 * n0 + (1 - z0) * h0")
    assert reversed_blend.mistake == "gru_update_reversed"
    assert "`z*n + (1-z)*h`" in reversed_blend.diagnosis  # Markdown cannot eat the `*`
    wrong_slice = s.check("z0", "sigmoid((concat(x0, h0) @ W + B)[:, 0:2])")
    assert wrong_slice.mistake == "wrong_slice"
    assert "slice of z" not in wrong_slice.diagnosis  # in a GRU, z is the update gate
    assert "pre-activation" in wrong_slice.diagnosis
    lstm = session("lstm-forward-pass").check("h2", "c2 * o1")
    assert "`h2 = tanh(c2) * o1`" in lstm.diagnosis


def test_more_figures_than_asked_are_not_rounded_twice(tmp_path):
    # 0.69246 to 4 figures is 0.6925, which rounds to 0.693 at 3 figures; the answer is 0.692:
    # a learner who gave more figures than asked, all of them right, is right.
    path = tmp_path / "double.yaml"
    path.write_text(
        AMBIGUOUS.replace("a + 0.0002", "a + 0.19246").replace(
            "    mistakes:\n      - expression: a\n        feedback: You forgot the little.\n", ""
        )
    )
    s = LessonSession(load_lesson(path), seed=0)
    assert s.check("s", "0.6925").correct
    assert s.check("s", "0.692").correct
    assert not s.check("s", "0.6926").correct  # wrong at 4 figures and at 3
