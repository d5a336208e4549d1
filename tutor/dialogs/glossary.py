"""The glossary: the words lessons and the forecast view use before they explain them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

GLOSSARY = """\
## Glossary

**Cell**: the step an RNN repeats at every time step: it reads the input `x(t)` and its
own state and writes the new state. **Hidden state** `h`: what the cell passes on and
shows; **cell state** `c` (LSTM only): its memory line, changed only by the gates.

**Gate**: a sigmoid layer, so each of its numbers lies between 0 (closed) and 1 (open); it
multiplies something elementwise, like a valve. LSTM: **forget** `f` (how much of `c` to
keep), **input** `i` (how much of the candidate to write), **output** `o` (how much of the
cell to show). GRU: **reset** `r` and **update** `z`. The **candidate** (`c_hat`, `g`, or
`n` in a GRU) is a tanh layer: what could be written.

**Pre-activation** `z`: a layer's input before its sigmoid or tanh, `concat(x, h) @ W + B`.
**Gate layout**: the order the gates' blocks sit in `W` (PyTorch: i, f, g, o).

**Backpropagation through time (BPTT)**: the chain rule run backwards over the unrolled
steps. **dX** (`dh1`, `dW`): the gradient of the loss with respect to X. **Gradient norm**
`||dL/dh_t||`: its length. **Vanishing / exploding**: the gradient shrinks / grows by a
factor at each step back. **Clipping**: rescaling a gradient whose norm is too large.

**Decade**: a factor of ten; "fell 3 decades" is 1000 times smaller (a base-10 logarithm).

**Epoch**: one pass over the training data. **Loss**: the number training makes small
(BCE, binary cross-entropy; MSE, mean squared error). **Validation**: data held out of
training to see how well the model generalises.

**Holdout**: the last part of a series, kept out of training to score the forecast.
**MAE**: mean absolute error, in the series' own units. **MASE**: MAE divided by the MAE
of the seasonal naive forecast on the training part: below 1 beats it. **Seasonal
naive**: "the same as one season ago" (last week's value, for daily data).
**Horizon**: how many steps ahead a forecast goes. **Interval**: the range the actual
value should fall in, at the stated coverage.
"""


class GlossaryScreen(ModalScreen[None]):
    """Words a learner meets before they are explained; escape closes it."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="card"):
            yield Markdown(GLOSSARY)
