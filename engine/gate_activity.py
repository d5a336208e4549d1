"""Inside a trained cell: each gate's activations over the time steps of one sequence.

The model's encoder is unrolled from scratch (engine.sequence, float64) over one sequence, and
the first layer's forward traces give every gate per unit and step, the view of Karpathy,
Johnson and Fei-Fei's "Visualizing and Understanding Recurrent Networks". On the max-min task
some units' cell states follow the running maximum, others the running minimum:
`tracking` finds them by correlation.

    act = gate_activity(model, x)        # {"i": (T, H), "f": ..., "g": ..., "o": ..., "c": ...}
    tracking(act["c"], x[:, 0])          # per unit: "max", "min" or ""
"""

from __future__ import annotations

import numpy as np

from engine.convert import stack_from_torch
from engine.sequence import unroll

GATE_FIELDS = {"lstm": ("i", "f", "g", "o", "c"), "gru": ("r", "z", "n", "h"), "rnn": ("h",)}


def gate_activity(model, x) -> dict[str, np.ndarray]:
    """Every gate (and the state) of the first layer, forward direction: name -> (T, H).

    model: an engine.models.Forecaster (or anything with a torch `encoder`); x: (T, F).
    """
    stack = stack_from_torch(model.encoder)
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != stack.input_size:
        raise ValueError(
            f"x must be one sequence shaped (T, {stack.input_size}), got shape {x.shape}"
        )
    result = unroll(stack, x[:, None, :], traces=True)
    steps = result.traces[0][0]
    return {
        name: np.stack([np.asarray(getattr(tr, name))[0] for tr in steps])
        for name in GATE_FIELDS[stack.kind]
    }


def tracking(state: np.ndarray, series: np.ndarray, threshold: float = 0.7) -> list[str]:
    """For each unit (column of state, (T, H)): "max" or "min" when it follows the running
    maximum or minimum of `series` with |correlation| >= threshold, else ""."""
    series = np.asarray(series, dtype=np.float64).reshape(-1)
    targets = {
        "max": np.maximum.accumulate(series),
        "min": np.minimum.accumulate(series),
    }
    out = []
    for unit in np.asarray(state, dtype=np.float64).T:
        best, label = threshold, ""
        for name, target in targets.items():
            if np.std(unit) < 1e-12 or np.std(target) < 1e-12:
                continue
            r = abs(float(np.corrcoef(unit, target)[0, 1]))
            if r >= best:
                best, label = r, name
        out.append(label)
    return out
