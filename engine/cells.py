"""RNN, LSTM and GRU cells from scratch in numpy float64, with every intermediate value traced.

Weights follow torch's convention: W_ih is (G*H, I), W_hh is (G*H, H), b_ih and b_hh are (G*H,),
with the G gate blocks stacked in the order a layout names (see engine.layouts). x is (..., I), so
any leading batch dimensions work. The code reads like the equations:

    LSTM  i = σ(z_i)  f = σ(z_f)  g = tanh(z_g)  o = σ(z_o)  c = f*c_prev + i*g  h = o*tanh(c)
    GRU   r = σ(z_r)  z = σ(z_z)  n = tanh(z_n)  h = (1 - z)*n + z*h_prev
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from engine.layouts import gru_layout, lstm_layout
from engine.vocabulary import GATE_COUNT

Array = np.ndarray


def sigmoid(x: Array) -> Array:
    """The logistic function, stable for large |x|."""
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh(x: Array) -> Array:
    return np.tanh(np.asarray(x, dtype=np.float64))


def relu(x: Array) -> Array:
    return np.maximum(np.asarray(x, dtype=np.float64), 0.0)


def as_f64(a) -> Array:
    """Everything here computes in float64, whatever it is given."""
    return np.asarray(a, dtype=np.float64)


# --- parameters ---------------------------------------------------------------------------


@dataclass
class CellParams:
    """One cell's weights in torch's convention; b_hh may be zeros (seed 000 has one bias)."""

    W_ih: Array  # (G*H, I)
    W_hh: Array  # (G*H, H)
    b_ih: Array  # (G*H,)
    b_hh: Array  # (G*H,)

    gates = 0  # G: 1 (RNN), 4 (LSTM), 3 (GRU); 0 means "any"

    def __post_init__(self) -> None:
        self.W_ih, self.W_hh = as_f64(self.W_ih), as_f64(self.W_hh)
        self.b_ih = as_f64(self.b_ih).reshape(-1)
        self.b_hh = as_f64(self.b_hh).reshape(-1)
        name = type(self).__name__
        if self.W_ih.ndim != 2 or self.W_hh.ndim != 2:
            raise ValueError(
                f"{name}: W_ih and W_hh must be 2-D (G*H, I) and (G*H, H), "
                f"got shapes {self.W_ih.shape} and {self.W_hh.shape}"
            )
        rows = self.W_ih.shape[0]
        sizes = (self.W_hh.shape[0], self.b_ih.size, self.b_hh.size)
        if sizes != (rows, rows, rows):
            raise ValueError(
                f"{name}: W_ih has {rows} rows, so W_hh needs {rows} rows and b_ih, b_hh "
                f"{rows} numbers each; got {sizes[0]}, {sizes[1]}, {sizes[2]}"
            )
        if self.gates and rows % self.gates:
            raise ValueError(
                f"{name}: {rows} rows do not split into {self.gates} gate blocks of H rows"
            )

    @property
    def hidden_size(self) -> int:
        return self.W_hh.shape[1]

    @property
    def input_size(self) -> int:
        return self.W_ih.shape[1]

    @classmethod
    def from_concat(cls, W: Array, B: Array, input_size: int):
        """Seed 000's form: z = concat(x, h) @ W + B, W being (I+H, G*H)."""
        W = as_f64(W)
        B = as_f64(B).reshape(-1)
        if W.ndim != 2 or not 0 < input_size < W.shape[0]:
            raise ValueError(
                f"W must be (input_size + H, G*H) with input_size = {input_size}, got {W.shape}"
            )
        H = W.shape[0] - input_size
        if cls.gates and W.shape[1] != cls.gates * H:
            raise ValueError(
                f"W is {W.shape}: input_size {input_size} leaves H = {H} rows for h, "
                f"so W needs {cls.gates} * {H} = {cls.gates * H} columns"
            )
        return cls(W[:input_size].T, W[input_size:].T, B, np.zeros_like(B))

    def to_concat(self) -> tuple[Array, Array]:
        """(W, B) in seed 000's form; the two biases fold into one."""
        return np.concatenate([self.W_ih.T, self.W_hh.T], axis=0), self.b_ih + self.b_hh


class RNNParams(CellParams):
    """Simple RNN weights (one block)."""

    gates = 1


class LSTMParams(CellParams):
    """LSTM weights (four blocks, in the layout's order)."""

    gates = 4


class GRUParams(CellParams):
    """GRU weights (three blocks, in the layout's order)."""

    gates = 3


PARAMS = {"rnn": RNNParams, "lstm": LSTMParams, "gru": GRUParams}  # the weights of each kind


# --- traces -------------------------------------------------------------------------------


class _Trace:
    def as_dict(self) -> dict[str, Array]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class RNNTrace(_Trace):
    z: Array  # pre-activation W_ih x + b_ih + W_hh h_prev + b_hh
    h: Array


@dataclass
class LSTMTrace(_Trace):
    z: Array  # all pre-activations, blocks in the layout's order
    z_i: Array
    z_f: Array
    z_g: Array
    z_o: Array
    i: Array  # input gate
    f: Array  # forget gate
    g: Array  # candidate (c-hat)
    o: Array  # output gate
    c: Array
    h: Array

    @property
    def c_hat(self) -> Array:
        return self.g

    def as_dict(self) -> dict[str, Array]:
        return {**super().as_dict(), "c_hat": self.g}


@dataclass
class GRUTrace(_Trace):
    z_r: Array
    z_z: Array
    z_n: Array  # candidate pre-activation, with the reset gate already applied
    r: Array  # reset gate
    z: Array  # update gate
    n: Array  # candidate
    h: Array


# --- cells --------------------------------------------------------------------------------


def _check(x: Array, h_prev: Array, p: CellParams, c_prev: Array | None = None) -> None:
    """Clear errors for mismatched sizes (numpy's own would name no variable)."""
    if x.shape[-1:] != (p.input_size,):
        raise ValueError(f"x has shape {x.shape}; its last axis must be input_size {p.input_size}")
    if h_prev.shape[-1:] != (p.hidden_size,):
        raise ValueError(
            f"h_prev has shape {h_prev.shape}; its last axis must be hidden size {p.hidden_size}"
        )
    if c_prev is not None and c_prev.shape[-1:] != (p.W_hh.shape[0] // 4,):
        raise ValueError(
            f"c_prev has shape {c_prev.shape}; its last axis must be {p.W_hh.shape[0] // 4}"
        )


def gate_blocks(a: Array, layout: Sequence[str], axis: int = -1) -> dict[str, Array]:
    """The gate blocks of stacked weights or biases, by gate name, split along `axis`."""
    return dict(zip(layout, np.split(a, len(layout), axis=axis), strict=True))


def join_blocks(blocks: dict[str, Array], layout: Sequence[str]) -> Array:
    """The inverse of gate_blocks along the last axis: the blocks stacked in `layout` order."""
    return np.concatenate([blocks[g] for g in layout], axis=-1)


def rnn_cell(x: Array, h_prev: Array, p: CellParams, nonlinearity: str = "tanh") -> RNNTrace:
    """h = act(W_ih x + b_ih + W_hh h_prev + b_hh)."""
    act = {"tanh": tanh, "relu": relu}.get(nonlinearity)
    if act is None:
        raise ValueError(f"nonlinearity must be tanh or relu, not {nonlinearity!r}")
    x, h_prev = as_f64(x), as_f64(h_prev)
    _check(x, h_prev, p)
    z = x @ p.W_ih.T + p.b_ih + h_prev @ p.W_hh.T + p.b_hh
    return RNNTrace(z=z, h=act(z))


def lstm_cell(
    x: Array,
    h_prev: Array,
    c_prev: Array,
    p: CellParams,
    layout: str | Sequence[str] = "pytorch",
) -> LSTMTrace:
    """One LSTM step; gates are read from z in the layout's block order."""
    x, h_prev, c_prev = as_f64(x), as_f64(h_prev), as_f64(c_prev)
    _check(x, h_prev, p, c_prev)
    z = x @ p.W_ih.T + p.b_ih + h_prev @ p.W_hh.T + p.b_hh  # (..., 4H), blocks in layout order
    zb = gate_blocks(z, lstm_layout(layout))
    z_i, z_f, z_g, z_o = zb["i"], zb["f"], zb["g"], zb["o"]
    i = sigmoid(z_i)
    f = sigmoid(z_f)
    g = tanh(z_g)
    o = sigmoid(z_o)
    c = f * c_prev + i * g
    h = o * tanh(c)
    return LSTMTrace(z=z, z_i=z_i, z_f=z_f, z_g=z_g, z_o=z_o, i=i, f=f, g=g, o=o, c=c, h=h)


def gru_cell(
    x: Array,
    h_prev: Array,
    p: CellParams,
    layout: str | Sequence[str] = "pytorch",
    reset_after: bool = True,
) -> GRUTrace:
    """One GRU step.

    reset_after=True is PyTorch's form (r scales W_hn h + b_hn); False is Cho et al.'s classic
    form (Keras reset_after=False), where r scales h before the matmul.
    """
    order = gru_layout(layout)
    x, h_prev = as_f64(x), as_f64(h_prev)
    _check(x, h_prev, p)
    W_i, W_h = gate_blocks(p.W_ih.T, order), gate_blocks(p.W_hh.T, order)
    b_i, b_h = gate_blocks(p.b_ih, order), gate_blocks(p.b_hh, order)
    z_r = x @ W_i["r"] + b_i["r"] + h_prev @ W_h["r"] + b_h["r"]
    z_z = x @ W_i["z"] + b_i["z"] + h_prev @ W_h["z"] + b_h["z"]
    r = sigmoid(z_r)
    z = sigmoid(z_z)
    if reset_after:
        z_n = x @ W_i["n"] + b_i["n"] + r * (h_prev @ W_h["n"] + b_h["n"])
    else:
        z_n = x @ W_i["n"] + b_i["n"] + (r * h_prev) @ W_h["n"] + b_h["n"]
    n = tanh(z_n)
    h = (1.0 - z) * n + z * h_prev
    return GRUTrace(z_r=z_r, z_z=z_z, z_n=z_n, r=r, z=z, n=n, h=h)


def param_count(
    kind: str,
    input_size: int,
    hidden_size: int,
    num_layers: int = 1,
    bidirectional: bool = False,
    bias: bool = True,
) -> int:
    """Weights and biases of a stacked (bi)directional cell, counted as torch counts them."""
    G, H, D = GATE_COUNT[kind], hidden_size, 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        I = input_size if layer == 0 else D * H
        per_direction = G * H * (I + H) + (2 * G * H if bias else 0)
        total += D * per_direction
    return total
