"""Backward-pass slips beyond `tutor.lessons.gradients`' switches, and when a sign slip is the
loss's.

Each candidate is local, like the built-in ones: the learner works from the exact values of the
quantities before (later steps use exact references), so a candidate redoes only the line that
computes the asked quantity, with one thing written wrong:
- dc_t: tanh' written as `1 - c**2` or as `tanh(c)`, the path through h_t forgotten, the forget
  gate of the next step instead of this one;
- do_t: the cell state of the wrong step inside tanh;
- dz, dW, dB: the right gate gradients stacked in another framework's gate order.

A flipped sign is the loss's sign only where dL/dy enters the quantity directly (dy, da, the
last h, the readout's weights); elsewhere the learner used the exact upstream gradient, so the
sign slip is their own line's, and the generic "times -1" feedback says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.layouts import GRU_LAYOUTS, LSTM_LAYOUTS

LOSS_SIGN = "sign_flipped"
ONE_STEP = "weights_one_step_only"


def revised(run: Any, name: str, t: int | None, found: list[tuple]) -> list[tuple]:
    """`gradients.gradient_candidates` with the loss-sign candidate kept only where the loss
    explains it (and worded for this learner's target), the one-step message naming the weight,
    and the slips below added."""
    out = []
    for key, value, message in found:
        if key == LOSS_SIGN:
            if not _loss_adjacent(run, name, t):
                continue
            message = _loss_sign_message(run)
        elif key == ONE_STEP:
            message = _one_step_message(name)
        out.append((key, value, message))
    return out + extra(run, name, t)


def extra(run: Any, name: str, t: int | None) -> list[tuple[str, np.ndarray, str]]:
    out: list[tuple[str, np.ndarray, str]] = []
    if run.model.cell == "lstm" and t is not None:
        if name == "dc":
            out += _cell_state_slips(run, t)
        elif name == "do":
            out += _output_gate_slips(run, t)
    if name == "dz" or name in ("dW", "dB"):
        out += _gate_order_slips(run, name, t)
    return out


# --- the loss's sign -----------------------------------------------------------------------


def _loss_adjacent(run: Any, name: str, t: int | None) -> bool:
    """Quantities whose value carries dL/dy's sign with nothing exact in between."""
    if name in ("dy", "da", "dWy", "dBy"):
        return True
    return name == "dh" and t == len(run.traces)


def _loss_sign_message(run: Any) -> str:
    target = np.asarray(run.loss_target, dtype=float).reshape(-1)
    head = "Check the sign: binary cross-entropy is -(t log y + (1 - t) log(1 - y)), so "
    if target.size and np.all(target == 1):
        return head + "for target 1 its gradient dL/dy = -1/y is negative."
    if target.size and np.all(target == 0):
        return head + "for target 0 its gradient dL/dy = 1/(1 - y) is positive."
    return head + "dL/dy = -t/y + (1 - t)/(1 - y): negative where t = 1, positive where t = 0."


def _one_step_message(name: str) -> str:
    weight = name[1:]
    return (
        f"That is the last step's contribution only: the same {weight} is used at every time "
        f"step, so dL/d{weight} sums the contributions of all steps."
    )


# --- dc_t and do_t --------------------------------------------------------------------------


def _cell_state_slips(run: Any, t: int) -> list[tuple[str, np.ndarray, str]]:
    exact, T = run.gradients, len(run.traces)
    if t == 0:
        return _initial_cell_slips(run)
    if not 1 <= t <= T:
        return []
    dh, o, c = exact.dh[t], np.asarray(run.traces[t - 1].o), run.c[t]
    through_c = exact.steps[t].dc_prev if t < T else np.zeros_like(c)
    out = [
        (
            "tanh_prime_of_c",
            dh * o * (1.0 - c**2) + through_c,
            f"tanh' is taken at tanh(c{t}): the factor is 1 - tanh(c{t})**2, not 1 - c{t}**2.",
        ),
        (
            "tanh_prime_as_tanh",
            dh * o * np.tanh(c) + through_c,
            f"You wrote tanh'(c{t}) as tanh(c{t}): the derivative of tanh(c) is 1 - tanh(c)**2.",
        ),
    ]
    if t < T:
        out.append(
            (
                "h_path_forgotten",
                through_c,
                f"That is only the path through the next cell state; c{t} also reaches the "
                f"loss through h{t} = o{t - 1} * tanh(c{t}): add "
                f"dh{t} * o{t - 1} * (1 - tanh(c{t})**2).",
            )
        )
    if t + 1 < T:
        wrong = exact.dc[t + 1] * np.asarray(run.traces[t + 1].f)
        out.append(
            ("forget_gate_wrong_step", dh * o * (1 - np.tanh(c) ** 2) + wrong, _next_forget(t))
        )
    return out


def _next_forget(t: int) -> str:
    return (
        f"That uses f{t + 1}, the next step's forget gate: c{t} is multiplied by f{t} in "
        f"c{t + 1} = f{t} * c{t} + i{t} * c_hat{t}, so the cell path is dc{t + 1} * f{t}."
    )


def _initial_cell_slips(run: Any) -> list[tuple[str, np.ndarray, str]]:
    """dc0 = dc1 * f0; with f1 (the next step's gate) instead."""
    if len(run.traces) < 2:
        return []
    return [
        (
            "forget_gate_wrong_step",
            run.gradients.dc[1] * np.asarray(run.traces[1].f),
            _next_forget(0),
        )
    ]


def _output_gate_slips(run: Any, s: int) -> list[tuple[str, np.ndarray, str]]:
    """do_s = dh_(s+1) * tanh(c_(s+1)), with another step's cell state inside tanh."""
    T = len(run.traces)
    if not 0 <= s < T:
        return []
    dh = run.gradients.dh[s + 1]
    out = []
    for k in (s, s + 2):
        if 0 <= k <= T:
            out.append(
                (
                    "wrong_time_step",
                    dh * np.tanh(run.c[k]),
                    f"That uses c{k}; o{s} filters h{s + 1} = o{s} * tanh(c{s + 1}), so "
                    f"do{s} = dh{s + 1} * tanh(c{s + 1}).",
                )
            )
    return out


# --- gate order -------------------------------------------------------------------------------


def _gate_order_slips(run: Any, name: str, t: int | None) -> list[tuple[str, np.ndarray, str]]:
    """The right gate blocks stacked in another known order (i, f, g, o for seed 000's f, i...)."""
    from tutor.lessons.gradients import gradient_quantity

    kind = run.model.cell
    layouts = {"lstm": LSTM_LAYOUTS, "gru": GRU_LAYOUTS}.get(kind)
    if layouts is None:
        return []
    try:
        right = np.asarray(gradient_quantity(run, run.gradients, name, t), dtype=float)
    except ValueError:
        return []
    mine = tuple(run.layout)
    if right.ndim == 0 or right.shape[-1] % len(mine):
        return []
    blocks = dict(zip(mine, np.split(right, len(mine), axis=-1), strict=True))
    out, seen = [], {mine}
    for label, order in layouts.items():
        if order in seen or sorted(order) != sorted(mine):
            continue
        seen.add(order)
        words = ", ".join(order)
        out.append(
            (
                "wrong_gate_order",
                np.concatenate([blocks[g] for g in order], axis=-1),
                f"Those are the right gate gradients in {label}'s order ({words}); this lesson "
                f"stacks the columns {', '.join(mine)}.",
            )
        )
    return out
