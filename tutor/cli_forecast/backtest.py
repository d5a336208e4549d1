"""`lstm-tutor forecast --backtest N`: the rolling-origin table, per cut-off and mean."""

from __future__ import annotations

from pathlib import Path

from engine.metric_format import format_metric
from tutor.cli_forecast.progress import Progress
from tutor.cli_forecast.report import emit


def run_backtest(config, n: int, fmt: str, out: Path | None, progress: Progress | None) -> None:
    """--backtest N: the rolling-origin table, per cut-off and mean, beside the baselines.
    progress: the listener (tutor.cli_forecast.progress.progress_for) or None."""
    from engine.backtest import as_written, rolling_origin

    if progress is not None:
        with progress as bar:
            table = rolling_origin(
                config, cutoffs=n, on_event=bar.on_event, on_origin=bar.on_origin
            )
    else:
        table = rolling_origin(config, cutoffs=n)
    table = as_written(table)
    rows = [_json_row(r) for _, r in table.iterrows()]
    payload = {"backtest": rows[:-1], "mean": rows[-1], "horizon": config.horizon}
    emit(payload, table, lambda: backtest_table(rows, config.horizon), fmt, out)


def _json_row(r) -> dict:
    """One row of the rolling-origin table (as_written) for JSON: None for NaN."""
    import math

    row = {}
    for k, v in r.items():
        if isinstance(v, float) and not math.isfinite(v):
            v = None
        row[k] = v
    return row


def backtest_table(rows: list[dict], horizon: int) -> str:
    """The cut-offs (and their mean) as text: MAE / MASE of each forecaster, what each chose."""
    from engine.forecast.result import LABELS

    # "model" here is whatever the run forecast with: the network, or its fallback
    names = [("model", "forecast")] + [(n, LABELS[n].column) for n in ("naive", "seasonal_naive")]
    lines = [f"Backtest: {len(rows) - 1} cut-offs, {horizon}-step forecasts (MAE / MASE)"]
    head = f"{'cut-off':<12}" + "".join(f"{label:>24}" for _, label in names) + "  chose"
    cover = [k for k in rows[0] if k.startswith("coverage_")]
    head += "".join(f"{k.replace('coverage_', '') + '% cover':>12}" for k in cover)
    lines.append(head)
    for r in rows:
        cells = "".join(
            f"{format_metric(r[f'{n}_mae']) + ' / ' + format_metric(r[f'{n}_mase']):>24}"
            for n, _ in names
        )
        extra = "".join(
            f"{format_metric(100 * r[k] if r[k] is not None else None, percent=True):>12}"
            for k in cover
        )
        lines.append(f"{str(r['cutoff']):<12}{cells}  {r.get('chosen') or '':<5}{extra}")
    return "\n".join(lines)
