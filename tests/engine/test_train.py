"""The trainer: events, repeatability, early stopping, cancel, losses and optimizers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from engine import datasets
from engine.events import BatchEnd, EpochEnd, TrainingDone
from engine.models import ModelConfig, build_model, recursive_forecast
from engine.train import TrainConfig, fit, predict, resolve_device


def _sine_data(n=200, window=10):
    y = datasets.sine(n, 20)
    return datasets.sine_windows(y, window)


def _small(kind="lstm", **over):
    return build_model(ModelConfig(kind=kind, hidden=8, head="one_step", **over), seed=1)


def test_events_arrive_in_order_and_describe_the_run():
    X, Y = _sine_data()
    events = []
    cfg = TrainConfig(epochs=3, batch_size=32, batch_event_interval=0)
    r = fit(_small(), (X[:150], Y[:150]), (X[150:], Y[150:]), cfg, events.append, run="a")
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    batches = [e for e in events if isinstance(e, BatchEnd)]
    assert [e.epoch for e in epochs] == [1, 2, 3]
    assert len(batches) == 3 * math.ceil(150 / 32)
    assert all(e.run == "a" for e in events)
    assert isinstance(events[-1], TrainingDone) and events[-1].reason == "completed"
    assert all(e.val_loss is not None and e.eta >= 0 for e in epochs)
    assert epochs[-1].eta == 0
    assert r.history["train_loss"] == [e.train_loss for e in epochs]


def test_same_seed_same_numbers():
    X, Y = _sine_data()
    cfg = TrainConfig(epochs=2, batch_size=16, seed=7)
    runs = []
    for _ in range(2):
        m = build_model(
            ModelConfig(kind="gru", hidden=8, layers=2, dropout=0.2, head="one_step"), 3
        )
        r = fit(m, (X, Y), None, cfg)
        runs.append((r.history["train_loss"], predict(m, X[:5])))
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])


def test_training_lowers_the_loss():
    X, Y = _sine_data()
    r = fit(_small(), (X, Y), None, TrainConfig(epochs=8, batch_size=16, lr=0.01))
    assert r.history["train_loss"][-1] < r.history["train_loss"][0] / 3


def test_cancel_between_batches():
    X, Y = _sine_data()
    calls = {"n": 0}

    def stop():
        calls["n"] += 1
        return calls["n"] > 2  # two batches run, the third is refused

    events = []
    r = fit(_small(), (X, Y), None, TrainConfig(epochs=5, batch_size=8), events.append, stop)
    assert r.reason == "cancelled" and r.epochs_run == 0
    assert isinstance(events[-1], TrainingDone) and events[-1].reason == "cancelled"
    assert not any(isinstance(e, EpochEnd) for e in events)


def test_early_stopping_keeps_the_best_weights():
    X, Y = _sine_data()
    # lr so high that validation loss cannot keep improving
    cfg = TrainConfig(epochs=30, batch_size=16, lr=0.5, optimizer="sgd", patience=2)
    m = _small()
    r = fit(m, (X[:150], Y[:150]), (X[150:], Y[150:]), cfg)
    assert r.reason == "early_stopped" and r.epochs_run < 30
    assert r.best_val_loss == min(v for v in r.history["val_loss"])


@pytest.mark.parametrize("loss", ["mse", "huber", "mae"])
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_losses_and_optimizers_train(loss, optimizer):
    X, Y = _sine_data(120)
    cfg = TrainConfig(
        epochs=2,
        batch_size=32,
        loss=loss,
        optimizer=optimizer,
        lr=0.01,
        grad_clip=1.0,
        lr_patience=0,
    )
    r = fit(_small(), (X, Y), None, cfg)
    assert all(math.isfinite(v) for v in r.history["train_loss"])


def test_reduce_lr_on_plateau_lowers_the_rate():
    X, Y = _sine_data(120)
    cfg = TrainConfig(
        epochs=6,
        batch_size=32,
        lr=2.0,
        optimizer="sgd",
        lr_patience=0,
        lr_factor=0.5,
        grad_clip=1.0,
    )
    r = fit(_small(), (X, Y), None, cfg)
    assert min(r.history["lr"]) < 2.0


def test_bad_config_and_device_messages():
    with pytest.raises(ValueError, match="optimizer must be one of"):
        TrainConfig(optimizer="rmsprop")
    with pytest.raises(ValueError, match="loss must be one of"):
        TrainConfig(loss="l3")
    assert resolve_device("cpu").type == "cpu"
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="cuda"):
            resolve_device("cuda")


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("head", ["direct", "seq2seq"])
def test_multi_step_heads_with_future_covariates(kind, head):
    cfg = ModelConfig(
        kind=kind,
        input_size=3,
        hidden=6,
        layers=2,
        dropout=0.1,
        bidirectional=True,
        head=head,
        horizon=4,
        n_targets=2,
        future_size=3,
    )
    m = build_model(cfg, seed=0)
    out = m(torch.zeros(5, 7, 3), torch.zeros(5, 4, 3))
    assert out.shape == (5, 4, 2)
    with pytest.raises(ValueError, match="known-future"):
        m(torch.zeros(5, 7, 3))


def test_recursive_rollout_feeds_predictions_back():
    m = _small()
    x = torch.randn(2, 10, 1)
    rolled = recursive_forecast(m, x, 3)
    # step by step by hand
    w = x.clone()
    for s in range(3):
        with torch.no_grad():
            y = m(w)
        torch.testing.assert_close(rolled[:, s : s + 1], y)
        w = torch.cat([w[:, 1:], y], dim=1)
