"""The backpropagation lessons walked as a learner types them: right answers are accepted, and
each classic backward mistake gets its own diagnosis (issue 13)."""

import numpy as np
import pytest
import torch

from tutor.lessons.catalog import load_lesson
from tutor.lessons.runtime import LessonSession

# --- lesson: one step -----------------------------------------------------------------------

ONE_STEP = {
    "L": "-log(y)",
    "dy": "-1 / y",
    "dh2": "dy * y * (1 - y) * Wy",
    "do1": "dh2 * tanh(c2)",
    "dc2": "dh2 * o1 * (1 - tanh(c2)**2)",
    "df1": "dc2 * c1",
    "di1": "dc2 * c_hat1",
    "dc_hat1": "dc2 * i1",
    "dz_f1": "df1 * f1 * (1 - f1)",
    "dz_g1": "dc_hat1 * (1 - c_hat1**2)",
    "dz1": "concat(dz_f1, di1 * i1 * (1 - i1), dz_g1, do1 * o1 * (1 - o1))",
    "dW_step": "transpose(concat(x1, h1)) @ dz1",
}
# (step, a wrong answer a learner types, the mistake the diagnosis must name)
ONE_STEP_MISTAKES = [
    ("dy", "1 / y", "sign_flipped"),
    ("dh2", "dy * Wy", "sigmoid_prime_left_out"),
    ("dh2", "dy * y * Wy", "sigmoid_prime_as_sigmoid"),
    ("dc2", "dh2 * o1", "tanh_prime_left_out"),
    ("dz_f1", "df1 * f1", "sigmoid_prime_as_sigmoid"),
    ("dz_g1", "dc_hat1 * c_hat1", "tanh_prime_as_tanh"),
    ("df1", "dc2 * c2", "authored"),
]


def torch_seed000():
    """Seed 000's network in torch autograd, every intermediate's gradient kept."""
    W = torch.tensor([[0.2, 0.4, -0.3, 0.1], [0.1, -0.2, 0.5, 0.3]], dtype=torch.float64)
    W.requires_grad_()
    B = torch.tensor([[0.1, 0.2, -0.1, 0.0]], dtype=torch.float64)
    h = torch.zeros(1, 1, dtype=torch.float64)
    c = torch.zeros(1, 1, dtype=torch.float64)
    h0, c0 = h.requires_grad_(), c.requires_grad_()
    kept = {"h0": h0, "c0": c0}
    for t, xv in enumerate((0.5, 0.8)):
        z = torch.cat([torch.tensor([[xv]], dtype=torch.float64), h], 1) @ W + B
        f, i = torch.sigmoid(z[:, 0:1]), torch.sigmoid(z[:, 1:2])
        g, o = torch.tanh(z[:, 2:3]), torch.sigmoid(z[:, 3:4])
        c = f * c + i * g
        h = o * torch.tanh(c)
        for name, v in {"z": z, "f": f, "i": i, "c_hat": g, "o": o}.items():
            kept[f"{name}{t}"] = v
        kept[f"c{t + 1}"], kept[f"h{t + 1}"] = c, h
    for v in kept.values():
        v.retain_grad()
    y = torch.sigmoid(h * 1.0 + 0.5)
    loss = torch.nn.functional.binary_cross_entropy(y, torch.ones_like(y))
    loss.backward()
    grads = {f"d{k}": v.grad.numpy() for k, v in kept.items()}
    grads["dW"] = W.grad.numpy()
    grads["L"] = loss.item()
    return grads


@pytest.fixture(scope="module")
def autograd():
    return torch_seed000()


@pytest.fixture(scope="module")
def one_step():
    return LessonSession(load_lesson("lstm-backprop-one-step"))


def assert_right_and_autograds(session, answers: dict[str, str], autograd: dict) -> None:
    """Each typed answer is accepted, and its reference is what autograd computes."""
    for step_id, typed in answers.items():
        result = session.check(step_id, typed)
        assert result.correct, (step_id, result.feedback)
        if step_id in autograd:
            np.testing.assert_allclose(result.expected, autograd[step_id], atol=1e-15)


def test_one_step_right_answers_match_autograd(one_step, autograd):
    assert_right_and_autograds(one_step, ONE_STEP, autograd)
    assert one_step.check("why_negative", one_step.reveal("why_negative")[0]).correct


@pytest.mark.parametrize(("step", "typed", "mistake"), ONE_STEP_MISTAKES)
def test_one_step_mistakes_are_diagnosed(one_step, step, typed, mistake):
    result = one_step.check(step, typed)
    assert not result.correct
    assert result.mistake == mistake, result.feedback


def test_forward_values_are_shown_not_asked(one_step):
    assert {"h1", "c1", "c2", "y"} <= set(one_step.derived)
    asked = {s.id for s in one_step.steps}
    assert not asked & set(one_step.derived)
    assert f"{float(one_step.derived['y'].ravel()[0]):.4f}" in one_step.prompt("intro")


# --- lesson: through time -------------------------------------------------------------------

THROUGH_TIME = {
    "dh1": "dz1 @ transpose(W[1:2, :])",
    "dc1": "dh1 * o0 * (1 - tanh(c1)**2) + dc2 * f1",
    "do0": "dh1 * tanh(c1)",
    "di0": "dc1 * c_hat0",
    "dc_hat0": "dc1 * i0",
    "dz0": "concat(dc1 * c0 * f0 * (1 - f0), di0 * i0 * (1 - i0), dc_hat0 * (1 - c_hat0**2), "
    "do0 * o0 * (1 - o0))",
    "dW": "transpose(concat(x0, h0)) @ dz0 + transpose(concat(x1, h1)) @ dz1",
    "dB": "dz0 + dz1",
    "dc0": "dc1 * f0",
}
THROUGH_TIME_MISTAKES = [
    ("dc1", "dh1 * o0 * (1 - tanh(c1)**2)", "cell_path_forgotten"),
    ("dc1", "dh1 * o0 * (1 - tanh(c1)**2) + dc2 * f0", "forget_gate_wrong_step"),
    ("dc1", "dh1 * o0 + dc2 * f1", "tanh_prime_left_out"),
    (
        "dz0",
        "concat(dc1 * c0 * f0, di0 * i0, dc_hat0 * (1 - c_hat0**2), do0 * o0)",
        "sigmoid_prime_as_sigmoid",
    ),
    ("dW", "transpose(concat(x1, h1)) @ dz1", "weights_one_step_only"),
    ("dB", "dz1", "weights_one_step_only"),
    ("dh1", "dz1 @ transpose(W[0:1, :])", "authored"),
]


@pytest.fixture(scope="module")
def through_time():
    return LessonSession(load_lesson("lstm-backprop-through-time"))


def test_through_time_right_answers_match_autograd(through_time, autograd):
    assert_right_and_autograds(through_time, THROUGH_TIME, autograd)
    assert through_time.check("which_path", through_time.reveal("which_path")[0]).correct
    # the cell-state path carries most of dc1, as the lesson claims
    d = through_time.derived
    via_c = d["dc2"] * d["f1"]
    assert abs(via_c) > 3 * abs(through_time.expected("dc1") - via_c)


@pytest.mark.parametrize(("step", "typed", "mistake"), THROUGH_TIME_MISTAKES)
def test_through_time_mistakes_are_diagnosed(through_time, step, typed, mistake):
    result = through_time.check(step, typed)
    assert not result.correct
    assert result.mistake == mistake, result.feedback
