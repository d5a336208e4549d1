"""Comparing a learner's value with the expected one, under a step's tolerance."""

from __future__ import annotations

import numpy as np

from tutor.lessons.schema import Tolerance


def same_size(value: np.ndarray, expected: np.ndarray) -> bool:
    """Shapes that hold the same numbers in the same order: [[0.5]] and 0.5 are one number."""
    return np.asarray(value).size == np.asarray(expected).size


def close(value: np.ndarray, expected: np.ndarray, tol: Tolerance) -> bool:
    """Every element within atol + rtol*|expected| (numpy's isclose rule)."""
    value, expected = np.asarray(value, dtype=float), np.asarray(expected, dtype=float)
    if not same_size(value, expected):
        return False
    a, b = value.reshape(-1), expected.reshape(-1)
    return bool(np.all(np.isfinite(a)) and np.allclose(a, b, rtol=tol.rtol, atol=tol.atol))


def clearly_different(a: np.ndarray, b: np.ndarray, tol: Tolerance) -> bool:
    """True when no answer could be within tolerance of both (the gap exceeds both windows)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if not same_size(a, b):
        return True
    a, b = a.reshape(-1), b.reshape(-1)
    window = tol.atol + tol.rtol * np.abs(b)
    return bool(np.any(np.abs(a - b) > 2 * window))


def shape_mismatch(value: np.ndarray, expected: np.ndarray) -> str | None:
    """A sentence explaining a size mismatch, or None when the sizes agree."""
    value, expected = np.asarray(value), np.asarray(expected)
    if same_size(value, expected):
        return None
    return (
        f"your answer has {_count(value.size)} (shape {_shape(value)}), "
        f"but the answer has {_count(expected.size)} (shape {_shape(expected)})"
    )


def tolerance_text(tol: Tolerance) -> str:
    """How a learner sees the tolerance: '±1%' (and the absolute floor near zero)."""
    percent = f"{tol.rtol * 100:g}%"
    if tol.atol == 0:
        return f"±{percent}"
    return f"±{percent} (or ±{tol.atol:g} near zero)"


def _count(n: int) -> str:
    return "1 number" if n == 1 else f"{n} numbers"


def _shape(a: np.ndarray) -> str:
    return "scalar" if a.ndim == 0 else "x".join(str(d) for d in a.shape)
