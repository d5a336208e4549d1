"""Lesson 12 (stacked and bidirectional): every reference is what torch itself reports for the
same modules, right answers pass and the classic counting mistakes are diagnosed."""

import numpy as np
import pytest
import torch

from engine.cells import param_count
from tutor.lessons.catalog import load_lesson
from tutor.lessons.runtime import LessonSession

GIVENS = load_lesson("stacked-bidirectional").givens
I, H, L, N, T = (int(GIVENS[k]) for k in "IHLNT")


@pytest.fixture(scope="module")
def session():
    return LessonSession(load_lesson("stacked-bidirectional"))


def count(module) -> int:
    return sum(p.numel() for p in module.parameters())


def torch_facts() -> dict:
    one_way = torch.nn.LSTM(I, H, num_layers=L, batch_first=True)
    both = torch.nn.LSTM(I, H, num_layers=L, batch_first=True, bidirectional=True)
    gru = torch.nn.GRU(I, H, num_layers=L, batch_first=True, bidirectional=True)
    x = torch.zeros(N, T, I)
    _, (hn, _) = one_way(x)
    out_bi, (hn_bi, _) = both(x)
    first = torch.nn.LSTM(I, H, num_layers=1)
    return {
        "w_ih_l0": list(one_way.weight_ih_l0.shape),
        "params_l0": count(first),
        "w_ih_l1": list(one_way.weight_ih_l1.shape),
        "total_stacked": count(one_way),
        "hn_shape": list(hn.shape),
        "view_rows": hn.reshape(-1, H).shape[0],
        "bi_w_ih_l1": list(both.weight_ih_l1.shape),
        "bi_total": count(both),
        "bi_output": list(out_bi.shape),
        "bi_hn": list(hn_bi.shape),
        "gru_total": count(gru),
    }


def test_references_are_torchs_own_numbers(session):
    facts = torch_facts()
    for step_id, value in facts.items():
        np.testing.assert_array_equal(session.expected(step_id), value, err_msg=step_id)
    assert facts["bi_total"] == param_count("lstm", I, H, L, bidirectional=True)
    assert facts["gru_total"] == param_count("gru", I, H, L, bidirectional=True)


def test_right_answers_pass(session):
    for step_id, value in torch_facts().items():
        typed = str(value) if not isinstance(value, list) else f"[{', '.join(map(str, value))}]"
        assert session.check(step_id, typed).correct, step_id
    # a formula right for every L, and the same written for this lesson's L
    assert session.check("total_stacked", "4*H*(I+H) + 8*H + (L-1)*(4*H*(2*H) + 8*H)").correct
    assert session.check("total_stacked", f"4*H*(I+H) + 8*H + {L - 1}*(4*H*(2*H) + 8*H)").correct


def test_the_sizes_keep_classic_mistakes_apart(session):
    # H = L = 2 made `N * H` equal `L * N` and `[H, N, L]` equal `[L, N, H]`: typed as the
    # number (or list) they give, they were accepted.
    names = {"I": I, "H": H, "L": L, "N": N, "T": T}
    for step, wrong in [
        ("view_rows", "N * H"),
        ("hn_shape", "[H, N, L]"),
        ("bi_hn", "[2 * H, N, H]"),
    ]:
        assert not session.check(step, wrong).correct, step
        value = np.asarray(eval(wrong, {}, names))  # noqa: S307 - the corpus's own formulas
        typed = str(int(value)) if value.ndim == 0 else str([int(v) for v in value])
        assert not session.check(step, typed).correct, (step, typed)


def test_a_count_is_judged_exactly(session):
    right = int(session.expected("params_l0"))
    assert not session.check("params_l0", f"{right - 0.05}").correct
    assert not session.check("params_l0", f"{right + 1}").correct


def _mistakes() -> list[tuple[str, str]]:
    layer0 = 4 * H * (I + H) + 8 * H
    upper = 4 * H * (2 * H) + 8 * H
    bi_upper = 2 * (4 * H * (3 * H) + 8 * H)
    return [
        ("w_ih_l0", f"[{I}, {4 * H}]"),
        ("params_l0", str(4 * H * (I + H))),  # biases left out
        ("params_l0", str(4 * H * I + 8 * H)),  # W_hh left out
        ("w_ih_l1", f"[{4 * H}, {I}]"),
        ("total_stacked", str(L * layer0)),
        ("hn_shape", f"[{N}, {L}, {H}]"),
        ("bi_w_ih_l1", f"[{4 * H}, {H}]"),
        ("bi_total", str(2 * (layer0 + (L - 1) * upper))),
        ("bi_output", f"[{N}, {T}, {H}]"),
        ("gru_total", str(2 * layer0 + (L - 1) * bi_upper)),
    ]


@pytest.mark.parametrize(("step", "typed"), _mistakes())
def test_classic_counting_mistakes_are_diagnosed(session, step, typed):
    result = session.check(step, typed)
    assert not result.correct
    assert result.mistake == "authored", result.feedback
