"""engine.sequence.unroll: traces per layer/direction/time, batch dimensions, initial states."""

import numpy as np
import pytest

from engine.cells import GRUParams, LSTMParams, RNNParams, lstm_cell
from engine.sequence import Stack, unroll

G = {"rnn": (RNNParams, 1), "lstm": (LSTMParams, 4), "gru": (GRUParams, 3)}


def make_stack(kind: str, I: int, H: int, layers: int, D: int, seed: int = 0, **kw) -> Stack:
    rng = np.random.default_rng(seed)
    cls, g = G[kind]
    cells = []
    for layer in range(layers):
        inp = I if layer == 0 else D * H
        cells.append(
            [
                cls(
                    *(
                        rng.standard_normal(s) * 0.5
                        for s in ((g * H, inp), (g * H, H), g * H, g * H)
                    )
                )
                for _ in range(D)
            ]
        )
    return Stack(kind, cells, **kw)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_traces_line_up_with_outputs_and_final_states(kind):
    stack = make_stack(kind, 2, 3, layers=2, D=2)
    x = np.random.default_rng(1).standard_normal((5, 4, 2))
    res = unroll(stack, x, traces=True)
    assert len(res.traces) == 2 and all(len(d) == 2 for d in res.traces)
    top_f, top_b = res.traces[1]
    for t in range(5):
        assert np.array_equal(res.output[t, :, :3], top_f[t].h)
        assert np.array_equal(res.output[t, :, 3:], top_b[t].h)
    # the backward direction ends at t = 0; rows of h_n are layer-major, forward first
    assert np.array_equal(res.h_n[3], top_b[0].h)
    assert np.array_equal(res.h_n[2], top_f[4].h)
    assert np.array_equal(res.h_n[0], res.traces[0][0][4].h)
    if kind == "lstm":
        assert np.array_equal(res.c_n[1], res.traces[0][1][0].c)
    else:
        assert res.c_n is None


def test_single_layer_lstm_is_the_cell_applied_in_turn():
    stack = make_stack("lstm", 3, 4, layers=1, D=1, layout="seed000")
    rng = np.random.default_rng(2)
    x, h, c = (
        rng.standard_normal((6, 2, 3)),
        rng.standard_normal((2, 4)),
        rng.standard_normal((2, 4)),
    )
    res = unroll(stack, x, h[None], c[None])
    for t in range(6):
        step = lstm_cell(x[t], h, c, stack.layers[0][0], layout="seed000")
        h, c = step.h, step.c
        assert np.array_equal(res.output[t], h)
    assert np.array_equal(res.c_n[0], c)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_extra_batch_dimensions_and_batch_first(kind):
    stack = make_stack(kind, 2, 3, layers=2, D=2, seed=5)
    x = np.random.default_rng(3).standard_normal((4, 2, 3, 2))  # (T, 2, 3, I)
    whole = unroll(stack, x)
    assert whole.output.shape == (4, 2, 3, 6) and whole.h_n.shape == (4, 2, 3, 3)
    one = unroll(stack, x[:, 1, 2])
    assert np.max(np.abs(whole.output[:, 1, 2] - one.output)) <= 1e-15
    bf = unroll(stack, np.moveaxis(x, 0, -2), batch_first=True)
    assert np.array_equal(np.moveaxis(bf.output, -2, 0), whole.output)


def test_initial_state_changes_every_layer_output():
    stack = make_stack("gru", 2, 3, layers=2, D=1, seed=4)
    x = np.random.default_rng(4).standard_normal((3, 1, 2))
    cold = unroll(stack, x)
    warm = unroll(stack, x, h0=np.ones((2, 1, 3)))
    assert np.max(np.abs(cold.output - warm.output)) > 1e-3


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x": np.zeros((3, 1, 5))}, "expects 2"),
        ({"x": np.zeros((0, 1, 2))}, "empty"),
        ({"x": np.zeros((3, 1, 2)), "h0": np.zeros((1, 1, 3))}, "h0 must be shaped"),
        ({"x": np.zeros(2)}, "at least 2 dimensions"),
    ],
)
def test_bad_shapes_are_refused(kwargs, message):
    stack = make_stack("rnn", 2, 3, layers=2, D=1)
    with pytest.raises(ValueError, match=message):
        unroll(stack, **kwargs)


def test_bad_stacks_are_refused():
    with pytest.raises(ValueError, match="kind must be"):
        Stack("cnn", [[None]])
    with pytest.raises(ValueError, match="1 or 2 directions"):
        Stack("rnn", [[RNNParams(np.zeros((1, 1)), np.zeros((1, 1)), [0.0], [0.0])] * 3])
