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
# Other names for the candidate: Keras calls the LSTM's c (seed 000 c-hat) and the GRU's h.
LSTM_ALIASES = {"c": "g", "c_hat": "g", "chat": "g", "candidate": "g"}
GRU_ALIASES = {"h": "n", "h_hat": "n", "candidate": "n"}


def _resolve(
    spec: str | Sequence[str],
    named: dict[str, tuple[str, ...]],
    gates: tuple[str, ...],
    aliases: dict[str, str],
    kind: str,
) -> tuple[str, ...]:
    if isinstance(spec, str):
        key = spec.strip().lower()
        if key in named:
            return named[key]
        raise ValueError(
            f"unknown {kind} layout {spec!r}; use one of {', '.join(named)} "
            f"or a permutation of {', '.join(gates)}"
        )
    try:
        names = [str(g).strip() for g in spec]
    except TypeError:
        raise ValueError(
            f"a {kind} layout is a name or a sequence of gate names, not {type(spec).__name__}"
        ) from None
    order = tuple(aliases.get(g.lower(), g.lower()) for g in names)
    if sorted(order) != sorted(gates):
        raise ValueError(
            f"{kind} layout {names!r} must name each gate of {', '.join(gates)} exactly once"
            f" (aliases: {', '.join(f'{a}={g}' for a, g in aliases.items())})"
        )
    return order


def lstm_layout(spec: str | Sequence[str]) -> tuple[str, ...]:
    """The LSTM gate order for a named convention or a permutation of i, f, g, o (c, c_hat = g)."""
    return _resolve(spec, LSTM_LAYOUTS, LSTM_GATES, LSTM_ALIASES, "LSTM")


def gru_layout(spec: str | Sequence[str]) -> tuple[str, ...]:
    """The GRU gate order for a named convention or an explicit permutation of r, z, n (h = n)."""
    return _resolve(spec, GRU_LAYOUTS, GRU_GATES, GRU_ALIASES, "GRU")


def permutation(source: Sequence[str], target: Sequence[str]) -> list[int]:
    """Block indices that reorder blocks stacked in `source` order into `target` order."""
    return [list(source).index(g) for g in target]


def reorder_blocks(a, source: Sequence[str], target: Sequence[str]):
    """Reorder the gate blocks stacked along axis 0 of `a` from `source` to `target` order."""
    blocks = a.reshape(len(source), -1, *a.shape[1:])
    return blocks[permutation(source, target)].reshape(a.shape)
