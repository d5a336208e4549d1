"""The panel's table for people, 80 columns wide: the holdout across series, what forecasts
them, the worst series, and the forecast of the first few."""

from __future__ import annotations

import textwrap

import numpy as np

from engine.metric_format import format_metric
from engine.vocabulary import BASELINE_TITLES

WIDTH = 80


def panel_table(result) -> str:
    hold = result.holdout_frame()
    n = len(result.series)
    head = (
        f"Panel holdout ({n} series; each on its own last rows, {result.horizon}-step "
        f"forecasts, window {result.window}, season {result.season})"
    )
    lines = textwrap.wrap(head, WIDTH) + [
        f"{'method':<32}{'gmean MASE':>12}{'mean sMAPE':>12}{'beats snaive':>16}",
    ]
    rows = (
        ("the forecast (as chosen)", "mase", "smape"),
        (f"{result.label} alone", "network_mase", None),
        ("naive", "naive_mase", None),
        (f"seasonal naive (m={result.season})", "seasonal_naive_mase", None),
    )
    for title, col, smape in rows:
        gm = _gmean(hold[col])
        sm = format_metric(float(hold[smape].mean()), percent=True) if smape else "-"
        beats = (
            "-" if col == "seasonal_naive_mase" else _beats(hold[col], hold["seasonal_naive_mase"])
        )
        lines.append(f"{title[:31]:<32}{gm:>12}{sm:>12}{beats:>16}")
    lines.append("(the chosen forecast is scored on the holdout it was chosen on: optimistic;")
    lines.append(" the network alone was trained before it)")
    lines.append("")
    lines += textwrap.wrap(_by_line(result.summary()), WIDTH)
    lines += _worst(hold)
    lines += _notes(result)
    lines += _forecast(result)
    return "\n".join(lines)


def _gmean(values) -> str:
    v = np.asarray(values, float)
    v = v[np.isfinite(v) & (v > 0)]
    return format_metric(float(np.exp(np.log(v).mean()))) if len(v) else "n/a"


def _beats(values, rivals) -> str:
    a, b = np.asarray(values, float), np.asarray(rivals, float)
    ok = np.isfinite(a) & np.isfinite(b)
    return f"{int((a[ok] < b[ok]).sum())} of {int(ok.sum())}"


def _by_line(summary: dict) -> str:
    parts = [f"Forecast by the network: {summary['network']} of {summary['series']} series"]
    fell = summary["fell_back"]
    if fell:
        each = ", ".join(
            f"{BASELINE_TITLES[k]} {v}" for k, v in sorted(fell.items(), key=lambda kv: -kv[1])
        )
        parts.append(f"fell back to a baseline: {sum(fell.values())} ({each})")
    if summary["unscored"]:
        parts.append(f"too short to score: {summary['unscored']} (naive)")
    return "; ".join(parts) + "."


def _worst(hold) -> list[str]:
    worst = hold.dropna(subset=["mase"]).nlargest(5, "mase")
    if worst.empty:
        return []
    out = ["", "Worst series (holdout MASE of the forecast)"]
    width = min(24, max(len(str(v)) for v in worst["id"]))
    for r in worst.itertuples():
        out.append(
            f"  {str(r.id)[:width]:<{width}}  {format_metric(r.mase):>8}  {r.forecast_by}"[:WIDTH]
        )
    return out


def _notes(result) -> list[str]:
    return [f"Note: {n}" for n in result.notes]


def _forecast(result) -> list[str]:
    from engine.panel.result import iso_dates

    shown = result.series[:SHOWN]
    frame = result.forecast_frame()
    frame = frame[frame["id"].isin([s.id for s in shown])]
    more = len(result.series) - len(shown)
    head = f"Forecast of the first {len(shown)} series"
    head += f" ({more} more: --format csv or --out)" if more > 0 else ""
    out = ["", head]
    cols = list(frame.columns)
    cells = [[str(v) for v in frame["id"]], iso_dates(frame["date"])]
    cells += [[format_metric(float(v)) for v in frame[c]] for c in cols[2:]]
    widths = [max(len(c), *(len(v) for v in col)) for c, col in zip(cols, cells, strict=True)]
    out.append("  ".join(c.rjust(w) for c, w in zip(cols, widths, strict=True)))
    for row in zip(*cells, strict=True):
        out.append("  ".join(v.rjust(w) for v, w in zip(row, widths, strict=True)))
    return out


SHOWN = 3


def backtest_table(summary, horizon: int) -> str:
    """The panel backtest, one line per cut-off and the mean, 80 columns wide."""
    lines = [
        f"Panel backtest: {len(summary) - 1} cut-offs, {horizon}-step forecasts after each "
        "series' own cut-off",
        "(cut-off k: the last k+1 horizons of every series unseen; MASE per series)",
        f"{'cut-off':<9}{'series':>7}{'forecast':>11}{'naive':>9}{'snaive':>9}"
        f"{'beats snaive':>14}{'coverage':>10}",
    ]
    for r in summary.to_dict(orient="records"):
        beats = r.get("beats_seasonal_naive")
        cover = r.get("coverage")
        lines.append(
            f"{str(r['cutoff']):<9}{r['series']:>7}"
            + "".join(
                f"{format_metric(r[f'{m}_gmean_mase']):>{w}}"
                for m, w in (("forecast", 11), ("naive", 9), ("seasonal_naive", 9))
            )
            + f"{'-' if beats is None else f'{beats:.0%}':>14}"
            + f"{'-' if cover is None or cover != cover else f'{cover:.1%}':>10}"
        )
    lines.append("(geometric mean of the series' MASE; mean: each series' MASE over the cut-offs)")
    return "\n".join(lines)
