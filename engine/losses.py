"""Losses with their gradients, for backpropagation by hand (numpy float64).

Each function returns (L, dL/dprediction) and reduces like its torch namesake: "mean" (the
default) averages over every element, "sum" adds them up.

    squared_error(y, target)         L = mean((y - target)**2)                    torch MSELoss
    binary_cross_entropy(y, target)  L = -mean(t log y + (1 - t) log(1 - y))      torch BCELoss
    bce_with_logits(a, target)       the same with y = sigmoid(a); dL/da = (y - t) / n
"""

from __future__ import annotations

import numpy as np

from engine.cells import sigmoid

Array = np.ndarray
REDUCTIONS = ("mean", "sum")


def _prepare(y, target, reduction: str) -> tuple[Array, Array, float]:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {', '.join(REDUCTIONS)}, not {reduction!r}")
    y, target = np.asarray(y, dtype=np.float64), np.asarray(target, dtype=np.float64)
    try:
        np.broadcast_shapes(y.shape, target.shape)
    except ValueError:
        raise ValueError(
            f"the prediction {y.shape} and the target {target.shape} do not have matching shapes"
        ) from None
    n = np.broadcast_shapes(y.shape, target.shape)
    count = float(np.prod(n)) if reduction == "mean" else 1.0
    return y, target, count


def squared_error(y, target, reduction: str = "mean") -> tuple[float, Array]:
    """L = mean((y - t)**2) and dL/dy = 2 (y - t) / n."""
    y, t, n = _prepare(y, target, reduction)
    loss = float(np.sum((y - t) ** 2) / n)
    return loss, np.broadcast_to(2.0 * (y - t) / n, np.broadcast_shapes(y.shape, t.shape)).copy()


def binary_cross_entropy(y, target, reduction: str = "mean") -> tuple[float, Array]:
    """L = -mean(t log y + (1 - t) log(1 - y)) and dL/dy = (y - t) / (y (1 - y)) / n.

    y must be a probability in [0, 1]. Like torch, each log is clamped at -100 so y = 0 or 1 gives
    a finite loss; the gradient is taken of the clamped logs (as torch's BCELoss does, with its
    1e-12 guard on the denominator y (1 - y)).
    """
    y, t, n = _prepare(y, target, reduction)
    if np.any((y < 0) | (y > 1)) or not np.all(np.isfinite(y)):
        raise ValueError("binary cross-entropy needs predictions y between 0 and 1")
    with np.errstate(divide="ignore"):
        log_y = np.maximum(np.log(y), -100.0)
        log_1my = np.maximum(np.log1p(-y), -100.0)
    loss = float(-np.sum(t * log_y + (1.0 - t) * log_1my) / n)
    eps = 1e-12  # torch's guard against dividing by zero at y = 0 or 1
    grad = (y - t) / np.maximum(y * (1.0 - y), eps) / n
    return loss, np.broadcast_to(grad, np.broadcast_shapes(y.shape, t.shape)).copy()


def bce_with_logits(a, target, reduction: str = "mean") -> tuple[float, Array]:
    """BCE of y = sigmoid(a): dL/da = (sigmoid(a) - t) / n (torch's BCEWithLogitsLoss)."""
    a, t, n = _prepare(a, target, reduction)
    # log sigmoid(a) = -softplus(-a), log(1 - sigmoid(a)) = -softplus(a), computed stably
    softplus = np.logaddexp(0.0, a)
    loss = float(np.sum(softplus - t * a) / n)
    grad = (sigmoid(a) - t) / n
    return loss, np.broadcast_to(grad, np.broadcast_shapes(a.shape, t.shape)).copy()


LOSSES = {
    "squared_error": squared_error,
    "binary_cross_entropy": binary_cross_entropy,
    "bce_with_logits": bce_with_logits,
}
