"""How values appear to learners: exact references, compact previews, and {{ }} templates."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

TEMPLATE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)


def exact(value: np.ndarray) -> str:
    """Every digit (repr of float64), so a learner can carry the exact value forward."""
    return _format(np.asarray(value, dtype=float), repr)


def short(value: np.ndarray, digits: int = 8) -> str:
    """A compact form for previews: 8 significant digits."""
    return _format(np.asarray(value, dtype=float), lambda v: f"{v:.{digits}g}")


def to_json(value: np.ndarray | None) -> float | list | None:
    """A scalar for one number, nested lists otherwise (shape kept)."""
    if value is None:
        return None
    array = np.asarray(value, dtype=float)
    return float(array) if array.ndim == 0 else array.tolist()


def template_expressions(text: str) -> list[str]:
    return [m.group(1).strip() for m in TEMPLATE.finditer(text)]


def _format(array: np.ndarray, one: Callable[[float], str]) -> str:
    if array.ndim == 0:
        return one(float(array) + 0.0)  # + 0.0: a learner is never shown "-0.0"
    return "[" + ", ".join(_format(row, one) for row in array) + "]"
