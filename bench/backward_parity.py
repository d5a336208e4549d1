"""Parity of engine.reference.backward with torch autograd, and what the from-scratch BPTT costs.

For N random configurations (input 1-8, hidden 1-16, length 1-50, batch 1-4, 1-3 layers,
bidirectional, batch_first, bias and (LSTM) proj_size on/off, random initial states and final-state
gradients), prints per cell kind the worst max-abs difference against autograd over dL/dx,
dL/d(initial state) and every parameter's gradient, in float64, and the mean time per call of
reference.backward and of torch's forward + backward.

    python bench/backward_parity.py [--n 200] [--seed 0]
"""

from __future__ import annotations

import numpy as np
import torch
from parity_setup import KINDS as FORWARD_KINDS
from parity_setup import best_time, parse_options, random_sizes

from engine.reference import backward

KINDS = {**FORWARD_KINDS, "lstm (proj)": (torch.nn.LSTM, {})}  # proj_size drawn per config


def one_config(kind: str, rng: np.random.Generator) -> dict:
    cls, extra = KINDS[kind]
    I, H, T, N, L = random_sizes(rng)
    bidirectional, batch_first, bias = (bool(rng.random() < 0.5) for _ in range(3))
    extra = dict(extra)
    if kind == "lstm (proj)":
        H = max(H, 2)
        extra["proj_size"] = int(rng.integers(1, H))
    torch.manual_seed(int(rng.integers(2**31)))
    module = cls(
        I, H, num_layers=L, bidirectional=bidirectional, batch_first=batch_first, bias=bias, **extra
    ).double()
    D, P = (2 if bidirectional else 1), extra.get("proj_size", H)
    x = rng.standard_normal((N, T, I) if batch_first else (T, N, I))
    shapes = [(L * D, N, P), (L * D, N, H)] if cls is torch.nn.LSTM else [(L * D, N, H)]
    state = [rng.standard_normal(s) for s in shapes]
    grad_state = [rng.standard_normal(s) for s in shapes]
    grad_output = rng.standard_normal((*x.shape[:-1], D * P))
    return {"module": module, "x": x, "state": state, "gs": grad_state, "go": grad_output}


def autograd(c: dict) -> dict:
    module, lstm = c["module"], len(c["state"]) == 2
    xt = torch.tensor(c["x"], requires_grad=True)
    st = [torch.tensor(s, requires_grad=True) for s in c["state"]]
    module.zero_grad()
    output, final = module(xt, tuple(st) if lstm else st[0])
    finals = final if lstm else (final,)
    loss = (output * torch.from_numpy(c["go"])).sum()
    loss = loss + sum((f * torch.from_numpy(g)).sum() for f, g in zip(finals, c["gs"], strict=True))
    loss.backward()
    return {
        "x": xt.grad.numpy(),
        "state": [s.grad.numpy() for s in st],
        "params": {n: p.grad.numpy() for n, p in module.named_parameters()},
    }


def measure(c: dict) -> tuple[float, float, float]:
    lstm = len(c["state"]) == 2
    pack = tuple if lstm else (lambda s: s[0])
    ours, t_ours = best_time(
        lambda: backward(c["module"], c["x"], c["go"], pack(c["state"]), grad_state=pack(c["gs"]))
    )
    theirs, t_torch = best_time(lambda: autograd(c))
    our_states = ours["state"] if lstm else (ours["state"],)
    diffs = [np.max(np.abs(ours["x"] - theirs["x"]))]
    diffs += [np.max(np.abs(a - b)) for a, b in zip(our_states, theirs["state"], strict=True)]
    diffs += [np.max(np.abs(ours["params"][n] - g)) for n, g in theirs["params"].items()]
    return float(max(diffs)), t_ours, t_torch


def main() -> None:
    args = parse_options(__doc__)
    rng = np.random.default_rng(args.seed)
    per_kind = max(1, args.n // len(KINDS))
    torch.set_num_threads(1)  # single-threaded on both sides
    rows = []
    for kind in KINDS:
        results = np.array([measure(one_config(kind, rng)) for _ in range(per_kind)])
        worst, ours, theirs = results.max(axis=0)[0], *results[:, 1:].mean(axis=0)
        rows.append((kind, per_kind, worst, ours * 1e3, theirs * 1e3))
    header = (
        f"{'kind':<12} {'configs':>7} {'worst |Δ| gradient':>19} "
        f"{'reference.backward ms':>22} {'torch fwd+bwd ms':>17} {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    for kind, n, worst, ours, theirs in rows:
        print(
            f"{kind:<12} {n:>7} {worst:>19.3e} {ours:>22.3f} {theirs:>17.3f} {ours / theirs:>6.1f}"
        )
    print(
        f"\nworst parity difference over {per_kind * len(KINDS)} configurations: "
        f"{max(r[2] for r in rows):.3e} (float64; dL/dx, dL/d(initial state), every parameter; "
        "times are the best of 3 calls, averaged over configurations)"
    )


if __name__ == "__main__":
    main()
