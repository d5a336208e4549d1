"""What the forecast command prints and writes: the holdout table, the forecast, the files.

The JSON is the engine's (ForecastResult.to_json); the table is for people.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click

from engine.metric_format import format_metric, format_named_metric

COLUMN_TITLES = {"seasonal_drift": "snaive+drift"}  # the holdout table's columns fit 80 wide


def emit(payload: dict, frame, table: Callable[[], str], fmt: str, out: Path | None) -> None:
    """Write `out` (.json: the payload, else the frame as CSV), then print in the chosen format.

    payload: everything, as JSON; frame: the DataFrame a CSV holds; table: the text for people
    (made only when it is printed).
    """
    text = json.dumps(payload, indent=2)
    if out is not None:
        try:
            if out.suffix.lower() == ".json":
                out.write_text(text + "\n")
            else:
                frame.to_csv(out, index=False)
        except OSError as e:
            raise click.ClickException(f"cannot write {out}: {e.strerror or e}") from None
    if fmt == "json":
        click.echo(text)
    elif fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    else:
        click.echo(table())


def forecast_frame(result):
    """The forecast with its dates as the JSON writes them (a date, or date and time)."""
    frame = result.forecast.copy()
    frame["date"] = [r["date"] for r in result.to_json()["forecast"]]
    return frame


def forecast_table(result) -> str:
    """The holdout metrics side by side (model, naive, seasonal naive, drift), the choice made
    and the forecast."""
    label = result.model_label or "model"
    names = [("model", label), ("naive", "naive"),
             ("seasonal_naive", f"seasonal naive (m={result.season})")]  # fmt: skip
    metrics = {**result.metrics, **result.other_metrics}
    names += [(k, COLUMN_TITLES.get(k, k)) for k in result.other_metrics]  # the drifts
    rows = [("MAE", "mae"), ("RMSE", "rmse"), ("MAPE", "mape"), ("sMAPE", "smape"),
            ("MASE", "mase")]  # fmt: skip
    widths = [max(len(label), 10) for _, label in names]
    h = len(result.forecast) or result.choice.get("horizon", 0)
    hold = result.choice.get("holdout", {})
    span = (
        f"{hold['from']} to {hold['to']}, {hold['rows']} rows, {hold['windows']} windows; "
        if hold
        else ""
    )
    lines = [f"Holdout ({', '.join(result.targets)}; {span}{h}-step forecasts, data units)"]
    lines.append(
        "metric  " + "  ".join(label.rjust(w) for (_, label), w in zip(names, widths, strict=True))
    )
    for title, key in rows:
        cells = [
            format_named_metric(key, metrics[n].get(key)).rjust(w)
            for (n, _), w in zip(names, widths, strict=True)
        ]
        lines.append(f"{title:<6}  " + "  ".join(cells))
    if len(result.targets) > 1:
        lines.append("")
        lines.append("Per target (MAE / RMSE)")
        tw = max(len(t) for t in result.targets) + 1
        for t in result.targets:
            per = result.metrics_by_target[t]
            cells = [
                f"{format_metric(per[n]['mae'])} / {format_metric(per[n]['rmse'])}".rjust(w)
                for (n, _), w in zip(names, widths, strict=True)
                if n in per
            ]
            lines.append(f"{t + ':':<{tw}} " + "  ".join(cells))
    lines.append("")
    lines.extend(_choice_lines(result))
    lines.append(f"Forecast: the {len(result.forecast)} steps after the data")
    frame = forecast_frame(result)
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
    return "\n".join(lines)


def _choice_lines(result) -> list[str]:
    """What the run chose, in words: the forecast's method, the inputs, window, refit."""
    c = result.choice
    if not c:
        return []
    what = result.forecast_by()
    if c.get("combined_with") and c["forecast"] == "model":
        what += " (the average did better on the holdout)"
    parts = [f"Forecast by: {what}"]
    if c.get("inputs"):
        tried = c.get("inputs_tried", [])
        parts.append(
            f"inputs {c['inputs']}" + (f" (tried {', '.join(tried)})" if len(tried) > 1 else "")
        )
    parts.append(f"window {c['window']}")
    if c.get("hidden"):
        parts.append(f"{c['hidden']} hidden units")
    if c.get("refit"):
        parts.append("retrained on all rows")
    lines = ["; ".join(parts)]
    lines += [f"Note: {n}" for n in c.get("notes", [])]
    return lines + [""]
