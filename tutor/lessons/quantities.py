"""The names a lesson's `quantity:` may use, forward and backward, and how they are read.

Naming follows seed 000: a gate or pre-activation carries the time step of the input it was
computed from (`f0` comes from x0), a state carries the number of steps taken (`h0` is the
initial state, `h1` the state after x0); `y` is the readout of the last hidden state. Gradients
are the same names with a `d` in front (`dc1` is dL/dc1), plus the loss `L`, the output's
`dy`/`da` and the weights' `dW`, `dW_f`, ... which need no time step.

A leaf module: tutor.lessons.unroll (forward) and tutor.lessons.gradients (backward) both read
these names, so neither imports the other for them.
"""

from __future__ import annotations

import re

from engine.layouts import GRU_GATES, LSTM_GATES
from tutor.lessons.suggest import did_you_mean

STEP_QUANTITIES = {
    "lstm": ("z", "z_i", "z_f", "z_g", "z_o", "i", "f", "g", "c_hat", "o"),
    "gru": ("z_r", "z_z", "z_n", "r", "z", "n"),
    "rnn": ("z",),
}
STATE_QUANTITIES = {"lstm": ("h", "c"), "gru": ("h",), "rnn": ("h",)}
READOUT = "y"

LOSS = "L"
STEP_GRADIENTS = {
    "lstm": ("dz", "dz_i", "dz_f", "dz_g", "dz_o", "di", "df", "dg", "dc_hat", "do", "dx"),
    "gru": ("dz_r", "dz_z", "dz_n", "dr", "dz", "dn", "dx"),
    "rnn": ("dz", "dx"),
}
STATE_GRADIENTS = {"lstm": ("dh", "dc"), "gru": ("dh",), "rnn": ("dh",)}
OUTPUT_GRADIENTS = ("dy", "da")  # dL/dy and dL/d(readout pre-activation a = h_T @ Wy + By)
WEIGHT_GRADIENTS = ("dW", "dB", "dW_ih", "dW_hh", "db_ih", "db_hh", "dWy", "dBy")
PER_GATE = ("dW", "dB", "dW_ih", "dW_hh", "db_ih", "db_hh")  # each also exists for one gate
GATES = {"lstm": LSTM_GATES, "gru": GRU_GATES, "rnn": ()}  # a simple RNN's one block has no gate


class QuantityError(ValueError):
    """A `quantity:` or model the engine cannot compute; `where` is the key path in `model:`."""

    def __init__(self, message: str, where: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.where = where


def gradient_names(cell: str) -> tuple[str, ...]:
    weights = [*WEIGHT_GRADIENTS]
    for name in PER_GATE:
        weights += [f"{name}_{g}" for g in GATES[cell]]
    if cell == "lstm":
        weights += [f"{name}_c_hat" for name in PER_GATE]
    return (*STEP_GRADIENTS[cell], *STATE_GRADIENTS[cell], *OUTPUT_GRADIENTS, LOSS, *weights)


def quantity_names(cell: str) -> tuple[str, ...]:
    return (*STEP_QUANTITIES[cell], *STATE_QUANTITIES[cell], READOUT, *gradient_names(cell))


def timeless(name: str) -> bool:
    """Gradients that need no time step (the loss, the output, the weights)."""
    return name == LOSS or name in OUTPUT_GRADIENTS or name.startswith(("dW", "dB", "db"))


def is_gradient(name: str, cell: str) -> bool:
    return name in gradient_names(cell)


def split_quantity(text: str, t: int | None, cell: str) -> tuple[str, int | None]:
    """('f', 1) for `f1` or for `f` with t=1; unknown names raise QuantityError."""
    name, index = text.strip(), t
    known = quantity_names(cell)
    if name not in known:
        match = re.fullmatch(r"([A-Za-z_]+?)_?(\d+)", name)
        if match and match.group(1) in known and t is None:
            name, index = match.group(1), int(match.group(2))
        elif match and match.group(1) in known:
            raise QuantityError(
                f'"{text}" already names a time step; drop `t:` or write "{match.group(1)}"'
            )
        else:
            raise QuantityError(
                f'unknown quantity "{text}" for an {cell.upper()} cell'
                f"{did_you_mean(name, known)}; known: {', '.join(known)} (add a time step: f1, h2)"
            )
    if index is not None and timeless(name):
        raise QuantityError(f'"{name}" has no time step; drop `t:`')
    if index is None and name != READOUT and not timeless(name):
        raise QuantityError(f'quantity "{name}" needs a time step: write `t: 0` or "{name}0"')
    return name, index
