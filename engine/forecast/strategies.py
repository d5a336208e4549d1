"""The model side: the network each strategy needs, its training, and its predictions.

direct     one model predicts all `horizon` steps at once
recursive  a one-step model rolled forward, feeding each prediction back (autoregressive)
seq2seq    an encoder-decoder (seed 000's 14 -> 7)
"""

from __future__ import annotations

import numpy as np

from engine.data import DataError
from engine.forecast.config import ForecastConfig
from engine.forecast.prepare import Prepared
from engine.vocabulary import STRATEGY_HEADS
from engine.windows import make_windows, origins_between


def model_config(config: ForecastConfig, prep: Prepared) -> dict:
    """The engine.models.ModelConfig (as a dict) for this run's data and strategy."""
    n_targets = prep.y.shape[1]
    fc = prep.spec.size
    return {
        "kind": config.model,
        "input_size": n_targets + fc,
        "hidden": config.hidden,
        "layers": config.layers,
        "dropout": float(config.dropout),
        "bidirectional": bool(config.bidirectional),
        "head": STRATEGY_HEADS[config.strategy],
        "horizon": 1 if config.strategy == "recursive" else config.horizon,
        "n_targets": n_targets,
        "future_size": fc,
    }


def predict(model, strategy: str, horizon: int, x_past: np.ndarray, x_future) -> np.ndarray:
    """Scaled predictions (M, horizon, n_targets) for windows."""
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


def train(config: ForecastConfig, prep: Prepared, on_event, should_stop):
    """Build and fit the model on the training rows' windows: (model, FitResult)."""
    from engine.models import build_model
    from engine.train import TrainConfig, fit

    train_h = 1 if config.strategy == "recursive" else config.horizon
    origins = origins_between(0, prep.n_train, config.window, train_h, prep.n_train)
    if len(origins) < 2:
        raise DataError(
            f"only {len(origins)} training window(s) for window {config.window}: "
            "use a smaller --window or --horizon, or more training data"
        )
    win = make_windows(prep.y, prep.cov, origins, config.window, train_h)
    model = build_model(model_config(config, prep), seed=config.seed)
    tcfg = TrainConfig(
        epochs=config.epochs,
        batch_size=config.batch_size,
        lr=config.lr,
        optimizer=config.optimizer,
        loss=config.loss,
        patience=config.patience,
        lr_patience=max(2, config.patience // 2) if config.patience else None,
        grad_clip=config.grad_clip,
        seed=config.seed,
        device=config.device,
        val_fraction=config.val_fraction if len(origins) >= 20 else 0.0,
        threads=config.threads,
    )
    result = fit(model, win.as_fit_data(), None, tcfg, on_event, should_stop, run=config.model)
    return model, result
