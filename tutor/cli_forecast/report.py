"""What the forecast command prints and writes: the holdout table, the forecast, the files.

The JSON is the engine's (ForecastResult.to_json); the table is for people.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from engine.metric_format import format_metric, format_named_metric

if TYPE_CHECKING:  # engine.forecast loads pandas: `tutor.cli` starts without it
    from engine.forecast.result import ForecastResult


def emit(payload: dict, frame, table: Callable[[], str], fmt: str, out: Path | None) -> None:
    """Write `out` (.json: the payload, else the frame as CSV), then print in the chosen format.

    payload: everything, as JSON; frame: the DataFrame a CSV holds; table: the text for people
    (made only when it is printed).
    """
    from engine.forecast.result import write_atomic

    text = json.dumps(payload, indent=2)
    if out is not None:
        try:
            body = text + "\n" if out.suffix.lower() == ".json" else frame.to_csv(index=False)
            write_atomic(out, body)
        except OSError as e:
            raise click.ClickException(f"cannot write {out}: {e.strerror or e}") from None
    if fmt == "json":
        click.echo(text)
    elif fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    else:
        click.echo(table())


def forecast_table(result: ForecastResult, frame=None) -> str:
    """The holdout metrics side by side (model, naive, seasonal naive, drift), the choice made
    and the forecast (`frame`: result.forecast_frame(), when the caller has it already)."""
    from engine.forecast.result import LABELS

    label = result.model_label or LABELS["model"].column
    season = f"{LABELS['seasonal_naive'].column} (m={result.season})"
    names = [("model", label), ("naive", LABELS["naive"].column), ("seasonal_naive", season)]
    names += [(k, LABELS[k].column) for k in result.other_metrics]  # the drifts
    columns = [(n, label, max(len(label), 10)) for n, label in names]
    lines = _holdout_lines(result, columns)
    if len(result.targets) > 1:
        lines += _per_target_lines(result, columns)
    lines.append("")
    lines.extend(_choice_lines(result))
    lines += _forecast_lines(result, result.forecast_frame() if frame is None else frame)
    return "\n".join(lines)


def _holdout_lines(result: ForecastResult, columns: list[tuple[str, str, int]]) -> list[str]:
    """The header (the holdout's period) and one row per metric; columns: (key, label, width)."""
    from engine.forecast.result import Choice

    choice = result.choice or Choice()
    h = len(result.forecast) or choice.horizon
    hold = choice.holdout
    span = (
        f"{hold.start} to {hold.end}, {hold.rows} rows, {hold.windows} windows; "
        if hold is not None
        else ""
    )
    lines = [f"Holdout ({', '.join(result.targets)}; {span}{h}-step forecasts, data units)"]
    lines.append("metric  " + "  ".join(label.rjust(w) for _, label, w in columns))
    metrics = {**result.metrics, **result.other_metrics}
    rows = [("MAE", "mae"), ("RMSE", "rmse"), ("MAPE", "mape"), ("sMAPE", "smape"),
            ("MASE", "mase")]  # fmt: skip
    for title, key in rows:
        cells = [format_named_metric(key, metrics[n].get(key)).rjust(w) for n, _, w in columns]
        lines.append(f"{title:<6}  " + "  ".join(cells))
    return lines


def _per_target_lines(result: ForecastResult, columns: list[tuple[str, str, int]]) -> list[str]:
    lines = ["", "Per target (MAE / RMSE)"]
    tw = max(len(t) for t in result.targets) + 1
    for t in result.targets:
        per = result.metrics_by_target[t]
        cells = [
            f"{format_metric(per[n]['mae'])} / {format_metric(per[n]['rmse'])}".rjust(w)
            for n, _, w in columns
            if n in per
        ]
        lines.append(f"{t + ':':<{tw}} " + "  ".join(cells))
    return lines


def _forecast_lines(result: ForecastResult, frame) -> list[str]:
    """The steps after the data: date, targets, interval bounds, each column right-aligned."""
    lines = [f"Forecast: the {len(result.forecast)} steps after the data"]
    cols = ["date"] + result.targets + result.interval_columns()
    w = {
        c: max(len(c), *(len(format_metric(v)) if c != "date" else len(v) for v in frame[c]))
        for c in cols
    }
    lines.append("  ".join(c.rjust(w[c]) for c in cols))
    for _, r in frame.iterrows():
        lines.append(
            "  ".join((r[c] if c == "date" else format_metric(r[c])).rjust(w[c]) for c in cols)
        )
    return lines


def _choice_lines(result: ForecastResult) -> list[str]:
    """What the run chose, in words: the forecast's method, the inputs, window, refit."""
    c = result.choice
    if c is None:
        return []
    what = result.forecast_by()
    if c.combined_with and c.forecast == "model":
        what += " (the average did better on the holdout)"
    parts = [f"Forecast by: {what}"]
    if c.inputs:
        tried = c.inputs_tried
        parts.append(
            f"inputs {c.inputs}" + (f" (tried {', '.join(tried)})" if len(tried) > 1 else "")
        )
    parts.append(f"window {c.window}")
    if c.hidden:
        parts.append(f"{c.hidden} hidden units")
    if c.refit:
        parts.append("retrained on all rows")
    lines = ["; ".join(parts)]
    lines += [f"Note: {n}" for n in c.notes]
    return lines + [""]
