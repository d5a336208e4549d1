"""Parity of engine.reference.run with torch, and what recomputing from scratch costs.

For N random configurations (sizes as in issue 2's property tests: input 1-8, hidden 1-16,
length 1-50, batch 1-4, 1-3 layers, bidirectional and batch_first on/off, random initial states),
prints per cell kind the worst max-abs difference of the outputs and of the final states against
torch in float64, and the mean time per call of reference.run and of the torch module.

    python bench/parity.py [--n 200] [--seed 0]
"""

from __future__ import annotations

import numpy as np
import torch
from parity_setup import KINDS, best_time, parse_options, random_sizes

from engine.reference import run


def one_config(kind: str, rng: np.random.Generator) -> dict:
    cls, extra = KINDS[kind]
    I, H, T, N, L = random_sizes(rng)
    bidirectional, batch_first = bool(rng.random() < 0.5), bool(rng.random() < 0.5)
    torch.manual_seed(int(rng.integers(2**31)))
    module = cls(I, H, num_layers=L, bidirectional=bidirectional, batch_first=batch_first, **extra)
    module = module.double().eval()
    x = rng.standard_normal((N, T, I) if batch_first else (T, N, I))
    state = None
    if rng.random() < 0.5:
        rows = L * (2 if bidirectional else 1)
        h0 = rng.standard_normal((rows, N, H))
        state = (h0, rng.standard_normal((rows, N, H))) if cls is torch.nn.LSTM else h0
    return {"module": module, "x": x, "state": state}


def measure(kind: str, c: dict) -> tuple[float, float, float, float]:
    module, x, state = c["module"], c["x"], c["state"]
    tx = torch.from_numpy(x)
    ts = None
    if state is not None:
        ts = (
            tuple(map(torch.from_numpy, state))
            if isinstance(state, tuple)
            else torch.from_numpy(state)
        )
    ours, t_ours = best_time(lambda: run(module, x, state))
    with torch.no_grad():
        theirs, t_torch = best_time(lambda: module(tx, ts))
    out_diff = float(np.max(np.abs(ours[0] - theirs[0].numpy())))
    our_states = ours[1] if isinstance(ours[1], tuple) else (ours[1],)
    their_states = theirs[1] if isinstance(theirs[1], tuple) else (theirs[1],)
    state_diff = max(
        float(np.max(np.abs(a - b.numpy()))) for a, b in zip(our_states, their_states, strict=True)
    )
    return out_diff, state_diff, t_ours, t_torch


def main() -> None:
    args = parse_options(__doc__)
    rng = np.random.default_rng(args.seed)
    per_kind = max(1, args.n // len(KINDS))
    torch.set_num_threads(1)  # a fair comparison with single-threaded numpy-sized work
    rows = []
    for kind in KINDS:
        results = [measure(kind, one_config(kind, rng)) for _ in range(per_kind)]
        out, st, ours, theirs = (np.array(col) for col in zip(*results, strict=True))
        rows.append((kind, per_kind, out.max(), st.max(), ours.mean() * 1e3, theirs.mean() * 1e3))
    header = (
        f"{'kind':<11} {'configs':>7} {'worst |Δ| output':>17} {'worst |Δ| h_n/c_n':>18} "
        f"{'reference.run ms':>17} {'torch ms':>9} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for kind, n, out, st, ours, theirs in rows:
        print(
            f"{kind:<11} {n:>7} {out:>17.3e} {st:>18.3e} {ours:>17.3f} {theirs:>9.3f} "
            f"{ours / theirs:>6.1f}"
        )
    worst = max(max(r[2], r[3]) for r in rows)
    print(
        f"\nworst parity difference over {per_kind * len(KINDS)} configurations: {worst:.3e}"
        f" (float64; times are the best of 3 calls, averaged over configurations)"
    )


if __name__ == "__main__":
    main()
