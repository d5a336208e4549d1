"""Gate layouts as data (engine.layouts) and the GRU's two forms."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.cells import GRUParams, LSTMParams, gru_cell, lstm_cell, sigmoid
from engine.layouts import (
    GRU_GATES,
    LSTM_GATES,
    gru_layout,
    lstm_layout,
    permutation,
    reorder_blocks,
)


def test_named_layouts():
    assert lstm_layout("pytorch") == ("i", "f", "g", "o")
    assert lstm_layout("keras") == ("i", "f", "g", "o")
    assert lstm_layout("seed000") == ("f", "i", "g", "o")
    assert lstm_layout("seed004") == ("i", "g", "f", "o")
    assert gru_layout("pytorch") == ("r", "z", "n")
    assert gru_layout("keras") == ("z", "r", "n")


def test_candidate_aliases():
    assert lstm_layout(["f", "i", "c_hat", "o"]) == lstm_layout("seed000")
    assert lstm_layout(("i", "f", "c", "o")) == lstm_layout("keras")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lstm_layout("tensorflow"), "unknown LSTM layout"),
        (lambda: lstm_layout(["i", "f", "g"]), "exactly once"),
        (lambda: lstm_layout(["i", "i", "g", "o"]), "exactly once"),
        (lambda: gru_layout(["r", "z", "g"]), "exactly once"),
    ],
)
def test_bad_layouts_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@settings(max_examples=30, deadline=None, derandomize=True)
@given(order=st.permutations(LSTM_GATES), rows=st.integers(1, 4), cols=st.integers(1, 3))
def test_reorder_round_trip_and_block_identity(order, rows, cols):
    a = np.arange(4 * rows * cols, dtype=float).reshape(4 * rows, cols)
    b = reorder_blocks(a, LSTM_GATES, order)
    for k, gate in enumerate(order):  # block k of b is the source block named `gate`
        src = LSTM_GATES.index(gate)
        assert np.array_equal(b[k * rows : (k + 1) * rows], a[src * rows : (src + 1) * rows])
    assert np.array_equal(reorder_blocks(b, order, LSTM_GATES), a)
    assert sorted(permutation(LSTM_GATES, order)) == [0, 1, 2, 3]


def _permuted(p, cls, source, target):
    return cls(*(reorder_blocks(a, source, target) for a in (p.W_ih, p.W_hh, p.b_ih, p.b_hh)))


@settings(max_examples=30, deadline=None, derandomize=True)
@given(order=st.permutations(LSTM_GATES), seed=st.integers(0, 2**31))
def test_lstm_gates_do_not_depend_on_the_layout(order, seed):
    rng = np.random.default_rng(seed)
    I, H = 3, 4
    p = LSTMParams(*(rng.standard_normal(s) for s in ((4 * H, I), (4 * H, H), 4 * H, 4 * H)))
    x, h, c = (rng.standard_normal((2, k)) for k in (I, H, H))
    ref = lstm_cell(x, h, c, p)
    other = lstm_cell(x, h, c, _permuted(p, LSTMParams, LSTM_GATES, order), layout=order)
    for name in ("z_i", "z_f", "z_g", "z_o", "i", "f", "g", "o", "c", "h"):
        assert np.max(np.abs(getattr(ref, name) - getattr(other, name))) <= 1e-14, name


@settings(max_examples=20, deadline=None, derandomize=True)
@given(order=st.permutations(GRU_GATES), seed=st.integers(0, 2**31), reset_after=st.booleans())
def test_gru_gates_do_not_depend_on_the_layout(order, seed, reset_after):
    rng = np.random.default_rng(seed)
    I, H = 2, 5
    p = GRUParams(*(rng.standard_normal(s) for s in ((3 * H, I), (3 * H, H), 3 * H, 3 * H)))
    x, h = rng.standard_normal((3, I)), rng.standard_normal((3, H))
    ref = gru_cell(x, h, p, reset_after=reset_after)
    other = gru_cell(
        x, h, _permuted(p, GRUParams, GRU_GATES, order), layout=order, reset_after=reset_after
    )
    for name in ("z_r", "z_z", "z_n", "r", "z", "n", "h"):
        assert np.max(np.abs(getattr(ref, name) - getattr(other, name))) <= 1e-14, name


def test_classic_gru_is_cho_et_al():
    # Cho et al. (2014) / Keras reset_after=False: the reset gate scales h before the matmul
    rng = np.random.default_rng(9)
    I, H = 3, 4
    W_r, W_z, W_n = (rng.standard_normal((H, I)) for _ in range(3))
    U_r, U_z, U_n = (rng.standard_normal((H, H)) for _ in range(3))
    b_r, b_z, b_n = (rng.standard_normal(H) for _ in range(3))
    x, h = rng.standard_normal(I), rng.standard_normal(H)
    r = sigmoid(W_r @ x + U_r @ h + b_r)
    z = sigmoid(W_z @ x + U_z @ h + b_z)
    n = np.tanh(W_n @ x + U_n @ (r * h) + b_n)
    expected = (1 - z) * n + z * h
    p = GRUParams(
        np.concatenate([W_r, W_z, W_n]),
        np.concatenate([U_r, U_z, U_n]),
        np.concatenate([b_r, b_z, b_n]),
        np.zeros(3 * H),
    )
    classic = gru_cell(x, h, p, reset_after=False)
    assert np.max(np.abs(classic.h - expected)) <= 1e-15
    assert np.max(np.abs(classic.r - r)) <= 1e-15
    # the two forms are different functions: PyTorch's applies r after U_n @ h
    assert np.max(np.abs(gru_cell(x, h, p, reset_after=True).h - expected)) > 1e-6
