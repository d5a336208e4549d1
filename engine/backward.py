"""Backward passes (numpy float64, from scratch) for the cells of engine.cells and their sequences.

Each cell's backward takes the forward trace and the gradients arriving at the step's outputs and
returns a trace of every gradient on the way back, named as in the equations (a `d` in front of
the forward name: `dc` is dL/dc, `dz_f` is dL/dz_f). The code reads like the chain rule:

    LSTM  dc = dh * o * (1 - tanh(c)**2) + dc_next     do = dh * tanh(c)
          di = dc * g     df = dc * c_prev     dg = dc * i     dc_prev = dc * f
          dz_i = di * i * (1 - i)   dz_f = df * f * (1 - f)   dz_g = dg * (1 - g**2)   dz_o = ...
    GRU   h = (1 - z) * n + z * h_prev:  dn = dh * (1 - z)   dz = dh * (h_prev - n)
    RNN   dz = dh * (1 - h**2)  (tanh)  or  dh * (z > 0)  (relu)

then dx = dz @ W_ih, dh_prev = dz @ W_hh (+ the direct paths), dW_ih = dz^T x, dW_hh = dz^T h_prev,
db = dz summed over the batch. Weight gradients come back in the layout the weights are stacked in.

`backward(stack, x, d_output, ...)` is backpropagation through time over engine.sequence.unroll:
layers, directions, any batch dimensions and LSTM projections, with traces[layer][direction][t].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from engine.cells import (
    CellParams,
    GRUTrace,
    LSTMTrace,
    RNNTrace,
    as_f64,
    gate_blocks,
    join_blocks,
)
from engine.layouts import gru_layout, lstm_layout
from engine.sequence import Stack, unroll

Array = np.ndarray


# --- gradient traces ----------------------------------------------------------------------


class _Grads:
    def as_dict(self) -> dict[str, Array]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class ParamGrads(_Grads):
    """dL/d each weight of one cell, shaped (and gate-ordered) like the weights themselves."""

    dW_ih: Array  # (G*H, I)
    dW_hh: Array  # (G*H, H_out)
    db_ih: Array  # (G*H,)
    db_hh: Array  # (G*H,)
    dW_hr: Array | None = None  # (P, H): LSTM projection, when there is one

    def __iadd__(self, other: ParamGrads) -> ParamGrads:
        self.dW_ih += other.dW_ih
        self.dW_hh += other.dW_hh
        self.db_ih += other.db_ih
        self.db_hh += other.db_hh
        return self


@dataclass
class RNNGrads(_Grads):
    dh: Array  # dL/dh of this step: from the output above plus from the next step
    dz: Array  # dL/dz, z the pre-activation
    dx: Array
    dh_prev: Array
    params: ParamGrads = field(repr=False)


@dataclass
class LSTMGrads(_Grads):
    dh: Array  # dL/dh (all paths)
    dc: Array  # dL/dc (through h and through c_next)
    do: Array
    di: Array
    df: Array
    dg: Array  # dL/d(candidate c_hat)
    dz_i: Array
    dz_f: Array
    dz_g: Array
    dz_o: Array
    dz: Array  # all pre-activation gradients, blocks in the layout's order
    dx: Array
    dh_prev: Array
    dc_prev: Array
    params: ParamGrads = field(repr=False)

    @property
    def dc_hat(self) -> Array:
        return self.dg


@dataclass
class GRUGrads(_Grads):
    dh: Array
    dn: Array
    dz: Array  # dL/d(update gate z)
    dr: Array
    dz_n: Array
    dz_z: Array
    dz_r: Array
    dx: Array
    dh_prev: Array
    params: ParamGrads = field(repr=False)


# --- helpers ------------------------------------------------------------------------------


def _outer(d: Array, a: Array) -> Array:
    """sum over every batch dimension of d^T a: (..., m), (..., n) -> (m, n)."""
    return d.reshape(-1, d.shape[-1]).T @ a.reshape(-1, a.shape[-1])


def _sum_batch(d: Array) -> Array:
    return d.reshape(-1, d.shape[-1]).sum(axis=0)


# --- cells --------------------------------------------------------------------------------


def rnn_cell_backward(
    tr: RNNTrace, x: Array, h_prev: Array, p: CellParams, dh: Array, nonlinearity: str = "tanh"
) -> RNNGrads:
    """Gradients of h = act(W_ih x + b_ih + W_hh h_prev + b_hh), given dL/dh."""
    x, h_prev, dh = as_f64(x), as_f64(h_prev), as_f64(dh)
    if nonlinearity == "tanh":
        dz = dh * (1.0 - tr.h**2)
    elif nonlinearity == "relu":
        dz = dh * (tr.z > 0)
    else:
        raise ValueError(f"nonlinearity must be tanh or relu, not {nonlinearity!r}")
    grads = ParamGrads(_outer(dz, x), _outer(dz, h_prev), _sum_batch(dz), _sum_batch(dz))
    return RNNGrads(dh=dh, dz=dz, dx=dz @ p.W_ih, dh_prev=dz @ p.W_hh, params=grads)


def lstm_cell_backward(
    tr: LSTMTrace,
    x: Array,
    h_prev: Array,
    c_prev: Array,
    p: CellParams,
    dh: Array,
    dc_next: Array | None = None,
    layout: str | Sequence[str] = "pytorch",
) -> LSTMGrads:
    """Gradients of one LSTM step, given dL/dh and the gradient reaching c from the next step."""
    x, h_prev, c_prev, dh = as_f64(x), as_f64(h_prev), as_f64(c_prev), as_f64(dh)
    dc_next = np.zeros_like(tr.c) if dc_next is None else as_f64(dc_next)
    i, f, g, o, c = tr.i, tr.f, tr.g, tr.o, tr.c
    tanh_c = np.tanh(c)
    # h = o * tanh(c);  c = f * c_prev + i * g
    do = dh * tanh_c
    dc = dh * o * (1.0 - tanh_c**2) + dc_next
    di = dc * g
    df = dc * c_prev
    dg = dc * i
    dc_prev = dc * f
    # through the activations: sigmoid' = s (1 - s), tanh' = 1 - tanh**2
    dz_i = di * i * (1.0 - i)
    dz_f = df * f * (1.0 - f)
    dz_g = dg * (1.0 - g**2)
    dz_o = do * o * (1.0 - o)
    dz = join_blocks({"i": dz_i, "f": dz_f, "g": dz_g, "o": dz_o}, lstm_layout(layout))
    grads = ParamGrads(_outer(dz, x), _outer(dz, h_prev), _sum_batch(dz), _sum_batch(dz))
    return LSTMGrads(
        dh=dh,
        dc=dc,
        do=do,
        di=di,
        df=df,
        dg=dg,
        dz_i=dz_i,
        dz_f=dz_f,
        dz_g=dz_g,
        dz_o=dz_o,
        dz=dz,
        dx=dz @ p.W_ih,
        dh_prev=dz @ p.W_hh,
        dc_prev=dc_prev,
        params=grads,
    )


def gru_cell_backward(
    tr: GRUTrace,
    x: Array,
    h_prev: Array,
    p: CellParams,
    dh: Array,
    layout: str | Sequence[str] = "pytorch",
    reset_after: bool = True,
) -> GRUGrads:
    """Gradients of one GRU step (PyTorch's reset_after form or Cho's classic one), given dL/dh."""
    order = gru_layout(layout)
    x, h_prev, dh = as_f64(x), as_f64(h_prev), as_f64(dh)
    r, z, n = tr.r, tr.z, tr.n
    W_i, W_h = gate_blocks(p.W_ih, order, axis=0), gate_blocks(p.W_hh, order, axis=0)
    b_h = gate_blocks(p.b_hh, order)
    # h = (1 - z) * n + z * h_prev
    dn = dh * (1.0 - z)
    dz = dh * (h_prev - n)
    dh_prev = dh * z
    dz_n = dn * (1.0 - n**2)
    if reset_after:
        # z_n = W_in x + b_in + r * (W_hn h_prev + b_hn)
        a_n = h_prev @ W_h["n"].T + b_h["n"]
        dr = dz_n * a_n
        da_n = dz_n * r
        dW_hn, db_hn = _outer(da_n, h_prev), _sum_batch(da_n)
        dh_prev = dh_prev + da_n @ W_h["n"]
    else:
        # z_n = W_in x + b_in + W_hn (r * h_prev) + b_hn
        d_rh = dz_n @ W_h["n"]
        dr = d_rh * h_prev
        dW_hn, db_hn = _outer(dz_n, r * h_prev), _sum_batch(dz_n)
        dh_prev = dh_prev + d_rh * r
    dz_r = dr * r * (1.0 - r)
    dz_z = dz * z * (1.0 - z)
    dh_prev = dh_prev + dz_r @ W_h["r"] + dz_z @ W_h["z"]
    dx = dz_r @ W_i["r"] + dz_z @ W_i["z"] + dz_n @ W_i["n"]
    d_in = {"r": dz_r, "z": dz_z, "n": dz_n}
    grads = ParamGrads(
        dW_ih=np.concatenate([_outer(d_in[k], x) for k in order], axis=0),
        dW_hh=np.concatenate(
            [dW_hn if k == "n" else _outer(d_in[k], h_prev) for k in order], axis=0
        ),
        db_ih=np.concatenate([_sum_batch(d_in[k]) for k in order]),
        db_hh=np.concatenate([db_hn if k == "n" else _sum_batch(d_in[k]) for k in order]),
    )
    return GRUGrads(
        dh=dh,
        dn=dn,
        dz=dz,
        dr=dr,
        dz_n=dz_n,
        dz_z=dz_z,
        dz_r=dz_r,
        dx=dx,
        dh_prev=dh_prev,
        params=grads,
    )


# --- sequences (backpropagation through time) ---------------------------------------------


@dataclass
class SequenceGrads:
    dx: Array  # dL/dx, shaped like x
    dh0: Array  # (L*D, ..., H_out)
    dc0: Array | None  # (L*D, ..., H) for LSTM
    params: list[list[ParamGrads]]  # [layer][direction], summed over time and batch
    traces: list[list[list]] = field(repr=False)  # [layer][direction][t] -> the step's grads
    output: Array | None = field(default=None, repr=False)  # the forward output, for convenience


def _zeros_grads(p: CellParams, projection: Array | None) -> ParamGrads:
    return ParamGrads(
        np.zeros_like(p.W_ih),
        np.zeros_like(p.W_hh),
        np.zeros_like(p.b_ih),
        np.zeros_like(p.b_hh),
        None if projection is None else np.zeros_like(projection),
    )


def _grad_arg(d: Array | None, shape: tuple[int, ...], name: str) -> Array:
    if d is None:
        return np.zeros(shape)
    d = as_f64(d)
    if d.shape != shape:
        raise ValueError(
            f"{name} must be shaped {shape} (like what it differentiates), got {d.shape}"
        )
    return d


def backward(
    stack: Stack,
    x: Array,
    d_output: Array | None,
    h0: Array | None = None,
    c0: Array | None = None,
    *,
    d_h_n: Array | None = None,
    d_c_n: Array | None = None,
    batch_first: bool = False,
) -> SequenceGrads:
    """Backpropagation through time: every gradient of a loss that depends on unroll's results.

    d_output is dL/d(output) shaped like unroll's output; d_h_n and d_c_n are dL/d(final states)
    (None: the loss does not read them). Returns dL/dx, dL/dh0, dL/dc0, the weight gradients per
    [layer][direction], and traces[layer][direction][t] with each step's gradient trace.
    """
    x = as_f64(x)
    fwd = unroll(stack, x, h0, c0, batch_first=batch_first, traces=True)
    if batch_first:
        x = np.moveaxis(x, -2, 0)
    batch = x.shape[1:-1]
    L, D, H, P = stack.num_layers, stack.num_directions, stack.hidden_size, stack.output_size
    h0 = np.zeros((L * D, *batch, P)) if h0 is None else as_f64(h0)
    if stack.kind == "lstm":
        c0 = np.zeros((L * D, *batch, H)) if c0 is None else as_f64(c0)
    out_shape = fwd.output.shape
    d_out = _grad_arg(d_output, out_shape, "d_output")
    if batch_first:
        d_out = np.moveaxis(d_out, -2, 0)
    d_h_n = _grad_arg(d_h_n, h0.shape, "d_h_n")
    d_c_n = _grad_arg(d_c_n, c0.shape, "d_c_n") if c0 is not None else None

    inputs = _layer_inputs(stack, fwd, x)
    dh0, dc0 = np.zeros_like(h0), (np.zeros_like(c0) if c0 is not None else None)
    params: list[list[ParamGrads]] = [[] for _ in range(L)]
    traces: list[list[list]] = [[] for _ in range(L)]
    for layer in range(L - 1, -1, -1):
        d_in = np.zeros_like(inputs[layer])
        for direction in range(D):
            row = layer * D + direction
            state = (h0[row], c0[row] if c0 is not None else None)
            d_state = (d_h_n[row], d_c_n[row] if d_c_n is not None else None)
            d_out_dir = d_out[..., direction * P : (direction + 1) * P]
            acc, steps, (dh0[row], dc_first) = _through_time(
                stack, fwd, (layer, direction), inputs[layer], state, d_out_dir, d_state, d_in
            )
            if dc0 is not None:
                dc0[row] = dc_first
            params[layer].append(acc)
            traces[layer].append(steps)
        d_out = d_in  # the gradient reaching the layer below through its output
    dx = np.moveaxis(d_out, 0, -2) if batch_first else d_out
    return SequenceGrads(dx=dx, dh0=dh0, dc0=dc0, params=params, traces=traces, output=fwd.output)


def _layer_inputs(stack: Stack, fwd, x: Array) -> list[Array]:
    """Every layer's input, rebuilt from the forward traces (h passed on = projected h)."""
    inputs = [x]
    for layer in range(stack.num_layers - 1):
        outs = [
            np.stack([_passed_on(stack, layer, d, tr) for tr in fwd.traces[layer][d]])
            for d in range(stack.num_directions)
        ]
        inputs.append(np.concatenate(outs, axis=-1))
    return inputs


def _through_time(stack: Stack, fwd, where, layer_in, state, d_out, d_state, d_in):
    """One layer and direction walked back from its last step: its weight gradients, the
    steps' gradient traces and dL/d(initial state); dL/d(its input) is added into d_in."""
    layer, direction = where
    h0, c0 = state
    dh_carry, dc_carry = d_state
    p = stack.layers[layer][direction]
    W_hr = stack.projections[layer][direction] if stack.projections is not None else None
    acc = _zeros_grads(p, W_hr)
    T = len(layer_in)
    steps: list = [None] * T
    fwd_times = list(range(T)) if direction == 0 else list(range(T - 1, -1, -1))
    for k in range(T - 1, -1, -1):
        t = fwd_times[k]
        tr = fwd.traces[layer][direction][t]
        if k == 0:
            h_prev, c_prev = h0, c0
        else:
            prev = fwd.traces[layer][direction][fwd_times[k - 1]]
            h_prev = _passed_on(stack, layer, direction, prev)
            c_prev = prev.c if c0 is not None else None
        dh = d_out[t] + dh_carry  # dL/dh passed on: from above and from the next step
        if W_hr is not None:
            acc.dW_hr += _outer(dh, tr.h)
            dh = dh @ W_hr
        g = _cell_backward(stack, p, tr, layer_in[t], h_prev, c_prev, dh, dc_carry)
        acc += g.params
        d_in[t] += g.dx
        dh_carry = g.dh_prev
        dc_carry = g.dc_prev if isinstance(g, LSTMGrads) else None
        steps[t] = g
    return acc, steps, (dh_carry, dc_carry)


def _passed_on(stack: Stack, layer: int, direction: int, tr) -> Array:
    """The h a step passes on (to the next step and the layer above): projected if LSTM proj."""
    if stack.projections is None:
        return tr.h
    return tr.h @ stack.projections[layer][direction].T


def _cell_backward(stack: Stack, p, tr, x, h_prev, c_prev, dh, dc_next):
    if stack.kind == "rnn":
        return rnn_cell_backward(tr, x, h_prev, p, dh, nonlinearity=stack.nonlinearity)
    if stack.kind == "gru":
        return gru_cell_backward(tr, x, h_prev, p, dh, stack.layout, stack.reset_after)
    return lstm_cell_backward(tr, x, h_prev, c_prev, p, dh, dc_next, stack.layout)
