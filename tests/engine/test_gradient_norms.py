"""engine.gradient_norms against torch autograd stepping the encoder one time step at a time."""

import numpy as np
import pytest
import torch

from engine.gradient_norms import sparkline, step_gradient_norms
from engine.models import ModelConfig, build_model


def torch_norms(model, X, Y) -> np.ndarray:
    """||dL/dh_t|| by autograd: run the encoder step by step, keeping every state's gradient."""
    model = model.double().eval()
    x = torch.as_tensor(X, dtype=torch.float64)
    state, hs = None, []
    for t in range(x.shape[1]):
        _, state = model.encoder(x[:, t : t + 1], state)
        h = state[0] if isinstance(state, tuple) else state
        h.retain_grad()
        hs.append(h)
    pred = model.out(hs[-1][-1]).view(len(X), 1, -1)
    loss = torch.nn.functional.mse_loss(pred, torch.as_tensor(Y, dtype=torch.float64).view_as(pred))
    loss.backward()
    return np.array([h.grad[0].norm(dim=-1).mean().item() for h in hs])


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_per_step_norms_match_autograd(kind):
    rng = np.random.default_rng(0)
    X, Y = rng.standard_normal((5, 12, 1)), rng.standard_normal((5, 2))
    model = build_model(ModelConfig(kind=kind, hidden=4, n_targets=2), seed=1).double()
    ours = step_gradient_norms(model, X, Y)
    theirs = torch_norms(model, X, Y)
    assert ours.shape == (12,)
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)


def test_sparkline_is_log_scaled():
    line = sparkline(np.array([1e-12, 1e-6, 1.0]))
    assert line == "▁▅█"
    assert len(sparkline(np.ones(100), width=40)) == 40
