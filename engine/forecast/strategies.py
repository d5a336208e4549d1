"""The model side: the network each strategy needs, its training, and its predictions.

direct     one model predicts all `horizon` steps at once
recursive  a one-step model rolled forward, feeding each prediction back (autoregressive)
seq2seq    an encoder-decoder (seed 000's 14 -> 7)
"""

from __future__ import annotations

import numpy as np

from engine.forecast.config import ForecastConfig
from engine.table_input import DataError
from engine.vocabulary import STRATEGY_HEADS
from engine.windows import Windows


def model_config(config: ForecastConfig, n_targets: int, future_size: int) -> dict:
    """The engine.models.ModelConfig (as a dict) for this run's data and strategy."""
    return {
        "kind": config.model,
        "input_size": n_targets + future_size,
        "hidden": config.hidden,
        "layers": config.layers,
        "dropout": float(config.dropout),
        "bidirectional": bool(config.bidirectional),
        "head": STRATEGY_HEADS[config.strategy],
        "horizon": train_horizon(config),
        "n_targets": n_targets,
        "future_size": future_size,
    }


def train_horizon(config: ForecastConfig) -> int:
    """Steps each training window predicts: one for the recursive strategy, else the horizon."""
    return 1 if config.strategy == "recursive" else config.horizon


def predict(model, strategy: str, horizon: int, x_past: np.ndarray, x_future) -> np.ndarray:
    """Predictions (M, horizon, n_targets) for windows, in the network's units."""
    import torch

    from engine.models import recursive_forecast
    from engine.train import predict as predict_batches

    if strategy == "recursive":
        device = next(model.parameters()).device
        xp = torch.as_tensor(x_past, dtype=torch.float32, device=device)
        xf = None if x_future is None else torch.as_tensor(x_future, dtype=torch.float32)
        outs = []
        for s in range(0, len(xp), 2048):
            f = None if xf is None else xf[s : s + 2048].to(device)
            outs.append(recursive_forecast(model, xp[s : s + 2048], horizon, f).cpu())
        if not outs:
            return np.zeros((0, horizon, model.config.n_targets), np.float32)
        return torch.cat(outs).numpy()
    if not len(x_past):
        return np.zeros((0, horizon, model.config.n_targets), np.float32)
    return predict_batches(model, x_past, x_future)


def train(
    config: ForecastConfig,
    win: Windows,
    n_targets: int,
    future_size: int,
    on_event=None,
    should_stop=None,
    *,
    epochs: int | None = None,
    validate: bool = True,
):
    """Build and fit a network on training windows: (model, FitResult).

    validate: early-stop on the last tenth of the windows (when there are 20 or more); a refit
    on all rows passes validate=False and the epoch count the validated fit found best.
    """
    from engine.models import build_model
    from engine.train import TrainConfig, fit

    if len(win) < 2:
        raise DataError(
            f"only {len(win)} training window(s) for window {config.window}: "
            "use a smaller `window` or `horizon`, or more training data"
        )
    model = build_model(model_config(config, n_targets, future_size), seed=config.seed)
    use_val = validate and len(win) >= 20
    tcfg = TrainConfig(
        epochs=epochs or config.epochs,
        batch_size=config.batch_size,
        lr=config.lr,
        optimizer=config.optimizer,
        loss=config.loss,
        patience=config.patience if use_val else None,
        lr_patience=max(2, config.patience // 2) if config.patience and use_val else None,
        grad_clip=config.grad_clip,
        seed=config.seed,
        device=config.device,
        val_fraction=config.val_fraction if use_val else 0.0,
        threads=config.threads,
    )
    result = fit(model, win.as_fit_data(), None, tcfg, on_event, should_stop, run=config.model)
    return model, result
