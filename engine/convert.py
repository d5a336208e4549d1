"""Converters between from-scratch weights (any gate layout) and torch modules.

torch stacks LSTM gates as (i, f, g, o) and GRU gates as (r, z, n); from-scratch weights may use
any layout (engine.layouts), so every conversion is a reorder of row blocks plus a copy. Weights
always leave torch as float64 numpy arrays; modules are built in float64 unless told otherwise.

    stack_from_torch(module, layout="pytorch") -> Stack        # nn.RNN / nn.LSTM / nn.GRU
    stack_to_torch(stack, batch_first=False) -> nn.RNN | nn.LSTM | nn.GRU
    cell_from_torch(cell, layout="pytorch") -> CellParams      # nn.RNNCell / LSTMCell / GRUCell
    cell_to_torch(kind, params, layout="pytorch", nonlinearity="tanh") -> nn.RNNCellBase
    relayout(params, kind, source, target) -> CellParams       # same weights, other block order
    from_concat(W, B, input_size, layout="seed000", target="pytorch", forget_bias=0.0)
    to_concat(params, source="pytorch", layout="seed000") -> (W, B)
    from_keras(kind, kernel, recurrent_kernel, bias) -> CellParams (pytorch layout)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from engine.cells import PARAMS, CellParams
from engine.layouts import GRU_GATES, LSTM_GATES, gru_layout, lstm_layout, reorder_blocks
from engine.sequence import Stack
from engine.vocabulary import GATE_COUNT

Array = np.ndarray
_TORCH_LAYOUT = {"rnn": ("h",), "lstm": LSTM_GATES, "gru": GRU_GATES}
TORCH_MODULES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}  # engine.models builds these
_CELLS = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}


def _layout(kind: str, spec: str | Sequence[str]) -> tuple[str, ...]:
    if kind == "lstm":
        return lstm_layout(spec)
    if kind == "gru":
        return gru_layout(spec)
    if kind == "rnn":
        return ("h",)
    raise ValueError(f"kind must be rnn, lstm or gru, not {kind!r}")


def _np(t) -> Array:
    return t.detach().to(torch.float64).cpu().numpy().copy()


def relayout(
    params: CellParams, kind: str, source: str | Sequence[str], target: str | Sequence[str]
) -> CellParams:
    """The same cell with its gate blocks restacked from `source` to `target` order."""
    src, dst = _layout(kind, source), _layout(kind, target)
    cls = PARAMS[kind]
    return cls(*(reorder_blocks(a, src, dst) for a in _arrays(params)))


def _arrays(p: CellParams) -> tuple[Array, Array, Array, Array]:
    return p.W_ih, p.W_hh, p.b_ih, p.b_hh


def kind_of(module: nn.Module) -> tuple[str, str]:
    """(kind, nonlinearity) of a torch recurrent module or cell."""
    if isinstance(module, nn.LSTM | nn.LSTMCell):
        return "lstm", "tanh"
    if isinstance(module, nn.GRU | nn.GRUCell):
        return "gru", "tanh"
    if isinstance(module, nn.RNN | nn.RNNCell):
        return "rnn", module.nonlinearity
    raise TypeError(
        f"expected torch.nn.RNN, LSTM or GRU (or their Cell versions), got {type(module).__name__}"
    )


# --- whole modules ------------------------------------------------------------------------


def stack_from_torch(module: nn.RNNBase, layout: str | Sequence[str] = "pytorch") -> Stack:
    """The module's weights as a from-scratch Stack (float64), gate blocks in `layout` order."""
    kind, nonlinearity = kind_of(module)
    if not isinstance(module, nn.RNNBase):
        raise TypeError(f"{type(module).__name__} is a cell; use cell_from_torch for cells")
    proj = getattr(module, "proj_size", 0) or 0
    directions = ("", "_reverse") if module.bidirectional else ("",)
    layers, projections = [], []
    for k in range(module.num_layers):
        cells, projs = [], []
        for suffix in directions:
            W_ih = _np(getattr(module, f"weight_ih_l{k}{suffix}"))
            W_hh = _np(getattr(module, f"weight_hh_l{k}{suffix}"))
            if module.bias:
                b_ih = _np(getattr(module, f"bias_ih_l{k}{suffix}"))
                b_hh = _np(getattr(module, f"bias_hh_l{k}{suffix}"))
            else:
                b_ih = b_hh = np.zeros(W_ih.shape[0])
            p = PARAMS[kind](W_ih, W_hh, b_ih, b_hh)
            cells.append(relayout(p, kind, "pytorch", layout) if kind != "rnn" else p)
            if proj:
                projs.append(_np(getattr(module, f"weight_hr_l{k}{suffix}")))
        layers.append(cells)
        projections.append(projs)
    return Stack(
        kind=kind,
        layers=layers,
        nonlinearity=nonlinearity,
        layout=layout if kind != "rnn" else "pytorch",
        projections=projections if proj else None,
    )


def stack_to_torch(
    stack: Stack,
    batch_first: bool = False,
    bias: bool = True,
    dtype: torch.dtype = torch.float64,
) -> nn.RNNBase:
    """A torch nn.RNN / nn.LSTM / nn.GRU holding the stack's weights (in eval mode).

    bias=False builds a module without biases and refuses a stack whose biases are not zero.
    Only PyTorch's GRU form (reset_after=True) has a torch module.
    """
    if stack.kind == "gru" and not stack.reset_after:
        raise ValueError(
            "torch's nn.GRU computes the reset_after=True form only; a classic "
            "(reset_after=False) GRU has no torch equivalent"
        )
    kwargs = dict(
        input_size=stack.input_size,
        hidden_size=stack.hidden_size,
        num_layers=stack.num_layers,
        bias=bias,
        batch_first=batch_first,
        bidirectional=stack.bidirectional,
    )
    if stack.kind == "rnn":
        kwargs["nonlinearity"] = stack.nonlinearity
    if stack.projections is not None:
        kwargs["proj_size"] = stack.output_size
    module = TORCH_MODULES[stack.kind](**kwargs).to(dtype)
    layout = stack.layout if stack.kind != "rnn" else ("h",)
    directions = ("", "_reverse") if stack.bidirectional else ("",)
    with torch.no_grad():
        for k, cells in enumerate(stack.layers):
            for d, (suffix, p) in enumerate(zip(directions, cells, strict=True)):
                q = relayout(p, stack.kind, layout, "pytorch") if stack.kind != "rnn" else p
                _copy(module, f"weight_ih_l{k}{suffix}", q.W_ih)
                _copy(module, f"weight_hh_l{k}{suffix}", q.W_hh)
                _biases(module, f"l{k}{suffix}", q, bias)
                if stack.projections is not None:
                    _copy(module, f"weight_hr_l{k}{suffix}", stack.projections[k][d])
    return module.eval()


def _copy(module: nn.Module, name: str, value: Array) -> None:
    target = getattr(module, name)
    if tuple(target.shape) != value.shape:
        raise ValueError(f"{name}: torch expects shape {tuple(target.shape)}, got {value.shape}")
    target.copy_(torch.as_tensor(value, dtype=target.dtype))


def _biases(module: nn.Module, suffix: str, p: CellParams, bias: bool) -> None:
    if bias:
        _copy(module, f"bias_ih_{suffix}", p.b_ih)
        _copy(module, f"bias_hh_{suffix}", p.b_hh)
    elif np.any(p.b_ih) or np.any(p.b_hh):
        raise ValueError(f"bias=False but the weights of {suffix} have non-zero biases")


# --- single cells -------------------------------------------------------------------------


def cell_from_torch(cell: nn.RNNCellBase, layout: str | Sequence[str] = "pytorch") -> CellParams:
    """An nn.RNNCell / LSTMCell / GRUCell's weights (float64), gate blocks in `layout` order."""
    kind, _ = kind_of(cell)
    if not isinstance(cell, nn.RNNCellBase):
        raise TypeError(f"{type(cell).__name__} is a whole module; use stack_from_torch")
    W_ih, W_hh = _np(cell.weight_ih), _np(cell.weight_hh)
    if cell.bias:
        b_ih, b_hh = _np(cell.bias_ih), _np(cell.bias_hh)
    else:
        b_ih = b_hh = np.zeros(W_ih.shape[0])
    p = PARAMS[kind](W_ih, W_hh, b_ih, b_hh)
    return relayout(p, kind, "pytorch", layout) if kind != "rnn" else p


def cell_to_torch(
    kind: str,
    params: CellParams,
    layout: str | Sequence[str] = "pytorch",
    nonlinearity: str = "tanh",
    bias: bool = True,
    dtype: torch.dtype = torch.float64,
) -> nn.RNNCellBase:
    """A torch nn.RNNCell / LSTMCell / GRUCell holding `params` (blocks in `layout` order)."""
    _layout(kind, layout)  # validates kind and layout
    q = relayout(params, kind, layout, "pytorch") if kind != "rnn" else params
    G = GATE_COUNT[kind]
    kwargs = dict(input_size=q.W_ih.shape[1], hidden_size=q.W_hh.shape[0] // G, bias=bias)
    if kind == "rnn":
        kwargs["nonlinearity"] = nonlinearity
    cell = _CELLS[kind](**kwargs).to(dtype)
    with torch.no_grad():
        _copy(cell, "weight_ih", q.W_ih)
        _copy(cell, "weight_hh", q.W_hh)
        if bias:
            _copy(cell, "bias_ih", q.b_ih)
            _copy(cell, "bias_hh", q.b_hh)
        elif np.any(q.b_ih) or np.any(q.b_hh):
            raise ValueError("bias=False but the cell's weights have non-zero biases")
    return cell.eval()


# --- other published forms ----------------------------------------------------------------


def from_concat(
    W: Array,
    B: Array,
    input_size: int,
    kind: str = "lstm",
    layout: str | Sequence[str] = "seed000",
    target: str | Sequence[str] = "pytorch",
    forget_bias: float = 0.0,
) -> CellParams:
    """Seed 000's form z = concat(x, h) @ W + B (W is (I+H, G*H), blocks in `layout` order).

    forget_bias is a constant added to z_f inside sigmoid, as seed 004 (and TF's BasicLSTMCell)
    does with `sigmoid(forget_gate + 1.0)`; it folds into the forget block of the bias.
    """
    p = PARAMS[kind].from_concat(W, B, input_size)
    if forget_bias:
        if kind != "lstm":
            raise ValueError("forget_bias applies to LSTM weights only")
        order = _layout(kind, layout)
        blocks = np.split(p.b_ih.copy(), len(order))
        blocks[order.index("f")] += forget_bias
        p = PARAMS[kind](p.W_ih, p.W_hh, np.concatenate(blocks), p.b_hh)
    return relayout(p, kind, layout, target) if kind != "rnn" else p


def to_concat(
    params: CellParams,
    kind: str = "lstm",
    source: str | Sequence[str] = "pytorch",
    layout: str | Sequence[str] = "seed000",
) -> tuple[Array, Array]:
    """(W, B) in the concat form with blocks in `layout` order; the two biases fold into one.

    Exact only for cells where b_ih and b_hh add (not the GRU candidate of PyTorch's form).
    """
    q = relayout(params, kind, source, layout) if kind != "rnn" else params
    return q.to_concat()


def from_keras(
    kind: str, kernel: Array, recurrent_kernel: Array, bias: Array | None = None
) -> CellParams:
    """Keras weights (kernel (I, G*H), recurrent_kernel (H, G*H), bias) in PyTorch's layout.

    Keras stacks LSTM gates (i, f, c, o) and GRU gates (z, r, h); a reset_after GRU's bias is
    (2, 3H) (input bias, recurrent bias), a classic one's is (3H,).
    """
    kernel, recurrent_kernel = np.asarray(kernel, np.float64), np.asarray(recurrent_kernel)
    GH = kernel.shape[1]
    b = np.zeros((2, GH)) if bias is None else np.asarray(bias, np.float64).reshape(-1, GH)
    b_ih, b_hh = (b[0], b[1]) if b.shape[0] == 2 else (b[0], np.zeros(GH))
    p = PARAMS[kind](kernel.T, np.asarray(recurrent_kernel, np.float64).T, b_ih, b_hh)
    return relayout(p, kind, "keras", "pytorch") if kind != "rnn" else p
