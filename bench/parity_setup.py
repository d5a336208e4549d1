"""What the two parity benchmarks share: the torch module kinds, random sizes, timing, options.

Sizes as in issue 2's property tests: input 1-8, hidden 1-16, length 1-50, batch 1-4, 1-3 layers.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import torch

KINDS = {
    "rnn (tanh)": (torch.nn.RNN, {"nonlinearity": "tanh"}),
    "rnn (relu)": (torch.nn.RNN, {"nonlinearity": "relu"}),
    "lstm": (torch.nn.LSTM, {}),
    "gru": (torch.nn.GRU, {}),
}


def random_sizes(rng: np.random.Generator) -> tuple[int, int, int, int, int]:
    """(input, hidden, length, batch, layers) of one random configuration."""
    I, H, T, N = (int(rng.integers(lo, hi + 1)) for lo, hi in ((1, 8), (1, 16), (1, 50), (1, 4)))
    return I, H, T, N, int(rng.integers(1, 4))


def best_time(fn: Callable[[], object], repeat: int = 3) -> tuple[object, float]:
    """fn's result and its fastest of `repeat` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return out, best


def parse_options(doc: str) -> argparse.Namespace:
    """--n configurations in all (split over kinds) and the --seed that draws them."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument(
        "--n", type=int, default=200, help="configurations in all (split over kinds)"
    )
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args()
