"""Issue 22's corpus: backprop answers, right ones written differently and classic wrong ones,
each verified against torch autograd inside the test, for several learners' numbers.

Lessons 9 and 10 (one LSTM step, and through time) are judged with their own numbers and with
three more sets drawn here (another learner's W, B, inputs, readout and target, the last one
with a non-zero initial state). Every answer is typed as an expression and as the number it
gives (8 significant figures). For each:
- a right answer equals torch's gradient, and is accepted;
- a wrong answer differs from torch's gradient, is refused, and the mistake named is the one
  the corpus says it makes (None: no specific mistake may be named).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tutor.lessons import formula
from tutor.lessons.catalog import load_lesson
from tutor.lessons.runtime import LessonSession

ONE, BPTT = "lstm-backprop-one-step", "lstm-backprop-through-time"
RIGHT = "right"

GATE_TERMS = "di1 * i1 * (1 - i1), dz_g1, do1 * o1 * (1 - o1)"
CORPUS: dict[str, list[tuple[str, str, str | None]]] = {
    ONE: [
        ("L", "-(target * log(y) + (1 - target) * log(1 - y))", RIGHT),
        ("L", "-target * log(y) - (1 - target) * log(1 - y)", RIGHT),
        ("L", "target * log(y) + (1 - target) * log(1 - y)", "sign_error"),
        ("dy", "-target / y + (1 - target) / (1 - y)", RIGHT),
        ("dy", "(y - target) / (y * (1 - y))", RIGHT),
        ("dy", "target / y - (1 - target) / (1 - y)", "sign_flipped"),
        ("dh2", "dy * y * (1 - y) * Wy", RIGHT),
        ("dh2", "(y - target) * Wy", RIGHT),
        ("dh2", "dy * y * (1 - y) @ transpose(Wy)", RIGHT),
        ("dh2", "dy * Wy", "sigmoid_prime_left_out"),
        ("dh2", "dy * y * Wy", "sigmoid_prime_as_sigmoid"),
        ("dh2", "-(dy * y * (1 - y) * Wy)", "sign_error"),
        ("dh2", "(target - y) * Wy", "sign_flipped"),
        ("dh2", "dy * y * (1 - y)", None),
        ("do1", "dh2 * tanh(c2)", RIGHT),
        ("do1", "tanh(c2) * dh2", RIGHT),
        ("do1", "dh2 * tanh(c1)", "wrong_time_step"),
        ("do1", "-dh2 * tanh(c2)", "sign_error"),
        ("do1", "dh2 * o1", None),
        ("dc2", "dh2 * o1 * (1 - tanh(c2)**2)", RIGHT),
        ("dc2", "dh2 * o1 * (1 - tanh(c2)) * (1 + tanh(c2))", RIGHT),
        ("dc2", "o1 * dh2 - o1 * dh2 * tanh(c2)**2", RIGHT),
        ("dc2", "dh2 * o1", "tanh_prime_left_out"),
        ("dc2", "dh2 * o1 * tanh(c2)", "tanh_prime_as_tanh"),
        ("dc2", "dh2 * o1 * (1 - c2**2)", "tanh_prime_of_c"),
        ("dc2", "dh2 * o1 * (tanh(c2)**2 - 1)", "sign_error"),
        ("dc2", "dh2 * (1 - tanh(c2)**2)", None),
        ("df1", "dc2 * c1", RIGHT),
        ("df1", "c1 * dc2", RIGHT),
        ("df1", "dc2 * c2", "authored"),
        ("df1", "dc2 * c_hat1", None),
        ("di1", "dc2 * c_hat1", RIGHT),
        ("di1", "dc2 * i1", None),
        ("dc_hat1", "dc2 * i1", RIGHT),
        ("dc_hat1", "dc2 * c_hat1", None),
        ("dz_f1", "df1 * f1 * (1 - f1)", RIGHT),
        ("dz_f1", "df1 * (f1 - f1**2)", RIGHT),
        ("dz_f1", "df1 * f1", "sigmoid_prime_as_sigmoid"),
        ("dz_f1", "df1 * f1 * (f1 - 1)", "sign_error"),
        ("dz_f1", "df1 * (1 - f1**2)", None),
        ("dz_g1", "dc_hat1 * (1 - c_hat1**2)", RIGHT),
        ("dz_g1", "dc_hat1 - dc_hat1 * c_hat1 * c_hat1", RIGHT),
        ("dz_g1", "dc_hat1 * c_hat1", "tanh_prime_as_tanh"),
        ("dz_g1", "dc_hat1 * c_hat1 * (1 - c_hat1)", None),
        ("dz1", f"concat(dz_f1, {GATE_TERMS})", RIGHT),
        (
            "dz1",
            "concat(df1 * f1 * (1 - f1), di1 * i1 * (1 - i1), dc_hat1 * (1 - c_hat1**2),"
            " do1 * o1 * (1 - o1))",
            RIGHT,
        ),
        (
            "dz1",
            "concat(di1 * i1 * (1 - i1), dz_f1, dz_g1, do1 * o1 * (1 - o1))",
            "wrong_gate_order",
        ),
        ("dz1", "concat(df1 * f1, di1 * i1, dz_g1, do1 * o1)", "sigmoid_prime_as_sigmoid"),
        (
            "dz1",
            "concat(dz_f1, di1 * i1 * (1 - i1), dc_hat1 * c_hat1, do1 * o1 * (1 - o1))",
            "tanh_prime_as_tanh",
        ),
        ("dW_step", "transpose(concat(x1, h1)) @ dz1", RIGHT),
        ("dW_step", "transpose(transpose(dz1) @ concat(x1, h1))", RIGHT),
        ("dW_step", "transpose(dz1) @ concat(x1, h1)", "transposed"),
        ("dW_step", "transpose(concat(x1, h2)) @ dz1", "authored"),
    ],
    BPTT: [
        ("dh1", "dz1 @ transpose(W[1:2, :])", RIGHT),
        ("dh1", "dz1 @ transpose(W)[:, 1:2]", RIGHT),
        (
            "dh1",
            "dz1[0, 0] * W[1, 0] + dz1[0, 1] * W[1, 1] + dz1[0, 2] * W[1, 2] + dz1[0, 3] * W[1, 3]",
            RIGHT,
        ),
        ("dh1", "dz1 @ transpose(W[0:1, :])", "authored"),
        ("dh1", "-(dz1 @ transpose(W[1:2, :]))", "sign_error"),
        ("dc1", "dh1 * o0 * (1 - tanh(c1)**2) + dc2 * f1", RIGHT),
        ("dc1", "dc2 * f1 + dh1 * o0 * (1 - (h1 / o0) ** 2)", RIGHT),
        ("dc1", "dc2 * f1", "h_path_forgotten"),
        ("dc1", "dh1 * o0 * (1 - tanh(c1)**2)", "cell_path_forgotten"),
        ("dc1", "dh1 * o0 + dc2 * f1", "tanh_prime_left_out"),
        ("dc1", "dh1 * o0 * (1 - c1**2) + dc2 * f1", "tanh_prime_of_c"),
        ("dc1", "dh1 * o0 * tanh(c1) + dc2 * f1", "tanh_prime_as_tanh"),
        ("dc1", "dh1 * o0 * (1 - tanh(c1)**2) + dc2 * f0", "forget_gate_wrong_step"),
        ("dc1", "dh1 * o1 * (1 - tanh(c1)**2) + dc2 * f1", None),
        ("do0", "dh1 * tanh(c1)", RIGHT),
        ("do0", "dh1 * h1 / o0", RIGHT),
        ("do0", "dh1 * tanh(c2)", "wrong_time_step"),
        ("do0", "dh1 * tanh(c0)", "wrong_time_step"),
        ("do0", "dc1 * tanh(c1)", None),
        ("di0", "dc1 * c_hat0", RIGHT),
        ("di0", "dc1 * i0", None),
        ("di0", "dh1 * c_hat0", None),
        ("dc_hat0", "dc1 * i0", RIGHT),
        ("dc_hat0", "dc1 * c_hat0", None),
        (
            "dz0",
            "concat(dc1 * c0 * f0 * (1 - f0), di0 * i0 * (1 - i0), dc_hat0 * (1 - c_hat0**2),"
            " do0 * o0 * (1 - o0))",
            RIGHT,
        ),
        (
            "dz0",
            "concat(di0 * i0 * (1 - i0), dc1 * c0 * f0 * (1 - f0), dc_hat0 * (1 - c_hat0**2),"
            " do0 * o0 * (1 - o0))",
            "wrong_gate_order",
        ),
        (
            "dz0",
            "concat(dc1 * c0 * f0, di0 * i0, dc_hat0 * (1 - c_hat0**2), do0 * o0)",
            "sigmoid_prime_as_sigmoid",
        ),
        ("dW", "transpose(concat(x0, h0)) @ dz0 + transpose(concat(x1, h1)) @ dz1", RIGHT),
        ("dW", "transpose(concat(x1, h1)) @ dz1", "weights_one_step_only"),
        (
            "dW",
            "transpose(transpose(concat(x0, h0)) @ dz0 + transpose(concat(x1, h1)) @ dz1)",
            "transposed",
        ),
        ("dW", "transpose(concat(x0, h0)) @ dz0", None),
        ("dB", "dz0 + dz1", RIGHT),
        ("dB", "dz1 + dz0", RIGHT),
        ("dB", "dz1", "weights_one_step_only"),
        ("dB", "dz0", None),
        ("dc0", "dc1 * f0", RIGHT),
        ("dc0", "dc1 * f1", "forget_gate_wrong_step"),
        ("dc0", "-dc1 * f0", "sign_error"),
        ("dc0", "dc1", "wrong_time_step"),
    ],
}


# --- torch autograd ------------------------------------------------------------------------


def autograd(g: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every quantity the two lessons ask for, from torch autograd on seed 000's network."""
    t = lambda name: torch.tensor(np.asarray(g[name], dtype=float), dtype=torch.float64)  # noqa: E731
    W = [t("W").requires_grad_(), t("W").requires_grad_()]  # one leaf per step: dW per step
    B = [t("B").requires_grad_(), t("B").requires_grad_()]
    h, c = t("h0").requires_grad_(), t("c0").requires_grad_()
    kept: dict[str, torch.Tensor] = {"h0": h, "c0": c}
    for s, x in enumerate((t("x0"), t("x1"))):
        z = torch.cat([x, h], dim=1) @ W[s] + B[s]
        f, i = torch.sigmoid(z[:, 0:1]), torch.sigmoid(z[:, 1:2])
        g_, o = torch.tanh(z[:, 2:3]), torch.sigmoid(z[:, 3:4])
        c = f * c + i * g_
        h = o * torch.tanh(c)
        kept |= {f"z{s}": z, f"f{s}": f, f"i{s}": i, f"c_hat{s}": g_, f"o{s}": o}
        kept |= {f"c{s + 1}": c, f"h{s + 1}": h}
    y = torch.sigmoid(h @ t("Wy") + t("By"))
    kept["y"] = y
    for value in kept.values():
        if not value.is_leaf:
            value.retain_grad()
    target = t("target")
    loss = -(target * torch.log(y) + (1 - target) * torch.log(1 - y)).sum()
    loss.backward()
    out = {"L": loss.detach().numpy()}
    out |= {f"d{name}": value.grad.numpy() for name, value in kept.items()}
    dz1 = kept["z1"].grad.numpy()
    out |= {"dz_f1": dz1[:, 0:1], "dz_g1": dz1[:, 2:3], "dW_step": W[1].grad.numpy()}
    out |= {"dW": (W[0].grad + W[1].grad).numpy(), "dB": (B[0].grad + B[1].grad).numpy()}
    return out


# --- learners ------------------------------------------------------------------------------


def learner_givens(lesson, seed: int) -> dict:
    """The lesson's own numbers (seed 0), or another learner's."""
    givens = dict(lesson.givens)
    if seed == 0:
        return givens
    rng = np.random.default_rng(seed)
    draw = lambda *shape: np.round(rng.uniform(-1, 1, shape), 2).tolist()  # noqa: E731
    givens |= {"x0": draw(1, 1), "x1": draw(1, 1), "W": draw(2, 4), "B": draw(1, 4)}
    givens |= {"Wy": draw(1, 1), "By": draw(1, 1), "target": [[float(seed % 2)]]}
    if seed == 3:  # a learner whose initial state is not zero
        givens |= {"h0": draw(1, 1), "c0": draw(1, 1)}
    return givens


SEEDS = (0, 1, 2, 3)
_SESSIONS: dict = {}


def learner(lesson_id: str, seed: int) -> tuple[LessonSession, dict]:
    if (lesson_id, seed) not in _SESSIONS:
        lesson = load_lesson(lesson_id).model_copy(deep=True)
        lesson.givens = learner_givens(lesson, seed)
        session = LessonSession(lesson, seed=0)
        truth = autograd({k: np.asarray(v, dtype=float) for k, v in session.givens.items()})
        _SESSIONS[lesson_id, seed] = (session, truth)
    return _SESSIONS[lesson_id, seed]


def typed(value: np.ndarray) -> str:
    """The number as a learner types it, to 8 significant figures."""
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        return f"{float(array):.7e}"
    return "[" + ", ".join(typed(row) for row in array) + "]"


def agrees_with_torch(lesson_id: str, step: str, answer: str, seed: int) -> bool:
    session, truth = learner(lesson_id, seed)
    value = np.asarray(formula.evaluate(answer, session.givens_for(step)), dtype=float)
    exact = truth[step]
    if np.squeeze(value).shape != np.squeeze(exact).shape:
        return False
    return bool(np.allclose(np.squeeze(value), np.squeeze(exact), rtol=1e-9, atol=1e-12))


CASES = [
    (lesson_id, step, answer, expect, as_number)
    for lesson_id, rows in CORPUS.items()
    for step, answer, expect in rows
    for as_number in (False, True)
]


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 150
    assert (
        sum(e == RIGHT for *_, e, _ in CASES) >= 50 and sum(e != RIGHT for *_, e, _ in CASES) >= 50
    )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("lesson_id", "step", "answer", "expect", "as_number"), CASES)
def test_backprop_answer(lesson_id, step, answer, expect, as_number, seed):
    session, truth = learner(lesson_id, seed)
    value = np.asarray(formula.evaluate(answer, session.givens_for(step)), dtype=float)
    exact = truth[step].reshape(np.shape(session.expected(step)))
    # torch says whether the answer is right; the session must agree
    np.testing.assert_allclose(session.expected(step), exact, rtol=1e-9, atol=1e-12)
    same_shape = np.squeeze(value).shape == np.squeeze(exact).shape
    agrees = same_shape and np.allclose(np.squeeze(value), np.squeeze(exact), 1e-9, 1e-12)
    if expect == RIGHT:
        assert agrees, f"torch: {exact.tolist()}, answer: {value.tolist()}"
    result = session.check(step, typed(value) if as_number else answer)
    if expect == RIGHT or (agrees and as_number):
        # a wrong formula that gives the right number for this learner (Wy = 1) is still the
        # right number
        assert result.correct, result.feedback
        return
    assert any(not agrees_with_torch(lesson_id, step, answer, s) for s in SEEDS), "never wrong"
    assert not result.correct, "a wrong answer was accepted"
    allowed = {expect}
    if as_number and expect is not None:
        allowed |= {None, "either"}  # a number cannot always tell the slip: none, or both
    if expect == "sign_flipped":
        allowed.add("sign_error")  # "the sign is wrong" is true whatever flipped it
    said = result.mistake
    assert said in allowed, f"named {said!r}, the answer makes {expect!r}: {result.feedback}"
