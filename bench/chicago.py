"""Chicago CTA ridership: our forecasts beside seeds 000 and 001 and the seasonal naive baseline.

    python bench/chicago.py [--csv PATH] [--epochs N] [--seed N]

Seed 000's split: total_rides up to 2019-12-31, train to 2015-12-31, test 2016-2019, standardized
on the training part; RMSE in those standardized units for 1 step (window 7) and 7 steps (window
14, encoder-decoder). Seed 001's split: rail and bus in millions, window 56, train 2016-01 to
2018-12, scored on 2019-01 to 2019-05 by MAE (the seed reports its best epoch's validation MAE;
we report the final model, early-stopped on a slice of the training windows, not on 2019).
Our models also get the day type of each forecast day (W/A/U one-hot) as a known-future input,
as seed 001 does with its next-day type.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_CSV = ROOT / ".." / "shared" / "data" / "cta_ridership_daily.csv"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if not args.csv.exists():
        print(f"skipped: {args.csv} is not here (the Chicago CTA daily ridership CSV)")
        return 0

    import pandas as pd

    from engine.data import load_series
    from engine.forecast import ForecastConfig, run_forecast

    full = load_series(
        args.csv, targets=["total_rides", "rail_boardings", "bus"], covariates=["day_type"]
    )
    for w in full.warnings:
        print(f"note: {w}")
    frame = full.frame.reset_index()

    def upto(last: str) -> pd.DataFrame:
        return frame[frame["date"] <= last]

    def after(last: str, n: int = 60) -> pd.DataFrame:  # known day types after the data ends
        return frame[frame["date"] > last].head(n)[["date", "day_type"]]

    common = dict(
        model="lstm",
        epochs=args.epochs,
        seed=args.seed,
        lr=3e-3,
        batch_size=32,
        patience=8,
        device="cpu",
    )
    rows = []

    # seed 000: total_rides, standardized on the training part
    d0 = upto("2019-12-31")[["date", "total_rides", "day_type"]]
    for label, strategy, window, horizon, seed_rmse in [
        ("000 1-step RMSE (std units)", "direct", 7, 1, 0.38),
        ("000 7-step RMSE, seq2seq (std units)", "seq2seq", 14, 7, 0.44),
    ]:
        t = time.perf_counter()
        r = run_forecast(
            ForecastConfig(
                data=d0,
                targets=["total_rides"],
                covariates=["day_type"],
                future=after("2019-12-31"),
                strategy=strategy,
                window=window,
                horizon=horizon,
                hidden=32,
                test_start="2016-01-01",
                **common,
            )
        )
        sd = r.checkpoint["target_scaler"]["scale"][0]
        rows.append(
            (
                label,
                seed_rmse,
                r.metrics["model"]["rmse"] / sd,
                r.metrics["seasonal_naive"]["rmse"] / sd,
                r.metrics["naive"]["rmse"] / sd,
                time.perf_counter() - t,
                r.training.epochs_run,
            )
        )

    # seed 001: rail and bus in millions, window 56, next-day type known; trained on MAE (the
    # metric scored), early-stopped on the last tenth of the training windows
    d1 = upto("2019-05-31")
    d1 = d1[d1["date"] >= "2016-01-01"][["date", "rail_boardings", "bus", "day_type"]].copy()
    d1[["rail_boardings", "bus"]] = d1[["rail_boardings", "bus"]] / 1e6
    t = time.perf_counter()
    r = run_forecast(
        ForecastConfig(
            data=d1,
            targets=["rail_boardings", "bus"],
            covariates=["day_type"],
            future=after("2019-05-31"),
            strategy="direct",
            window=56,
            horizon=1,
            hidden=32,
            test_start="2019-01-01",
            **{**common, "epochs": max(args.epochs, 100), "lr": 1e-2, "patience": 15},
            loss="mae",
        )
    )
    seconds = time.perf_counter() - t
    rows.append(
        (
            "001 rail+bus MAE, millions (2019-01..05)",
            0.0258,
            r.metrics["model"]["mae"],
            r.metrics["seasonal_naive"]["mae"],
            r.metrics["naive"]["mae"],
            seconds,
            r.training.epochs_run,
        )
    )
    # the seed builds its windows inside 2019-01..05, so it scores only the days from 02-26 on
    h = r.holdout[r.holdout["date"] >= "2019-02-26"]

    def mae_of(kind: str) -> float:
        parts = [(h[f"{t}_actual"] - h[f"{t}_{kind}"]).abs() for t in ("rail_boardings", "bus")]
        return float(pd.concat(parts).mean())

    rows.append(
        (
            "001 same, the seed's scored days (02-26..05-31)",
            0.0258,
            mae_of("predicted"),
            mae_of("seasonal_naive"),
            mae_of("naive"),
            seconds,
            r.training.epochs_run,
        )
    )

    head = ("setup", "seed", "ours", "seasonal naive", "naive", "seconds", "epochs")
    w0 = max(len(r[0]) for r in rows)
    print(f"{head[0]:<{w0}}  " + "  ".join(f"{h:>14}" for h in head[1:]))
    for label, *vals in rows:
        cells = [f"{v:>14.4f}" for v in vals[:4]] + [f"{vals[4]:>14.1f}", f"{vals[5]!s:>14}"]
        print(f"{label:<{w0}}  " + "  ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
