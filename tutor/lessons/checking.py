"""Sizes of a learner's value and the expected one: what counts as the same shape."""

from __future__ import annotations

import numpy as np


def same_size(value: np.ndarray, expected: np.ndarray) -> bool:
    """Shapes that hold the same numbers in the same order: [[0.5]] and 0.5 are one number."""
    return np.asarray(value).size == np.asarray(expected).size


def same_shape(value: np.ndarray, expected: np.ndarray) -> bool:
    """Equal shapes once axes of length 1 are dropped: a 1x4 row answers a 1x4 row (or 4
    numbers), a 4x2 matrix does not answer a 2x4 one."""
    value, expected = np.asarray(value), np.asarray(expected)
    return same_size(value, expected) and np.squeeze(value).shape == np.squeeze(expected).shape


def shape_mismatch(value: np.ndarray, expected: np.ndarray) -> str | None:
    """A sentence explaining a shape mismatch, or None when the shapes agree."""
    value, expected = np.asarray(value), np.asarray(expected)
    if same_shape(value, expected):
        return None
    if same_size(value, expected):
        said = f"your answer is {_shape(value)}, but the answer is {_shape(expected)}"
        if transposed(value, expected):
            return said + "; it is the right answer transposed (rows and columns swapped)"
        return said + "; check which axis holds the rows"
    return (
        f"your answer has {_count(value.size)} (shape {_shape(value)}), "
        f"but the answer has {_count(expected.size)} (shape {_shape(expected)})"
    )


def transposed(value: np.ndarray, expected: np.ndarray) -> bool:
    """A matrix that is the right one with rows and columns swapped (a 4x2 for a 2x4 dW)."""
    value, expected = np.asarray(value), np.asarray(expected)
    return (
        value.ndim == 2
        and value.T.shape == expected.shape
        and bool(np.allclose(value.T, expected, rtol=1e-6, atol=1e-9))
    )


def _count(n: int) -> str:
    return "1 number" if n == 1 else f"{n} numbers"


def _shape(a: np.ndarray) -> str:
    return "scalar" if a.ndim == 0 else "x".join(str(d) for d in a.shape)
