"""What the forecast command prints and writes: the holdout table, the forecast, the files.

The JSON is the engine's (ForecastResult.to_json); the table is for people.
"""

from __future__ import annotations

import json
import textwrap
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


WIDTH = 80  # the tables fit a terminal of 80 columns: wider ones are stacked in blocks


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
    title = f"Holdout ({', '.join(result.targets)}; {span}{h}-step forecasts, data units)"
    metrics = {**result.metrics, **result.other_metrics}
    rows = [("MAE", "mae"), ("RMSE", "rmse"), ("MAPE", "mape"), ("sMAPE", "smape"),
            ("MASE", "mase")]  # fmt: skip
    cells = [
        (label, [format_named_metric(key, metrics[n].get(key)) for _, key in rows])
        for n, label, _ in columns
    ]
    return textwrap.wrap(title, WIDTH) + blocks("metric", [t for t, _ in rows], cells)


def _per_target_lines(result: ForecastResult, columns: list[tuple[str, str, int]]) -> list[str]:
    """MAE / RMSE of each target, under the same column headers as the holdout table."""
    targets = result.targets
    cells = [
        (label, [_mae_rmse(result.metrics_by_target[t].get(n)) for t in targets])
        for n, label, _ in columns
        if any(n in result.metrics_by_target[t] for t in targets)
    ]
    return ["", "Per target (MAE / RMSE)", *blocks("target", targets, cells)]


def _mae_rmse(per: dict | None) -> str:
    return "-" if per is None else f"{format_metric(per['mae'])} / {format_metric(per['rmse'])}"


def blocks(corner: str, names: list[str], columns: list[tuple[str, list[str]]]) -> list[str]:
    """A table with a first column of row names and labelled columns of cells, right-aligned,
    split into blocks of whole columns that each fit WIDTH (a blank line between blocks)."""
    first = max(len(corner), *(len(n) for n in names))
    widths = [max(len(label), 10, *(len(c) for c in cells)) for label, cells in columns]
    groups: list[list[int]] = [[]]
    used = first
    for k, w in enumerate(widths):
        if groups[-1] and used + 2 + w > WIDTH:
            groups.append([])
            used = first
        groups[-1].append(k)
        used += 2 + w
    lines: list[str] = []
    for g, group in enumerate(groups):
        if g:
            lines.append("")
        lines.append(
            corner.ljust(first) + "".join(f"  {columns[k][0]:>{widths[k]}}" for k in group)
        )
        for r, name in enumerate(names):
            cells = "".join(f"  {columns[k][1][r]:>{widths[k]}}" for k in group)
            lines.append(name.ljust(first) + cells)
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
    said = ["; ".join(parts)] + [f"Note: {n}" for n in c.notes]
    lines = [line for text in said for line in textwrap.wrap(text, WIDTH, subsequent_indent="  ")]
    return lines + [""]
