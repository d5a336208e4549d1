"""`lstm-tutor forecast`: train a model on a CSV (or a built-in series) and forecast headlessly.

Nothing heavy is imported at module level (`import tutor.cli` must stay free of torch): the
engine is imported inside the command.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from engine.metric_format import format_metric, format_named_metric
from engine.vocabulary import (
    DATASETS,
    DEFAULT_DATASET,
    DEFAULT_DEVICE,
    DEFAULT_MODEL_KIND,
    DEVICES,
    FILLS,
    INPUTS,
    LOSSES,
    MODEL_KINDS,
    OPTIMIZERS,
    STRATEGIES,
)

EPILOG = """\b
Examples (the first writes rides.csv, the built-in series, for the others):
  lstm-tutor forecast --export-data rides.csv
  lstm-tutor forecast                                  the built-in transit series
  lstm-tutor forecast rides.csv --target rides --covariate day_type --end 2019-11-30
                                   (rows after --end give the forecast's day types)
  lstm-tutor forecast rides.csv --target rides --interval 80
  lstm-tutor forecast rides.csv --target rides --strategy seq2seq --horizon 14 --format json
  lstm-tutor forecast rides.csv --target rides --save rides.ckpt
  lstm-tutor forecast rides.csv --target rides --load rides.ckpt
  lstm-tutor forecast rides.csv --target rides --backtest 3
"""


@click.command(epilog=EPILOG)
@click.argument("csv", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--date", "date", metavar="COL", help="Date column (found automatically if unambiguous)."
)
@click.option(
    "--target", "targets", multiple=True, metavar="COL", help="Column to forecast (repeatable)."
)
@click.option(
    "--covariate",
    "covariates",
    multiple=True,
    metavar="COL",
    help="Known-future input column, categorical or numeric (repeatable).",
)
@click.option(
    "--dataset",
    type=click.Choice(DATASETS),
    default=None,
    help="Built-in series when no CSV is given (default transit).",
)
@click.option(
    "--model",
    type=click.Choice(MODEL_KINDS),
    default=DEFAULT_MODEL_KIND,
    show_default=True,
    help="Recurrent cell of the network.",
)
@click.option(
    "--window",
    type=click.IntRange(min=1),
    default=None,
    help="Past steps each forecast sees (default: two seasons, at least twice the horizon; "
    "shrunk for short series).",
)
@click.option(
    "--horizon", type=click.IntRange(min=1), default=7, show_default=True, help="Steps forecast."
)
@click.option(
    "--strategy",
    type=click.Choice(STRATEGIES),
    default="direct",
    show_default=True,
    help="direct: all steps at once; recursive: one step rolled forward; seq2seq: encoder-decoder.",
)
@click.option(
    "--inputs",
    type=click.Choice(INPUTS),
    default="auto",
    show_default=True,
    help="How each window is normalized: level (minus its last value, over its own scale), "
    "seasonal (the change from seasonal naive), global (one scaler from the training rows); "
    "auto tries them and their average and keeps the best on the holdout.",
)
@click.option(
    "--hidden",
    type=click.IntRange(min=1),
    default=None,
    help="Hidden units (default: 8, 16 or 32 by the number of training windows).",
)
@click.option(
    "--layers", type=click.IntRange(min=1), default=1, show_default=True, help="Stacked layers."
)
@click.option(
    "--dropout",
    type=click.FloatRange(0, 1, max_open=True),
    default=0.0,
    show_default=True,
    help="Dropout between layers and before the output.",
)
@click.option("--bidirectional", is_flag=True, help="Bidirectional encoder.")
@click.option(
    "--epochs",
    type=click.IntRange(min=1),
    default=None,
    help="Most epochs (default: ~1,500 optimizer steps, 20-200 epochs; early stopping "
    "usually ends sooner).",
)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=None,
    help="Windows per batch (default: about ten batches an epoch, 8 to 64 windows).",
)
@click.option(
    "--lr",
    type=click.FloatRange(min=0, min_open=True),
    default=5e-3,
    show_default=True,
    help="Learning rate.",
)
@click.option(
    "--optimizer",
    type=click.Choice(OPTIMIZERS),
    default="adam",
    show_default=True,
    help="Optimizer (sgd uses momentum 0.9).",
)
@click.option(
    "--loss", type=click.Choice(LOSSES), default="mse", show_default=True, help="Training loss."
)
@click.option(
    "--patience",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Early stopping after N epochs without validation improvement (0: off).",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of weights and shuffling."
)
@click.option(
    "--fallback/--no-fallback",
    default=True,
    show_default=True,
    help="When a baseline beats the network on the holdout, forecast with that baseline "
    "(a warning says so either way).",
)
@click.option(
    "--refit/--no-refit",
    default=True,
    show_default=True,
    help="After the holdout choice, train again on all rows (the newest data included) "
    "before forecasting.",
)
@click.option(
    "--interval",
    "intervals",
    multiple=True,
    type=click.FloatRange(0, 100, min_open=True, max_open=True),
    metavar="PCT",
    help="Add a PCT% prediction interval (lower/upper columns), calibrated on the holdout's "
    "errors (repeatable: --interval 80 --interval 95).",
)
@click.option(
    "--backtest",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Instead of one forecast: forecast from N cut-offs a horizon apart at the end of the "
    "data and score each beside the baselines.",
)
@click.option(
    "--test-size",
    type=click.IntRange(min=1),
    default=None,
    help="Last N rows held out (default: two horizons or 10% of rows, one horizon for short "
    "series).",
)
@click.option("--test-start", metavar="DATE", default=None, help="Hold out from this date on.")
@click.option("--start", metavar="DATE", default=None, help="Use the data from DATE on only.")
@click.option(
    "--end",
    metavar="DATE",
    default=None,
    help="Use the data up to DATE only (e.g. before a structural break); later rows can still "
    "supply known-future covariates for the forecast.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the result to a .csv (forecast) or .json (everything) file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output on stdout: a table, the forecast as CSV, or everything as JSON.",
)
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Save a checkpoint (written only when the run succeeds).",
)
@click.option(
    "--load",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Forecast with a saved checkpoint instead of training (its window, horizon, "
    "strategy and columns apply).",
)
@click.option(
    "--device",
    type=click.Choice(DEVICES),
    default=DEFAULT_DEVICE,
    show_default=True,
    help="Where to train (auto: a GPU when there is one, else the CPU).",
)
@click.option(
    "--future",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="CSV of covariate values (dates + columns) for the steps after the data ends.",
)
@click.option(
    "--fill",
    type=click.Choice(FILLS),
    default=None,
    help="Fill gaps and missing values.",
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--export-data",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="PATH",
    help="Write the built-in series (--dataset, default transit) to a CSV and stop: a file to "
    "try every option on.",
)
def forecast(
    csv, date, targets, covariates, dataset, model, window, horizon, strategy, hidden, layers,
    dropout, bidirectional, epochs, batch_size, lr, optimizer, loss, patience, seed, test_size,
    test_start, start, end, out, fmt, save, load, device, future, fill, quiet, inputs, fallback,
    refit, intervals, backtest, export_data,
) -> None:  # fmt: skip
    """Train a model and forecast a time series; print holdout metrics and the forecast.

    CSV is a file with a date column and one or more numeric columns; without it the built-in
    `transit` series (daily ridership with weekday/Saturday/Sunday-holiday levels) is used.
    Holdout metrics put the model beside the naive and seasonal naive forecasts, in the
    data's own units.
    """
    if export_data is not None:
        _export(dataset or DEFAULT_DATASET, export_data, seed)
        return
    if test_size is not None and test_start is not None:
        raise click.UsageError("give --test-size or --test-start, not both")
    if out is not None and out.suffix.lower() not in (".csv", ".json"):
        raise click.UsageError(f"--out must end in .csv or .json, not {out.name!r}")
    if csv is not None and dataset is not None:
        raise click.UsageError("give a CSV or --dataset, not both")
    if save is not None and load is not None:
        raise click.UsageError(
            "--save trains and saves; --load forecasts without training: pick one"
        )
    if csv is not None and not csv.exists():
        raise click.UsageError(f"CSV file {str(csv)!r} does not exist")
    from tutor import cli_checks  # paths checked before any training starts

    cli_checks.input_file(future, "--future")
    cli_checks.input_file(load, "--load")
    cli_checks.output_file(out, "--out")
    cli_checks.output_file(save, "--save")

    if backtest is not None and (save is not None or load is not None):
        raise click.UsageError("--backtest trains at each cut-off: leave out --save and --load")

    from engine.data import DataError
    from engine.forecast import ForecastConfig, ForecastError, run_forecast

    config = ForecastConfig(
        data=csv,
        dataset=dataset or DEFAULT_DATASET,
        date=date,
        targets=list(targets),
        covariates=list(covariates) if covariates else None,
        fill=fill,
        future=future,
        model=model,
        strategy=strategy,
        window=window,
        horizon=horizon,
        hidden=hidden,
        layers=layers,
        dropout=dropout,
        bidirectional=bidirectional,
        epochs=epochs,
        batch_size=batch_size,
        lr=lr,
        optimizer=optimizer,
        loss=loss,
        patience=patience or None,
        seed=seed,
        device=device,
        test_size=test_size,
        test_start=test_start,
        start=start,
        end=end,
        save=save,
        load=load,
        inputs=inputs,
        fallback=fallback,
        refit=refit,
        intervals=list(intervals),
    )
    show_progress = not quiet and load is None and sys.stderr.isatty()
    try:
        _check_device(device)
        if backtest is not None:
            _run_backtest(config, backtest, fmt, out, show_progress)
            return
        if show_progress:
            with _Progress() as bar:
                result = run_forecast(config, on_event=bar.on_event)
        else:
            result = run_forecast(config)
    except (DataError, ForecastError) as e:
        for w in getattr(e, "warnings", []):  # the data's warnings, even though the run failed
            click.echo(f"warning: {flags(w)}", err=True)
        raise click.ClickException(flags(str(e))) from None
    for w in result.warnings:
        click.echo(f"warning: {flags(w)}", err=True)
    payload = result.to_json()
    if out is not None:
        try:
            if out.suffix.lower() == ".json":
                out.write_text(json.dumps(payload, indent=2) + "\n")
            else:
                _forecast_frame(result).to_csv(out, index=False)
        except OSError as e:
            raise click.ClickException(f"cannot write {out}: {e.strerror or e}") from None
    if fmt == "json":
        click.echo(json.dumps(payload, indent=2))
    elif fmt == "csv":
        click.echo(_forecast_frame(result).to_csv(index=False), nl=False)
    else:
        click.echo(_table(result))


# config fields whose command-line flag is not simply --field-name
FLAG_NAMES = {"data": "CSV", "targets": "--target", "covariates": "--covariate",
              "intervals": "--interval"}  # fmt: skip


def flags(message: str) -> str:
    """An engine message with its config field names (`test_size`) as the CLI's flags."""
    from engine.forecast import ForecastConfig

    fields = ForecastConfig.__dataclass_fields__

    def flag(m: re.Match) -> str:
        name = m.group(1)
        if name not in fields:
            return m.group(0)
        return FLAG_NAMES.get(name, "--" + name.replace("_", "-"))

    return re.sub(r"`([a-z_]+)`", flag, message)


def _run_backtest(config, n: int, fmt: str, out: Path | None, show_progress: bool) -> None:
    """--backtest N: the rolling-origin table, per cut-off and mean, beside the baselines."""
    import math

    from engine.backtest import rolling_origin

    if show_progress:
        with _Progress(origins=n) as bar:
            table = rolling_origin(
                config, cutoffs=n, on_event=bar.on_event, on_origin=bar.on_origin
            )
    else:
        table = rolling_origin(config, cutoffs=n)
    rows = []
    for _, r in table.iterrows():
        row = {}
        for k, v in r.items():
            if k == "cutoff":
                v = v if isinstance(v, str) else _iso(v)
            elif isinstance(v, float) and not math.isfinite(v):
                v = None
            row[k] = v
        rows.append(row)
    payload = {"backtest": rows[:-1], "mean": rows[-1], "horizon": config.horizon}
    text = json.dumps(payload, indent=2)
    if out is not None:
        try:
            if out.suffix.lower() == ".json":
                out.write_text(text + "\n")
            else:
                table.to_csv(out, index=False)
        except OSError as e:
            raise click.ClickException(f"cannot write {out}: {e.strerror or e}") from None
    if fmt == "json":
        click.echo(text)
    elif fmt == "csv":
        click.echo(table.to_csv(index=False), nl=False)
    else:
        click.echo(_backtest_table(rows, config.horizon))


def _iso(d) -> str:
    import pandas as pd

    d = pd.Timestamp(d)
    return str(d.date()) if d == d.normalize() else d.isoformat()


def _backtest_table(rows: list[dict], horizon: int) -> str:
    names = [("model", "forecast"), ("naive", "naive"), ("seasonal_naive", "seasonal naive")]
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


def _export(dataset: str, path: Path, seed: int) -> None:
    """--export-data: the built-in series as a CSV (date, then its columns)."""
    from tutor import cli_checks

    cli_checks.output_file(path, "--export-data")
    from engine.forecast import ForecastConfig
    from engine.forecast.builtin import frame

    data = frame(ForecastConfig(dataset=dataset, seed=seed))
    try:
        data.to_csv(path, index=False, date_format="%Y-%m-%d")
    except OSError as e:
        raise click.ClickException(f"cannot write {path}: {e.strerror or e}") from None
    columns = ", ".join(c for c in data.columns if c != "date")
    click.echo(f"wrote {path}: {len(data)} rows of the built-in {dataset} series ({columns})")


def _check_device(device: str) -> None:
    from engine.train import resolve_device

    try:
        resolve_device(device)
    except ValueError as e:
        raise click.ClickException(str(e)) from None


def _forecast_frame(result):
    frame = result.forecast.copy()
    frame["date"] = [r["date"] for r in result.to_json()["forecast"]]
    return frame


def _table(result) -> str:
    label = result.model_label or "model"
    names = [("model", label), ("naive", "naive"),
             ("seasonal_naive", f"seasonal naive (m={result.season})")]  # fmt: skip
    metrics = {**result.metrics, **result.other_metrics}
    names += [(k, k) for k in result.other_metrics]  # drift
    rows = [("MAE", "mae"), ("RMSE", "rmse"), ("MAPE", "mape"), ("sMAPE", "smape"),
            ("MASE", "mase")]  # fmt: skip
    widths = [max(len(label), 12) for _, label in names]
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
    frame = _forecast_frame(result)
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
    titles = {"naive": "naive (fallback)", "seasonal_naive": "seasonal naive (fallback)",
              "drift": "drift (fallback)"}  # fmt: skip
    what = titles.get(c["forecast"], result.model_label or "the network")
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


class _Progress:
    """A rich progress bar on stderr driven by the trainer's events: epochs, loss, ETA.

    A run may train several networks (one per input mode, then a refit): each restarts the bar,
    named by its phase. With origins (a backtest) a second bar counts the cut-offs.
    """

    def __init__(self, origins: int | None = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn

        self.origins = origins
        self.progress = Progress(
            TextColumn("[bold]{task.description}[/]"),
            BarColumn(),
            TextColumn("{task.fields[what]}"),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = None
        self.cut = None
        self.fits = 0

    def __enter__(self) -> _Progress:
        self.progress.__enter__()
        if self.origins:
            self.cut = self.progress.add_task("backtest", total=self.origins, what="cut-off 1")
        self.task = self.progress.add_task("training", total=1, what="")
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def on_origin(self, i: int, n: int) -> None:
        self.progress.update(self.cut, completed=i, what=f"cut-off {i + 1} of {n}")

    def on_event(self, event) -> None:
        from engine.events import BatchEnd, EpochEnd, TrainingDone

        if isinstance(event, BatchEnd):
            done = event.epoch - 1 + event.batch / max(event.n_batches, 1)
            self.progress.update(self.task, completed=done, description=f"network {self.fits + 1}")
        elif isinstance(event, EpochEnd):
            val = "-" if event.val_loss is None else f"{event.val_loss:.4f}"
            self.progress.update(
                self.task, completed=event.epoch, total=event.epochs,
                what=f"epoch {event.epoch}/{event.epochs}  loss {event.train_loss:.4f}  "
                f"val {val}  ETA {event.eta:.0f}s",
            )  # fmt: skip
        elif isinstance(event, TrainingDone):
            self.fits += 1
