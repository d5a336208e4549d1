"""The trainer, more closely: exact event order, throttling, cancel within a batch, restored best
weights, seeds, the loss reported, validation split, shape errors and real learning on a sine."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from engine import datasets
from engine.events import BatchEnd, EpochEnd, TrainingDone
from engine.models import ModelConfig, build_model, recursive_forecast
from engine.train import FitResult, TrainConfig, fit, predict


def tiny_data(n=64, T=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, T, 1)).astype(np.float32)
    Y = X.sum(axis=1, keepdims=True)  # (n, 1, 1): a sum the model can learn
    return X, Y


def tiny_model(seed=0, **kw):
    return build_model(ModelConfig(kind=kw.pop("kind", "gru"), hidden=8, **kw), seed=seed)


def weights(model):
    return torch.cat([p.detach().flatten() for p in model.parameters()])


def test_event_stream_exact_shape_and_order():
    X, Y = tiny_data()
    events = []
    cfg = TrainConfig(epochs=3, batch_size=16, batch_event_interval=0)
    r = fit(tiny_model(), (X[:48], Y[:48]), (X[48:], Y[48:]), cfg, on_event=events.append, run="m")
    assert isinstance(r, FitResult) and r.epochs_run == 3 and r.reason == "completed"
    # every epoch: its 3 batches (interval 0: each one), then its EpochEnd; TrainingDone last
    kinds = [type(e).__name__ for e in events]
    assert kinds == (["BatchEnd"] * 3 + ["EpochEnd"]) * 3 + ["TrainingDone"]
    batches = [e for e in events if isinstance(e, BatchEnd)]
    assert [(e.epoch, e.batch) for e in batches] == [(ep, b) for ep in (1, 2, 3) for b in (1, 2, 3)]
    assert all(e.n_batches == 3 and np.isfinite(e.loss) for e in batches)
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    assert all(e.epochs == 3 and e.lr == cfg.lr for e in epochs)
    assert [e.val_loss for e in epochs] == r.history["val_loss"]
    assert epochs[0].elapsed <= epochs[1].elapsed <= epochs[2].elapsed
    done = events[-1]
    assert isinstance(done, TrainingDone) and done.run == "m" and done.epochs_run == 3
    assert done.best_val_loss == min(r.history["val_loss"]) == r.best_val_loss


def test_batch_events_are_throttled_but_each_epoch_ends_with_one():
    X, Y = tiny_data(n=256)
    events = []
    cfg = TrainConfig(epochs=2, batch_size=8, batch_event_interval=60)
    fit(tiny_model(), (X, Y), None, cfg, on_event=events.append)
    batches = [e for e in events if isinstance(e, BatchEnd)]
    # the fit's first batch, then (60 s never pass here) only each epoch's last batch
    assert [(e.epoch, e.batch) for e in batches] == [(1, 1), (1, 32), (2, 32)]


def test_cancel_takes_effect_before_the_next_batch():
    X, Y = tiny_data(n=128)
    calls = {"n": 0}

    def should_stop():
        calls["n"] += 1
        return calls["n"] > 5  # asked before every batch: exactly 5 batches may run

    events = []
    cfg = TrainConfig(epochs=50, batch_size=16, batch_event_interval=0)
    r = fit(tiny_model(), (X, Y), None, cfg, on_event=events.append, should_stop=should_stop)
    assert r.reason == "cancelled" and calls["n"] == 6
    assert len([e for e in events if isinstance(e, BatchEnd)]) == 5
    assert isinstance(events[-1], TrainingDone) and events[-1].reason == "cancelled"
    assert r.epochs_run == 0  # the first epoch (8 batches) never finished


def test_early_stopping_restores_the_best_weights():
    X, Y = tiny_data(n=64)
    rng = np.random.default_rng(1)
    Xv = rng.normal(size=(32, 6, 1)).astype(np.float32)
    Yv = rng.normal(size=(32, 1, 1)).astype(np.float32) * 5  # noise: val loss stops improving
    model = tiny_model()
    r = fit(model, (X, Y), (Xv, Yv), TrainConfig(epochs=200, batch_size=16, lr=0.05, patience=3))
    assert r.reason == "early_stopped" and r.epochs_run - r.best_epoch == 3
    assert r.best_val_loss == min(r.history["val_loss"])
    restored = torch.nn.functional.mse_loss(
        torch.as_tensor(predict(model, Xv)), torch.as_tensor(Yv)
    )
    assert restored.item() == pytest.approx(r.best_val_loss, rel=1e-5)


def test_same_seed_same_weights_another_seed_differs():
    X, Y = tiny_data()
    runs = []
    for seed in (3, 3, 4):
        m = tiny_model(seed=seed, dropout=0.2, layers=2)
        r = fit(m, (X, Y), None, TrainConfig(epochs=3, batch_size=16, seed=seed))
        runs.append((r.history["train_loss"], weights(m)))
    assert runs[0][0] == runs[1][0] and torch.equal(runs[0][1], runs[1][1])
    assert runs[0][0] != runs[2][0] and not torch.equal(runs[0][1], runs[2][1])


def test_the_shuffling_seed_alone_changes_the_run():
    X, Y = tiny_data()
    a, b = tiny_model(seed=0), tiny_model(seed=0)
    fit(a, (X, Y), None, TrainConfig(epochs=2, batch_size=16, seed=0))
    fit(b, (X, Y), None, TrainConfig(epochs=2, batch_size=16, seed=1))
    assert not torch.equal(weights(a), weights(b))


@pytest.mark.parametrize(
    ("loss", "reference"),
    [
        ("mse", torch.nn.functional.mse_loss),
        ("mae", torch.nn.functional.l1_loss),
        ("huber", torch.nn.functional.huber_loss),
    ],
)
def test_the_loss_chosen_is_the_loss_reported(loss, reference):
    X, Y = tiny_data()
    model = tiny_model()
    expected = reference(torch.as_tensor(predict(model, X)), torch.as_tensor(Y)).item()
    cfg = TrainConfig(epochs=1, lr=1e-12, loss=loss, optimizer="sgd", momentum=0.0)
    r = fit(model, (X, Y), (X, Y), cfg)  # lr ~0: validation sees the untrained model
    assert r.history["val_loss"][0] == pytest.approx(expected, rel=1e-4)


def test_val_fraction_holds_out_the_last_rows():
    X, Y = tiny_data(n=40)
    r = fit(tiny_model(), (X, Y), None, TrainConfig(epochs=2, val_fraction=0.25))
    assert all(v is not None for v in r.history["val_loss"]) and r.best_val_loss is not None


def test_target_shape_mismatch_is_explained():
    X, _ = tiny_data()
    with pytest.raises(ValueError, match="targets shaped"):
        fit(tiny_model(), (X, np.zeros((64, 3), np.float32)), None, TrainConfig(epochs=1))


def test_sine_forecast_is_far_better_than_the_mean():
    y = datasets.sine(400, 40)
    X, Y = datasets.sine_windows(y[:-40], 20)
    model = build_model(ModelConfig(kind="lstm", hidden=24, head="one_step"), seed=0)
    fit(model, (X, Y), None, TrainConfig(epochs=40, batch_size=32, lr=0.01))
    start = torch.as_tensor(y[-60:-40]).view(1, 20, 1)
    forecast = recursive_forecast(model, start, 40).view(-1).numpy()
    mse = float(np.mean((forecast - y[-40:]) ** 2))
    mean_mse = float(np.var(y[-40:]))  # predicting the mean scores 0.5
    assert mse < 0.02 * mean_mse  # 40 autoregressive steps: a broken trainer drifts far off


def test_a_loss_that_blows_up_is_named():
    X, Y = tiny_data()
    Y = Y.copy()
    Y[0] = np.nan
    with pytest.raises(FloatingPointError, match="the loss became nan in epoch 1"):
        fit(tiny_model(), (X, Y), None, TrainConfig(epochs=2, batch_size=16), run="m")


def test_threads_are_set_for_the_fit_and_restored():
    X, Y = tiny_data(n=16)
    before = torch.get_num_threads()
    seen = []
    cfg = TrainConfig(epochs=1, threads=1)
    fit(tiny_model(), (X, Y), None, cfg, on_event=lambda e: seen.append(torch.get_num_threads()))
    assert set(seen) == {1} and torch.get_num_threads() == before
