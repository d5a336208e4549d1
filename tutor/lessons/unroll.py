"""Unroll a lesson's `model:` with engine.cells and name every intermediate value.

The names (seed 000's: `f0` from x0, `h1` the state after x0, `y` the readout) are
tutor.lessons.quantities'; the backward pass behind the gradient names is
tutor.lessons.gradients'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine import cells, layouts
from engine.cells import sigmoid
from engine.sequence import Stack, cell_step
from engine.sequence import unroll as engine_unroll
from engine.vocabulary import GATE_COUNT
from tutor.lessons.gradients import backprop, gradient_quantity
from tutor.lessons.quantities import (
    READOUT,
    STATE_QUANTITIES,
    STEP_QUANTITIES,
    QuantityError,
    is_gradient,
)
from tutor.lessons.schema import Model
from tutor.lessons.suggest import did_you_mean


@dataclass
class CellRun:
    """The declared cell, its parameters, and every trace of the unrolled sequence."""

    model: Model
    params: Any
    layout: Any
    xs: list[np.ndarray]
    h: list[np.ndarray] = field(default_factory=list)
    c: list[np.ndarray] = field(default_factory=list)
    traces: list[Any] = field(default_factory=list)
    readout_weight: np.ndarray | None = None
    readout_bias: np.ndarray | None = None
    loss_target: np.ndarray | None = None
    bias_shape: tuple[int, ...] = ()  # the given bias's shape (dB comes back shaped like it)
    _gradients: Any = field(default=None, repr=False)
    stack: Any = field(default=None, repr=False)  # the engine's one-layer Stack of this cell

    @property
    def gradients(self) -> Any:
        """The backward pass from the model's loss (tutor.lessons.gradients), computed once."""
        if self._gradients is None:
            try:
                self._gradients = backprop(self)
            except QuantityError:
                raise
            except ValueError as exc:  # e.g. a target shaped unlike the output, y outside [0, 1]
                raise QuantityError(f"loss: {exc}", ("loss",)) from None
        return self._gradients

    def step(self, x: np.ndarray, h: np.ndarray, c: np.ndarray | None, params: Any = None) -> Any:
        """One cell step with these inputs (diagnosis reruns steps with altered inputs), through
        the engine's own step dispatch."""
        p = self.params if params is None else params
        return cell_step(self.stack, p, x, h, c if self.model.cell == "lstm" else None)[0]

    def readout(self, h: np.ndarray, activation: str | None = None) -> np.ndarray:
        if self.readout_weight is None or self.model.readout is None:
            raise QuantityError("quantity y needs a `readout:` in the model block")
        y = h @ self.readout_weight
        if self.readout_bias is not None:
            y = y + self.readout_bias
        return activate(activation or self.model.readout.activation, y)

    def quantity(self, name: str, index: int | None) -> np.ndarray:
        kind = self.model.cell
        steps = len(self.traces)
        if is_gradient(name, kind):
            return gradient_quantity(self, self.gradients, name, index)
        if name == READOUT:
            return self.readout(self.h[steps if index is None else _in_range(index, steps, name)])
        if name in STATE_QUANTITIES[kind]:
            states = self.h if name == "h" else self.c
            return states[_in_range(index, steps, name)]
        if name in STEP_QUANTITIES[kind]:
            trace = self.traces[_in_range(index, steps - 1, name)]
            return np.asarray(getattr(trace, "g" if name == "c_hat" else name), dtype=np.float64)
        raise QuantityError(f'unknown quantity "{name}"')


def activate(name: str, value: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        return sigmoid(value)
    if name == "tanh":
        return np.tanh(value)
    return value


def _in_range(index: int | None, last: int, name: str) -> int:
    if index is None or not 0 <= index <= last:
        raise QuantityError(f'"{name}" exists for time steps 0..{last}, not {index}')
    return index


def unroll(model: Model, givens: dict[str, np.ndarray]) -> CellRun:
    """Run the declared cell over its inputs; raise QuantityError/ValueError with the reason."""

    def given(name: str, *where: str | int) -> np.ndarray:
        if name not in givens:
            raise QuantityError(f'"{name}" is not a given{did_you_mean(name, givens)}', where)
        return givens[name]

    layout = _layout(model)
    params = _params(model, given, GATE_COUNT[model.cell])
    H = model.hidden_size
    xs = [given(n, "inputs", k) for k, n in enumerate(model.inputs)]
    for name, x in zip(model.inputs, xs, strict=True):
        if x.shape[-1:] != (model.input_size,):
            raise QuantityError(
                f'input "{name}" has shape {x.shape}; its last axis must be '
                f"input_size = {model.input_size}",
                ("inputs",),
            )
    batch = xs[0].shape[:-1]
    init = model.initial_state
    h0 = given(init.h, "initial_state", "h") if init.h else np.zeros((*batch, H))
    c0 = given(init.c, "initial_state", "c") if init.c else np.zeros((*batch, H))
    run = CellRun(model=model, params=params, layout=layout, xs=xs, h=[h0], c=[c0])
    run.stack = _stack(model, params, layout)
    if model.readout is not None:
        out = model.readout
        run.readout_weight = given(out.weight, "readout", "weight")
        run.readout_bias = given(out.bias, "readout", "bias") if out.bias else None
    if model.weights.B is not None:
        run.bias_shape = given(model.weights.B, "weights", "B").shape
    if model.loss is not None:
        run.loss_target = given(model.loss.target, "loss", "target")
    _unroll_with_engine(run, h0, c0)
    return run


def _stack(model: Model, params: Any, layout: Any) -> Any:
    return Stack(
        model.cell,
        [[params]],
        nonlinearity=model.nonlinearity,
        layout=layout if model.cell != "rnn" else "pytorch",
        reset_after=model.gru_form == "pytorch",
    )


def _unroll_with_engine(run: CellRun, h0: np.ndarray, c0: np.ndarray) -> None:
    """engine.sequence.unroll over the inputs, its traces named the seed-000 way."""
    try:
        xs = np.stack(run.xs)  # (T, batch..., I)
        batch, H = xs.shape[1:-1], run.model.hidden_size
        h_init = np.broadcast_to(h0, (*batch, H))[None]  # (layers*directions = 1, batch..., H)
        c_init = np.broadcast_to(c0, (*batch, H))[None] if run.model.cell == "lstm" else None
    except ValueError:
        shapes = ", ".join(str(x.shape) for x in run.xs)
        raise QuantityError(
            f"the inputs (shapes {shapes}) and the initial state (shape {h0.shape}) do not "
            "line up: give every input the same shape and the state one row per input row",
            ("initial_state",),
        ) from None
    result = engine_unroll(run.stack, xs, h_init, c_init, traces=True)
    for trace in result.traces[0][0]:
        run.traces.append(trace)
        run.h.append(np.asarray(trace.h, dtype=np.float64))
        # only an LSTM's trace has a cell state: the others carry the last one along unchanged
        run.c.append(np.asarray(getattr(trace, "c", run.c[-1]), dtype=np.float64))


def _layout(model: Model) -> Any:
    spec = model.layout if isinstance(model.layout, str) else tuple(model.layout)
    try:
        if model.cell == "lstm":
            return layouts.lstm_layout(spec)
        if model.cell == "gru":
            return layouts.gru_layout(spec)
    except (ValueError, KeyError) as exc:
        known = layouts.LSTM_LAYOUTS if model.cell == "lstm" else layouts.GRU_LAYOUTS
        hint = did_you_mean(spec, known) if isinstance(spec, str) else ""
        raise QuantityError(f"layout {spec!r}: {exc}{hint}", ("layout",)) from None
    return ()  # a simple RNN has a single block and no gates


def _params(model: Model, given: Any, gates: int) -> Any:
    I, H = model.input_size, model.hidden_size
    w = model.weights
    if w.W is not None:
        W, B = given(w.W, "weights", "W"), given(w.B, "weights", "B")
        _expect_shape(w.W, W, (I + H, gates * H), "W")
        if B.size != gates * H:
            raise QuantityError(
                f'"{w.B}" has {B.size} numbers; it needs gates*hidden = {gates * H}',
                ("weights", "B"),
            )
        return cells.PARAMS[model.cell].from_concat(W, B, I)  # the engine splits seed 000's form
    else:
        W_ih, W_hh = given(w.W_ih, "weights", "W_ih"), given(w.W_hh, "weights", "W_hh")
        _expect_shape(w.W_ih, W_ih, (gates * H, I), "W_ih")
        _expect_shape(w.W_hh, W_hh, (gates * H, H), "W_hh")
        b_ih = _bias(given, w.b_ih, "b_ih", gates * H)
        b_hh = _bias(given, w.b_hh, "b_hh", gates * H)
    return cells.PARAMS[model.cell](W_ih, W_hh, b_ih, b_hh)


def _bias(given: Any, name: str | None, key: str, size: int) -> np.ndarray:
    if name is None:
        return np.zeros(size)
    value = given(name, "weights", key).reshape(-1)
    if value.size != size:
        raise QuantityError(f'"{name}" has {value.size} numbers; it needs {size}', ("weights", key))
    return value


def _expect_shape(name: str, value: np.ndarray, shape: tuple[int, ...], key: str) -> None:
    if value.shape != shape:
        raise QuantityError(
            f'"{name}" has shape {value.shape}; this model needs {shape}', ("weights", key)
        )
