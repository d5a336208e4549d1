"""Mistakes in sizes and layouts are refused with messages that name the culprit."""

import numpy as np
import pytest

from engine.cells import GRUParams, LSTMParams, RNNParams, gru_cell, lstm_cell, rnn_cell
from engine.layouts import gru_layout, lstm_layout


def lstm_params(I=2, H=3):
    return LSTMParams(np.ones((4 * H, I)), np.ones((4 * H, H)), np.zeros(4 * H), np.zeros(4 * H))


def test_layout_names_ignore_case_and_gru_candidate_aliases():
    assert lstm_layout("PyTorch") == lstm_layout("pytorch")
    assert gru_layout(["z", "r", "h"]) == gru_layout("keras")  # Keras names the candidate h
    assert gru_layout(("R", "Z", "candidate")) == gru_layout("pytorch")
    assert lstm_layout(["F", "I", "C_hat", "O"]) == lstm_layout("seed000")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lstm_layout(4), "name or a sequence of gate names"),
        (lambda: gru_layout(["r", "z", "c"]), "exactly once"),  # c is an LSTM alias only
        (lambda: lstm_layout(["i", "f", "h", "o"]), "aliases: c=g"),
    ],
)
def test_bad_layouts(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: LSTMParams(np.ones((12, 2)), np.ones((8, 3)), np.zeros(12), np.zeros(12)), "rows"),
        (
            lambda: LSTMParams(np.ones((12, 2)), np.ones((12, 3)), np.zeros(11), np.zeros(12)),
            "b_ih",
        ),
        (lambda: GRUParams(np.ones((8, 2)), np.ones((8, 2)), np.zeros(8), np.zeros(8)), "3 gate"),
        (lambda: RNNParams(np.ones(3), np.ones((3, 3)), np.zeros(3), np.zeros(3)), "2-D"),
        (lambda: LSTMParams.from_concat(np.ones((3, 7)), np.zeros(7), input_size=1), "columns"),
        (lambda: LSTMParams.from_concat(np.ones((3, 8)), np.zeros(8), input_size=3), "input_size"),
    ],
)
def test_bad_parameters(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p: lstm_cell(np.ones(3), np.ones(3), np.ones(3), p), "x has shape"),
        (lambda p: lstm_cell(np.ones(2), np.ones(4), np.ones(3), p), "h_prev has shape"),
        (lambda p: lstm_cell(np.ones(2), np.ones(3), np.ones(2), p), "c_prev has shape"),
        (lambda p: rnn_cell(np.ones(2), np.ones(3), p, nonlinearity="sigmoid"), "tanh or relu"),
    ],
)
def test_bad_cell_inputs(call, message):
    with pytest.raises(ValueError, match=message):
        call(lstm_params())


def test_gru_and_rnn_check_sizes_too():
    g = GRUParams(np.ones((9, 2)), np.ones((9, 3)), np.zeros(9), np.zeros(9))
    with pytest.raises(ValueError, match="x has shape"):
        gru_cell(np.ones((4, 5)), np.ones((4, 3)), g)
    r = RNNParams(np.ones((3, 2)), np.ones((3, 3)), np.zeros(3), np.zeros(3))
    with pytest.raises(ValueError, match="h_prev has shape"):
        rnn_cell(np.ones(2), np.ones(2), r)


def test_a_shared_state_broadcasts_over_a_batch():
    p = lstm_params()
    batch = lstm_cell(np.ones((5, 2)), np.zeros(3), np.zeros(3), p)
    assert batch.h.shape == (5, 3)
