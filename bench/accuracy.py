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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# ../shared/data relative to the checkout (a git worktree may sit one level deeper)
CHICAGO = next(
    (
        p / "shared" / "data" / "cta_ridership_daily.csv"
        for p in ROOT.parents
        if (p / "shared" / "data" / "cta_ridership_daily.csv").exists()
    ),
    ROOT / ".." / "shared" / "data" / "cta_ridership_daily.csv",
)
HORIZON = {"W": 13, "M": 12, "Q": 8, "Y": 10, "D": 14}
SEASON = {"W": 52, "M": 12, "Q": 4, "Y": 1, "D": 7}
PANDAS_FREQ = {"W": "W-SUN", "M": "MS", "Q": "QS", "Y": "YS", "D": "D"}
METHODS = ("naive", "seasonal_naive", "AutoETS", "AutoARIMA", "lstm-tutor")
LEVEL = 80


@dataclass
class Series:
    name: str
    freq: str  # W M Q Y D
    y: np.ndarray
    start: str = "2000-01-01"
    dates: pd.DatetimeIndex | None = None

    def frame(self) -> pd.DataFrame:
        dates = self.dates
        if dates is None:
            dates = pd.date_range(self.start, periods=len(self.y), freq=PANDAS_FREQ[self.freq])
        return pd.DataFrame({"date": dates, "y": self.y.astype(float)})


# --- the panel ----------------------------------------------------------------------------


def generated(draw: int = 0) -> list[Series]:
    """Series built in code, each with its own seed: what a practitioner meets, in miniature.
    draw > 0 gives other noise for the same shapes: a fresh panel to check that what was chosen
    on draw 0 was not tuned to it."""
    out = []

    def rng(k: int) -> np.random.Generator:
        return np.random.default_rng(1000 + k + 100 * draw)

    t = np.arange(144)
    season12 = np.sin(2 * np.pi * t / 12)
    r = rng(1)
    out.append(Series("trend_monthly", "M", 100 + 0.8 * t + 8 * season12 + r.normal(0, 2, 144)))
    r = rng(2)
    out.append(
        Series("trend_monthly_noisy", "M", 50 + 0.3 * t + 5 * season12 + r.normal(0, 6, 144))
    )
    r = rng(3)
    level = np.where(np.arange(260) < 180, 200.0, 280.0)  # a break two-thirds in
    out.append(Series("level_shift_weekly", "W", level + r.normal(0, 8, 260)))
    r = rng(4)
    growth = 100 * np.exp(0.012 * t)
    mult = growth * (1 + 0.25 * season12) * np.exp(r.normal(0, 0.03, 144))
    out.append(Series("mult_seasonal_monthly", "M", mult))
    r = rng(5)
    out.append(Series("random_walk_daily", "D", 500 + np.cumsum(r.normal(0, 5, 730))))
    r = rng(6)
    t60 = np.arange(72)  # three origins 12 apart: the first sees only 36 months
    out.append(
        Series(
            "short_monthly_36",
            "M",
            80 + 0.5 * t60 + 10 * np.sin(2 * np.pi * t60 / 12) + r.normal(0, 2, 72),
        )
    )
    r = rng(7)
    t312 = np.arange(312)
    out.append(
        Series(
            "weekly_season52",
            "W",
            300 + 0.2 * t312 + 40 * np.sin(2 * np.pi * t312 / 52) + r.normal(0, 6, 312),
        )
    )
    r = rng(8)
    t120 = np.arange(120)
    out.append(
        Series(
            "cycle_quarterly",
            "Q",
            1000 + 60 * np.sin(2 * np.pi * t120 / 22) + 0.8 * t120 + r.normal(0, 10, 120),
        )
    )
    r = rng(9)
    t50 = np.arange(50)
    out.append(Series("trend_yearly", "Y", 20 + 1.5 * t50 + r.normal(0, 3, 50), start="1970-01-01"))
    r = rng(10)
    t1000 = np.arange(1000)
    dow = np.array([1.0, 1.02, 1.03, 1.01, 0.98, 0.7, 0.55])[t1000 % 7]
    trend = 1000 + 0.4 * t1000
    out.append(Series("daily_weekly_trend", "D", trend * dow + r.normal(0, 15, 1000)))
    r = rng(11)
    ar = np.zeros(400)
    for i in range(2, 400):
        ar[i] = 1.3 * ar[i - 1] - 0.5 * ar[i - 2] + r.normal(0, 1)
    out.append(Series("ar2_daily", "D", 50 + ar))
    r = rng(12)
    t96 = np.arange(96)
    out.append(
        Series(
            "rising_seasonal_quarterly",
            "Q",
            200 * np.exp(0.02 * t96) * (1 + 0.1 * np.array([0.0, 1, 0.5, -1.5])[t96 % 4])
            + r.normal(0, 4, 96),
        )
    )
    return out


def classic() -> list[Series]:
    """Public series bundled with installed packages (nothing is downloaded)."""
    out = []
    try:
        from statsforecast.utils import AirPassengers

        ap = np.asarray(AirPassengers, float)
        out.append(Series("AirPassengers", "M", ap, start="1949-01-01"))
    except ImportError:
        pass
    try:
        import statsmodels.api as sm
    except ImportError:
        return out
    d = sm.datasets.co2.load_pandas().data["co2"].interpolate()
    out.append(Series("co2_weekly", "W", d.to_numpy()[-600:], dates=d.index[-600:]))
    nile = sm.datasets.nile.load_pandas().data
    out.append(Series("nile_yearly", "Y", nile["volume"].to_numpy(), start="1871-01-01"))
    sun = sm.datasets.sunspots.load_pandas().data
    out.append(Series("sunspots_yearly", "Y", sun["SUNACTIVITY"].to_numpy(), start="1700-01-01"))
    macro = sm.datasets.macrodata.load_pandas().data
    out.append(Series("us_realgdp_quarterly", "Q", macro["realgdp"].to_numpy(), start="1959-01-01"))
    out.append(Series("us_unemp_quarterly", "Q", macro["unemp"].to_numpy(), start="1959-01-01"))
    nino = sm.datasets.elnino.load_pandas().data.drop(columns="YEAR").to_numpy().ravel()
    out.append(Series("elnino_monthly", "M", nino, start="1950-01-01"))
    return out


def chicago() -> list[Series]:
    if not CHICAGO.exists():
        return []
    from engine.data import load_series

    s = load_series(CHICAGO, targets=["total_rides"])
    y = s.frame["total_rides"]
    return [
        Series("chicago_to_2019", "D", y.loc[:"2019-12-31"].to_numpy(), dates=y.loc[:"2019"].index),
        Series("chicago_full", "D", y.to_numpy(), dates=y.index),
    ]


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
    picked = r.choice.get("forecast")
    if picked == "model":
        picked = "+".join(filter(None, (r.choice.get("inputs"), r.choice.get("combined_with"))))
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
