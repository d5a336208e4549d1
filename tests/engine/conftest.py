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
    tests (input_size, hidden_size, num_layers, bias, batch_first, bidirectional, seed)."""
    cls, options = TORCH_MODULES[kind]
    torch.manual_seed(c["seed"])
    module = cls(
        c["input_size"],
        c["hidden_size"],
        num_layers=c["num_layers"],
        bias=c["bias"],
        batch_first=c["batch_first"],
        bidirectional=c["bidirectional"],
        **options,
        **extra,
    )
    return module.double()
