"""Parameter counts: LSTM 4x and GRU 3x a simple RNN of the same sizes, as torch counts them."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cells import param_count
from engine.convert import stack_from_torch

MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
shapes = st.fixed_dictionaries(
    {
        "input_size": st.integers(1, 8),
        "hidden_size": st.integers(1, 16),
        "num_layers": st.integers(1, 3),
        "bidirectional": st.booleans(),
        "bias": st.booleans(),
    }
)


def torch_count(kind: str, s: dict) -> int:
    module = MODULES[kind](
        s["input_size"],
        s["hidden_size"],
        **{k: s[k] for k in ("num_layers", "bidirectional", "bias")},
    )
    return sum(p.numel() for p in module.parameters())


@settings(max_examples=30, deadline=None, derandomize=True)
@given(s=shapes)
def test_counts_are_multiples_of_the_simple_rnn_and_equal_torch(s):
    rnn = param_count("rnn", **s)
    assert param_count("lstm", **s) == 4 * rnn
    assert param_count("gru", **s) == 3 * rnn
    for kind in MODULES:
        assert param_count(kind, **s) == torch_count(kind, s), kind


@pytest.mark.parametrize("kind", list(MODULES))
def test_the_stack_holds_exactly_the_counted_weights(kind):
    module = MODULES[kind](4, 6, num_layers=2, bidirectional=True).double()
    stack = stack_from_torch(module)
    held = sum(
        p.W_ih.size + p.W_hh.size + p.b_ih.size + p.b_hh.size
        for cells in stack.layers
        for p in cells
    )
    assert held == param_count(kind, 4, 6, num_layers=2, bidirectional=True)


def test_a_single_layer_count_by_hand():
    # LSTM, I=1, H=1 (seed 000's size): 4 gates x (1 + 1 weights + 2 biases)
    assert param_count("lstm", 1, 1) == 16
    assert param_count("gru", 1, 1, bias=False) == 6
