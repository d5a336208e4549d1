"""The formula to reveal for a number step: how the answer is computed, not only its value.

Taken from the step's `reference:`, else from the lesson's own words (a code span in a hint or
the explanation), else written for a cell's gate or pre-activation. Every candidate is
evaluated by the runtime first and kept only when it gives the step's exact value, so a
revealed formula is never wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tutor.lessons.runtime import LessonSession

CODE = re.compile(r"`([^`]+)`")
ASSIGNED = re.compile(r"^\s*[A-Za-z_]\w*\s*=(?!=)")  # `c1 = c0 * f0 + ...`
ACTIVATION = {"f": "sigmoid", "i": "sigmoid", "o": "sigmoid", "r": "sigmoid", "g": "tanh"}


def revealed_formula(session: LessonSession, step: Any) -> str | None:
    """A formula whose value is the step's exact answer, or None when none is known."""
    if not step.valued:
        return None
    reference = step.reference
    if reference:
        return " ".join(str(reference).split())
    expected = session.expected(step.id)
    if expected is None:
        return None
    for formula in _candidates(session, step):
        value = session.preview(step.id, formula).value
        if value is not None and np.size(value) == np.size(expected):  # 1x1 and scalar alike
            if np.allclose(np.ravel(value), np.ravel(expected), rtol=1e-9, atol=1e-12):
                return formula
    return None


def _candidates(session: LessonSession, step: Any) -> Iterator[str]:
    for text in (*step.hints, step.explanation or ""):
        for span in CODE.findall(text):
            if "{{" not in span:
                yield ASSIGNED.sub("", span).strip()
    yield from _cell_formulas(session, step)


def _cell_formulas(session: LessonSession, step: Any) -> Iterator[str]:
    """An LSTM's or GRU's pre-activation `z<t>` and the gates sliced from it."""
    run, quantity, t = session.refs.run, step.quantity, step.t
    if run is None or quantity is None or t is None or t >= len(run.model.inputs):
        return
    z = f"concat({run.model.inputs[t]}, h{t}) @ W + B"
    if quantity == "z":
        yield z
        return
    gate = "g" if quantity == "c_hat" else quantity
    layout, size = tuple(run.layout), run.model.hidden_size
    if gate not in layout or gate not in ACTIVATION:
        return
    j = layout.index(gate)
    columns = f"0, {j}" if size == 1 else f":, {j * size}:{(j + 1) * size}"
    yield f"{ACTIVATION[gate]}(z{t}[{columns}])"
    yield f"{ACTIVATION[gate]}(({z})[{columns}])"
