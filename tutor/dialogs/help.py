"""The `?` screen: what each key does, on every screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

HELP = """\
## Keys

**Everywhere**: `?` or `f1` this help · `ctrl+o` glossary (gate, MAE, MASE, decade...) ·
`ctrl+p` command palette (every action by name) · `ctrl+t` light/dark theme ·
`escape` back · `ctrl+q` quit (stops any training first).

**Home**: `enter` open the highlighted lesson · `r` resume where you left off ·
`l` training lab · `f` forecast view.

**Lesson**: type a formula or numbers; its value, or the error with a caret under the
column, shows while you type. `enter` checks, and after a right answer moves on;
`alt+enter` (or `ctrl+j`) starts a new line in a long formula; `ctrl+u` clears the answer.
`ctrl+g` next hint · `ctrl+r` reveal the answer (after 3 tries) ·
`ctrl+n` / `ctrl+b` next / previous step · `ctrl+l` the list of steps (jump to any) ·
`ctrl+e` the cell's equations on one card · `pageup` / `pagedown` scroll the prompt and
feedback (long feedback continues below) · `ctrl+↑` / `ctrl+↓` scroll the values panel
(every given and earlier result, newest first) · run steps: `enter` trains, `ctrl+x`
stops, and once done `enter` goes on while `ctrl+s` trains again.

**Formulas**: `+`, `-`, `*`, `/` (elementwise), `@` (matrix product), `**` (power, as in
`c1**2`), indexing and slicing like `z0[0, 1]` or `W[1:3, 4:6]`, and the functions
{functions}. Each earlier answer is available by its step id.

**Training lab**: pick the task, the models and the hyperparameters; `ctrl+s` start,
`ctrl+x` stop (within a batch). The models train one after another, each panel in turn;
each finished run adds its models' error to the results table (kept until you leave).

**Forecast**: `ctrl+s` trains and forecasts the built-in data; the plot shows the
holdout (actual, model) and the forecast after the data. `ctrl+e` exports the forecast
to CSV: to the path shown on screen, or to one you type (then enter).

The terminal needs at least 80x24; `lstm-tutor serve` runs the app in a browser.
"""


class HelpScreen(ModalScreen[None]):
    """Keys and formula syntax; any of escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("question_mark", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body"):
            yield Markdown(help_text())


def help_text() -> str:
    """The help, with every function the formula language knows (its own whitelist)."""
    from tutor.lessons.formula import FUNCTIONS  # numpy: loaded when help opens, not at start

    return HELP.replace("{functions}", ", ".join(f"`{name}`" for name in FUNCTIONS))
