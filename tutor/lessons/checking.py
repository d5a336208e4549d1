"""Sizes of a learner's value and the expected one: what counts as the same shape."""

from __future__ import annotations

import numpy as np


def same_size(value: np.ndarray, expected: np.ndarray) -> bool:
    """Shapes that hold the same numbers in the same order: [[0.5]] and 0.5 are one number."""
    return np.asarray(value).size == np.asarray(expected).size


def shape_mismatch(value: np.ndarray, expected: np.ndarray) -> str | None:
    """A sentence explaining a size mismatch, or None when the sizes agree."""
    value, expected = np.asarray(value), np.asarray(expected)
    if same_size(value, expected):
        return None
    return (
        f"your answer has {_count(value.size)} (shape {_shape(value)}), "
        f"but the answer has {_count(expected.size)} (shape {_shape(expected)})"
    )


def _count(n: int) -> str:
    return "1 number" if n == 1 else f"{n} numbers"


def _shape(a: np.ndarray) -> str:
    return "scalar" if a.ndim == 0 else "x".join(str(d) for d in a.shape)
