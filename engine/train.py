"""The trainer: one `fit` for the app, the lessons and the forecast command.

It reports through `on_event` (engine.events) and polls `should_stop()` before every batch, so a
cancel takes effect within one batch. Batches are slices of tensors built once on the device and
reshuffled each epoch by a seeded torch.Generator: the same seed gives the same weights.

Per-batch work is kept to what a bare torch loop does (zero_grad, forward, loss, backward, step)
plus one `should_stop()` call and a clock read; the batch loss is read back (`.item()`) only when a
BatchEnd is due, which is at most once per `batch_event_interval` seconds (and on each epoch's last
batch), so listeners see a steady trickle however fast the batches are.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from engine.events import BatchEnd, EpochEnd, Event, TrainingDone
from engine.suggest import choice_problem
from engine.vocabulary import DEFAULT_DEVICE, DEVICES, LOSSES, OPTIMIZERS


@dataclass
class TrainConfig:
    """How to train (the model's shape lives in engine.models.ModelConfig)."""

    epochs: int = 20
    batch_size: int = 64
    lr: float = 1e-3
    optimizer: str = "adam"  # adam | sgd (momentum 0.9)
    momentum: float = 0.9  # sgd only
    weight_decay: float = 0.0
    loss: str = "mse"  # mse | huber | mae
    huber_delta: float = 1.0
    patience: int | None = None  # early stopping after this many epochs without improvement
    min_delta: float = 0.0  # an improvement must beat the best by more than this
    lr_patience: int | None = None  # ReduceLROnPlateau after this many flat epochs (None: off)
    lr_factor: float = 0.5
    min_lr: float = 1e-6
    grad_clip: float | None = None  # max global gradient norm (None: no clipping)
    seed: int = 0
    device: str = DEFAULT_DEVICE  # auto | cpu | cuda | mps
    val_fraction: float = 0.0  # when no val set is given: hold out this last fraction of train
    shuffle: bool = True
    # torch intra-op threads during this fit (None: leave as is). 1 by default: small recurrent
    # models are latency-bound, and on a busy 2-core 2 threads ran seed 003's sine 10x slower
    threads: int | None = 1
    batch_event_interval: float = 0.1  # seconds between BatchEnd events (0: every batch)

    def __post_init__(self) -> None:
        choices = [
            choice_problem("optimizer", self.optimizer, OPTIMIZERS),
            choice_problem("loss", self.loss, LOSSES),
            choice_problem("device", self.device, DEVICES),
        ]
        problems = [bad for bad in choices if bad]
        if self.epochs < 1 or self.batch_size < 1:
            problems.append("epochs and batch_size must be at least 1")
        if not self.lr > 0:
            problems.append("lr must be positive")
        if not 0.0 <= self.val_fraction < 1.0:
            problems.append("val_fraction must be in [0, 1)")
        if problems:
            raise ValueError("invalid training config: " + "; ".join(problems))


@dataclass
class FitResult:
    history: dict[str, list[float]] = field(
        default_factory=lambda: {"train_loss": [], "val_loss": [], "lr": []}
    )
    best_val_loss: float | None = None  # None without validation data
    best_epoch: int = 0  # epoch whose weights the model holds at the end (0: none finished)
    epochs_run: int = 0
    reason: str = "completed"  # completed | early_stopped | cancelled
    seconds: float = 0.0


# --- helpers ------------------------------------------------------------------------------


def resolve_device(name: str = DEFAULT_DEVICE) -> torch.device:
    """A torch device for `name`; a clear ValueError when that device is not available here."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                "device 'cuda' is not available (no CUDA GPU or a CPU-only torch); use cpu or auto"
            )
        return torch.device("cuda")
    if name == "mps":
        if not torch.backends.mps.is_available():
            raise ValueError("device 'mps' is not available (Apple GPUs only); use cpu or auto")
        return torch.device("mps")
    raise ValueError(f"unknown device {name!r}: use one of {', '.join(DEVICES)}")


def loss_function(name: str, huber_delta: float = 1.0) -> nn.Module:
    if name == "mse":
        return nn.MSELoss()
    if name == "mae":
        return nn.L1Loss()
    if name == "huber":
        return nn.HuberLoss(delta=huber_delta)
    raise ValueError(f"unknown loss {name!r}: use one of {', '.join(LOSSES)}")


def make_optimizer(model: nn.Module, cfg: TrainConfig) -> torch.optim.Optimizer:
    if cfg.optimizer == "adam":
        return torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    return torch.optim.SGD(
        model.parameters(), lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay
    )


def _as_tensors(data: Sequence, device: torch.device, what: str) -> tuple[torch.Tensor, ...]:
    if not isinstance(data, (tuple, list)) or len(data) not in (2, 3):
        raise ValueError(f"{what} must be (X, Y) or (X, Y, X_future)")
    out = []
    for a in data:
        t = a if isinstance(a, torch.Tensor) else torch.from_numpy(np.array(a, dtype=np.float32))
        out.append(t.to(device=device, dtype=torch.float32))
    n = out[0].shape[0]
    if any(t.shape[0] != n for t in out):
        raise ValueError(f"{what}: X, Y (and X_future) must have the same number of rows")
    return tuple(out)


def _fit_target_shape(model: nn.Module, Y: torch.Tensor, what: str) -> torch.Tensor:
    cfg = getattr(model, "config", None)
    if cfg is None:
        return Y
    shape = (cfg.horizon, cfg.n_targets)
    if Y.shape[1:] != shape and math.prod(Y.shape[1:]) == math.prod(shape):
        Y = Y.reshape(Y.shape[0], *shape)
    if tuple(Y.shape[1:]) != shape:
        raise ValueError(
            f"{what}: targets shaped {tuple(Y.shape[1:])} per row, but the model predicts "
            f"(horizon {cfg.horizon}, n_targets {cfg.n_targets})"
        )
    return Y


@torch.no_grad()
def evaluate(model: nn.Module, data: tuple[torch.Tensor, ...], loss_fn, chunk: int = 4096) -> float:
    """Mean loss of `model` over `data` (eval mode), in chunks to bound memory."""
    was_training = model.training
    model.eval()
    X, Y = data[0], data[1]
    Xf = data[2] if len(data) > 2 else None
    total = torch.zeros((), device=X.device)
    for s in range(0, X.shape[0], chunk):
        pred = model(X[s : s + chunk], None if Xf is None else Xf[s : s + chunk])
        total += loss_fn(pred, Y[s : s + chunk]) * pred.shape[0]
    model.train(was_training)
    return float(total) / X.shape[0]


@torch.no_grad()
def predict(model: nn.Module, X, X_future=None, chunk: int = 4096) -> np.ndarray:
    """Model outputs for every row of X as a numpy array (eval mode, the model's device)."""
    device = next(model.parameters()).device
    X = torch.as_tensor(np.array(X, dtype=np.float32), device=device)
    Xf = None
    if X_future is not None:
        Xf = torch.as_tensor(np.array(X_future, dtype=np.float32), device=device)
    was_training = model.training
    model.eval()
    outs = [
        model(X[s : s + chunk], None if Xf is None else Xf[s : s + chunk]).cpu()
        for s in range(0, X.shape[0], chunk)
    ]
    model.train(was_training)
    return torch.cat(outs).numpy()


# --- fit ----------------------------------------------------------------------------------


def fit(
    model: nn.Module,
    train: Sequence,
    val: Sequence | None = None,
    cfg: TrainConfig | None = None,
    on_event: Callable[[Event], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    run: str = "model",
) -> FitResult:
    """Train `model` in place on train = (X, Y[, X_future]) and return its history.

    X (N, T, F), Y (N, horizon, n_targets) (any shape with as many numbers per row is reshaped),
    X_future (N, horizon, Fc). With `val` (or cfg.val_fraction > 0, which holds out the last rows
    of train, unshuffled), the model ends with the weights of its best validation epoch; early
    stopping and ReduceLROnPlateau watch the validation loss (the training loss when there is none).
    """
    cfg = cfg or TrainConfig()
    started = time.perf_counter()
    device = resolve_device(cfg.device)
    old_threads = torch.get_num_threads()
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    try:
        return _fit(model, train, val, cfg, on_event, should_stop, run, device, started)
    finally:
        if cfg.threads:
            torch.set_num_threads(old_threads)


def _fit(model, train, val, cfg, on_event, should_stop, run, device, started) -> FitResult:
    torch.manual_seed(cfg.seed)  # dropout masks
    model.to(device)
    train_t, val_t = _fit_data(model, train, val, cfg, device)
    loss_fn = loss_function(cfg.loss, cfg.huber_delta)
    optimizer = make_optimizer(model, cfg)
    scheduler = None
    if cfg.lr_patience is not None:
        scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, factor=cfg.lr_factor, patience=cfg.lr_patience, min_lr=cfg.min_lr
        )
    epochs = _Epochs(model, train_t, cfg, optimizer, loss_fn, run, on_event, should_stop)
    emit = on_event or (lambda e: None)
    result = FitResult()
    best = _Best(cfg, keep_weights=val_t is not None or cfg.patience is not None)
    reason = "completed"
    model.train()
    for epoch in range(1, cfg.epochs + 1):
        lr_now = optimizer.param_groups[0]["lr"]
        train_loss = epochs.run(epoch)
        if train_loss is None:
            reason = "cancelled"
            break
        val_loss = evaluate(model, val_t, loss_fn) if val_t is not None else None
        monitor = val_loss if val_loss is not None else train_loss
        result.history["train_loss"].append(train_loss)
        result.history["val_loss"].append(val_loss)
        result.history["lr"].append(lr_now)
        result.epochs_run = epoch
        if not math.isfinite(monitor):
            raise FloatingPointError(
                f"{run}: the loss became {monitor} in epoch {epoch}; try a smaller lr or grad_clip"
            )
        best.update(monitor, epoch, model, result)
        if scheduler is not None:
            scheduler.step(monitor)
        elapsed = time.perf_counter() - started
        eta = elapsed / epoch * (cfg.epochs - epoch)
        emit(EpochEnd(run, epoch, cfg.epochs, train_loss, val_loss, lr_now, elapsed, eta))
        if best.out_of_patience() and epoch < cfg.epochs:
            reason = "early_stopped"
            break
    best.restore(model, result, reason)
    model.eval()
    result.best_val_loss = best.value if (val_t is not None and math.isfinite(best.value)) else None
    result.reason = reason
    result.seconds = time.perf_counter() - started
    emit(TrainingDone(run, reason, result.epochs_run, result.best_val_loss))
    return result


def _fit_data(model, train, val, cfg: TrainConfig, device) -> tuple[tuple, tuple | None]:
    """(train, val) tensors on the device, targets shaped like the model's output; val from
    the last rows of train when only cfg.val_fraction asks for it."""
    train_t = _as_tensors(train, device, "train")
    if val is None and cfg.val_fraction > 0:
        n_val = max(1, int(round(train_t[0].shape[0] * cfg.val_fraction)))
        if n_val >= train_t[0].shape[0]:
            raise ValueError("val_fraction leaves no training rows")
        val_t = tuple(t[-n_val:] for t in train_t)
        train_t = tuple(t[:-n_val] for t in train_t)
    else:
        val_t = _as_tensors(val, device, "val") if val is not None else None
    train_t = (train_t[0], _fit_target_shape(model, train_t[1], "train"), *train_t[2:])
    if val_t is not None:
        val_t = (val_t[0], _fit_target_shape(model, val_t[1], "val"), *val_t[2:])
    if train_t[0].shape[0] == 0:
        raise ValueError("no training rows")
    return train_t, val_t


class _Epochs:
    """One pass over the (shuffled) training batches at a time, reporting batch ends."""

    def __init__(self, model, train_t, cfg, optimizer, loss_fn, run, on_event, should_stop):
        self.model, self.train_t, self.cfg = model, train_t, cfg
        self.optimizer, self.loss_fn, self.run_name = optimizer, loss_fn, run
        self.on_event, self.stop = on_event, should_stop or (lambda: False)
        self.gen = torch.Generator().manual_seed(cfg.seed)
        self.N = train_t[0].shape[0]
        self.n_batches = math.ceil(self.N / cfg.batch_size)
        self.last_batch_event = -math.inf

    def run(self, epoch: int) -> float | None:
        """The epoch's mean training loss; None when a stop was asked for during it."""
        cfg, bs, N = self.cfg, self.cfg.batch_size, self.N
        if cfg.shuffle:
            perm = torch.randperm(N, generator=self.gen).to(self.train_t[0].device)
            epoch_data = [t.index_select(0, perm) for t in self.train_t]
        else:
            epoch_data = list(self.train_t)
        losses = []  # detached batch losses, combined once per epoch: no sync, no op per batch
        for b, batch in enumerate(zip(*(t.split(bs) for t in epoch_data), strict=True), start=1):
            if self.stop():
                return None
            losses.append(self._step(batch))
            self._report(epoch, b, losses[-1])
        # batches are full but maybe the last: weight each batch's mean loss by its rows
        sizes = torch.full((len(losses),), float(bs), device=self.train_t[0].device)
        sizes[-1] = N - bs * (len(losses) - 1)
        return float(torch.stack(losses) @ sizes) / N

    def _step(self, batch: tuple) -> torch.Tensor:
        self.optimizer.zero_grad(set_to_none=True)
        future = batch[2] if len(batch) == 3 else None
        loss = self.loss_fn(self.model(batch[0], future), batch[1])
        loss.backward()
        if self.cfg.grad_clip:
            nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.grad_clip)
        self.optimizer.step()
        return loss.detach()

    def _report(self, epoch: int, b: int, loss: torch.Tensor) -> None:
        if self.on_event is None:
            return
        now = time.perf_counter()
        if b == self.n_batches or now - self.last_batch_event >= self.cfg.batch_event_interval:
            self.last_batch_event = now
            self.on_event(BatchEnd(self.run_name, epoch, b, self.n_batches, loss.item()))


class _Best:
    """The best monitored loss so far, its weights, and the epochs since it improved."""

    def __init__(self, cfg: TrainConfig, keep_weights: bool) -> None:
        self.cfg, self.keep_weights = cfg, keep_weights
        self.value = math.inf
        self.state = None
        self.bad_epochs = 0

    def update(self, monitor: float, epoch: int, model: nn.Module, result: FitResult) -> None:
        if monitor < self.value - self.cfg.min_delta:
            self.value, self.bad_epochs = monitor, 0
            result.best_epoch = epoch
            if self.keep_weights:
                self.state = copy.deepcopy(model.state_dict())
        else:
            self.bad_epochs += 1

    def out_of_patience(self) -> bool:
        return self.cfg.patience is not None and self.bad_epochs >= self.cfg.patience

    def restore(self, model: nn.Module, result: FitResult, reason: str) -> None:
        """End with the best epoch's weights (kept only with validation data or patience)."""
        if self.state is None:
            result.best_epoch = result.epochs_run
        elif result.best_epoch != result.epochs_run or reason == "cancelled":
            model.load_state_dict(self.state)
