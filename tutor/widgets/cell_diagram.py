"""The LSTM, GRU or RNN cell drawn in the terminal, with the quantity being asked about lit up.

Each drawing comes with a mask of the same shape: a letter in the mask says which part of the
cell that character belongs to, so the drawing stays readable in the source and highlighting
a gate is a lookup, not a second drawing.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

# fmt: off
LSTM_ART = (
    ' c(t-1)━━(×)━━━━━━━━(+)━━━━┳━━▶ c(t)',
    '          ▲          ▲   tanh',
    '          │    ┏━━━━(×)    ▼',
    '          │    ▲     ▲    (×)━━▶ h(t)',
    '        σ f  σ i  tanh ĉ  σ o',
    '          ▲    ▲     ▲     ▲',
    ' h(t-1)━━━╋━━━━┻━━━━━┻━━━━━┛',
    '   x(t)━━━┛  z = [x,h]·W + b',
    '        y = σ(h·Wy + By)',
)
LSTM_MASK = (
    '         fff        ccccccccccccccccc',
    '                         hhhh',
    '                    iii',
    '                          hhhhhhhhhhh',
    '        fff  iii  gggggg  ooo',
    '',
    '       zzzzzzzzzzzzzzzzzzzzz',
    '             zzzzzzzzzzzzzzz',
    '        yyyyyyyyyyyyyyyy',
)
GRU_ART = (
    ' h(t-1)━┳━━━━━━━━━━━━━━━━━━━━━━┓',
    '   x(t)━┫                      ┃',
    '        ┣━▶ σ r ━▶(×)━▶ tanh n ┃',
    '        ┃                 ▼    ┃',
    '        ┗━━━━━━━▶ σ z ━━▶(+)◀━━┛',
    '                          ▼',
    '                        h(t)',
    '   h = (1-z)·n + z·h(t-1)',
)
GRU_MASK = (
    '',
    '',
    '            rrr         nnnnnn',
    '',
    '                  uuu    hhh',
    '                          h',
    '                        hhhh',
    '   hhhhhhhhhhhhhhhhhhhhhh',
)
RNN_ART = (
    ' h(t-1)━━┓',
    '         ┣━▶ tanh ━━▶ h(t)',
    '   x(t)━━┛',
    '  h = tanh(W·x + U·h + b)',
)
RNN_MASK = (
    '',
    '            hhhh      hhhh',
    '',
    '  hhhhhhhhhhhhhhhhhhhhhhh',
)
# fmt: on

DRAWINGS = {"lstm": (LSTM_ART, LSTM_MASK), "gru": (GRU_ART, GRU_MASK), "rnn": (RNN_ART, RNN_MASK)}

# quantity (as lessons name it) -> mask letter, per cell kind
PARTS = {
    "lstm": {
        "z": "z", "z_f": "f", "z_i": "i", "z_g": "g", "z_o": "o",
        "f": "f", "i": "i", "g": "g", "c_hat": "g", "c": "c", "o": "o", "h": "h", "y": "y",
    },
    "gru": {"z_r": "r", "r": "r", "z_z": "u", "z": "u", "z_n": "n", "n": "n", "h": "h", "y": "h"},
    "rnn": {"z": "h", "h": "h", "y": "h"},
}  # fmt: skip

PART_NAMES = {
    "f": "forget gate", "i": "input gate", "g": "candidate ĉ", "o": "output gate",
    "c": "cell state", "h": "hidden state", "z": "pre-activations", "y": "output layer",
    "r": "reset gate", "u": "update gate", "n": "new value n",
}  # fmt: skip


def part_for(cell: str, quantity: str | None) -> str | None:
    """The mask letter of the part a quantity lives in; None if the drawing has no such part."""
    if not quantity:
        return None
    parts = PARTS.get(cell, {})
    name = quantity.rstrip("0123456789") if quantity not in parts else quantity
    return parts.get(name)


def render_cell(cell: str, quantity: str | None, highlight: Style, dim: Style) -> Text:
    """The drawing of `cell` with the part holding `quantity` in the highlight style."""
    art, mask = DRAWINGS.get(cell, DRAWINGS["lstm"])
    letter = part_for(cell, quantity)
    text = Text(no_wrap=True, overflow="crop")
    for row, row_mask in zip(art, mask, strict=True):
        for col, char in enumerate(row):
            lit = letter is not None and col < len(row_mask) and row_mask[col] == letter
            text.append(char, highlight if lit else dim)
        text.append("\n")
    text.rstrip()
    if letter is not None:
        text.append(f"\n  asked: {PART_NAMES.get(letter, quantity)}", highlight)
    return text


class CellDiagram(Widget):
    """A cell of the kind the lesson unrolls, with the quantity of the current step lit up."""

    COMPONENT_CLASSES = {"cell-diagram--highlight", "cell-diagram--wire"}
    DEFAULT_CSS = """
    CellDiagram {
        height: auto;
        width: auto;
        padding: 0 1;
    }
    CellDiagram > .cell-diagram--highlight {
        color: $text;
        background: $accent 60%;
        text-style: bold;
    }
    CellDiagram > .cell-diagram--wire {
        color: $text-muted;
    }
    """

    cell: reactive[str] = reactive("lstm", layout=True)
    quantity: reactive[str | None] = reactive(None, layout=True)  # the "asked" line comes and goes

    def __init__(self, cell: str = "lstm", quantity: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.set_reactive(CellDiagram.cell, cell)
        self.set_reactive(CellDiagram.quantity, quantity)

    def render(self) -> Text:
        highlight = self.get_component_rich_style("cell-diagram--highlight")
        wire = self.get_component_rich_style("cell-diagram--wire")
        return render_cell(self.cell, self.quantity, highlight, wire)
