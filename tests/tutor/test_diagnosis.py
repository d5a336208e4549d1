"""Every automatic diagnosis fires on a real wrong answer, and only when it is clearly wrong."""

from pathlib import Path

import pytest

from tutor.lessons.catalog import load_lesson
from tutor.lessons.runtime import LessonSession

SAMPLES = Path(__file__).parent / "sample_lessons"


@pytest.fixture(scope="module")
def lstm():
    return LessonSession(load_lesson("lstm-forward-pass"))


@pytest.fixture(scope="module")
def gru():
    return LessonSession(load_lesson(SAMPLES / "gru-tiny.yaml"), seed=7)


LSTM_CASES = [
    # (step, what the learner typed, the mistake recognised, words the explanation must use)
    ("f0", "tanh(z0[0, 0])", "sigmoid_tanh_swap", "sigmoid"),
    ("c_hat0", "sigmoid(z0[0, 2])", "sigmoid_tanh_swap", "tanh"),
    ("f0", "sigmoid(z0[0, 1])", "wrong_slice", "input gate"),
    ("o1", "sigmoid(z1[0, 0])", "wrong_slice", "forget gate"),
    ("f0", "sigmoid((concat(x0, h0) @ W)[0, 0])", "bias_left_out", "bias"),
    ("z1", "concat(x1, c1) @ W + B", "c_for_h", "hidden state"),
    ("h2", "c2", "c_for_h", "cell state"),
    ("c2", "h1 * f1 + i1 * c_hat1", "h_for_c", "cell state"),
    ("c2", "i1 * c_hat1", "forget_term_left_out", "forget term"),
    ("c2", "c1 * f1", "input_term_left_out", "input term"),
    ("h2", "c2 * o1", "tanh_left_out", "tanh"),
    ("h2", "sigmoid(c2) * o1", "sigmoid_tanh_swap", "tanh"),
    ("f1", "sigmoid(z0[0, 0])", "wrong_time_step", "time step 0"),
    ("h2", "tanh(c1) * o1", "wrong_time_step", "c1"),
    ("y", "sigmoid(h1 * Wy + By)", "wrong_time_step", "h2"),
    ("y", "sigmoid(c2 * Wy + By)", "c_for_h", "cell state"),
]


@pytest.mark.parametrize(("step", "typed", "mistake", "words"), LSTM_CASES)
def test_lstm_mistakes_are_diagnosed(lstm, step, typed, mistake, words):
    result = lstm.check(step, typed)
    assert not result.correct
    assert result.mistake == mistake, result.feedback
    assert words in result.diagnosis
    assert result.diagnosis in result.feedback


def test_authored_mistakes_come_before_generated_ones(lstm):
    result = lstm.check("y", "h2 * Wy + By")
    assert result.mistake == "authored"
    assert "sigmoid" in result.diagnosis


def test_readout_activation_left_out_is_generated(gru):
    result = gru.check("y", "h2 @ Wy + By")
    assert result.mistake == "activation_left_out" and "tanh" in result.diagnosis


def test_gru_update_gate_the_wrong_way_round(gru):
    result = gru.check("h1", "z0 * n0 + (1 - z0) * h0")
    assert result.mistake == "gru_update_reversed"
    assert "(1-z)*n + z*h" in result.diagnosis
    assert gru.check("h1", "(1 - z0) * n0 + z0 * h0").correct


@pytest.mark.parametrize(
    ("step", "typed", "mistake"),
    [
        ("z0", "tanh(W_ih[1, 0] * x0 + b_ih[1] + W_hh[1, 0] * h0 + b_hh[1])", "sigmoid_tanh_swap"),
        ("z0", "r0", "wrong_slice"),
        (
            "n0",
            "sigmoid(W_ih[2, 0] * x0 + b_ih[2] + r0 * (W_hh[2, 0] * h0 + b_hh[2]))",
            "sigmoid_tanh_swap",
        ),
        ("r0", "sigmoid(W_ih[0, 0] * x0 + W_hh[0, 0] * h0)", "bias_left_out"),
    ],
)
def test_gru_gate_mistakes(gru, step, typed, mistake):
    result = gru.check(step, typed)
    assert not result.correct and result.mistake == mistake, result.feedback


def test_h_typed_for_c_is_refused_although_both_are_zero(lstm):
    # h0 = c0 = 0 in lesson 1, but the perturbed worlds move every given independently, zeros
    # included, so `h0` typed where `c0` belongs parts from the reference and is named; the
    # number is still right, and an unrelated wrong answer gets no guess.
    typed = lstm.check("c1", "f0 * h0 + i0 * c_hat0")
    assert not typed.correct and typed.mistake == "h_for_c", typed.feedback
    assert lstm.check("c1", "f0 * c0 + i0 * c_hat0").correct
    assert lstm.check("c1", "-0.1466").correct
    wrong = lstm.check("c1", "0.3")
    assert not wrong.correct and wrong.diagnosis is None and wrong.mistake is None


def test_shape_mismatch_is_explained_in_words(lstm):
    result = lstm.check("z0", "concat(x0, h0)")
    assert not result.correct and "4 numbers" in result.feedback and "2 numbers" in result.feedback


def test_choice_steps(gru):
    shown = gru.choices("convention")  # this learner's order
    right = next(k for k, (_, c) in enumerate(shown) if c.correct)
    letter, other = shown[right][0], shown[1 - right if right < 2 else 0][0]
    assert gru.check("convention", letter).correct
    assert gru.check("convention", str(right + 1)).correct
    assert gru.check("convention", "keeps the old state").correct
    assert gru.check("convention", f"{letter}) keeps the old state").correct
    wrong = gru.check("convention", other)
    assert not wrong.correct and "other textbook" in wrong.feedback
    assert gru.check("convention", "z").error


RNN_LESSON = """\
id: rnn-tiny
title: A tiny RNN
summary: One step of a simple RNN.
group: by-hand
givens:
  x0: [[0.9]]
  h0: [[-0.4]]
  W: [[1.3], [0.7]]
  B: [[0.6]]
model:
  cell: rnn
  input_size: 1
  hidden_size: 1
  inputs: [x0]
  initial_state: {h: h0}
  weights: {W: W, B: B}
steps:
  - id: h1
    kind: numeric
    quantity: h1
    prompt: The new hidden state.
"""


def test_simple_rnn_mistakes(tmp_path):
    path = tmp_path / "rnn-tiny.yaml"
    path.write_text(RNN_LESSON)
    session = LessonSession(load_lesson(path))
    assert session.check("h1", "tanh(concat(x0, h0) @ W + B)").correct
    swapped = session.check("h1", "sigmoid(concat(x0, h0) @ W + B)")
    assert swapped.mistake == "sigmoid_tanh_swap" and "tanh" in swapped.diagnosis
    assert session.check("h1", "tanh(concat(x0, h0) @ W)").mistake == "bias_left_out"
