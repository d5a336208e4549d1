"""Forecast accuracy on a broad panel: lstm-tutor's defaults beside naive, seasonal naive,
statsforecast's AutoETS and AutoARIMA, scored by MASE (geometric mean across series).

    python bench/accuracy.py [--series NAME ...] [--methods ...] [--cache DIR] [--json OUT]

The panel: series generated in code (trend, level shift, multiplicative seasonality, random
walk, a 36-point monthly series, weekly with a 52-step season, a cycle; several lengths and noise
levels), classic series bundled with statsmodels/statsforecast when installed (AirPassengers,
Mauna Loa CO2 weekly, Nile yearly with its 1898 break, sunspots, US real GDP and unemployment
quarterly, El Nino monthly), and the Chicago CTA daily ridership file (to 2019 and in full, with
the 2020 break) when ../shared/data holds it.

Protocol (issue 9): horizon by frequency (weekly 13, monthly 12, quarterly 8, yearly 10, daily
14); three origins at the end, each leaving the next h points unseen, stepping back by h; every
method sees only the history up to the origin; MASE = MAE / in-sample seasonal-naive MAE of that
history (naive for yearly), averaged over origins; geometric mean across series. lstm-tutor runs
as `lstm-tutor forecast DATA --date date --target y --horizon H --seed 0` would (every other
option at its default), with --interval 80 for the coverage column. Time per series is the
lstm-tutor side only (three fits), in process CPU seconds and wall seconds; torch uses one thread.
The statistical methods' forecasts can be cached (--cache DIR): they do not change between runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from panel import HORIZON, SEASON, Series, chicago, classic, generated  # noqa: E402

METHODS = ("naive", "seasonal_naive", "AutoETS", "AutoARIMA", "lstm-tutor")
LEVEL = 80


# --- methods ------------------------------------------------------------------------------


def naive_fc(y: np.ndarray, h: int, m: int) -> dict:
    return {"mean": np.repeat(y[-1], h)}


def snaive_fc(y: np.ndarray, h: int, m: int) -> dict:
    if m <= 1 or len(y) < m:
        return naive_fc(y, h, m)
    k = np.arange(h)
    return {"mean": y[len(y) - m + (k % m)]}


def stats_fc(kind: str) -> Callable[[np.ndarray, int, int], dict]:
    def run(y: np.ndarray, h: int, m: int) -> dict:
        from statsforecast.models import AutoARIMA, AutoETS

        model = (AutoETS if kind == "AutoETS" else AutoARIMA)(season_length=max(m, 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = model.forecast(y=y.astype(float), h=h, level=[LEVEL])
        return {
            "mean": np.asarray(out["mean"], float),
            "lo": np.asarray(out[f"lo-{LEVEL}"], float),
            "hi": np.asarray(out[f"hi-{LEVEL}"], float),
        }

    return run


def lstm_tutor_fc(frame: pd.DataFrame, h: int) -> dict:
    """`lstm-tutor forecast` on its defaults (plus --interval 80 when the option exists)."""
    from engine.forecast import ForecastConfig, run_forecast

    fields = {"data": frame, "date": "date", "targets": ["y"], "horizon": h, "seed": 0}
    if "intervals" in ForecastConfig.__dataclass_fields__:
        fields["intervals"] = [LEVEL]
    r = run_forecast(ForecastConfig(**fields))
    out = {"mean": r.forecast["y"].to_numpy(float)}
    lo, hi = f"y_lower_{LEVEL}", f"y_upper_{LEVEL}"
    if lo in r.forecast:
        out["lo"], out["hi"] = r.forecast[lo].to_numpy(float), r.forecast[hi].to_numpy(float)
    picked = r.choice.forecast
    if picked == "model":
        picked = "+".join(filter(None, (r.choice.inputs, r.choice.combined_with)))
    out["chosen"] = picked
    return out


# --- the protocol -------------------------------------------------------------------------


def scale(history: np.ndarray, m: int) -> float:
    m = m if len(history) > m else 1
    return float(np.mean(np.abs(history[m:] - history[:-m])))


def evaluate(series: Series, methods: list[str], cache: Path | None) -> dict:
    """{method: {"mase", "cover", "n_cover", "seconds", "cpu", "error", "chosen"}}."""
    frame = series.frame()
    y = frame["y"].to_numpy(float)
    h, m = HORIZON[series.freq], SEASON[series.freq]
    res: dict[str, dict] = {}
    for method in methods:
        mases, hits, n_int, chosen = [], 0, 0, []
        wall = cpu = 0.0
        error = None
        for k in (2, 1, 0):  # origins from the earliest to the last
            n = len(y) - h - k * h
            hist, actual = y[:n], y[n : n + h]
            try:
                t0, c0 = time.perf_counter(), time.process_time()
                fc = cached(cache, series.name, method, hist, h, m)
                if fc is None:
                    if method == "lstm-tutor":
                        fc = lstm_tutor_fc(frame.iloc[:n].reset_index(drop=True), h)
                    else:
                        fn = {
                            "naive": naive_fc,
                            "seasonal_naive": snaive_fc,
                            "AutoETS": stats_fc("AutoETS"),
                            "AutoARIMA": stats_fc("AutoARIMA"),
                        }[method]
                        fc = fn(hist, h, m)
                        store(cache, series.name, method, hist, h, m, fc)
                wall += time.perf_counter() - t0
                cpu += time.process_time() - c0
            except Exception as e:  # a failing series is a result, not a crash of the bench
                error = f"{type(e).__name__}: {str(e).splitlines()[0][:80]}"
                break
            mases.append(np.mean(np.abs(actual - fc["mean"])) / scale(hist, m))
            if "lo" in fc:
                hits += int(np.sum((actual >= fc["lo"]) & (actual <= fc["hi"])))
                n_int += h
            if fc.get("chosen"):
                chosen.append(str(fc["chosen"]))
        res[method] = {
            "mase": float(np.mean(mases)) if error is None else None,
            "cover": hits / n_int if n_int else None,
            "n_cover": n_int,
            "seconds": wall,
            "cpu": cpu,
            "error": error,
            "chosen": ",".join(chosen),
        }
    return res


def _key(name: str, method: str, hist: np.ndarray, h: int, m: int) -> str:
    digest = hashlib.sha1(np.ascontiguousarray(hist).tobytes()).hexdigest()[:16]
    return f"{name}-{method}-{h}-{m}-{len(hist)}-{digest}"


def cached(cache: Path | None, name, method, hist, h, m) -> dict | None:
    if cache is None or method == "lstm-tutor":
        return None
    p = cache / f"{_key(name, method, hist, h, m)}.json"
    if not p.exists():
        return None
    return {k: np.asarray(v, float) for k, v in json.loads(p.read_text()).items()}


def store(cache: Path | None, name, method, hist, h, m, fc: dict) -> None:
    if cache is None:
        return
    cache.mkdir(parents=True, exist_ok=True)
    p = cache / f"{_key(name, method, hist, h, m)}.json"
    p.write_text(json.dumps({k: np.asarray(v, float).tolist() for k, v in fc.items()}))


def gmean(values: list[float]) -> float:
    v = [x for x in values if x is not None and x > 0]
    return float(math.exp(np.mean(np.log(v)))) if v else float("nan")


def report(panel: list[Series], results: dict[str, dict], methods: list[str]) -> str:
    lines = []
    width = max(len(s.name) for s in panel) + 2
    head = f"{'series':<{width}}{'n':>6} {'f':>2}" + "".join(f"{m:>15}" for m in methods)
    lines.append(head)
    for s in panel:
        row = f"{s.name:<{width}}{len(s.y):>6} {s.freq:>2}"
        for m in methods:
            r = results[s.name][m]
            row += f"{'FAILED' if r['error'] else format(r['mase'], '.3f'):>15}"
        lines.append(row)
    lines.append("")
    lines.append(f"{'method':<16}{'gmean MASE':>11}{'beats snaive':>14}{'failed':>8}"
                 f"{'80% cover':>11}{'s/series':>10}{'cpu/series':>12}")  # fmt: skip
    for m in methods:
        rs = [results[s.name][m] for s in panel]
        failed = sum(r["error"] is not None for r in rs)
        g = gmean([r["mase"] for r in rs])
        beats = "-"
        if m != "seasonal_naive" and "seasonal_naive" in methods:
            wins = sum(
                r["mase"] is not None and r["mase"] < results[s.name]["seasonal_naive"]["mase"]
                for s, r in zip(panel, rs, strict=True)
            )
            beats = f"{wins} of {len(panel)}"
        n_cov = sum(r["n_cover"] for r in rs)
        cover = f"{sum((r['cover'] or 0) * r['n_cover'] for r in rs) / n_cov:.1%}" if n_cov else "-"
        secs = np.mean([r["seconds"] for r in rs])
        cpus = np.mean([r["cpu"] for r in rs])
        lines.append(
            f"{m:<16}{g:>11.3f}{beats:>14}{failed:>8}{cover:>11}{secs:>10.1f}{cpus:>12.1f}"
        )
    errors = [(s.name, m, results[s.name][m]["error"]) for s in panel for m in methods]
    for name, m, e in errors:
        if e:
            lines.append(f"failed: {name} / {m}: {e}")
    chosen = [(s.name, results[s.name].get("lstm-tutor", {}).get("chosen")) for s in panel]
    if any(c for _, c in chosen):
        lines.append("")
        lines.append("lstm-tutor's choice per origin: " + "; ".join(f"{n} {c}" for n, c in chosen))
    return "\n".join(lines)


def random_walk_luck(draws: int = 2000) -> str:
    """How often seasonal naive beats naive, the best forecast of a random walk, on this
    protocol by luck alone: draws like random_walk_daily's, other seeds. A method that forecasts
    a random walk well loses to seasonal naive on about that share of draws."""
    h, m, wins = HORIZON["D"], SEASON["D"], 0
    for s in range(draws):
        y = 500 + np.cumsum(np.random.default_rng(5000 + s).normal(0, 5, 730))
        err = {"naive": [], "snaive": []}
        for k in (2, 1, 0):
            n = len(y) - h - k * h
            for name, fn in (("naive", naive_fc), ("snaive", snaive_fc)):
                mae = np.mean(np.abs(y[n : n + h] - fn(y[:n], h, m)["mean"]))
                err[name].append(mae / scale(y[:n], m))  # MASE, as the panel scores it
        wins += np.mean(err["snaive"]) < np.mean(err["naive"])
    return (
        f"random-walk check: on {draws} draws like random_walk_daily, seasonal naive beats naive "
        f"(the best forecast of a random walk) on {wins / draws:.1%} of them by luck"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", nargs="*", help="only these series (substring match)")
    ap.add_argument("--methods", nargs="*", default=list(METHODS), choices=METHODS)
    ap.add_argument("--cache", type=Path, default=None, help="cache the statistical forecasts")
    ap.add_argument("--json", type=Path, default=None, help="write the per-series results")
    ap.add_argument("--no-chicago", action="store_true", help="leave out the Chicago file")
    ap.add_argument(
        "--draw",
        type=int,
        default=0,
        help="other noise for the generated series (0: the published panel)",
    )
    args = ap.parse_args()

    import torch

    torch.set_num_threads(1)
    panel = generated(args.draw) + classic() + ([] if args.no_chicago else chicago())
    if args.series:
        panel = [s for s in panel if any(k in s.name for k in args.series)]
    results = {}
    for s in panel:
        results[s.name] = evaluate(s, args.methods, args.cache)
        cells = "  ".join(
            f"{m} {'FAILED' if r['error'] else format(r['mase'], '.3f')}"
            for m, r in results[s.name].items()
        )
        lt = results[s.name].get("lstm-tutor")
        extra = f"  ({lt['seconds']:.0f}s, cpu {lt['cpu']:.0f}s)" if lt else ""
        print(f"{s.name}: {cells}{extra}", file=sys.stderr, flush=True)
    print(report(panel, results, args.methods))
    print(random_walk_luck())
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
