"""Issue 22: answers accepted or refused wrongly, and diagnoses that name a mistake not made.

Each case is what `lstm-tutor lessons check` tells the learner (it goes through the same
LessonSession); the issue's own reproductions are run through the CLI too.
"""

import json

import pytest
from click.testing import CliRunner

from tutor.cli_lessons import lessons
from tutor.lessons.catalog import load_lesson
from tutor.lessons.runtime import LessonSession

_SESSIONS: dict[tuple[str, int], LessonSession] = {}


def session(lesson_id: str, seed: int = 0) -> LessonSession:
    if (lesson_id, seed) not in _SESSIONS:
        _SESSIONS[lesson_id, seed] = LessonSession(load_lesson(lesson_id), seed=seed)
    return _SESSIONS[lesson_id, seed]


def check_cli(lesson_id: str, step: str, answer: str) -> dict:
    args = ["check", lesson_id, "--step", step, "--answer", answer, "--seed", "0", "--json"]
    result = CliRunner().invoke(lessons, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


BPTT, ONE_STEP = "lstm-backprop-through-time", "lstm-backprop-one-step"


# --- answers accepted or refused wrongly ---------------------------------------------------------


def test_h_typed_for_c_is_refused_although_both_start_at_zero():
    out = check_cli("lstm-forward-pass", "c1", "h0 * f0 + i0 * c_hat0")
    assert not out["correct"] and "cell state" in out["diagnosis"]
    assert check_cli("lstm-forward-pass", "c1", "c0 * f0 + i0 * c_hat0")["correct"]


def test_a_mistake_inside_the_asked_precision_makes_the_step_ask_for_more():
    # -0.1325 is also `1 - c1**2` for tanh'(c1) rounded to 4 figures: lesson 10 asks for 6.
    out = check_cli(BPTT, "dc1", "-0.1325")
    assert not out["correct"] and out["tolerance"] == "6 significant figures"
    assert check_cli(BPTT, "dc1", "-0.132475")["correct"]
    slip = check_cli(BPTT, "dc1", "dh1 * o0 * (1 - c1**2) + dc2 * f1")
    assert not slip["correct"] and "1 - tanh(c1)**2" in slip["diagnosis"]


# --- diagnoses -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "answer"),
    [
        ("dc2", "dh2 * o1 * (tanh(c2)**2 - 1)"),
        ("dz_f1", "df1 * f1 * (f1 - 1)"),
        ("dh2", "-(dy * y * (1 - y) * Wy)"),
    ],
)
def test_a_local_sign_slip_is_not_blamed_on_the_loss(step, answer):
    result = session(ONE_STEP).check(step, answer)
    assert not result.correct and result.mistake == "sign_error", result.feedback
    assert "cross-entropy" not in result.feedback and "times -1" in result.feedback


def test_the_loss_sign_is_named_when_the_loss_explains_it_and_for_this_target():
    result = session(ONE_STEP).check("dy", "1/y")
    assert not result.correct and "for target 1" in result.diagnosis
    lesson = load_lesson(ONE_STEP).model_copy(deep=True)
    lesson.givens["target"] = [[0.0]]
    zero = LessonSession(lesson, seed=0)
    flipped = zero.check("dy", "-1/(1 - y)")
    assert not flipped.correct and "for target 0" in flipped.diagnosis, flipped.feedback
    assert "target 1" not in flipped.diagnosis


@pytest.mark.parametrize(
    ("lesson_id", "step", "answer", "mistake", "words"),
    [
        (BPTT, "dB", "dz1", "weights_one_step_only", "same B"),
        (BPTT, "dc0", "dc1 * f1", "forget_gate_wrong_step", "next step's forget gate"),
        (BPTT, "dc1", "-0.1092", "h_path_forgotten", "through h1"),
        (BPTT, "dc1", "dc2 * f1", "h_path_forgotten", "through h1"),
        (BPTT, "do0", "dh1 * tanh(c2)", "wrong_time_step", "uses c2"),
        (ONE_STEP, "dc2", "dh2 * o1 * tanh(c2)", "tanh_prime_as_tanh", "tanh'(c2)"),
        (
            ONE_STEP,
            "dz1",
            "concat(di1 * i1 * (1 - i1), df1 * f1 * (1 - f1), dc_hat1 * (1 - c_hat1**2),"
            " do1 * o1 * (1 - o1))",
            "wrong_gate_order",
            "order",
        ),
    ],
)
def test_classic_backward_slips_are_named(lesson_id, step, answer, mistake, words):
    result = session(lesson_id).check(step, answer)
    assert not result.correct and result.mistake == mistake, result.feedback
    assert words in result.diagnosis
    if mistake == "weights_one_step_only":
        assert " W " not in result.diagnosis


def test_a_transposed_matrix_is_named_by_its_shape():
    answer = "transpose(transpose(concat(x0, h0)) @ dz0 + transpose(concat(x1, h1)) @ dz1)"
    result = session(BPTT).check("dW", answer)
    assert not result.correct and result.mistake == "transposed"
    assert "4x2" in result.feedback and "2x4" in result.feedback


def _lesson(givens: dict, steps: list[dict]):
    from tutor.lessons.schema import Lesson

    return Lesson.model_validate(
        {
            "id": "made-up",
            "title": "t",
            "summary": "s",
            "group": "by-hand",
            "givens": givens,
            "steps": steps,
        }
    )


def test_a_reference_that_is_round_off_of_zero_accepts_an_exact_zero():
    steps = [
        {"id": "gap", "kind": "numeric", "reference": "a + b - c", "prompt": "p"},
        {"id": "tiny", "kind": "numeric", "reference": "a ** 20", "prompt": "p"},
    ]
    learner = LessonSession(_lesson({"a": 0.1, "b": 0.2, "c": 0.3}, steps))
    assert learner.expected("gap") != 0  # 5.55e-17: float round-off of 0.1 + 0.2 - 0.3
    assert learner.check("gap", "0").correct
    assert learner.check("gap", "0.000").correct
    # a genuinely tiny value (1e-20) is not round-off: 0 is not its value
    assert not learner.check("tiny", "0").correct
    assert learner.check("tiny", "1.00e-20").correct


def test_a_rounded_constant_is_named_as_the_slip():
    result = session("forget-gate-bias").check("keep_bias", "0.7311**60")
    assert not result.correct and result.mistake == "rounded_constant"
    assert "0.7311" in result.feedback and "rounded" in result.feedback
    # a different slip with the same rounded constant is not blamed on the rounding
    other = session("forget-gate-bias").check("keep_bias", "0.7311**59")
    assert not other.correct and other.mistake != "rounded_constant"


def test_two_slips_giving_the_same_count_are_both_named():
    # With H = 2, leaving out the biases and leaving out W_hh both give 56.
    lesson = load_lesson("stacked-bidirectional").model_copy(deep=True)
    lesson.givens.update({"H": 2, "L": 2})
    result = LessonSession(lesson).check("params_l0", "56")
    assert not result.correct
    assert "biases" in result.diagnosis and "W_hh" in result.diagnosis, result.feedback


def test_lesson_12_counts_are_whole_numbers_judged_exactly():
    out = check_cli("stacked-bidirectional", "params_l0", "175.95")
    assert not out["correct"]
    general = "4 * H * (I + H) + 8 * H + (L - 1) * (4 * H * (H + H) + 8 * H)"
    assert check_cli("stacked-bidirectional", "total_stacked", general)["correct"]


def test_a_simplification_the_prompt_invites_is_still_right():
    # lesson 10's dz0 says df0 is 0 because c0 is (`fixed: [h0, c0]`); lesson 1's c1 does not
    answer = "concat(0 * f0, di0 * i0 * (1 - i0), dc_hat0 * (1 - c_hat0**2), do0 * o0 * (1 - o0))"
    assert session(BPTT).check("dz0", answer).correct


def test_lesson_9_asks_every_gradient_to_the_figures_its_intro_says():
    learner = session(ONE_STEP)
    intro = learner.prompt("intro")
    assert "Every step asks for 4 significant figures" in intro
    numeric = [step.id for step in learner.steps if step.kind == "numeric"]
    assert len(numeric) >= 10
    for step_id in numeric:
        assert learner.answer_format(step_id).startswith("Give 4 significant"), step_id
