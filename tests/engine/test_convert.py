"""Converters between from-scratch weights in any layout and torch modules (engine.convert)."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cells import GRUParams, LSTMParams, RNNParams, gru_cell, lstm_cell, rnn_cell, sigmoid
from engine.convert import (
    cell_from_torch,
    cell_to_torch,
    from_concat,
    from_keras,
    relayout,
    stack_from_torch,
    stack_to_torch,
    to_concat,
)
from engine.reference import run
from engine.sequence import Stack, unroll

TOL = 1e-12
LSTM_LAYOUTS = [
    "pytorch",
    "keras",
    "seed000",
    "seed004",
    ("o", "g", "i", "f"),
    ("g", "o", "f", "i"),
]
GRU_LAYOUTS = ["pytorch", "keras", ("n", "r", "z"), ("z", "n", "r")]


def random_params(cls, gates: int, I: int, H: int, seed: int):
    rng = np.random.default_rng(seed)
    return cls(
        rng.standard_normal((gates * H, I)),
        rng.standard_normal((gates * H, H)),
        rng.standard_normal(gates * H),
        rng.standard_normal(gates * H),
    )


def torch_out(cell, x, state):
    with torch.no_grad():
        if isinstance(state, tuple):
            return cell(torch.from_numpy(x), tuple(torch.from_numpy(s) for s in state))
        return cell(torch.from_numpy(x), torch.from_numpy(state))


sizes = st.tuples(st.integers(1, 8), st.integers(1, 16), st.integers(1, 4), st.integers(0, 2**31))


@pytest.mark.parametrize("layout", LSTM_LAYOUTS)
@settings(max_examples=10, deadline=None, derandomize=True)
@given(sizes=sizes)
def test_lstm_in_any_layout_equals_torch_after_conversion(layout, sizes):
    I, H, N, seed = sizes
    p = random_params(LSTMParams, 4, I, H, seed)
    rng = np.random.default_rng(seed + 1)
    x, h, c = rng.standard_normal((N, I)), rng.standard_normal((N, H)), rng.standard_normal((N, H))
    ours = lstm_cell(x, h, c, p, layout=layout)
    h_t, c_t = torch_out(cell_to_torch("lstm", p, layout=layout), x, (h, c))
    assert np.max(np.abs(ours.h - h_t.numpy())) <= TOL
    assert np.max(np.abs(ours.c - c_t.numpy())) <= TOL


@pytest.mark.parametrize("layout", GRU_LAYOUTS)
@settings(max_examples=10, deadline=None, derandomize=True)
@given(sizes=sizes)
def test_gru_in_any_layout_equals_torch_after_conversion(layout, sizes):
    I, H, N, seed = sizes
    p = random_params(GRUParams, 3, I, H, seed)
    rng = np.random.default_rng(seed + 1)
    x, h = rng.standard_normal((N, I)), rng.standard_normal((N, H))
    ours = gru_cell(x, h, p, layout=layout)
    theirs = torch_out(cell_to_torch("gru", p, layout=layout), x, h)
    assert np.max(np.abs(ours.h - theirs.numpy())) <= TOL


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_equals_torch_after_conversion(nonlinearity):
    p = random_params(RNNParams, 1, 3, 5, 0)
    rng = np.random.default_rng(1)
    x, h = rng.standard_normal((4, 3)), rng.standard_normal((4, 5))
    cell = cell_to_torch("rnn", p, nonlinearity=nonlinearity)
    ours = rnn_cell(x, h, p, nonlinearity=nonlinearity).h
    assert np.max(np.abs(ours - torch_out(cell, x, h).numpy())) <= TOL


@pytest.mark.parametrize(
    ("kind", "cell", "layouts"),
    [
        ("lstm", torch.nn.LSTMCell(3, 4), LSTM_LAYOUTS),
        ("gru", torch.nn.GRUCell(3, 4), GRU_LAYOUTS),
        ("rnn", torch.nn.RNNCell(3, 4), ["pytorch"]),
    ],
)
def test_cell_round_trip_is_exact(kind, cell, layouts):
    cell = cell.double()
    for layout in layouts:
        back = cell_to_torch(kind, cell_from_torch(cell, layout=layout), layout=layout)
        for name, value in cell.state_dict().items():
            assert torch.equal(back.state_dict()[name], value), (layout, name)


def test_relayout_moves_each_named_block():
    H = 2
    p = LSTMParams(
        *(np.repeat(np.arange(4.0), H)[:, None] * np.ones((1, k)) for k in (3, H)),
        np.repeat(np.arange(4.0), H),
        np.zeros(4 * H),
    )  # block k holds the value k
    q = relayout(p, "lstm", "pytorch", "seed004")  # (i, f, g, o) -> (i, g, f, o)
    assert q.b_ih.reshape(4, H)[:, 0].tolist() == [0.0, 2.0, 1.0, 3.0]
    assert q.W_ih.reshape(4, H, 3)[:, 0, 0].tolist() == [0.0, 2.0, 1.0, 3.0]
    assert relayout(q, "lstm", "seed004", "pytorch").b_ih.tolist() == p.b_ih.tolist()


def test_seed000_concat_form_equals_torch():
    # seed 000: z = concat(x, h) @ W + B, blocks (f, i, c_hat, o), one bias
    rng = np.random.default_rng(0)
    I, H, T = 2, 3, 6
    W, B = rng.standard_normal((I + H, 4 * H)), rng.standard_normal((1, 4 * H))
    xs = rng.standard_normal((T, 1, I))
    h, c = np.zeros((1, H)), np.zeros((1, H))
    for x in xs:
        z = np.concatenate([x, h], axis=1) @ W + B
        z_f, z_i, z_c, z_o = np.split(z, 4, axis=1)
        c = sigmoid(z_f) * c + sigmoid(z_i) * np.tanh(z_c)
        h = sigmoid(z_o) * np.tanh(c)
    p = from_concat(W, B, input_size=I)  # seed000 -> pytorch layout
    module = stack_to_torch(Stack("lstm", [[p]]))
    with torch.no_grad():
        _, (h_n, c_n) = module(torch.from_numpy(xs))
    assert np.max(np.abs(h_n[0].numpy() - h)) <= TOL
    assert np.max(np.abs(c_n[0].numpy() - c)) <= TOL
    W2, B2 = to_concat(p, layout="seed000")
    assert np.max(np.abs(W2 - W)) == 0.0 and np.max(np.abs(B2 - B.ravel())) == 0.0


def test_seed004_dense_layer_with_forget_bias_equals_torch():
    # seed 004: one Dense over concat(x, h), split (input, new value, forget, output), forget + 1.0
    rng = np.random.default_rng(4)
    I, H, T, N = 1, 5, 8, 3
    kernel, bias = rng.standard_normal((I + H, 4 * H)) * 0.5, rng.standard_normal(4 * H) * 0.5
    xs = rng.standard_normal((N, T, I))
    h, c = np.zeros((N, H)), np.zeros((N, H))
    for t in range(T):
        out = np.concatenate([xs[:, t, :], h], axis=1) @ kernel + bias
        input_gate, new_value, forget_gate, output_gate = np.split(out, 4, axis=1)
        c = c * sigmoid(forget_gate + 1.0) + sigmoid(input_gate) * np.tanh(new_value)
        h = np.tanh(c) * sigmoid(output_gate)
    p = from_concat(kernel, bias, input_size=I, layout="seed004", forget_bias=1.0)
    module = stack_to_torch(Stack("lstm", [[p]]), batch_first=True)
    with torch.no_grad():
        out, (h_n, _) = module(torch.from_numpy(xs))
    assert np.max(np.abs(h_n[0].numpy() - h)) <= TOL
    assert np.max(np.abs(out[:, -1].numpy() - h)) <= TOL


def test_keras_lstm_weights_equal_torch():
    rng = np.random.default_rng(2)
    I, H, N = 3, 4, 2
    kernel, rec, bias = (rng.standard_normal(s) for s in ((I, 4 * H), (H, 4 * H), (4 * H,)))
    x, h, c = rng.standard_normal((N, I)), rng.standard_normal((N, H)), rng.standard_normal((N, H))
    z = x @ kernel + h @ rec + bias  # Keras: blocks (i, f, c, o)
    k_i, k_f, k_c, k_o = np.split(z, 4, axis=1)
    c_new = sigmoid(k_f) * c + sigmoid(k_i) * np.tanh(k_c)
    h_new = sigmoid(k_o) * np.tanh(c_new)
    h_t, c_t = torch_out(cell_to_torch("lstm", from_keras("lstm", kernel, rec, bias)), x, (h, c))
    assert np.max(np.abs(h_t.numpy() - h_new)) <= TOL
    assert np.max(np.abs(c_t.numpy() - c_new)) <= TOL


def test_keras_reset_after_gru_weights_equal_torch():
    rng = np.random.default_rng(3)
    I, H, N = 3, 4, 2
    kernel, rec, bias = (rng.standard_normal(s) for s in ((I, 3 * H), (H, 3 * H), (2, 3 * H)))
    x, h = rng.standard_normal((N, I)), rng.standard_normal((N, H))
    # Keras GRU, reset_after=True: blocks (z, r, h); bias rows are (input, recurrent)
    xz, xr, xh = np.split(x @ kernel + bias[0], 3, axis=1)
    hz, hr, hh = np.split(h @ rec + bias[1], 3, axis=1)
    z, r = sigmoid(xz + hz), sigmoid(xr + hr)
    candidate = np.tanh(xh + r * hh)
    h_new = z * h + (1 - z) * candidate
    theirs = torch_out(cell_to_torch("gru", from_keras("gru", kernel, rec, bias)), x, h)
    assert np.max(np.abs(theirs.numpy() - h_new)) <= TOL


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bias", [True, False])
def test_stack_round_trip_through_torch(kind, bias):
    torch.manual_seed(0)
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    module = cls(3, 4, num_layers=2, bidirectional=True, bias=bias).double().eval()
    layout = {"rnn": "pytorch", "lstm": "seed000", "gru": "keras"}[kind]
    stack = stack_from_torch(module, layout=layout)
    back = stack_to_torch(stack, bias=bias)
    assert back.state_dict().keys() == module.state_dict().keys()
    for name, value in module.state_dict().items():
        assert torch.equal(back.state_dict()[name], value), name
    x = np.random.default_rng(0).standard_normal((7, 2, 3))
    ours = unroll(stack, x)
    expected_output, _ = run(module, x)
    assert np.max(np.abs(ours.output - expected_output)) <= TOL


def test_projection_round_trip():
    torch.manual_seed(1)
    module = torch.nn.LSTM(3, 5, num_layers=2, proj_size=2, batch_first=True).double()
    back = stack_to_torch(stack_from_torch(module, layout="keras"), batch_first=True)
    for name, value in module.state_dict().items():
        assert torch.equal(back.state_dict()[name], value), name


def test_refusals_say_what_to_do():
    p = random_params(GRUParams, 3, 2, 3, 0)
    with pytest.raises(ValueError, match="no torch equivalent"):
        stack_to_torch(Stack("gru", [[p]], reset_after=False))
    with pytest.raises(ValueError, match="non-zero biases"):
        stack_to_torch(Stack("gru", [[p]]), bias=False)
    with pytest.raises(ValueError, match="permutation of"):
        relayout(p, "gru", "pytorch", "seed000")
    with pytest.raises(TypeError, match="use cell_from_torch"):
        stack_from_torch(torch.nn.GRUCell(2, 3))
    with pytest.raises(TypeError, match="expected torch.nn.RNN"):
        stack_from_torch(torch.nn.Linear(2, 3))
