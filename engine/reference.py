"""What a torch recurrent module returns, recomputed from scratch in numpy float64.

`run(module, x, state=None)` reads the module's weights and unrolls engine.sequence over them, so
any disagreement with torch is a bug in our equations (or in our reading of torch's layout).
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from torch import nn

from engine.backward import backward as bptt
from engine.backward import gru_cell_backward, lstm_cell_backward, rnn_cell_backward
from engine.cells import gru_cell, lstm_cell, rnn_cell
from engine.convert import cell_from_torch, kind_of, stack_from_torch
from engine.sequence import unroll

Array = np.ndarray


def _as_array(a, name: str) -> Array:
    if isinstance(a, torch.Tensor):
        return a.detach().to(torch.float64).cpu().numpy()
    try:
        return np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a numpy array or tensor of numbers: {exc}") from None


def run(module: nn.Module, x, state=None):
    """Compute from scratch exactly what `module(x, state)` returns, as numpy float64 arrays.

    module: torch.nn.RNN (tanh or relu), LSTM or GRU — any num_layers, batch_first or not,
        bidirectional or not, bias or not, LSTM proj_size too. Also accepted: nn.RNNCell,
        nn.LSTMCell, nn.GRUCell (returns h, or (h, c) for LSTMCell, as those cells do).
    x: shaped as the module expects: (T, N, I), (N, T, I) if batch_first, or unbatched (T, I).
    state: as torch's — h0, or (h0, c0) for an LSTM — numpy arrays or tensors shaped
        (num_layers*num_directions, N, H_out) / (..., H) (no N for unbatched input); None is zeros.

    Returns (output, h_n) for RNN and GRU, (output, (h_n, c_n)) for LSTM, with torch's shapes:
    output (T, N, D*H_out) or (N, T, D*H_out) if batch_first, or (T, D*H_out) unbatched.

    Dropout is not applied: torch drops between layers only in training mode, where its output is
    random; this computes the eval-mode result (and warns if the module is in training mode with
    dropout > 0 and more than one layer, since torch's own output would then differ).
    A float32 module is recomputed in float64, so it matches torch only to float32 precision.
    PackedSequence inputs are not supported: pass a padded array.
    """
    kind, x = _module_input(module, x)
    if isinstance(module, nn.RNNCellBase):
        return _run_cell(module, kind, x, state)
    _warn_dropout(
        module, "torch's output is random there; reference.run computes the eval-mode result"
    )
    stack = stack_from_torch(module)
    _check_sequence_x(module, x)
    unbatched = x.ndim == 2
    if unbatched:
        x = x[:, None, :]  # time-major with a batch of one
    elif module.batch_first:
        x = x.transpose(1, 0, 2)

    h0, c0 = _split_state(kind, state)
    if unbatched:
        h0 = _add_batch(h0, "h0")
        c0 = _add_batch(c0, "c0")
    result = unroll(stack, x, h0, c0)

    output, h_n, c_n = _torch_layout(result.output, result.h_n, result.c_n, unbatched, module)
    if kind == "lstm":
        return output, (h_n, c_n)
    return output, h_n


def _module_input(module: nn.Module, x) -> tuple[str, Array]:
    """The module's kind and x as float64; packed input and other modules are refused."""
    if isinstance(x, nn.utils.rnn.PackedSequence):
        raise TypeError("PackedSequence input is not supported; pass the padded array instead")
    kind, _ = kind_of(module)
    x = _as_array(x, "x")
    if not isinstance(module, nn.RNNCellBase | nn.RNNBase):
        raise TypeError(f"expected torch.nn.RNN, LSTM or GRU, got {type(module).__name__}")
    return kind, x


def _warn_dropout(module: nn.RNNBase, what: str) -> None:
    """torch drops out between layers in training mode: its result is random, ours eval-mode's."""
    if module.training and module.dropout > 0 and module.num_layers > 1:
        warnings.warn(
            f"module is in training mode with dropout > 0: {what} (call module.eval() to compare)",
            RuntimeWarning,
            stacklevel=3,  # the caller of run/backward
        )


def _torch_layout(
    seq: Array, h: Array, c: Array | None, unbatched: bool, module: nn.RNNBase
) -> tuple[Array, Array, Array | None]:
    """A sequence (T, N, ...) and states (L*D, N, ...) computed time-major and batched, in the
    layout torch gives them back: without the batch axis for unbatched input, else with the
    sequence batch-first when the module is."""
    if unbatched:
        return seq[:, 0], h[:, 0], (c[:, 0] if c is not None else None)
    if module.batch_first:
        seq = seq.transpose(1, 0, 2)
    return seq, h, c


def _split_state(kind: str, state) -> tuple[Array | None, Array | None]:
    if state is None:
        return None, None
    if kind == "lstm":
        if not (isinstance(state, tuple | list) and len(state) == 2):
            raise TypeError("an LSTM's state must be a pair (h0, c0)")
        return _as_array(state[0], "h0"), _as_array(state[1], "c0")
    if isinstance(state, tuple | list):
        raise TypeError(f"a {kind.upper()}'s state is h0 alone, not a {type(state).__name__}")
    return _as_array(state, "h0"), None


def _add_batch(state: Array | None, name: str) -> Array | None:
    if state is None:
        return None
    if state.ndim != 2:
        raise ValueError(
            f"with unbatched 2-D input, {name} must be 2-D (num_layers*num_directions, size), "
            f"got shape {state.shape}"
        )
    return state[:, None, :]


def _check_sequence_x(module: nn.RNNBase, x: Array) -> None:
    """x as the module takes it: 3-D in its batch layout or unbatched 2-D, input_size features."""
    if x.ndim not in (2, 3):
        raise ValueError(
            f"x must be 3-D ({'(N, T, I)' if module.batch_first else '(T, N, I)'}) "
            f"or unbatched 2-D (T, I), got shape {x.shape}"
        )
    if x.shape[-1] != module.input_size:
        raise ValueError(
            f"x has {x.shape[-1]} features on its last axis but the module's input_size "
            f"is {module.input_size}"
        )


def _cell_inputs(cell: nn.RNNCellBase, kind: str, x: Array, state):
    """The checked x, the cell's numpy params, a zero state shaped for x, and h0/c0 (h0 filled)."""
    if x.ndim not in (1, 2) or x.shape[-1] != cell.input_size:
        raise ValueError(
            f"a {type(cell).__name__} takes x shaped (N, {cell.input_size}) or "
            f"({cell.input_size},), got {x.shape}"
        )
    p = cell_from_torch(cell)
    zeros = np.zeros((*x.shape[:-1], cell.hidden_size))
    h0, c0 = _split_state(kind, state)
    h0 = zeros if h0 is None else h0
    if h0.shape != zeros.shape:
        raise ValueError(f"h0 must be shaped {zeros.shape}, got {h0.shape}")
    return p, zeros, h0, c0


def _run_cell(cell: nn.RNNCellBase, kind: str, x: Array, state):
    """One step of an nn.RNNCell / LSTMCell / GRUCell, as the cell returns it."""
    p, zeros, h0, c0 = _cell_inputs(cell, kind, x, state)
    if kind == "lstm":
        c0 = zeros if c0 is None else c0
        if c0.shape != zeros.shape:
            raise ValueError(f"c0 must be shaped {zeros.shape}, got {c0.shape}")
        tr = lstm_cell(x, h0, c0, p)
        return tr.h, tr.c
    if kind == "gru":
        return gru_cell(x, h0, p).h
    return rnn_cell(x, h0, p, nonlinearity=cell.nonlinearity).h


# --- gradients ------------------------------------------------------------------------------


def backward(module: nn.Module, x, grad_output, state=None, *, grad_state=None) -> dict:
    """Compute from scratch (numpy float64) what torch autograd gives for `module(x, state)`.

    module, x and state as for `run`. grad_output is dL/d(output), shaped like the module's
    output (for a cell: dL/dh, or a pair (dL/dh, dL/dc) for an LSTMCell). grad_state, optional,
    is dL/d(final state) shaped like h_n (or a pair (dh_n, dc_n) for an LSTM); None means the loss
    does not read the final state.

    Returns {"x": dL/dx shaped like x, "state": dL/d(initial state) shaped like torch's h0 (a pair
    (dh0, dc0) for an LSTM; given also when state is None, as the gradient at the zero state),
    "params": {name: gradient} for each of module.named_parameters()}.
    """
    kind, x = _module_input(module, x)
    if isinstance(module, nn.RNNCellBase):
        return _backward_cell(module, kind, x, grad_output, state)
    _warn_dropout(module, "reference.backward computes the eval-mode gradients")
    stack = stack_from_torch(module)
    _check_sequence_x(module, x)
    unbatched = x.ndim == 2
    grad_output = _as_array(grad_output, "grad_output")
    D, P = stack.num_directions, stack.output_size
    expected = (*x.shape[:-1], D * P)
    if grad_output.shape != expected:
        raise ValueError(
            f"grad_output must be shaped like the module's output {expected}, "
            f"got {grad_output.shape}"
        )
    if unbatched:
        x, grad_output = x[:, None, :], grad_output[:, None, :]
    elif module.batch_first:
        x, grad_output = x.transpose(1, 0, 2), grad_output.transpose(1, 0, 2)

    h0, c0 = _split_state(kind, state)
    dh_n, dc_n = _split_state(kind, grad_state)
    if unbatched:
        h0, c0 = _add_batch(h0, "h0"), _add_batch(c0, "c0")
        dh_n, dc_n = _add_batch(dh_n, "grad_state h_n"), _add_batch(dc_n, "grad_state c_n")
    g = bptt(stack, x, grad_output, h0, c0, d_h_n=dh_n, d_c_n=dc_n)

    dx, dh0, dc0 = _torch_layout(g.dx, g.dh0, g.dc0, unbatched, module)
    params = {}
    for k in range(stack.num_layers):
        for d, suffix in enumerate(("", "_reverse")[:D]):
            pg = g.params[k][d]
            params[f"weight_ih_l{k}{suffix}"] = pg.dW_ih
            params[f"weight_hh_l{k}{suffix}"] = pg.dW_hh
            params[f"bias_ih_l{k}{suffix}"] = pg.db_ih
            params[f"bias_hh_l{k}{suffix}"] = pg.db_hh
            params[f"weight_hr_l{k}{suffix}"] = pg.dW_hr
    names = [name for name, _ in module.named_parameters()]
    return {
        "x": dx,
        "state": (dh0, dc0) if kind == "lstm" else dh0,
        "params": {name: params[name] for name in names},
    }


def _backward_cell(cell: nn.RNNCellBase, kind: str, x: Array, grad_output, state) -> dict:
    """backward for one step of an nn.RNNCell / LSTMCell / GRUCell."""
    p, zeros, h0, c0 = _cell_inputs(cell, kind, x, state)
    if kind == "lstm" and not isinstance(grad_output, tuple | list):
        grad_output = (grad_output, np.zeros(zeros.shape))  # the loss reads h only
    dh, dc = _split_state(kind, grad_output)
    for name, a in (("h0", h0), ("grad_output", dh)):
        if a.shape != zeros.shape:
            raise ValueError(f"{name} must be shaped {zeros.shape}, got {a.shape}")
    if kind == "lstm":
        c0 = zeros if c0 is None else c0
        for name, a in (("c0", c0), ("grad_output's dc", dc)):
            if a.shape != zeros.shape:
                raise ValueError(f"{name} must be shaped {zeros.shape}, got {a.shape}")
        g = lstm_cell_backward(lstm_cell(x, h0, c0, p), x, h0, c0, p, dh, dc)
        state_grad = (g.dh_prev, g.dc_prev)
    elif kind == "gru":
        g = gru_cell_backward(gru_cell(x, h0, p), x, h0, p, dh)
        state_grad = g.dh_prev
    else:
        tr = rnn_cell(x, h0, p, nonlinearity=cell.nonlinearity)
        g = rnn_cell_backward(tr, x, h0, p, dh, nonlinearity=cell.nonlinearity)
        state_grad = g.dh_prev
    grads = {
        "weight_ih": g.params.dW_ih,
        "weight_hh": g.params.dW_hh,
        "bias_ih": g.params.db_ih,
        "bias_hh": g.params.db_hh,
    }
    names = [name for name, _ in cell.named_parameters()]
    return {"x": g.dx, "state": state_grad, "params": {n: grads[n] for n in names}}
