"""Lesson 12 (stacked and bidirectional): every reference is what torch itself reports for the
same modules, right answers pass and the classic counting mistakes are diagnosed."""

import numpy as np
import pytest
import torch

from engine.cells import param_count
from tutor.lessons.catalog import load_lesson
from tutor.lessons.runtime import LessonSession

I, H, L, N, T = 5, 2, 2, 8, 7


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
    assert session.check("total_stacked", "4*H*(I+H) + 8*H + 4*H*(2*H) + 8*H").correct


@pytest.mark.parametrize(
    ("step", "typed"),
    [
        ("w_ih_l0", "[5, 8]"),
        ("params_l0", "56"),
        ("params_l0", "64"),
        ("w_ih_l1", "[8, 5]"),
        ("total_stacked", "144"),
        ("hn_shape", "[8, 2, 2]"),
        ("bi_w_ih_l1", "[8, 2]"),
        ("bi_total", "240"),
        ("bi_output", "[8, 7, 2]"),
        ("gru_total", "272"),
    ],
)
def test_classic_counting_mistakes_are_diagnosed(session, step, typed):
    result = session.check(step, typed)
    assert not result.correct
    assert result.mistake == "authored", result.feedback
