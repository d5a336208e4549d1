"""engine.losses against torch's own losses and their autograd gradients."""

import numpy as np
import pytest
import torch

from engine.losses import bce_with_logits, binary_cross_entropy, squared_error

TORCH = {
    squared_error: torch.nn.functional.mse_loss,
    binary_cross_entropy: torch.nn.functional.binary_cross_entropy,
    bce_with_logits: torch.nn.functional.binary_cross_entropy_with_logits,
}


@pytest.mark.parametrize("fn", list(TORCH))
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("shape", [(), (1, 1), (3, 4)])
def test_loss_and_gradient_match_torch(fn, reduction, shape):
    rng = np.random.default_rng(len(shape))
    y = rng.uniform(0.02, 0.98, shape) if fn is binary_cross_entropy else rng.normal(size=shape)
    t = (
        rng.integers(0, 2, shape).astype(float)
        if fn is not squared_error
        else rng.normal(size=shape)
    )
    yt = torch.tensor(y, requires_grad=True)
    expected = TORCH[fn](yt, torch.tensor(t), reduction=reduction)
    expected.backward()
    loss, grad = fn(y, t, reduction=reduction)
    assert loss == pytest.approx(expected.item(), rel=1e-13, abs=1e-15)
    assert grad == pytest.approx(yt.grad.numpy(), rel=1e-12, abs=1e-15)


def test_seed000_output_with_bce():
    # y = sigmoid(h2 * 1.0 + 0.5) = 0.5855398664699348; target 1: L = -log y, dL/dy = -1/y
    y = np.array([[0.5855398664699348]])
    loss, dy = binary_cross_entropy(y, [[1.0]])
    assert loss == pytest.approx(-np.log(0.5855398664699348))
    assert dy[0, 0] == pytest.approx(-1 / 0.5855398664699348)
    # through the sigmoid: dL/da = y - t
    a = np.log(y / (1 - y))
    assert bce_with_logits(a, [[1.0]])[1][0, 0] == pytest.approx(y[0, 0] - 1.0)


def test_bce_at_the_edges_stays_finite():
    loss, grad = binary_cross_entropy(np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    assert loss == pytest.approx(100.0)
    assert np.all(np.isfinite(grad))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: binary_cross_entropy([1.5], [1.0]), "between 0 and 1"),
        (lambda: squared_error([1.0, 2.0], [1.0, 2.0, 3.0]), "matching shapes"),
        (lambda: squared_error([1.0], [1.0], reduction="avg"), "reduction must be"),
    ],
)
def test_bad_input_is_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
