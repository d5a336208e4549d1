"""Shared set-up of the engine's parity tests: torch's recurrent modules, built from a config."""

from __future__ import annotations

import torch

TORCH_MODULES = {
    "rnn_tanh": (torch.nn.RNN, {"nonlinearity": "tanh"}),
    "rnn_relu": (torch.nn.RNN, {"nonlinearity": "relu"}),
    "lstm": (torch.nn.LSTM, {}),
    "gru": (torch.nn.GRU, {}),
}


def build_module(kind: str, c: dict, **extra) -> torch.nn.RNNBase:
    """A float64 torch module of `kind` with seeded weights, sized by a config drawn by the
    tests (input_size, hidden_size, num_layers, bidirectional, seed; bias and batch_first
    when the test varies them, else torch's defaults)."""
    cls, options = TORCH_MODULES[kind]
    torch.manual_seed(c["seed"])
    module = cls(
        c["input_size"],
        c["hidden_size"],
        num_layers=c["num_layers"],
        bias=c.get("bias", True),
        batch_first=c.get("batch_first", False),
        bidirectional=c["bidirectional"],
        **options,
        **extra,
    )
    return module.double()
