"""One network trained on the windows of every series: a fresh draw each epoch, early stopping
on windows kept apart from every series.

The loop is engine.train's (the same optimizer, loss, clipping, plateau schedule, events and
cancel between batches); what differs is that an epoch's windows are drawn by a WindowSampler
instead of reshuffled from one fixed tensor.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from engine.events import BatchEnd, EpochEnd, TrainingDone
from engine.forecast.config import ForecastConfig
from engine.forecast.strategies import model_config
from engine.models import build_model
from engine.panel.sampling import WindowSampler
from engine.train import FitResult, loss_function, make_optimizer, resolve_device

STEPS = 1200  # optimizer steps a panel's network gets (early stopping usually ends sooner)
MIN_EPOCHS, MAX_EPOCHS = 10, 100


def epochs_for(sampler: WindowSampler, batch_size: int) -> int:
    """About STEPS optimizer steps: few epochs for a large panel, more for a small one."""
    per_epoch = math.ceil(sampler.windows / batch_size)
    return int(min(MAX_EPOCHS, max(MIN_EPOCHS, math.ceil(STEPS / per_epoch))))


def _tensors(framed, device) -> tuple[torch.Tensor, torch.Tensor]:
    x = torch.from_numpy(framed.win.x_past).to(device)
    y = torch.from_numpy(framed.win.y).to(device)
    return x, y


def fit_global(
    config: ForecastConfig,
    sampler: WindowSampler,
    mode: str,
    *,
    epochs: int,
    on_event: Callable | None = None,
    should_stop: Callable[[], bool] | None = None,
):
    """(model, FitResult): a network of `config`'s shape trained on `sampler`'s windows in
    input mode `mode`; seeded by config.seed alone (weights, draws, batches)."""
    old_threads = torch.get_num_threads()
    if config.threads:
        torch.set_num_threads(config.threads)
    try:
        return _fit(config, sampler, mode, epochs, on_event, should_stop)
    finally:
        if config.threads:
            torch.set_num_threads(old_threads)


def _fit(config, sampler, mode, epochs, on_event, should_stop):
    started = time.perf_counter()
    device = resolve_device(config.device)
    model = build_model(model_config(config, 1, 0), seed=config.seed).to(device)
    torch.manual_seed(config.seed)  # dropout masks
    rng = np.random.default_rng(config.seed)
    w, h = sampler.window, sampler.horizon
    val_s, val_o = sampler.validation()
    val = _tensors(sampler.arrays.frame(val_s, val_o, w, h, mode), device) if len(val_s) else None
    loss_fn = loss_function(config.loss)
    optimizer = make_optimizer(model, _OptimizerSettings(config))
    stop = _Stopping(config.patience if val is not None else None, optimizer)
    run = f"{config.model} ({mode}, panel)"
    emit = on_event or (lambda e: None)
    result = FitResult()
    for epoch in range(1, epochs + 1):
        lr_now = optimizer.param_groups[0]["lr"]
        x, y = _tensors(sampler.arrays.frame(*sampler.draw(rng), w, h, mode), device)
        perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(config.seed + epoch))
        train_loss = _epoch(model, x[perm], y[perm], loss_fn, optimizer, config, run, epoch,
                            on_event, should_stop)  # fmt: skip
        if train_loss is None:
            result.reason = "cancelled"
            break
        val_loss = _evaluate(model, val, loss_fn) if val is not None else None
        monitor = val_loss if val_loss is not None else train_loss
        if not math.isfinite(monitor):
            raise FloatingPointError(
                f"{run}: the loss became {monitor} in epoch {epoch}; try a smaller lr"
            )
        for k, v in (("train_loss", train_loss), ("val_loss", val_loss), ("lr", lr_now)):
            result.history[k].append(v)
        result.epochs_run = epoch
        if stop.better(monitor):
            result.best_epoch = epoch
            stop.state = copy.deepcopy(model.state_dict()) if val is not None else None
        elapsed = time.perf_counter() - started
        eta = elapsed / epoch * (epochs - epoch)
        emit(EpochEnd(run, epoch, epochs, train_loss, val_loss, lr_now, elapsed, eta))
        if stop.done() and epoch < epochs:
            result.reason = "early_stopped"
            break
    if stop.state is not None:
        model.load_state_dict(stop.state)
    if val is None:
        result.best_epoch = result.epochs_run
    model.eval()
    result.best_val_loss = stop.best if val is not None and math.isfinite(stop.best) else None
    result.seconds = time.perf_counter() - started
    emit(TrainingDone(run, result.reason, result.epochs_run, result.best_val_loss))
    return model, result


class _Stopping:
    """Early stopping and the plateau schedule on the monitored loss; the best weights."""

    def __init__(self, patience: int | None, optimizer) -> None:
        self.patience, self.best, self.bad, self.state = patience, math.inf, 0, None
        self.scheduler = None
        if patience:
            self.scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
                optimizer, factor=0.5, patience=max(2, patience // 2), min_lr=1e-6
            )

    def better(self, monitor: float) -> bool:
        improved = monitor < self.best
        self.best, self.bad = (monitor, 0) if improved else (self.best, self.bad + 1)
        if self.scheduler is not None:
            self.scheduler.step(monitor)
        return improved

    def done(self) -> bool:
        return bool(self.patience) and self.bad >= self.patience


def _epoch(model, x, y, loss_fn, optimizer, config, run, epoch, on_event, should_stop):
    """One pass over the epoch's windows; its mean loss, or None when cancelled."""
    model.train()
    bs = config.batch_size
    n_batches = math.ceil(len(x) / bs)
    total = torch.zeros(())
    for b in range(n_batches):
        if should_stop is not None and should_stop():
            return None
        xb, yb = x[b * bs : (b + 1) * bs], y[b * bs : (b + 1) * bs]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb, None), yb)
        loss.backward()
        if config.grad_clip:
            nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        total += loss.detach() * len(xb)
    if on_event is not None:
        on_event(BatchEnd(run, epoch, n_batches, n_batches, float(loss)))
    return float(total) / len(x)


@torch.no_grad()
def _evaluate(model, data, loss_fn, chunk: int = 4096) -> float:
    model.eval()
    x, y = data
    total = sum(
        float(loss_fn(model(x[s : s + chunk], None), y[s : s + chunk])) * len(x[s : s + chunk])
        for s in range(0, len(x), chunk)
    )
    return total / len(x)


class _OptimizerSettings:
    """What engine.train.make_optimizer reads from a TrainConfig, taken from a ForecastConfig."""

    def __init__(self, config: ForecastConfig) -> None:
        self.optimizer, self.lr = config.optimizer, config.lr
        self.momentum, self.weight_decay = 0.9, 0.0
