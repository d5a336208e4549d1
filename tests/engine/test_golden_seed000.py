"""Seed 000, part 1: the published numbers of the LSTM forward pass by hand."""

import numpy as np

from engine.cells import LSTMParams, lstm_cell, sigmoid

W = np.array([[0.2, 0.4, -0.3, 0.1], [0.1, -0.2, 0.5, 0.3]])
B = np.array([[0.1, 0.2, -0.1, 0.0]])
Wy, By = np.array([[1.0]]), np.array([[0.5]])
x0, x1 = np.array([[0.5]]), np.array([[0.8]])
h0 = c0 = np.array([[0.0]])


def _unroll():
    p = LSTMParams.from_concat(W, B, input_size=1)
    step0 = lstm_cell(x0, h0, c0, p, layout="seed000")
    step1 = lstm_cell(x1, step0.h, step0.c, p, layout="seed000")
    return step0, step1


def test_pre_activations_and_states_to_the_printed_digits():
    step0, step1 = _unroll()
    assert np.round(step0.z, 8).tolist() == [[0.2, 0.4, -0.25, 0.05]]
    assert round(float(step0.c[0, 0]), 8) == -0.14662978
    assert round(float(step0.h[0, 0]), 8) == -0.07461341
    assert np.round(step1.z, 8).tolist() == [[0.25253866, 0.53492268, -0.3773067, 0.05761598]]


def test_output_y_to_1e15():
    _, step1 = _unroll()
    y = sigmoid(step1.h @ Wy + By)
    assert abs(y[0, 0] - 0.5855398664699348) <= 1e-15


def test_gates_read_the_seed000_order():
    step0, _ = _unroll()
    assert step0.f[0, 0] == sigmoid(0.2)  # forget is the first block in seed 000
    assert step0.g[0, 0] == np.tanh(-0.25)
    assert step0.as_dict()["c_hat"] is step0.g
