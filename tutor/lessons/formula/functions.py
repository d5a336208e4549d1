"""The functions a formula may call: a fixed whitelist, each with its arity and a help line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from engine.cells import sigmoid
from tutor.lessons.formula.errors import FormulaError

Array = np.ndarray


def _concat(*arrays: Array) -> Array:
    """Concatenate along the last axis (np.concatenate(axis=-1)). A single number beside a
    row joins as one more column: `concat(x1, h1)` with x1 1x1 and h1 a number (the zero
    initial state simplified away) is the 1x2 row it means."""
    values = [np.asarray(a) for a in arrays]
    shaped = [v for v in values if v.ndim > 0]
    like = shaped[0].shape[:-1] + (1,) if shaped else (1,)
    if np.prod(like) != 1:  # beside a matrix of several rows a number is no column
        like = (1,)
    parts = [np.full(like, v) if v.ndim == 0 else v for v in values]
    ndims = {p.ndim for p in parts}
    if len(ndims) > 1:
        shapes = " and ".join(_describe(p) for p in parts)
        raise FormulaError(
            f"concat needs arrays of the same rank, got {shapes}; "
            "slice a row to keep it 2-D (W[0:1, :] rather than W[0, :])"
        )
    return np.concatenate(parts, axis=-1)


def _softmax(x: Array) -> Array:
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _extremum(reduce: Callable, pairwise: Callable) -> Callable:
    def f(*args: Array) -> Array:
        if len(args) == 1:
            return reduce(args[0])
        out = args[0]
        for a in args[1:]:
            out = pairwise(out, a)
        return out

    return f


@dataclass(frozen=True)
class Function:
    impl: Callable[..., Array]
    arity: tuple[int, int | None]  # (fewest, most) arguments; None means any number
    help: str


FUNCTIONS: dict[str, Function] = {
    "sigmoid": Function(sigmoid, (1, 1), "logistic 1/(1+exp(-x)), elementwise"),
    "tanh": Function(np.tanh, (1, 1), "hyperbolic tangent, elementwise"),
    "relu": Function(lambda x: np.maximum(x, 0.0), (1, 1), "max(x, 0), elementwise"),
    "exp": Function(np.exp, (1, 1), "e to the x, elementwise"),
    "log": Function(np.log, (1, 1), "natural logarithm, elementwise"),
    "sqrt": Function(np.sqrt, (1, 1), "square root, elementwise"),
    "abs": Function(np.abs, (1, 1), "absolute value, elementwise"),
    "concat": Function(_concat, (1, None), "join arrays along the last axis: concat(x0, h0)"),
    "dot": Function(np.dot, (2, 2), "dot / matrix product: dot(a, b)"),
    "sum": Function(np.sum, (1, 1), "sum of all elements"),
    "mean": Function(np.mean, (1, 1), "mean of all elements"),
    "max": Function(_extremum(np.max, np.maximum), (1, None), "largest element, or max(a, b)"),
    "min": Function(_extremum(np.min, np.minimum), (1, None), "smallest element, or min(a, b)"),
    "transpose": Function(np.transpose, (1, 1), "swap the axes of a matrix"),
    "softmax": Function(_softmax, (1, 1), "softmax over the last axis"),
    "clip": Function(np.clip, (3, 3), "clip(x, low, high)"),
    "outer": Function(np.outer, (2, 2), "outer product of two vectors"),
}


def _describe(a: Array) -> str:
    a = np.asarray(a)
    if a.ndim == 0:
        return "a number"
    if a.ndim == 1:
        return f"a {a.shape[0]}-vector"
    return "a " + "x".join(str(s) for s in a.shape) + " array"
