"""Many series at once: lstm-tutor's global model on panels, beside per-series peers.

    python bench/many_series.py accuracy [--panels NAME ...] [--draw K] [--cache DIR]
    python bench/many_series.py cost [--sizes 100 1000] [--workers 2] [--sample 3]

accuracy: panels generated in code (monthly series sharing one seasonal shape; series of
different shapes, trends, level breaks and lengths; `--draw K` gives fresh noise), and real
multi-column tables shipped by the bench extra's packages (statsmodels' macrodata columns as a
quarterly panel; the CTA file's rail and bus columns, daily, when ../shared/data holds it).
Protocol of bench/accuracy.py: three origins at the end stepping back by the horizon, each
method sees only the history up to the origin, MASE against that history's in-sample seasonal
naive, averaged over origins; geometric mean across series; share of series beating seasonal
naive; 80% interval coverage. Methods: naive, seasonal naive, statsforecast AutoETS and
AutoARIMA fitted per series, and lstm-tutor's panel run on defaults (one global network per
origin, chosen per series).

cost: generated monthly panels of series of length 120: wall and CPU seconds, peak memory (each
measurement in its own process, so the peak is its own), cost per series; beside statsforecast
AutoETS with n_jobs=2 and one lstm-tutor run per series (measured on `--sample` series and
extrapolated: the table says so); with `--workers N`, the same panel in N partitions on a local
Dask cluster.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from accuracy import LEVEL, cached, gmean, naive_fc, scale, snaive_fc, stats_fc, store  # noqa: E402
from panel import CHICAGO  # noqa: E402

PEERS = ("naive", "seasonal_naive", "AutoETS", "AutoARIMA")
METHODS = (*PEERS, "lstm-tutor")


# --- panels ----------------------------------------------------------------------------------


def _monthly(r, n, level, trend, amp, shape, noise, brk=None) -> np.ndarray:
    t = np.arange(n)
    y = level + trend * t + amp * shape[t % 12] + r.normal(0, noise, n)
    if brk is not None:
        y[int(brk * n) :] += 0.3 * level
    return y


def generated_panel(kind: str, draw: int, n_series: int = 30, length=None) -> dict:
    """{id: Series-like (values, freq, start)}: `shared` one seasonal shape for all; `mixed`
    shapes, trends, breaks and lengths of their own."""
    r = np.random.default_rng(7000 + draw * 101 + (kind == "mixed"))
    shared = np.sin(2 * np.pi * np.arange(12) / 12) + 0.4 * np.cos(4 * np.pi * np.arange(12) / 12)
    out = {}
    for i in range(n_series):
        n = length or int(r.integers(60, 145))
        level = float(r.uniform(50, 500))
        if kind == "shared":
            y = _monthly(r, n, level, level * r.uniform(-1, 3) / 1000, level * 0.15, shared,
                         level * 0.03)  # fmt: skip
        else:
            shape = r.normal(0, 1, 12)
            brk = r.uniform(0.5, 0.8) if i % 4 == 0 else None
            trend, amp = level * r.uniform(-3, 5) / 1000, level * r.uniform(0, 0.25)
            y = _monthly(r, n, level, trend, amp, shape, level * r.uniform(0.01, 0.08), brk)
        start = pd.Timestamp("2000-01-01") + pd.DateOffset(months=int(r.integers(0, 60)))
        out[f"{kind}{i:03d}"] = (y, "MS", start)
    return out


def macro_panel() -> dict:
    import statsmodels.api as sm

    macro = sm.datasets.macrodata.load_pandas().data
    cols = [c for c in macro.columns if c not in ("year", "quarter")]
    return {c: (macro[c].to_numpy(float), "QS", pd.Timestamp("1959-01-01")) for c in cols}


def cta_panel() -> dict:
    if not CHICAGO.exists():
        return {}
    from engine.data import load_series

    s = load_series(CHICAGO, targets=["rail_boardings", "bus"])
    f = s.frame.loc[:"2019-12-31"]
    return {c: (f[c].to_numpy(float), "D", f.index[0]) for c in ("rail_boardings", "bus")}


HORIZON = {"MS": 12, "QS": 8, "D": 14}
SEASON = {"MS": 12, "QS": 4, "D": 7}


def panels(names: list[str] | None, draw: int) -> dict[str, dict]:
    every = {
        "generated_shared": lambda: generated_panel("shared", draw),
        "generated_mixed": lambda: generated_panel("mixed", draw),
        "macrodata_quarterly": macro_panel,
        "cta_rail_bus_daily": cta_panel,
    }
    chosen = {k: f for k, f in every.items() if not names or any(n in k for n in names)}
    return {k: p for k, f in chosen.items() if (p := f())}


def long_frame(series: dict, cut: dict[str, int] | None = None) -> pd.DataFrame:
    parts = []
    for key, (y, freq, start) in series.items():
        n = len(y) if cut is None else cut[key]
        dates = pd.date_range(start, periods=n, freq=freq)
        parts.append(pd.DataFrame({"unique_id": key, "ds": dates, "y": y[:n]}))
    return pd.concat(parts, ignore_index=True)


# --- accuracy --------------------------------------------------------------------------------


def lstm_panel_backtest(series: dict, h: int) -> pd.DataFrame:
    """lstm-tutor's panel run on defaults (seed 0, --interval 80) from the three cut-offs:
    engine.panel.backtest, whose rows are one series at one cut-off."""
    from engine.forecast import ForecastConfig
    from engine.panel.backtest import panel_backtest
    from engine.panel.run import PanelConfig

    cfg = ForecastConfig(data=long_frame(series), horizon=h, seed=0, intervals=[LEVEL])
    return panel_backtest(PanelConfig(cfg), cutoffs=3)


def evaluate_panel(name: str, series: dict, cache: Path | None) -> dict:
    """{method: {id: {"mase", "hits", "n"}}} and the lstm-tutor seconds."""
    freq = next(iter(series.values()))[1]
    h, m = HORIZON[freq], SEASON[freq]
    res = {k: {key: {"mase": [], "hits": 0, "n": 0} for key in series} for k in METHODS}
    t0, c0 = time.perf_counter(), time.process_time()
    ours = lstm_panel_backtest(series, h)
    seconds = {"wall": time.perf_counter() - t0, "cpu": time.process_time() - c0}
    for row in ours.itertuples():
        r = res["lstm-tutor"][row.id]
        r["mase"].append(row.forecast_mase)
        r["hits"] += int(getattr(row, "covered", 0))
        r["n"] += int(getattr(row, "n_interval", 0))
    for k in (2, 1, 0):
        for key, (y, _, _) in series.items():
            n = len(y) - h - k * h
            hist, actual = y[:n], y[n : n + h]
            for method in PEERS:
                fc = _peer(name, key, method, hist, h, m, cache)
                r = res[method][key]
                r["mase"].append(np.mean(np.abs(actual - fc["mean"])) / scale(hist, m))
                if fc.get("lo") is not None:
                    r["hits"] += int(np.sum((actual >= fc["lo"]) & (actual <= fc["hi"])))
                    r["n"] += h
    print(f"{name}: lstm-tutor {seconds['wall']:.0f}s wall, {seconds['cpu']:.0f}s CPU",
          file=sys.stderr, flush=True)  # fmt: skip
    return {"results": res, "seconds": seconds, "h": h, "m": m}


def _peer(panel_name, key, method, hist, h, m, cache) -> dict:
    fc = cached(cache, f"{panel_name}-{key}", method, hist, h, m)
    if fc is None:
        fn = {"naive": naive_fc, "seasonal_naive": snaive_fc}.get(method) or stats_fc(method)
        fc = fn(hist, h, m)
        store(cache, f"{panel_name}-{key}", method, hist, h, m, fc)
    return fc


def accuracy_table(name: str, ev: dict, n_series: int) -> str:
    res = ev["results"]
    lines = [
        f"{name} ({n_series} series, horizon {ev['h']}, season {ev['m']}; lstm-tutor "
        f"{ev['seconds']['cpu'] / n_series:.1f} CPU s per series for 3 origins)",
        f"{'method':<16}{'gmean MASE':>11}{'beats snaive':>14}{'80% cover':>11}",
    ]
    snaive = {k: np.mean(v["mase"]) for k, v in res["seasonal_naive"].items()}
    for method in METHODS:
        mase = {k: np.mean(v["mase"]) for k, v in res[method].items()}
        beats = "-" if method == "seasonal_naive" else (
            f"{sum(mase[k] < snaive[k] for k in mase)} of {len(mase)}")  # fmt: skip
        n = sum(v["n"] for v in res[method].values())
        cover = f"{sum(v['hits'] for v in res[method].values()) / n:.1%}" if n else "-"
        lines.append(f"{method:<16}{gmean(list(mase.values())):>11.3f}{beats:>14}{cover:>11}")
    return "\n".join(lines)


def accuracy(args) -> None:
    import torch

    torch.set_num_threads(1)
    for name, series in panels(args.panels, args.draw).items():
        ev = evaluate_panel(name, series, args.cache)
        print(accuracy_table(name, ev, len(series)))
        print()


# --- cost ------------------------------------------------------------------------------------


def measure(what: str, size: int, workers: int, sample: int) -> dict:
    """One measurement in a fresh process: {wall, cpu, peak_mib, series}."""
    cmd = [sys.executable, __file__, "_one", what, str(size), str(workers), str(sample)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1][:100]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _one(what: str, size: int, workers: int, sample: int) -> None:
    import torch

    torch.set_num_threads(1)
    series = generated_panel("mixed", 0, n_series=size, length=120)
    df = long_frame(series)
    t0, c0 = time.perf_counter(), _cpu()
    n = size
    if what == "lstm-tutor":
        _lstm(df, workers)
    elif what == "AutoETS n_jobs=2":
        from statsforecast import StatsForecast
        from statsforecast.models import AutoETS

        StatsForecast(models=[AutoETS(season_length=12)], freq="MS", n_jobs=2).forecast(df=df, h=12)
    else:  # one lstm-tutor run per series, on a sample
        from engine.forecast import ForecastConfig, run_forecast

        n = sample
        for key in list(series)[:sample]:
            one = df[df.unique_id == key].drop(columns="unique_id")
            run_forecast(ForecastConfig(data=one, date="ds", targets=["y"], horizon=12))
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_mib": peak, "series": n}))


def _lstm(df: pd.DataFrame, workers: int) -> None:
    from engine.forecast import ForecastConfig
    from engine.panel.distributed import connect, run_partitions
    from engine.panel.run import PanelConfig, run_panel

    config = PanelConfig(ForecastConfig(data=df, horizon=12, seed=0))
    if not workers:
        run_panel(config)
        return
    client, cluster = connect(workers)
    try:
        run_partitions(config, workers, client=client)
    finally:
        client.close()
        cluster.close()


def _cpu() -> float:
    """This process's CPU seconds and its finished children's (Dask's worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def cost(args) -> None:
    rows = []
    for size in args.sizes:
        plan = [("lstm-tutor", 0), ("AutoETS n_jobs=2", 0), ("lstm-tutor per series", 0)]
        plan += [("lstm-tutor", args.workers)] if args.workers else []
        for what, workers in plan:
            r = measure(what, size, workers, args.sample)
            label = what + (f", --workers {workers}" if workers else "")
            rows.append((size, label, r))
            print(f"{size} {label}: {r}", file=sys.stderr, flush=True)
    print(cost_table(rows))


def cost_table(rows) -> str:
    lines = [
        "Cost: generated monthly series of length 120, horizon 12 (each row its own process)",
        f"{'series':>7}  {'method':<28}{'wall s':>9}{'CPU s':>9}{'peak MiB':>10}{'ms/series':>11}",
    ]
    for size, label, r in rows:
        if "error" in r:
            lines.append(f"{size:>7}  {label:<28}  failed: {r['error']}")
            continue
        scale_up = size / r["series"]  # the per-series runs: a sample, extrapolated
        wall, cpu = r["wall"] * scale_up, r["cpu"] * scale_up
        mark = "*" if scale_up != 1 else " "
        lines.append(
            f"{size:>7}  {label:<28}{wall:>8.1f}{mark}{cpu:>8.1f}{mark}{r['peak_mib']:>10.0f}"
            f"{1000 * wall / size:>11.1f}"
        )
    lines.append("* measured on a sample of series and extrapolated to the panel's size")
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_one":
        what, size, workers, sample = sys.argv[2], *map(int, sys.argv[3:6])
        _one(what, size, workers, sample)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    acc = sub.add_parser("accuracy")
    acc.add_argument("--panels", nargs="*", help="only these panels (substring match)")
    acc.add_argument("--draw", type=int, default=0, help="fresh noise for the generated panels")
    acc.add_argument("--cache", type=Path, default=None, help="cache the peers' forecasts")
    cst = sub.add_parser("cost")
    cst.add_argument("--sizes", type=int, nargs="*", default=[100, 1000])
    cst.add_argument("--workers", type=int, default=0, help="also on a local Dask cluster")
    cst.add_argument("--sample", type=int, default=3, help="series for the per-series runs")
    args = ap.parse_args()
    accuracy(args) if args.what == "accuracy" else cost(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
