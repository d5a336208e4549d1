"""Unrolled RNN, LSTM and GRU sequences over the from-scratch cells of engine.cells.

A stack is `layers[layer][direction]` of cell parameters (one direction, or two for a
bidirectional stack). Like torch, layer k > 0 reads concat(forward h_t, backward h_t) of layer
k - 1, and the backward direction walks the sequence from its end. Inputs are time-major
`(T, ..., I)` (any leading batch dimensions after T), or batch-major with `batch_first=True`.

    result = unroll(stack, x, h0=None, c0=None, traces=True)
    result.output           # (T, ..., D*H_out): every step's top-layer h, directions concatenated
    result.h_n, result.c_n  # (L*D, ..., H_out) and (L*D, ..., H), rows ordered layer-major as torch
    result.traces[layer][direction][t]   # the cell trace of that step (t in sequence order)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from engine.cells import CellParams, gru_cell, lstm_cell, rnn_cell
from engine.layouts import gru_layout, lstm_layout
from engine.suggest import choice_problem
from engine.vocabulary import GATE_COUNT, MODEL_KINDS

Array = np.ndarray


@dataclass
class Stack:
    """A (multi-layer, maybe bidirectional) recurrent network's weights, cell by cell.

    layers[layer][direction] holds CellParams with blocks in `layout` order (ignored for rnn).
    projections, LSTM only, mirrors torch's proj_size: projections[layer][direction] is W_hr
    (P, H) and the hidden state passed on is h = W_hr (o * tanh(c)).
    """

    kind: str
    layers: list[list[CellParams]]
    nonlinearity: str = "tanh"  # rnn only: tanh or relu
    layout: str | Sequence[str] = "pytorch"
    reset_after: bool = True  # gru only: False is Cho et al.'s classic form
    projections: list[list[Array]] | None = None

    def __post_init__(self) -> None:
        bad_kind = choice_problem("kind", self.kind, MODEL_KINDS)
        if bad_kind:
            raise ValueError(bad_kind)
        if not self.layers or not all(self.layers):
            raise ValueError("a stack needs at least one layer with at least one direction")
        directions = {len(layer) for layer in self.layers}
        if directions not in ({1}, {2}):
            raise ValueError(
                f"every layer must have 1 or 2 directions (the same for all), got {directions}"
            )
        if self.kind == "lstm":
            self.layout = lstm_layout(self.layout)
        elif self.kind == "gru":
            self.layout = gru_layout(self.layout)
        if self.projections is not None:
            if self.kind != "lstm":
                raise ValueError("projections (proj_size) exist only for LSTM stacks")
            self.projections = [[np.asarray(w, np.float64) for w in ws] for ws in self.projections]

    @property
    def num_layers(self) -> int:
        return len(self.layers)

    @property
    def num_directions(self) -> int:
        return len(self.layers[0])

    @property
    def bidirectional(self) -> bool:
        return self.num_directions == 2

    @property
    def hidden_size(self) -> int:
        """H: the size of the cell state (and of h when there is no projection)."""
        return self.layers[0][0].W_hh.shape[0] // GATE_COUNT[self.kind]

    @property
    def output_size(self) -> int:
        """H_out: the size of h passed on (the projection's size when there is one)."""
        return self.layers[0][0].W_hh.shape[1]

    @property
    def input_size(self) -> int:
        return self.layers[0][0].W_ih.shape[1]


@dataclass
class SequenceResult:
    output: Array  # (T, ..., D*H_out), or (..., T, D*H_out) when batch_first
    h_n: Array  # (L*D, ..., H_out)
    c_n: Array | None  # (L*D, ..., H) for LSTM, else None
    traces: list[list[list]] | None = field(default=None, repr=False)  # [layer][direction][t]


def cell_step(stack: Stack, p: CellParams, x: Array, h: Array, c: Array | None):
    """One cell step of the stack's kind: (trace, new h passed on, new c).

    Public so that the lesson runtime reruns single steps with altered inputs (diagnosis)
    through the same dispatch the sequence uses.
    """
    if stack.kind == "rnn":
        tr = rnn_cell(x, h, p, nonlinearity=stack.nonlinearity)
        return tr, tr.h, None
    if stack.kind == "gru":
        tr = gru_cell(x, h, p, layout=stack.layout, reset_after=stack.reset_after)
        return tr, tr.h, None
    tr = lstm_cell(x, h, c, p, layout=stack.layout)
    return tr, tr.h, tr.c


def unroll(
    stack: Stack,
    x: Array,
    h0: Array | None = None,
    c0: Array | None = None,
    *,
    batch_first: bool = False,
    traces: bool = False,
) -> SequenceResult:
    """Run the stack over a whole sequence.

    h0 is (L*D, ..., H_out) and c0 (L*D, ..., H); None means zeros.
    """
    x = _time_major(stack, x, batch_first)
    batch = x.shape[1:-1]
    L, D, H, P = stack.num_layers, stack.num_directions, stack.hidden_size, stack.output_size
    h0 = _initial(h0, (L * D, *batch, P), "h0")
    c0 = _initial(c0, (L * D, *batch, H), "c0") if stack.kind == "lstm" else None
    if stack.kind != "lstm" and c0 is not None:
        raise ValueError("c0 is only meaningful for an LSTM")

    h_n, c_n = np.empty_like(h0), (np.empty_like(c0) if c0 is not None else None)
    all_traces: list[list[list]] | None = [] if traces else None
    layer_input = x
    for layer, cells in enumerate(stack.layers):
        outputs, layer_traces = [], []
        for direction, p in enumerate(cells):
            row = layer * D + direction
            state = (h0[row], c0[row] if c0 is not None else None)
            out, steps, (h_n[row], c) = _one_direction(
                stack, (layer, direction), p, layer_input, state
            )
            if c_n is not None:
                c_n[row] = c
            outputs.append(out)
            layer_traces.append(steps)
        layer_input = np.concatenate(outputs, axis=-1) if D == 2 else outputs[0]
        if all_traces is not None:
            all_traces.append(layer_traces)
    output = np.moveaxis(layer_input, 0, -2) if batch_first else layer_input
    return SequenceResult(output=output, h_n=h_n, c_n=c_n, traces=all_traces)


def _time_major(stack: Stack, x: Array, batch_first: bool) -> Array:
    """x as float64 (T, ..., I), checked against the stack."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim < 2:
        raise ValueError(f"x must be (T, ..., I) with at least 2 dimensions, got shape {x.shape}")
    if batch_first:
        if x.ndim < 3:
            raise ValueError(f"batch_first needs x shaped (N, T, I), got shape {x.shape}")
        x = np.moveaxis(x, -2, 0)
    if x.shape[0] < 1:
        raise ValueError("the sequence is empty (T = 0); give at least one time step")
    if x.shape[-1] != stack.input_size:
        raise ValueError(
            f"x has {x.shape[-1]} features per step but the stack expects {stack.input_size}"
        )
    return x


def _one_direction(stack: Stack, where, p: CellParams, layer_input: Array, state):
    """One layer's cells run over the sequence in one direction (backward from t = T-1):
    the outputs (T, ..., P), each step's trace, and the final (h, c)."""
    layer, direction = where
    h, c = state
    T = layer_input.shape[0]
    out = np.empty((T, *layer_input.shape[1:-1], stack.output_size))
    steps: list = [None] * T
    for t in range(T) if direction == 0 else range(T - 1, -1, -1):
        tr, h, c = cell_step(stack, p, layer_input[t], h, c)
        if stack.projections is not None:
            h = h @ stack.projections[layer][direction].T
        out[t] = h
        steps[t] = tr
    return out, steps, (h, c)


def _initial(state: Array | None, shape: tuple[int, ...], name: str) -> Array:
    if state is None:
        return np.zeros(shape)
    state = np.asarray(state, dtype=np.float64)
    if state.shape != shape:
        raise ValueError(
            f"{name} must be shaped {shape} (num_layers*num_directions, batch..., size), "
            f"got {state.shape}"
        )
    return state
