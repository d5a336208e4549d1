"""Gradient quantities of a lesson's unrolled cell, and the classic backward mistakes.

A lesson whose `model:` declares a `loss:` (on the readout y, or on the last h without one) can
ask for dL/d(anything): `dh2`, `dc1`, `df1`, `dz_f0`, `dW`, `dW_f`... named like the forward
quantities with a `d` in front and the same time steps (seed 000's naming: `df1` is dL/df1, the
forget gate computed from x1; `dc1` is dL/dc1, the cell state after one step, through every path).

The backward pass runs on engine.backward's cell functions (numpy only). Mistakes are found the
way a learner makes them: the same backward pass with one line of the chain rule written wrong.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from engine import backward, losses
from engine.cells import join_blocks
from engine.layouts import lstm_layout
from tutor.lessons.quantities import (
    GATES,
    LOSS,
    OUTPUT_GRADIENTS,
    STATE_GRADIENTS,
    STEP_GRADIENTS,
    QuantityError,
    timeless,
)

# the classic mistakes: each rewrites one line of the chain rule (_lstm_slip, _lstm_local)
NO_TANH_PRIME = "tanh_prime_left_out"  # dc = dh * o + dc_next
NO_CELL_PATH = "cell_path_forgotten"  # dc = dh * o * (1 - tanh(c)**2), nothing from c_{t+1}
WRONG_FORGET = "forget_gate_wrong_step"  # dc_prev = dc * f of the step before
SIGMOID_PRIME = "sigmoid_prime_as_sigmoid"  # dz = d * s instead of d * s * (1 - s)
TANH_PRIME = "tanh_prime_as_tanh"  # dz_g = dg * g instead of dg * (1 - g**2)
ONE_STEP_ONLY = "weights_one_step_only"  # dW from the last step alone, not summed over time

LOSSES: dict[str, Callable] = {  # schema.Loss.kind -> (loss, dL/d(output))
    "binary_cross_entropy": losses.binary_cross_entropy,
    "squared_error": losses.squared_error,
}


@dataclass
class Gradients:
    """Every dL/d(...) of one backward pass, by the forward names."""

    loss: float
    dy: np.ndarray | None
    da: np.ndarray | None
    dh: list[np.ndarray]  # dh[k] = dL/dh_k, k = 0..T (h0 the initial state)
    dc: list[np.ndarray]  # dc[k] = dL/dc_k (LSTM)
    steps: list[Any]  # steps[t] = engine.backward's trace for the step reading x_t
    params: Any  # engine.backward.ParamGrads summed over time
    dWy: np.ndarray | None = None
    dBy: np.ndarray | None = None
    extra: dict[str, np.ndarray] = field(default_factory=dict)


def backprop(run: Any, mistake: str | None = None) -> Gradients:
    """BPTT over a lesson's CellRun from its declared loss (mistake ONE_STEP_ONLY: dW from the
    last step alone)."""
    model = run.model
    if model.loss is None:
        raise QuantityError("gradient quantities need a `loss:` in the model block")
    target = run.loss_target
    T = len(run.traces)
    h_T = run.h[T]
    if model.readout is not None:
        y = run.readout(h_T)
        loss, dy = LOSSES[model.loss.kind](y, target)
        act = model.readout.activation
        da = dy * {"sigmoid": y * (1 - y), "tanh": 1 - y**2}.get(act, np.ones_like(y))
        dh_T = da @ run.readout_weight.T
        dWy = h_T.reshape(-1, h_T.shape[-1]).T @ da.reshape(-1, da.shape[-1])
        dBy = None
        if run.readout_bias is not None:
            dBy = da.reshape(-1, da.shape[-1]).sum(axis=0).reshape(run.readout_bias.shape)
    else:
        loss, dh_T = LOSSES[model.loss.kind](h_T, target)
        dy = da = dWy = dBy = None

    kind, p, layout = model.cell, run.params, run.layout
    H = model.hidden_size
    dh: list[np.ndarray] = [np.zeros_like(h) for h in run.h]
    dc: list[np.ndarray] = [np.zeros_like(c) for c in run.c]
    dh[T] = dh_T
    steps: list[Any] = [None] * T
    total = None
    dh_next, dc_next = dh_T, np.zeros((*h_T.shape[:-1], H))
    for t in range(T - 1, -1, -1):
        x, h_prev, c_prev, tr = run.xs[t], run.h[t], run.c[t], run.traces[t]
        if kind == "lstm":
            g = backward.lstm_cell_backward(tr, x, h_prev, c_prev, p, dh_next, dc_next, layout)
            dc[t + 1] = g.dc
        elif kind == "gru":
            g = backward.gru_cell_backward(
                tr, x, h_prev, p, dh_next, layout, model.gru_form == "pytorch"
            )
        else:
            g = backward.rnn_cell_backward(tr, x, h_prev, p, dh_next, model.nonlinearity)
        steps[t] = g
        if total is None:
            total = copy.deepcopy(g.params)  # the sum must not alter the step's own trace
        elif mistake != ONE_STEP_ONLY:
            total += g.params
        dh_next = g.dh_prev
        dc_next = getattr(g, "dc_prev", None)  # only an LSTM step's gradients have a cell state
        dh[t] = dh_next
        if kind == "lstm":
            dc[t] = dc_next
    return Gradients(float(loss), dy, da, dh, dc, steps, total, dWy, dBy)


def _lstm_slip(
    step: backward.LSTMGrads, tr: Any, dc_next: np.ndarray, layout: Any, mistake: str
) -> backward.LSTMGrads:
    """The engine's exact LSTM step with the one line of its chain rule a classic slip
    rewrites (engine.backward.lstm_cell_backward writes each line correctly)."""
    if mistake == NO_TANH_PRIME:  # dc = dh * o * (1 - tanh(c)**2) + dc_next, without tanh'
        return replace(step, dc=step.dh * tr.o + dc_next)
    dz = {"i": step.dz_i, "f": step.dz_f, "g": step.dz_g, "o": step.dz_o}
    if mistake == SIGMOID_PRIME:  # dz = d * s * (1 - s) written d * s
        dz.update(i=step.di * tr.i, f=step.df * tr.f, o=step.do * tr.o)
    elif mistake == TANH_PRIME:  # dz_g = dg * (1 - g**2) written dg * g
        dz["g"] = step.dg * tr.g
    joined = join_blocks(dz, lstm_layout(layout))
    return replace(step, dz_i=dz["i"], dz_f=dz["f"], dz_g=dz["g"], dz_o=dz["o"], dz=joined)


# --- reading a quantity ----------------------------------------------------------------------


def gradient_quantity(run: Any, grads: Gradients, name: str, t: int | None) -> np.ndarray:
    """dL/d(name) at time index t (None for the timeless ones)."""
    kind = run.model.cell
    T = len(run.traces)
    if name == LOSS:
        return np.asarray(grads.loss)
    if name in OUTPUT_GRADIENTS:
        value = grads.dy if name == "dy" else grads.da
        if value is None:
            raise QuantityError(f'"{name}" needs a `readout:` in the model block')
        return value
    if name in STATE_GRADIENTS[kind]:
        if t is None or not 0 <= t <= T:
            raise QuantityError(f'"{name}" exists for states 0..{T}, not {t}')
        return (grads.dh if name == "dh" else grads.dc)[t]
    if name in STEP_GRADIENTS[kind]:
        if t is None or not 0 <= t < T:
            raise QuantityError(f'"{name}" exists for time steps 0..{T - 1}, not {t}')
        attr = "dg" if name == "dc_hat" else name
        return np.asarray(getattr(grads.steps[t], attr), dtype=np.float64)
    return _weight_gradient(run, grads, name)


def _weight_gradient(run: Any, grads: Gradients, name: str) -> np.ndarray:
    model = run.model
    if name in ("dWy", "dBy"):
        value = grads.dWy if name == "dWy" else grads.dBy
        if value is None:
            raise QuantityError(f'"{name}" needs a `readout:` with a {name[1:]}')
        return value
    base, gate = name, None
    for g in (*GATES[model.cell], "c_hat"):
        if name.endswith(f"_{g}"):
            base, gate = name[: -len(g) - 1], ("g" if g == "c_hat" else g)
            break
    pg = grads.params
    concat = model.weights.W is not None
    if base in ("dW", "dB") and not concat:
        raise QuantityError(f'"{name}" belongs to the concatenated form W, B; use dW_ih, ...')
    if base in ("dW_ih", "dW_hh", "db_ih", "db_hh") and concat:
        raise QuantityError(f'"{name}" belongs to torch\'s form; this model uses W and B: use dW')
    if base == "dW":
        value = np.concatenate([pg.dW_ih.T, pg.dW_hh.T], axis=0)  # (I + H, G*H) like W
        axis = 1
    elif base == "dB":
        value = pg.db_ih.reshape(run.bias_shape)
        axis = -1
    else:
        value = getattr(pg, base)
        axis = 0
    if gate is None:
        return value
    layout = tuple(run.layout) if model.cell != "rnn" else ("h",)
    blocks = np.split(value, len(layout), axis=axis)
    return blocks[layout.index(gate)]


# --- the classic mistakes ----------------------------------------------------------------------

MESSAGES = {
    NO_TANH_PRIME: (
        "The tanh'(c) factor is missing: h = o * tanh(c), so the gradient reaching c through h "
        "is dh * o * (1 - tanh(c)**2), not dh * o."
    ),
    NO_CELL_PATH: (
        "You left out the path through the next cell state: c also feeds c_next = f * c + ..., "
        "so dL/dc adds dc_next * f (of the next step) to what arrives through h."
    ),
    WRONG_FORGET: (
        "That uses the forget gate of the wrong step: the gradient flows from c_(t+1) back to "
        "c_t through the forget gate that multiplies c_t, the one computed at the same step "
        "that produces c_(t+1)."
    ),
    SIGMOID_PRIME: (
        "You wrote sigmoid' as sigmoid: the derivative of s = sigmoid(z) is s * (1 - s), not s."
    ),
    TANH_PRIME: "You wrote tanh' as tanh: the derivative of g = tanh(z) is 1 - g**2, not g.",
    ONE_STEP_ONLY: (
        "That is the last step's contribution only: the same W is used at every time step, so "
        "dL/dW sums the contributions of all steps."
    ),
}


def gradient_candidates(run: Any, name: str, t: int | None) -> list[tuple[str, np.ndarray, str]]:
    """(key, wrong value, message) for the classic backward mistakes in this quantity's formula.

    Mistakes are local: the learner works from the exact values of the quantities before (later
    steps use exact references), so each candidate redoes only the step that computes `name`,
    with one line of its chain rule written wrong.
    """
    exact = run.gradients
    out: list[tuple[str, np.ndarray, str]] = []
    if run.model.cell == "lstm":
        out += _lstm_local(run, exact, name, t)
    if name in ("dh", "da") or timeless(name):
        out += _readout_and_weights(run, exact, name, t)
    if name != LOSS and run.model.loss.kind == "binary_cross_entropy":
        out += _sign_mistake(run, name, t)
    if t is not None and not timeless(name):
        for other in (t - 1, t + 1):
            try:
                value = gradient_quantity(run, exact, name, other)
            except ValueError:
                continue
            out.append(
                (
                    "wrong_time_step",
                    value,
                    f"That is {name}{other}; this step asks for {name}{t}. Check which step's "
                    "values you used.",
                )
            )
    return out


def _lstm_local(run: Any, exact: Gradients, name: str, t: int | None):
    """Redo the LSTM step that computes `name` from exact upstream gradients, with one slip."""
    T = len(run.traces)
    if name in STEP_GRADIENTS["lstm"]:
        s = t
    elif name == "dc" and t is not None and t >= 1:
        s = t - 1  # c_t comes out of the step reading x_(t-1)
    else:
        return []
    if s is None or not 0 <= s < T:
        return []
    dh_in = exact.dh[s + 1]
    dc_in = exact.steps[s + 1].dc_prev if s + 1 < T else np.zeros_like(run.c[s + 1])
    args = (run.traces[s], run.xs[s], run.h[s], run.c[s], run.params)
    attr = "dg" if name == "dc_hat" else name
    out = []
    # only the slips of this quantity's own line: the learner uses earlier steps' exact values
    if name == "dc":
        slips: tuple[str, ...] = (NO_TANH_PRIME, NO_CELL_PATH)
    elif name.startswith("dz"):
        slips = (SIGMOID_PRIME, TANH_PRIME)
    else:
        return out
    step = backward.lstm_cell_backward(*args, dh_in, dc_in, run.layout)
    for mistake in slips:
        if mistake == NO_CELL_PATH:  # nothing from c_(s+2): the step with no dc_next
            g = backward.lstm_cell_backward(*args, dh_in, None, run.layout)
        else:
            g = _lstm_slip(step, run.traces[s], dc_in, run.layout, mistake)
        out.append((mistake, np.asarray(getattr(g, attr)), MESSAGES[mistake]))
    if s + 1 < T and name == "dc":
        # the gradient from c_(s+2) scaled by f_s (the gate that made c_(s+1)) instead of f_(s+1)
        wrong_dc_in = exact.dc[s + 2] * run.traces[s].f
        g = backward.lstm_cell_backward(*args, dh_in, wrong_dc_in, run.layout)
        out.append((WRONG_FORGET, np.asarray(getattr(g, attr)), MESSAGES[WRONG_FORGET]))
    return out


def _readout_and_weights(run: Any, exact: Gradients, name: str, t: int | None):
    """dL/da and dL/dh_T without the readout's sigmoid', or with it written as sigmoid; dW from
    one step only."""
    out = []
    T = len(run.traces)
    act = run.model.readout.activation if run.model.readout is not None else "identity"
    if act == "sigmoid" and exact.dy is not None and (name == "da" or (name == "dh" and t == T)):
        y = run.readout(run.h[T])
        scale = (lambda d: d @ run.readout_weight.T) if name == "dh" else (lambda d: d)
        out.append((SIGMOID_PRIME, scale(exact.dy * y), MESSAGES[SIGMOID_PRIME]))
        out.append(
            (
                "sigmoid_prime_left_out",
                scale(exact.dy),
                "The output's sigmoid is missing from the chain: y = sigmoid(a), so dL/da = "
                "dL/dy * y * (1 - y).",
            )
        )
    if name.startswith(("dW", "dB", "db")) and name not in ("dWy", "dBy"):
        try:
            value = gradient_quantity(run, backprop(run, ONE_STEP_ONLY), name, None)
        except ValueError:
            return out
        out.append((ONE_STEP_ONLY, value, MESSAGES[ONE_STEP_ONLY]))
    return out


def _sign_mistake(run: Any, name: str, t: int | None) -> list[tuple[str, np.ndarray, str]]:
    """The loss's sign flipped: BCE is -log(y) for target 1, and its gradient -1/y."""
    try:
        value = gradient_quantity(run, run.gradients, name, t)
    except ValueError:
        return []
    return [
        (
            "sign_flipped",
            -value,
            "Check the sign: binary cross-entropy is -(t log y + (1 - t) log(1 - y)), so for "
            "target 1 its gradient dL/dy = -1/y is negative.",
        )
    ]
