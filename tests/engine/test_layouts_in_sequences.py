"""Whole stacks read from torch into any gate layout unroll to exactly torch's result."""

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.convert import stack_from_torch, stack_to_torch
from engine.layouts import GRU_GATES, LSTM_GATES
from engine.reference import run
from engine.sequence import unroll
from tests.engine.conftest import build_module

TOL = 1e-12

configs = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["lstm", "gru"]),
        "lstm_order": st.permutations(LSTM_GATES),
        "gru_order": st.permutations(GRU_GATES),
        "input_size": st.integers(1, 8),
        "hidden_size": st.integers(1, 16),
        "length": st.integers(1, 30),
        "batch": st.integers(1, 4),
        "num_layers": st.integers(1, 3),
        "bidirectional": st.booleans(),
        "seed": st.integers(0, 2**31 - 1),
    }
)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(c=configs)
def test_unrolling_in_a_permuted_layout_equals_torch(c):
    layout = c["lstm_order"] if c["kind"] == "lstm" else c["gru_order"]
    module = build_module(c["kind"], c).eval()
    rng = np.random.default_rng(c["seed"])
    rows = c["num_layers"] * (2 if c["bidirectional"] else 1)
    x = rng.standard_normal((c["length"], c["batch"], c["input_size"]))
    h0 = rng.standard_normal((rows, c["batch"], c["hidden_size"]))
    c0 = rng.standard_normal((rows, c["batch"], c["hidden_size"])) if c["kind"] == "lstm" else None

    stack = stack_from_torch(module, layout=layout)
    assert stack.layout == tuple(layout)
    ours = unroll(stack, x, h0, c0)
    with torch.no_grad():
        state = torch.from_numpy(h0)
        if c0 is not None:
            state = (state, torch.from_numpy(c0))
        output, final = module(torch.from_numpy(x), state)
    h_n = final[0] if c0 is not None else final
    assert np.max(np.abs(ours.output - output.numpy())) <= TOL
    assert np.max(np.abs(ours.h_n - h_n.numpy())) <= TOL
    if c0 is not None:
        assert np.max(np.abs(ours.c_n - final[1].numpy())) <= TOL

    # and back: the permuted stack builds a torch module with the very same weights
    back = stack_to_torch(stack)
    for name, value in module.state_dict().items():
        assert torch.equal(back.state_dict()[name], value), name


def test_projected_lstm_with_unbatched_input():
    torch.manual_seed(3)
    module = torch.nn.LSTM(3, 5, num_layers=2, proj_size=2, bidirectional=True).double().eval()
    rng = np.random.default_rng(3)
    x = rng.standard_normal((7, 3))
    state = (rng.standard_normal((4, 2)), rng.standard_normal((4, 5)))
    with torch.no_grad():
        output, (h_n, c_n) = module(torch.from_numpy(x), tuple(map(torch.from_numpy, state)))
    ours, (our_h, our_c) = run(module, x, state)
    assert ours.shape == tuple(output.shape) == (7, 4)
    assert our_h.shape == (4, 2) and our_c.shape == (4, 5)
    for a, b in ((ours, output), (our_h, h_n), (our_c, c_n)):
        assert np.max(np.abs(a - b.numpy())) <= TOL
