"""Models: every kind with every head, shapes, covariates, bidirectional, forget bias, config."""

from __future__ import annotations

import json

import pytest
import torch

from engine.models import ModelConfig, build_model, recursive_forecast
from engine.train import TrainConfig, fit
from engine.vocabulary import HEADS
from engine.vocabulary import MODEL_KINDS as KINDS


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("head", HEADS)
@pytest.mark.parametrize("future_size", [0, 2])
def test_each_kind_and_head_predicts_the_declared_shape_and_trains(kind, head, future_size):
    horizon = 1 if head == "one_step" else 3
    cfg = ModelConfig(
        kind=kind,
        input_size=2,
        hidden=6,
        layers=2,
        dropout=0.1,
        bidirectional=True,
        head=head,
        horizon=horizon,
        n_targets=2,
        future_size=future_size,
    )
    model = build_model(cfg, seed=0)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(5, 7, 2, generator=g)
    xf = torch.randn(5, horizon, future_size, generator=g) if future_size else None
    assert model(x, xf).shape == (5, horizon, 2)
    y = torch.randn(5, horizon, 2, generator=g)
    data = (x, y, xf) if future_size else (x, y)
    r = fit(model, data, None, TrainConfig(epochs=2, batch_size=2))
    assert r.epochs_run == 2 and all(torch.isfinite(torch.tensor(r.history["train_loss"])))


def test_future_covariates_change_the_prediction():
    model = build_model(ModelConfig(hidden=4, head="seq2seq", horizon=3, future_size=1), seed=0)
    model.eval()
    x = torch.randn(2, 5, 1)
    a = model(x, torch.zeros(2, 3, 1))
    b = model(x, torch.ones(2, 3, 1))
    assert not torch.allclose(a, b)


def test_missing_or_unexpected_future_covariates_are_errors():
    with_future = build_model(ModelConfig(hidden=4, future_size=2), seed=0)
    with pytest.raises(ValueError, match="known-future covariates"):
        with_future(torch.randn(1, 4, 1))
    plain = build_model(ModelConfig(hidden=4), seed=0)
    with pytest.raises(ValueError, match="known-future"):
        plain(torch.randn(1, 4, 1), torch.randn(1, 1, 2))


def test_bidirectional_encoder_sees_the_whole_window_backwards_too():
    cfg = ModelConfig(kind="gru", hidden=5, bidirectional=True)
    model = build_model(cfg, seed=0)
    assert model.encoder.bidirectional and model.out.in_features == 10
    model.eval()
    x = torch.randn(1, 6, 1)
    y = x.clone()
    y[0, 0, 0] += 1.0  # the first step reaches the head straight through the backward direction
    assert not torch.allclose(model(x), model(y))


def test_forget_bias_sets_the_sum_of_both_biases():
    model = build_model(ModelConfig(kind="lstm", hidden=3, layers=2, forget_bias=1.0), seed=0)
    for layer in range(2):
        b_ih = getattr(model.encoder, f"bias_ih_l{layer}")
        b_hh = getattr(model.encoder, f"bias_hh_l{layer}")
        assert torch.equal(b_ih[3:6] + b_hh[3:6], torch.ones(3))
        assert not torch.equal(b_ih[:3], torch.ones(3))  # only the f block (torch order i, f, g, o)


def test_seeded_build_is_repeatable_and_leaves_global_rng_alone():
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    a = build_model(ModelConfig(hidden=4), seed=7)
    after = torch.rand(1)
    b = build_model(ModelConfig(hidden=4), seed=7)
    c = build_model(ModelConfig(hidden=4), seed=8)
    assert torch.equal(expected, after)
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)


def test_config_round_trips_through_json_and_rejects_bad_values():
    cfg = ModelConfig(kind="gru", hidden=9, head="seq2seq", horizon=7, future_size=3)
    assert ModelConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg
    with pytest.raises(ValueError, match="kind must be one of"):
        ModelConfig(kind="transformer")
    with pytest.raises(ValueError, match="one_step head predicts one step"):
        ModelConfig(head="one_step", horizon=3)
    with pytest.raises(ValueError, match="unknown model config keys: colour"):
        ModelConfig.from_dict({"colour": 1})


def test_recursive_forecast_feeds_predictions_back():
    model = build_model(ModelConfig(kind="rnn", hidden=4, head="one_step"), seed=0)
    x = torch.randn(2, 5, 1)
    out = recursive_forecast(model, x, 3)
    assert out.shape == (2, 3, 1)
    # step 2 equals a one-step prediction from the window shifted by the first prediction
    model.eval()
    shifted = torch.cat([x[:, 1:], out[:, :1]], dim=1)
    assert torch.allclose(out[:, 1:2], model(shifted))


def test_recursive_forecast_with_covariates_appends_them_to_the_window():
    model = build_model(ModelConfig(hidden=4, input_size=2, head="one_step", future_size=1), seed=0)
    x = torch.randn(1, 5, 2)
    xf = torch.randn(1, 3, 1)
    out = recursive_forecast(model, x, 3, xf)
    model.eval()
    window = torch.cat([x[:, 1:], torch.cat([out[:, :1], xf[:, :1]], dim=2)], dim=1)
    assert torch.allclose(out[:, 1:2], model(window, xf[:, 1:2]))
    with pytest.raises(ValueError, match="covariate column"):
        recursive_forecast(model, x, 3)
