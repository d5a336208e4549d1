"""Which combination rule pays, measured before any was built into the run (issue 20).

    python bench/cv_study.py [--series NAME ...] [--draw K] [--cache DIR] [--dump OUT.json]

For each series and each of bench/accuracy.py's three test origins, every candidate forecasts at
K cross-validation origins inside the history (stepping back by the horizon) and at the test
origin: lstm-tutor's network (its defaults with fallback off and a holdout of K horizons, so
the holdout's blocks are the K origins: trained once before them, as neuralforecast's
cross_validation does without refit, then refit on the whole history for the test forecast),
AutoETS and AutoTheta (refitted at every origin) and the four baselines. Each rule learns its
weights on the K origins alone and is scored on the test origin; the table gives each rule's
geometric-mean MASE and wins over seasonal naive.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from accuracy import cached, gmean, scale, store  # noqa: E402
from panel import HORIZON, SEASON, chicago, classic, generated, packaged  # noqa: E402

from engine.baselines import every_baseline  # noqa: E402
from engine.forecast.classical import classical_forecasts  # noqa: E402
from engine.forecast.crossval import Folds, cv_origins, learn_combination  # noqa: E402

K = 3


def network(frame, h: int, k: int):
    """(cv forecasts (k, h), test forecast (h,)) of lstm-tutor's network, or None."""
    from engine.forecast import ForecastConfig, run_forecast

    cfg = ForecastConfig(
        data=frame, date="date", targets=["y"], horizon=h, seed=0, fallback=False,
        test_size=k * h,
    )  # fmt: skip
    try:
        r = run_forecast(cfg)
    except ValueError:
        return None
    if r.choice.get("forecast") != "model":
        return None
    pred = r.holdout["y_predicted"].to_numpy(float)
    if len(pred) != k * h:
        return None
    return pred.reshape(k, h), r.forecast["y"].to_numpy(float)


def candidates(series, n, h, m, cache):
    """{candidate: (cv (k, h), test (h,))} for the history y[:n] and the origins used."""
    name, frame = series.name, series.frame().iloc[:n].reset_index(drop=True)
    hist = frame["y"].to_numpy(float)
    k = K
    net = None
    while k >= 1 and net is None:
        if n - k * h >= 2 * h + 10:
            net = network(frame, h, k)
        if net is None:
            k -= 1
    k = max(k, 1) if net is not None else K
    origins = cv_origins(n, h, k, first=max(h, 4))
    if len(origins) == 0:
        return None, origins
    out = {}
    if net is not None:
        out["network"] = net
    key_hist = np.concatenate([hist, origins.astype(float)])
    cl = cached(cache, name, "classical-cv", key_hist, h, m)
    if cl is None:
        both = np.concatenate([origins, [n]])
        f = classical_forecasts(hist[:, None], both, h, m)
        cl = {c: v[..., 0] for c, v in f.items()}
        store(cache, name, "classical-cv", key_hist, h, m, cl)
    for c, v in cl.items():
        out[c] = (v[:-1], v[-1])
    base = every_baseline(hist[:, None], np.concatenate([origins, [n]]), h, max(m, 1))
    for c, v in base.items():
        out[c] = (v[:-1, :, 0], v[-1, :, 0])
    return out, origins


RULES = {
    "network": lambda f, p: {"network": 1.0} if "network" in p else None,
    "ets": lambda f, p: {"ets": 1.0},
    "theta": lambda f, p: {"theta": 1.0},
    "mean net+ets+theta": lambda f, p: _mean(p, ("network", "ets", "theta")),
    "mean ets+theta": lambda f, p: _mean(p, ("ets", "theta")),
}


def _mean(pool, names):
    keep = [n for n in names if n in pool]
    return {n: 1 / len(keep) for n in keep}


def rule_weights(rule, folds, pool):
    if rule in RULES:
        return RULES[rule](folds, pool)
    kind, trim, top, which = rule.split(":")
    names = ("network", "ets", "theta") if which == "A" else tuple(pool)
    fc = {n: pool[n][0][..., None] for n in names if n in pool}
    c = learn_combination(folds, fc, trim=float(trim), max_members=int(top))
    return c.weights


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", nargs="*")
    ap.add_argument("--draw", type=int, default=0)
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--dump", type=Path, default=None)
    ap.add_argument("--no-chicago", action="store_true")
    ap.add_argument("--panels", default="generated,classic,packaged,chicago")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(1)
    want = args.panels.split(",")
    panel = (
        (generated(args.draw) if "generated" in want else [])
        + (classic() if "classic" in want else [])
        + (packaged() if "packaged" in want else [])
        + (chicago() if "chicago" in want and not args.no_chicago else [])
    )
    if args.series:
        panel = [s for s in panel if any(k in s.name for k in args.series)]
    rules = list(RULES)
    for which in ("A", "B"):
        for trim in ("1", "1.1", "1.25", "1.5", "2", "100"):
            for top in ("2", "3", "4"):
                rules.append(f"inv:{trim}:{top}:{which}")
    res = {r: {} for r in rules}
    snaive = {}
    dump = {}
    for s in panel:
        y = s.y.astype(float)
        h, m = HORIZON[s.freq], SEASON[s.freq]
        per_rule = {r: [] for r in rules}
        sn = []
        for j in (2, 1, 0):
            n = len(y) - h - j * h
            pool, origins = candidates(s, n, h, m, args.cache)
            actual = y[n : n + h]
            sc = scale(y[:n], m)
            sn.append(np.mean(np.abs(actual - pool["seasonal_naive"][1])) / sc)
            folds = Folds.of(y[:n], origins, h, m)
            dump.setdefault(s.name, []).append(
                {k: [v[0].tolist(), v[1].tolist()] for k, v in pool.items()}
                | {"origins": origins.tolist(), "actual": actual.tolist(), "n": n}
            )
            for r in rules:
                w = rule_weights(r, folds, pool)
                if w is None:
                    w = {"ets": 0.5, "theta": 0.5}
                fc = sum(wt * pool[c][1] for c, wt in w.items())
                per_rule[r].append(np.mean(np.abs(actual - fc)) / sc)
        snaive[s.name] = float(np.mean(sn))
        for r in rules:
            res[r][s.name] = float(np.mean(per_rule[r]))
        print(
            f"{s.name}: snaive {snaive[s.name]:.3f} net {res['network'][s.name]:.3f} "
            f"ets {res['ets'][s.name]:.3f} mean3 {res['mean net+ets+theta'][s.name]:.3f}",
            file=sys.stderr,
            flush=True,
        )
    names = [s.name for s in panel]
    print(f"{'rule':<26}{'gmean':>8}{'beats snaive':>14}")
    print(f"{'seasonal_naive':<26}{gmean([snaive[n] for n in names]):>8.3f}")
    for r in rules:
        wins = sum(res[r][n] < snaive[n] for n in names)
        print(f"{r:<26}{gmean([res[r][n] for n in names]):>8.3f}{wins:>8} of {len(names)}")
    if args.dump:
        args.dump.write_text(json.dumps({"series": dump, "snaive": snaive}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
