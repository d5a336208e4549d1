"""The `lstm-tutor forecast` command: check the options, run the engine, report.

Nothing heavy is imported at module level (`import tutor.cli` must stay free of torch and
pandas): the engine is imported inside the command.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from engine.vocabulary import DEFAULT_DATASET
from tutor.cli_forecast.backtest import run_backtest
from tutor.cli_forecast.options import flags, forecast_config, forecast_options
from tutor.cli_forecast.panel import panel_options, run_panel_command, take_panel
from tutor.cli_forecast.progress import progress_for
from tutor.cli_forecast.report import emit, forecast_table

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
@forecast_options
@panel_options
def forecast(
    csv: Path | None,
    out: Path | None,
    fmt: str,
    quiet: bool,
    verbose: bool,
    backtest: int | None,
    export_data: Path | None,
    **fields: Any,
) -> None:
    """Train a model and forecast a time series; print holdout metrics and the forecast.

    CSV is a file with a date column and one or more numeric columns; without it the built-in
    `transit` series (daily ridership with weekday/Saturday/Sunday-holiday levels) is used.
    Holdout metrics put the model beside the naive and seasonal naive forecasts, in the
    data's own units.
    """
    # fields: the other options, each named as the ForecastConfig field it sets
    if export_data is not None:
        _export(fields["dataset"] or DEFAULT_DATASET, export_data, fields["seed"])
        return
    panel = take_panel(csv, fields)  # --id, --panel, or a table with a unique_id column
    if panel is not None:
        run_panel_command(csv, panel, fields, out, fmt, quiet, backtest)
        return
    source = _stdin_or(csv)
    _check_usage(source, out, backtest, fields)

    from engine.forecast import ForecastError
    from engine.table_input import DataError

    try:
        config = _checked_data(forecast_config(source, fields))  # before torch is imported
        _check_device(config.device)
        loading = config.load is not None
        if backtest is not None:
            bar = progress_for(quiet, verbose, loading, backtest)
            run_backtest(config, backtest, fmt, out, bar)
            return
        result = _run(config, progress_for(quiet, verbose, loading))
    except (DataError, ForecastError) as e:
        for w in getattr(e, "warnings", []):  # the data's warnings, even though the run failed
            click.echo(f"warning: {flags(w)}", err=True)
        raise click.ClickException(flags(str(e))) from None
    for w in result.warnings:
        click.echo(f"warning: {flags(w)}", err=True)
    frame = result.forecast_frame()
    emit(result.to_json(), frame, lambda: forecast_table(result, frame), fmt, out)


def _run(config, progress):
    from engine.forecast import run_forecast

    if progress is not None:
        with progress as bar:
            return run_forecast(config, on_event=bar.on_event)
    return run_forecast(config)


def _stdin_or(csv: Path | None):
    """`-` as the CSV: the table on standard input, read once (a run may read it twice)."""
    if csv is None or str(csv) != "-":
        return csv
    import io

    return io.BytesIO(sys.stdin.buffer.read())


def _checked_data(config):
    """The data read and checked with the engine's data modules alone (no torch: a bad file is
    refused at once), and the horizon by the data's frequency when --horizon is not given."""
    import dataclasses

    from engine.forecast import builtin
    from engine.forecast.config import checked
    from engine.forecast.defaults import default_horizon
    from engine.forecast.prepare import load_data
    from engine.table_input import DataError

    probe = dataclasses.replace(config, horizon=config.horizon or 1)
    try:
        series = load_data(builtin.adjust_config(checked(probe)))
    except DataError:
        if config.load is None:
            raise
        # the checkpoint names the columns (and the horizon): the run says what is wrong
        return dataclasses.replace(config, horizon=probe.horizon)
    if config.holidays:
        _check_holidays(config, series.freq)
    if config.horizon is None:
        config = dataclasses.replace(config, horizon=default_horizon(series.freq))
    return config


def _check_holidays(config, freq: str | None) -> None:
    """--holidays: a known country, and data it applies to (DataError, as a file's would be)."""
    from engine.covariates import CovariateError, calendar_kind, holiday_days
    from engine.dates import describe
    from engine.table_input import DataError

    try:
        holiday_days(config.holidays)
    except CovariateError as e:
        raise DataError(str(e)) from None
    if calendar_kind(freq) not in ("daily", "hourly") or not config.calendar:
        raise DataError(
            "`holidays` needs daily, business-day or sub-daily dates; this data is "
            f"{describe(freq) if freq else 'not on a regular grid'}"
        )


def _check_usage(csv, out: Path | None, backtest: int | None, fields: dict) -> None:
    """Options that contradict each other (exit 2), then the files (exit 1), before any work."""
    save, load = fields["save"], fields["load"]
    if fields["test_size"] is not None and fields["test_start"] is not None:
        raise click.UsageError("give --test-size or --test-start, not both")
    if out is not None and out.suffix.lower() not in (".csv", ".json"):
        raise click.UsageError(f"--out must end in .csv or .json, not {out.name!r}")
    if csv is not None and fields["dataset"] is not None:
        raise click.UsageError("give a CSV or --dataset, not both")
    if save is not None and load is not None:
        raise click.UsageError(
            "--save trains and saves; --load forecasts without training: pick one"
        )
    if isinstance(csv, Path) and not csv.exists():
        raise click.UsageError(f"CSV file {str(csv)!r} does not exist")
    from tutor import cli_checks  # paths checked before any training starts

    cli_checks.input_file(fields["future"], "--future")
    cli_checks.input_file(load, "--load")
    cli_checks.output_file(out, "--out")
    cli_checks.output_file(save, "--save")

    if backtest is not None and (save is not None or load is not None):
        raise click.UsageError("--backtest trains at each cut-off: leave out --save and --load")


def _export(dataset: str, path: Path, seed: int) -> None:
    """--export-data: the built-in series as a CSV (date, then its columns); `-`: stdout."""
    from tutor import cli_checks

    to_stdout = str(path) == "-"
    if not to_stdout:
        cli_checks.output_file(path, "--export-data")
    from engine.forecast import ForecastConfig
    from engine.forecast.builtin import frame

    data = frame(ForecastConfig(dataset=dataset, seed=seed))
    if to_stdout:
        click.echo(data.to_csv(index=False, date_format="%Y-%m-%d"), nl=False)
        return
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
