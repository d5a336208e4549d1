"""How far back the gradient reaches: ||dL/dh_t|| for every time step of a trained model.

The loss is the model's training loss (MSE) on a batch of sequences; torch gives the gradient at
the encoder's final state (through the head), and engine.backward carries it back through time
from scratch, so each step's dL/dh_t is read off the backward trace. For a simple RNN it shrinks
(or blows up) geometrically going back; an LSTM's cell state lets it travel further.

    norms = step_gradient_norms(model, X, Y)   # (T,): mean over sequences of ||dL/dh_t||
"""

from __future__ import annotations

import numpy as np
import torch

from engine.backward import backward
from engine.convert import stack_from_torch


def step_gradient_norms(model: torch.nn.Module, X, Y) -> np.ndarray:
    """Mean over the sequences of ||dL/dh_t|| at each time step t of the encoder's first layer.

    model: an engine.models.Forecaster (its recurrent `encoder`, batch_first, and head);
    X (N, T, F), Y shaped as the model's targets. The loss is mean squared error.
    """
    encoder = model.encoder
    dtype = next(model.parameters()).dtype  # float32 as trained; float64 for exact checks
    x = torch.as_tensor(np.asarray(X), dtype=dtype)
    y = torch.as_tensor(np.asarray(Y), dtype=dtype)
    captured: list = []
    handle = encoder.register_forward_hook(lambda m, i, out: captured.append(out[1]))
    was_training = model.training
    model.eval()
    try:
        pred = model(x)
        state = captured[0]
        finals = state if isinstance(state, tuple) else (state,)
        for s in finals:
            s.retain_grad()
        loss = torch.nn.functional.mse_loss(pred, y.reshape(pred.shape))
        model.zero_grad()
        loss.backward()
        # a state the head does not read (an LSTM's c_n) gets no gradient there: zeros
        d_final = [
            np.zeros(tuple(s.shape)) if s.grad is None else s.grad.detach().double().numpy()
            for s in finals
        ]
    finally:
        handle.remove()
        model.zero_grad()
        model.train(was_training)
    stack = stack_from_torch(encoder)
    d_c_n = d_final[1] if len(d_final) == 2 else None
    grads = backward(
        stack, np.asarray(X, np.float64), None, d_h_n=d_final[0], d_c_n=d_c_n, batch_first=True
    )
    steps = grads.traces[0][0]  # first layer, forward direction, t = 0..T-1
    # dh of step t is dL/dh_t of the state it produced (all paths), shape (N, H)
    return np.array([np.linalg.norm(s.dh, axis=-1).mean() for s in steps])


def sparkline(values: np.ndarray, width: int = 60) -> str:
    """One line of block characters, log scale (gradient norms span many decades)."""
    blocks = "▁▂▃▄▅▆▇█"
    v = np.log10(np.maximum(np.asarray(values, np.float64), 1e-300))
    if v.size > width:  # average neighbouring steps down to the width
        v = np.array([chunk.mean() for chunk in np.array_split(v, width)])
    lo, hi = float(v.min()), float(v.max())
    if hi - lo < 1e-12:
        return blocks[3] * v.size
    idx = np.round((v - lo) / (hi - lo) * (len(blocks) - 1)).astype(int)
    return "".join(blocks[i] for i in idx)
