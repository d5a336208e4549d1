"""PyTorch forecasting models: an RNN/LSTM/GRU encoder and one of three heads.

Every model is called as `model(x_past, x_future=None)`:

    x_past   (B, T, F)        the window of past inputs; by convention the first `n_targets`
                              features are the targets themselves (recursive rollout relies on it)
    x_future (B, horizon, Fc) known-future covariates for the steps being forecast, or None;
                              required exactly when `future_size > 0`
    returns  (B, horizon, n_targets)

Heads (`ModelConfig.head`):
    "direct"   all `horizon` steps at once from the encoder's last state (+ the flattened x_future)
    "one_step" one step ahead (horizon 1); `recursive_forecast` rolls it out autoregressively
    "seq2seq"  an encoder-decoder: the decoder (same kind, unidirectional) starts from the encoder's
               final state and reads, at each of the `horizon` steps, the encoder's context vector
               (+ that step's covariates), as Keras' RepeatVector models do (seed 000's 14 -> 7)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch
from torch import nn

from engine.convert import TORCH_MODULES
from engine.suggest import choice_problem
from engine.vocabulary import DEFAULT_MODEL_KIND, HEADS, MODEL_KINDS

__all__ = ["Forecaster", "ModelConfig", "build_model", "recursive_forecast"]


@dataclass
class ModelConfig:
    """Everything needed to rebuild a model (stored in checkpoints as JSON)."""

    kind: str = DEFAULT_MODEL_KIND  # rnn | lstm | gru
    input_size: int = 1  # F: features per past step (targets first, then past covariates)
    hidden: int = 32  # units per layer (per direction)
    layers: int = 1  # stacked recurrent layers
    dropout: float = 0.0  # between stacked layers and before the dense head
    bidirectional: bool = False  # encoder only; the seq2seq decoder runs forwards
    head: str = "direct"  # direct | one_step | seq2seq
    horizon: int = 1  # steps predicted per call
    n_targets: int = 1  # values predicted per step
    future_size: int = 0  # Fc: known-future covariates per forecast step (0: none)
    forget_bias: float | None = None  # LSTM: initial forget-gate bias (b_ih + b_hh), None = torch's

    def __post_init__(self) -> None:
        problems = config_problems(self)
        if problems:
            raise ValueError("invalid model config: " + "; ".join(problems))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ModelConfig:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown model config keys: {', '.join(unknown)}")
        return cls(**d)


def config_problems(cfg: ModelConfig) -> list[str]:
    """What is wrong with `cfg`, as messages (empty when it is valid)."""
    checks = [
        choice_problem("kind", cfg.kind, MODEL_KINDS),
        choice_problem("head", cfg.head, HEADS),
    ]
    p = [bad for bad in checks if bad]
    for name in ("input_size", "hidden", "layers", "horizon", "n_targets"):
        v = getattr(cfg, name)
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            p.append(f"{name} must be a positive integer, not {v!r}")
    if not isinstance(cfg.future_size, int) or cfg.future_size < 0:
        p.append(f"future_size must be an integer >= 0, not {cfg.future_size!r}")
    if not 0.0 <= float(cfg.dropout) < 1.0:
        p.append(f"dropout must be in [0, 1), not {cfg.dropout!r}")
    if cfg.head == "one_step" and cfg.horizon != 1:
        p.append(
            "the one_step head predicts one step (horizon 1); roll it out with recursive_forecast"
        )
    if cfg.forget_bias is not None and cfg.kind != "lstm":
        p.append("forget_bias applies to LSTMs only")
    return p


class Forecaster(nn.Module):
    """Recurrent encoder + head; see the module docstring for shapes."""

    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.config = cfg
        rnn = TORCH_MODULES[cfg.kind]
        between = cfg.dropout if cfg.layers > 1 else 0.0
        self.encoder = rnn(
            cfg.input_size,
            cfg.hidden,
            num_layers=cfg.layers,
            batch_first=True,
            dropout=between,
            bidirectional=cfg.bidirectional,
        )
        self.directions = 2 if cfg.bidirectional else 1
        context = cfg.hidden * self.directions
        self.drop = nn.Dropout(cfg.dropout)
        if cfg.head == "seq2seq":
            self.decoder = rnn(
                context + cfg.future_size,
                context,
                num_layers=cfg.layers,
                batch_first=True,
                dropout=between,
            )
            self.out = nn.Linear(context, cfg.n_targets)
        else:
            self.out = nn.Linear(
                context + cfg.horizon * cfg.future_size, cfg.horizon * cfg.n_targets
            )
        if cfg.forget_bias is not None:
            set_forget_bias(self, cfg.forget_bias)

    def _final_state(self, h_n: torch.Tensor) -> torch.Tensor:
        # h_n (layers*directions, B, H) -> (layers, B, directions*H): both directions side by side
        L, B, H = self.config.layers, h_n.shape[1], h_n.shape[2]
        return h_n.view(L, self.directions, B, H).permute(0, 2, 1, 3).reshape(L, B, -1)

    def forward(self, x_past: torch.Tensor, x_future: torch.Tensor | None = None) -> torch.Tensor:
        cfg = self.config
        if (x_future is None) != (cfg.future_size == 0):
            need = f"x_future (B, {cfg.horizon}, {cfg.future_size})" if cfg.future_size else "none"
            raise ValueError(f"this model takes known-future covariates: {need}")
        B = x_past.shape[0]
        _, state = self.encoder(x_past)
        if cfg.kind == "lstm":
            h = self._final_state(state[0])
            c = self._final_state(state[1])
        else:
            h, c = self._final_state(state), None
        context = self.drop(h[-1])  # (B, directions*H): the last layer's final state
        if cfg.head == "seq2seq":
            steps = context.unsqueeze(1).expand(B, cfg.horizon, context.shape[1])
            if x_future is not None:
                steps = torch.cat([steps, x_future], dim=2)
            dec_state = (h.contiguous(), c.contiguous()) if c is not None else h.contiguous()
            dec_out, _ = self.decoder(steps, dec_state)  # (B, horizon, directions*H)
            return self.out(self.drop(dec_out))
        if x_future is not None:
            context = torch.cat([context, x_future.reshape(B, -1)], dim=1)
        return self.out(context).view(B, cfg.horizon, cfg.n_targets)


def set_forget_bias(model: nn.Module, value: float) -> None:
    """Make every LSTM's forget-gate bias (b_ih + b_hh) start at `value` (gates i, f, g, o)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.LSTM):
                H = m.hidden_size
                for name, p in m.named_parameters():
                    if name.startswith("bias_ih"):
                        p[H : 2 * H] = value
                    elif name.startswith("bias_hh"):
                        p[H : 2 * H] = 0.0


def build_model(cfg: ModelConfig | dict, seed: int | None = None) -> Forecaster:
    """A fresh model; with `seed`, its initial weights depend on it alone (global RNG untouched)."""
    if isinstance(cfg, dict):
        cfg = ModelConfig.from_dict(cfg)
    if seed is None:
        return Forecaster(cfg)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return Forecaster(cfg)


@torch.no_grad()
def recursive_forecast(
    model: Forecaster, x_past: torch.Tensor, steps: int, x_future: torch.Tensor | None = None
) -> torch.Tensor:
    """Roll a one-step model forward `steps` times, feeding each prediction back as input.

    x_past (B, T, F) with F = n_targets + Fc; x_future (B, steps, Fc) supplies the covariates of
    each new step (both for the head and for the input row appended to the window).
    Returns (B, steps, n_targets).
    """
    cfg = model.config
    if cfg.horizon != 1:
        raise ValueError("recursive_forecast needs a one-step model (horizon 1)")
    extra = x_past.shape[2] - cfg.n_targets
    if extra and (x_future is None or x_future.shape[2] < extra):
        raise ValueError(
            f"the window has {extra} covariate column(s) after the targets; "
            f"recursive rollout needs their future values in x_future"
        )
    was_training = model.training
    model.eval()
    window = x_past
    preds = []
    for s in range(steps):
        fut = None if x_future is None else x_future[:, s : s + 1]
        y = model(window, fut if cfg.future_size else None)  # (B, 1, n_targets)
        preds.append(y)
        row = y if not extra else torch.cat([y, fut[:, :, :extra]], dim=2)
        window = torch.cat([window[:, 1:], row], dim=1)
    model.train(was_training)
    return torch.cat(preds, dim=1)
