"""Why an answer is wrong: authored mistakes first, then the classic cell mistakes, generated.

Each candidate is a wrong value a learner plausibly computes, with a friendly explanation.
`tutor.lessons.judging` decides whether an answer makes one of these mistakes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tutor.lessons.gradients import gradient_candidates
from tutor.lessons.quantities import is_gradient
from tutor.lessons.unroll import CellRun, activate

GATE_NAMES = {
    "i": "input gate",
    "f": "forget gate",
    "g": "candidate",
    "o": "output gate",
    "r": "reset gate",
    "z": "update gate",
    "n": "new-state candidate",
}
SIGMOID_GATES = {"i", "f", "o", "r", "z"}  # g and n use tanh


@dataclass(frozen=True)
class Candidate:
    """A plausible wrong value and what to tell the learner who typed it."""

    key: str
    value: np.ndarray
    message: str


def cell_candidates(run: CellRun, name: str, t: int | None) -> list[Candidate]:
    """Generated classic mistakes for quantity `name` at time index `t` of the unrolled cell."""
    kind = run.model.cell
    out: list[Candidate] = []
    if is_gradient(name, kind):
        from tutor.lessons.gradient_mistakes import revised

        return [Candidate(*c) for c in revised(run, name, t, gradient_candidates(run, name, t))]
    if name == "y":
        out += _readout_mistakes(run)
    else:
        gate = "g" if name == "c_hat" else name
        if gate in tuple(run.layout):
            out += _gate_mistakes(run, gate, t)
        if name.startswith("z_") or (name == "z" and kind == "lstm"):
            out += _preactivation_mistakes(run, name, t)
        if name == "c" and kind == "lstm":
            out += _cell_update_mistakes(run, t)
        if name == "h":
            out += _hidden_mistakes(run, t)
        if kind == "rnn" and name == "z":
            out += _preactivation_mistakes(run, name, t)
    out += _wrong_time_step(run, name, t)
    return [c for c in out if c.value is not None]


# --- gates ---------------------------------------------------------------------------------


def _gate_mistakes(run: CellRun, gate: str, t: int) -> list[Candidate]:
    trace = run.traces[t]
    pre = np.asarray(getattr(trace, f"z_{gate}"))
    right_act = "sigmoid" if gate in SIGMOID_GATES else "tanh"
    wrong_act = "tanh" if right_act == "sigmoid" else "sigmoid"
    what = GATE_NAMES[gate]
    out = [
        Candidate(
            "sigmoid_tanh_swap",
            activate(wrong_act, pre),
            f"You used {wrong_act} where the {what} needs {right_act}: "
            + (
                "a gate is a sigmoid, so it lies between 0 and 1 and acts like a valve."
                if right_act == "sigmoid"
                else "the candidate uses tanh, so it lies between -1 and 1 and can push "
                "the state both ways."
            ),
        )
    ]
    for other in _gates(run):
        if other == gate:
            continue
        out.append(
            Candidate(
                "wrong_slice",
                activate(right_act, np.asarray(getattr(trace, f"z_{other}"))),
                f"That is the {GATE_NAMES[other]}'s slice of {_pre(run)} ({_columns(run, other)}), "
                f"not the "
                f"{what}'s ({_columns(run, gate)}). This lesson orders the gates "
                f"{_order(run)}; other conventions differ, which is an easy slip.",
            )
        )
    out += _rerun_mistakes(run, gate, t)
    return out


def _preactivation_mistakes(run: CellRun, name: str, t: int) -> list[Candidate]:
    out = _rerun_mistakes(run, name, t)
    if name.startswith("z_"):
        gate = name[2:]
        trace = run.traces[t]
        for other in _gates(run):
            if other != gate:
                out.append(
                    Candidate(
                        "wrong_slice",
                        np.asarray(getattr(trace, f"z_{other}")),
                        f"That is the {GATE_NAMES[other]}'s pre-activation "
                        f"({_columns(run, other)}); this lesson orders the gates {_order(run)}.",
                    )
                )
    return out


def _rerun_mistakes(run: CellRun, name: str, t: int) -> list[Candidate]:
    """Mistakes found by rerunning the step with altered inputs: no bias, c for h."""
    x, h, c = run.xs[t], run.h[t], run.c[t]
    field = "g" if name == "c_hat" else name
    p = run.params
    no_bias = type(p)(p.W_ih, p.W_hh, np.zeros_like(p.b_ih), np.zeros_like(p.b_hh))
    out = [
        Candidate(
            "bias_left_out",
            _field(run.step(x, h, c, no_bias), field),
            "It looks like the bias was left out: add the bias to the weighted inputs "
            "before the activation.",
        )
    ]
    if t >= 1 and field != "c":
        out.append(
            Candidate(
                "wrong_time_step",
                _field(run.step(x, run.h[t - 1], c), field),
                f"You used `h{t - 1}`, the state of the step before; at this step the "
                f"input `x{t}` is joined with `h{t}`.",
            )
        )
    if run.model.cell == "lstm" and field in ("z", "z_i", "z_f", "z_g", "z_o", "i", "f", "g", "o"):
        out.append(
            Candidate(
                "c_for_h",
                _field(run.step(x, c, c), field),
                f"You used the cell state `c{t}` where the hidden state `h{t}` belongs: the gates "
                "look at the previous *hidden* state (concatenated with the input).",
            )
        )
    return out


# --- states --------------------------------------------------------------------------------


def _cell_update_mistakes(run: CellRun, k: int) -> list[Candidate]:
    if k is None or k < 1:
        return []
    trace, c_prev, h_prev = run.traces[k - 1], run.c[k - 1], run.h[k - 1]
    f, i, g = (np.asarray(getattr(trace, n)) for n in ("f", "i", "g"))
    return [
        Candidate(
            "forget_term_left_out",
            i * g,
            f"You left out the forget term: `c{k}` also keeps the old cell state, "
            f"`f{k - 1} * c{k - 1}`, besides the new input `i{k - 1} * c_hat{k - 1}`.",
        ),
        Candidate(
            "input_term_left_out",
            f * c_prev,
            f"You left out the input term: besides the remembered `f{k - 1} * c{k - 1}`, "
            f"`c{k}` adds the new candidate admitted by the input gate, "
            f"`i{k - 1} * c_hat{k - 1}`.",
        ),
        Candidate(
            "h_for_c",
            f * h_prev + i * g,
            f"You used the hidden state `h{k - 1}` where the cell state `c{k - 1}` belongs: the "
            "forget gate scales the previous *cell* state.",
        ),
        Candidate(
            "h_for_c",
            run.h[k],
            f"That is the hidden state `h{k}`; the cell state `c{k}` is the value before tanh "
            "and the output gate: `f * c_prev + i * c_hat`.",
        ),
        *_rerun_mistakes(run, "c", k - 1),
        *_older_gates_in_cell_update(run, k),
    ]


def _older_gates_in_cell_update(run: CellRun, k: int) -> list[Candidate]:
    """`c2 = f0 * c1 + ...`: one factor taken from the step before."""
    if k < 2:
        return []
    now, before, c_prev = run.traces[k - 1], run.traces[k - 2], run.c[k - 1]
    f, i, g = (np.asarray(getattr(now, n)) for n in ("f", "i", "g"))
    old = {n: np.asarray(getattr(before, n)) for n in ("f", "i", "g")}
    shown = {"f": "f", "i": "i", "g": "c_hat"}
    values = {
        "f": old["f"] * c_prev + i * g,
        "i": f * c_prev + old["i"] * g,
        "g": f * c_prev + i * old["g"],
    }
    return [
        Candidate(
            "wrong_time_step",
            value,
            f"You used `{shown[n]}{k - 2}` from the step before; `c{k}` uses this step's "
            f"gates: `c{k} = f{k - 1} * c{k - 1} + i{k - 1} * c_hat{k - 1}`.",
        )
        for n, value in values.items()
    ]


def _hidden_mistakes(run: CellRun, k: int) -> list[Candidate]:
    if k is None or k < 1:
        return []
    trace = run.traces[k - 1]
    kind = run.model.cell
    out: list[Candidate] = []
    if kind == "lstm":
        o, c = np.asarray(trace.o), run.c[k]
        out += [
            Candidate(
                "c_for_h",
                c,
                f"That is the cell state `c{k}`; the hidden state is "
                f"`h{k} = tanh(c{k}) * o{k - 1}`.",
            ),
            Candidate(
                "sigmoid_tanh_swap",
                o * activate("sigmoid", c),
                f"You squashed the cell state with sigmoid; `h{k}` uses tanh: "
                f"`tanh(c{k}) * o{k - 1}`.",
            ),
            Candidate(
                "tanh_left_out",
                o * c,
                f"The cell state goes through tanh before the output gate: "
                f"`h{k} = tanh(c{k}) * o{k - 1}`.",
            ),
            *(
                [
                    Candidate(
                        "wrong_time_step",
                        np.asarray(run.traces[k - 2].o) * np.tanh(c),
                        f"You used the output gate `o{k - 2}` of the step before; `h{k}` is "
                        f"filtered by this step's gate: `tanh(c{k}) * o{k - 1}`.",
                    )
                ]
                if k >= 2
                else []
            ),
            Candidate(
                "wrong_time_step",
                o * np.tanh(run.c[k - 1]),
                f"You used the old cell state `c{k - 1}`; `h{k}` uses the new one, `c{k}`.",
            ),
        ]
    elif kind == "gru":
        z, n, h_prev = np.asarray(trace.z), np.asarray(trace.n), run.h[k - 1]
        out.append(
            Candidate(
                "gru_update_reversed",
                z * n + (1 - z) * h_prev,
                "The update gate is applied the wrong way round: you computed "
                "`z*n + (1-z)*h`, but PyTorch's GRU keeps the old state where the update gate "
                f"z is 1: `h{k} = (1-z)*n + z*h{k - 1}`. Chung et al. (2014) write it the "
                "other way round, so it is worth remembering.",
            )
        )
    else:
        out.append(
            Candidate(
                "sigmoid_tanh_swap",
                activate("sigmoid", np.asarray(trace.z)),
                f"A simple RNN squashes with tanh, not sigmoid: `h{k} = tanh(z{k - 1})`.",
            )
        )
    return out + _rerun_mistakes(run, "h", k - 1)


def _readout_mistakes(run: CellRun) -> list[Candidate]:
    last = len(run.h) - 1
    act = run.model.readout.activation if run.model.readout else "identity"
    out = []
    if act != "identity":
        out.append(
            Candidate(
                "activation_left_out",
                run.readout(run.h[last], "identity"),
                f"That is the output layer before its activation; apply {act}.",
            )
        )
    if run.model.cell == "lstm":
        out.append(
            Candidate(
                "c_for_h",
                run.readout(run.c[last]),
                f"You fed the cell state `c{last}` to the output layer; it takes the hidden "
                f"state `h{last}`.",
            )
        )
    if last >= 1:
        out.append(
            Candidate(
                "wrong_time_step",
                run.readout(run.h[last - 1]),
                f"You used `h{last - 1}`; the output layer reads the last hidden state, `h{last}`.",
            )
        )
    return out


# --- time steps ------------------------------------------------------------------------------


def _wrong_time_step(run: CellRun, name: str, t: int | None) -> list[Candidate]:
    if t is None or name == "y":
        return []
    out = []
    for other in (t - 1, t + 1):
        try:
            value = run.quantity(name, other)
        except ValueError:
            continue
        when = f"the state after {other} step(s)" if name in ("h", "c") else f"time step {other}"
        out.append(
            Candidate(
                "wrong_time_step",
                value,
                f"That is `{name}{other}`, the value at {when}; this step asks for "
                f"`{name}{t}`. Check which x and which previous state you used.",
            )
        )
    return out


# --- helpers -------------------------------------------------------------------------------


def _gates(run: CellRun) -> tuple[str, ...]:
    return tuple(run.layout)


def _order(run: CellRun) -> str:
    return ", ".join(GATE_NAMES.get(g, g) for g in run.layout)


def _pre(run: CellRun) -> str:
    """The lesson's name for the pre-activation: in a GRU `z` is the update gate."""
    return "`z`" if run.model.cell != "gru" else "the pre-activation `concat(x, h) @ W + B`"


def _columns(run: CellRun, gate: str) -> str:
    H = run.model.hidden_size
    j = tuple(run.layout).index(gate)
    if H == 1:
        return f"column {j}"
    return f"columns {j * H}..{(j + 1) * H - 1}"


def _field(trace: object, name: str) -> np.ndarray:
    return np.asarray(getattr(trace, name), dtype=np.float64)
