"""`lstm-tutor forecast`: train a model on a CSV (or a built-in series) and forecast headlessly.

Nothing heavy is imported at module level (`import tutor.cli` must stay free of torch): the
engine is imported inside the command.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from engine.metric_format import format_metric, format_named_metric
from engine.vocabulary import (
    DATASETS,
    DEFAULT_DATASET,
    DEFAULT_DEVICE,
    DEVICES,
    FILLS,
    LOSSES,
    MODEL_KINDS,
    OPTIMIZERS,
    STRATEGIES,
)

EPILOG = """\b
Examples:
  lstm-tutor forecast                                  the built-in transit series
  lstm-tutor forecast rides.csv --target total_rides --covariate day_type --future next.csv
  lstm-tutor forecast data.csv --target y --strategy seq2seq --horizon 7 --format json
  lstm-tutor forecast data.csv --target y --save model.ckpt   then  --load model.ckpt
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
@click.option("--model", type=click.Choice(MODEL_KINDS), default="lstm", show_default=True)
@click.option(
    "--window", type=click.IntRange(min=1), default=28, show_default=True, help="Past steps seen."
)
@click.option(
    "--horizon", type=click.IntRange(min=1), default=7, show_default=True, help="Steps forecast."
)
@click.option(
    "--strategy",
    type=click.Choice(STRATEGIES),
    default="direct",
    show_default=True,
)
@click.option("--hidden", type=click.IntRange(min=1), default=32, show_default=True)
@click.option("--layers", type=click.IntRange(min=1), default=1, show_default=True)
@click.option(
    "--dropout", type=click.FloatRange(0, 1, max_open=True), default=0.0, show_default=True
)
@click.option("--bidirectional", is_flag=True, help="Bidirectional encoder.")
@click.option("--epochs", type=click.IntRange(min=1), default=40, show_default=True)
@click.option("--batch-size", type=click.IntRange(min=1), default=64, show_default=True)
@click.option("--lr", type=click.FloatRange(min=0, min_open=True), default=5e-3, show_default=True)
@click.option("--optimizer", type=click.Choice(OPTIMIZERS), default="adam", show_default=True)
@click.option("--loss", type=click.Choice(LOSSES), default="mse", show_default=True)
@click.option(
    "--patience",
    type=click.IntRange(min=0),
    default=6,
    show_default=True,
    help="Early stopping after N epochs without validation improvement (0: off).",
)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--test-size", type=click.IntRange(min=1), default=None, help="Last N rows held out.")
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
)
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Save a checkpoint.",
)
@click.option(
    "--load",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Forecast with a saved checkpoint instead of training (its window, horizon, "
    "strategy and columns apply).",
)
@click.option("--device", type=click.Choice(DEVICES), default=DEFAULT_DEVICE, show_default=True)
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
def forecast(
    csv, date, targets, covariates, dataset, model, window, horizon, strategy, hidden, layers,
    dropout, bidirectional, epochs, batch_size, lr, optimizer, loss, patience, seed, test_size,
    test_start, start, end, out, fmt, save, load, device, future, fill, quiet,
) -> None:  # fmt: skip
    """Train a model and forecast a time series; print holdout metrics and the forecast.

    CSV is a file with a date column and one or more numeric columns; without it the built-in
    `transit` series (daily ridership with weekday/Saturday/Sunday-holiday levels) is used.
    Holdout metrics put the model beside the naive and seasonal naive forecasts, in the
    data's own units.
    """
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
    )
    show_progress = not quiet and load is None and sys.stderr.isatty()
    try:
        _check_device(device)
        if show_progress:
            with _Progress(epochs) as bar:
                result = run_forecast(config, on_event=bar.on_event)
        else:
            result = run_forecast(config)
    except (DataError, ForecastError) as e:
        raise click.ClickException(str(e)) from None
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
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
        click.echo(_table(result, config))


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


def _table(result, config) -> str:
    names = [("model", f"{config.model} ({config.strategy})"), ("naive", "naive"),
             ("seasonal_naive", f"seasonal naive (m={result.season})")]  # fmt: skip
    rows = [("MAE", "mae"), ("RMSE", "rmse"), ("MAPE", "mape"), ("sMAPE", "smape"),
            ("MASE", "mase")]  # fmt: skip
    widths = [max(len(label), 12) for _, label in names]
    lines = [f"Holdout ({', '.join(result.targets)}; {config.horizon}-step forecasts, data units)"]
    lines.append(
        "metric  " + "  ".join(label.rjust(w) for (_, label), w in zip(names, widths, strict=True))
    )
    for title, key in rows:
        cells = [
            format_named_metric(key, result.metrics[n].get(key)).rjust(w)
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
            ]
            lines.append(f"{t + ':':<{tw}} " + "  ".join(cells))
    lines.append("")
    lines.append(f"Forecast: the {len(result.forecast)} steps after the data")
    frame = _forecast_frame(result)
    cols = ["date"] + result.targets
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


class _Progress:
    """A rich progress bar on stderr driven by the trainer's events: epochs, loss, ETA."""

    def __init__(self, epochs: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn

        self.epochs = epochs
        self.progress = Progress(
            TextColumn("[bold]training[/]"),
            BarColumn(),
            TextColumn("epoch {task.fields[epoch]}/{task.total:.0f}"),
            TextColumn("loss {task.fields[loss]}"),
            TextColumn("val {task.fields[val]}"),
            TextColumn("ETA {task.fields[eta]}"),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = None

    def __enter__(self) -> _Progress:
        self.progress.__enter__()
        self.task = self.progress.add_task(
            "train", total=self.epochs, epoch=0, loss="-", val="-", eta="-"
        )
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    def on_event(self, event) -> None:
        from engine.events import BatchEnd, EpochEnd

        if isinstance(event, BatchEnd):
            done = event.epoch - 1 + event.batch / max(event.n_batches, 1)
            self.progress.update(
                self.task, completed=done, loss=f"{event.loss:.4f}", epoch=event.epoch
            )
        elif isinstance(event, EpochEnd):
            val = "-" if event.val_loss is None else f"{event.val_loss:.4f}"
            self.progress.update(
                self.task, completed=event.epoch, total=event.epochs, epoch=event.epoch,
                loss=f"{event.train_loss:.4f}", val=val, eta=f"{event.eta:.0f}s",
            )  # fmt: skip
