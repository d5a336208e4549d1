"""Cards a learner opens at any step of a lesson: the cell's equations, and the step list.

The equations are written from the lesson's own model (its cell, gate layout and hidden
size), so the columns named are the columns the lesson's `W` has.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, OptionList
from textual.widgets.option_list import Option

from engine.layouts import GRU_GATES

GATE_WORDS = {
    "f": ("f", "sigmoid", "forget gate: how much of c to keep"),
    "i": ("i", "sigmoid", "input gate: how much of c_hat to write"),
    "g": ("c_hat", "tanh", "candidate: what could be written"),
    "o": ("o", "sigmoid", "output gate: how much of c to show"),
}
GENERIC = """\
**LSTM** (per step; PyTorch orders the gates i, f, g, o)

    z = concat(x, h) @ W + B
    i, f, o = sigmoid(z[i]), sigmoid(z[f]), sigmoid(z[o])
    c_hat = tanh(z[g])
    c_new = f * c + i * c_hat
    h_new = o * tanh(c_new)

**GRU** (PyTorch's form: r, z, n)

    r, z = sigmoid(...[r]), sigmoid(...[z])
    n = tanh(x @ W_in + b_in + r * (h @ W_hn + b_hn))
    h_new = (1 - z) * n + z * h

**Simple RNN**

    h_new = tanh(concat(x, h) @ W + B)
"""


def columns(j: int, size: int) -> str:
    """Block `j` of a row of blocks `size` wide, as the formula language indexes it."""
    return f"[0, {j}]" if size == 1 else f"[:, {j * size}:{(j + 1) * size}]"


def preactivation(weights: Any) -> str:
    """`concat(x, h) @ W + B`, or torch's form with its two matrices and biases."""
    if weights.W is not None:
        return f"concat(x(t), h(t)) @ {weights.W} + {weights.B}"
    terms = [f"x(t) @ transpose({weights.W_ih})", weights.b_ih]
    terms += [f"h(t) @ transpose({weights.W_hh})", weights.b_hh]
    return " + ".join(t for t in terms if t)


def equations_markdown(model: Any, layout: tuple[str, ...] | None) -> str:
    """The lesson's cell, one equation per line, with its own names and columns."""
    if model is None or layout is None:
        return "## The cells\n\n" + GENERIC
    H, pre = model.hidden_size, preactivation(model.weights)
    if model.cell == "lstm":
        lines = [f"z = {pre}    # {H} column{'s' if H > 1 else ''} per gate"]
        for j, gate in enumerate(layout):
            name, act, what = GATE_WORDS[gate]
            lines.append(f"{name} = {act}(z{columns(j, H)})".ljust(24) + f"# {what}")
        lines += ["c(t+1) = f * c(t) + i * c_hat", "h(t+1) = o * tanh(c(t+1))"]
    elif model.cell == "gru":
        r, z, n = (columns(layout.index(g), H) for g in GRU_GATES)  # in PyTorch's names
        lines = [
            f"a = {pre}",
            f"r = sigmoid(a{r})      # reset gate",
            f"z = sigmoid(a{z})      # update gate",
            f"n = tanh(x-part of a{n} + r * (h-part of a{n}))   # candidate",
            "h(t+1) = (1 - z) * n + z * h(t)",
        ]
    else:
        lines = [f"h(t+1) = {model.nonlinearity}({pre})"]
    if model.readout is not None:
        bias = f" + {model.readout.bias}" if model.readout.bias else ""
        lines.append(f"y = {model.readout.activation}(h(T) @ {model.readout.weight}{bias})")
    code = "\n".join("    " + line for line in lines)
    return f"## The {model.cell.upper()} cell of this lesson\n\n{code}\n\n`escape` closes."


class EquationsCard(ModalScreen[None]):
    """The lesson's cell equations; escape closes it."""

    BINDINGS = [Binding("escape,ctrl+e", "dismiss", "Close")]

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="card"):
            yield Markdown(self.text)


class StepList(ModalScreen[int | None]):
    """Every step with its mark; enter jumps to the highlighted one, escape stays."""

    BINDINGS = [Binding("escape,ctrl+l", "dismiss", "Close")]

    def __init__(self, steps: list[tuple[str, bool]], current: int) -> None:
        super().__init__()
        self.steps, self.current = steps, current

    def compose(self) -> ComposeResult:
        options = [
            Option(Text(f"{'✓' if done else ' '} {n:>2}. {title}"), id=str(n - 1))
            for n, (title, done) in enumerate(self.steps, 1)
        ]
        yield OptionList(*options, id="step-list", classes="card")

    def on_mount(self) -> None:
        step_list = self.query_one(OptionList)
        step_list.highlighted = self.current
        step_list.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))
