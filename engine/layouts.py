"""Gate layouts as data: the order in which a weight matrix stacks its gate blocks.

Every framework stacks the same four LSTM blocks (three for a GRU) in its own order; a layout is
just that order, so converting between conventions is a permutation of row blocks.
"""

from __future__ import annotations

from collections.abc import Sequence

LSTM_GATES = ("i", "f", "g", "o")
GRU_GATES = ("r", "z", "n")

LSTM_LAYOUTS: dict[str, tuple[str, ...]] = {
    "pytorch": ("i", "f", "g", "o"),
    "keras": ("i", "f", "g", "o"),  # Keras calls the candidate c
    "seed000": ("f", "i", "g", "o"),  # forget, input, candidate (c-hat), output
    "seed004": ("i", "g", "f", "o"),  # input, new value, forget, output
}
GRU_LAYOUTS: dict[str, tuple[str, ...]] = {
    "pytorch": ("r", "z", "n"),
    "keras": ("z", "r", "n"),
}
_ALIASES = {"c": "g", "c_hat": "g", "chat": "g", "candidate": "g", "h": "n"}


def _resolve(spec: str | Sequence[str], named: dict, gates: tuple[str, ...], kind: str):
    if isinstance(spec, str):
        if spec in named:
            return named[spec]
        raise ValueError(
            f"unknown {kind} layout {spec!r}; use one of {', '.join(named)} "
            f"or a permutation of {', '.join(gates)}"
        )
    order = tuple(_ALIASES.get(str(g), str(g)) if kind == "LSTM" else str(g) for g in spec)
    if sorted(order) != sorted(gates):
        raise ValueError(
            f"{kind} layout {list(spec)!r} must name each gate of {', '.join(gates)} exactly once"
        )
    return order


def lstm_layout(spec: str | Sequence[str]) -> tuple[str, ...]:
    """The LSTM gate order for a named convention or an explicit permutation of i, f, g, o."""
    return _resolve(spec, LSTM_LAYOUTS, LSTM_GATES, "LSTM")


def gru_layout(spec: str | Sequence[str]) -> tuple[str, ...]:
    """The GRU gate order for a named convention or an explicit permutation of r, z, n."""
    return _resolve(spec, GRU_LAYOUTS, GRU_GATES, "GRU")


def permutation(source: Sequence[str], target: Sequence[str]) -> list[int]:
    """Block indices that reorder blocks stacked in `source` order into `target` order."""
    return [list(source).index(g) for g in target]


def reorder_blocks(a, source: Sequence[str], target: Sequence[str]):
    """Reorder the gate blocks stacked along axis 0 of `a` from `source` to `target` order."""
    blocks = a.reshape(len(source), -1, *a.shape[1:])
    return blocks[permutation(source, target)].reshape(a.shape)
