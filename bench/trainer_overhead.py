"""Trainer overhead: engine.train.fit against a bare torch loop on identical batches.

    python bench/trainer_overhead.py [--repeats 5] [--epochs 5] [--threads 1]

Both train the same model (same initial weights) with Adam and MSE on the same pre-built tensors,
shuffled each epoch by the same seeded torch.Generator, so they do identical arithmetic; the bare
loop is only zero_grad / forward / loss / backward / step. `fit` runs with an event listener, as
the app uses it (BatchEnd throttled to one per 0.1 s), and is charged for building its optimizer
and tensors too. Runs alternate; the table shows medians of wall time and of process CPU time
(on a shared machine CPU time is the steadier measure: other processes' load barely moves it).
Target: fit / bare at most 1.10x.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from engine.datasets import maxmin  # noqa: E402
from engine.models import ModelConfig, build_model  # noqa: E402
from engine.train import TrainConfig, fit  # noqa: E402


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def bare_loop(model, X, Y, epochs, batch_size, lr, seed) -> tuple[float, float]:
    torch.manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    gen = torch.Generator().manual_seed(seed)
    model.train()
    start = _clock()
    for _ in range(epochs):
        perm = torch.randperm(X.shape[0], generator=gen)
        for xb, yb in zip(X[perm].split(batch_size), Y[perm].split(batch_size), strict=True):
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
    return _since(start)


def ours(model, X, Y, epochs, batch_size, lr, seed) -> tuple[float, float]:
    events = []
    cfg = TrainConfig(epochs=epochs, batch_size=batch_size, lr=lr, seed=seed, threads=None)
    start = _clock()
    fit(model, (X, Y), None, cfg, on_event=events.append)
    return _since(start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    cases = [  # (label, model config, rows, batch size)
        (
            "lstm h20, maxmin 60 steps, batch 100",
            ModelConfig(kind="lstm", hidden=20, n_targets=2),
            2000,
            100,
        ),
        (
            "gru h32, maxmin 60 steps, batch 32",
            ModelConfig(kind="gru", hidden=32, n_targets=2),
            1000,
            32,
        ),
        (
            "rnn h8, maxmin 60 steps, batch 16",
            ModelConfig(kind="rnn", hidden=8, n_targets=2),
            800,
            16,
        ),
    ]
    print(
        f"torch {torch.__version__}, {args.threads} thread(s), {args.epochs} epochs, "
        f"{args.repeats} alternating repeats"
    )
    print(
        f"{'case':<38} {'wall bare':>9} {'wall fit':>9} {'ratio':>7}"
        f" {'cpu bare':>9} {'cpu fit':>9} {'ratio':>7}  weights"
    )
    # untimed warm-up: the first optimizer in a process imports torch._dynamo (a one-off second)
    Xw, Yw = (torch.as_tensor(a) for a in maxmin(20, 60))
    ours(build_model(cases[0][1], seed=0), Xw, Yw.view(20, 1, 2), 1, 10, 0.01, 0)
    for label, mcfg, n, bs in cases:
        X, Y = maxmin(n, 60, seed=0)
        X, Y = torch.as_tensor(X), torch.as_tensor(Y).view(n, 1, 2)
        bare_t, fit_t, same = [], [], True
        for r in range(args.repeats):
            a, b = build_model(mcfg, seed=r), build_model(mcfg, seed=r)
            bare_t.append(bare_loop(a, X, Y, args.epochs, bs, 0.01, r))
            fit_t.append(ours(b, X, Y, args.epochs, bs, 0.01, r))
            # identical batches and arithmetic: both end with the very same weights
            pairs = zip(a.parameters(), b.parameters(), strict=True)
            same &= all(torch.equal(p, q) for p, q in pairs)
        wb, wf = (statistics.median(t[0] for t in ts) for ts in (bare_t, fit_t))
        cb, cf = (statistics.median(t[1] for t in ts) for ts in (bare_t, fit_t))
        print(
            f"{label:<38} {wb:9.3f} {wf:9.3f} {wf / wb:6.3f}x"
            f" {cb:9.3f} {cf:9.3f} {cf / cb:6.3f}x  {'same' if same else 'DIFFERENT'}"
        )


if __name__ == "__main__":
    main()
