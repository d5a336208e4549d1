"""The options of `lstm-tutor forecast`, declared once, and how they map to ForecastConfig fields.

An option's destination is the ForecastConfig field it sets (`--target` fills `targets`), so the
command hands its options to the engine by name, and an engine message naming a field in
backticks (`` `test_size` ``) can be shown with the flag the user typed (`--test-size`).
The choices come from engine.vocabulary (no torch, no pandas: `--help` stays light).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from engine import vocabulary as vocab

FILE = click.Path(dir_okay=False, path_type=Path)  # checked by tutor.cli_checks before training
COUNT = click.IntRange(min=1)


def _option(*decls: str, **attrs: Any) -> Callable:
    """click.option that shows the default in --help whenever there is one."""
    if attrs.get("default") is not None:
        attrs["show_default"] = True
    return click.option(*decls, **attrs)


def _choice(flag: str, choices: tuple[str, ...], default: str | None, help: str) -> Callable:
    return _option(flag, type=click.Choice(choices), default=default, help=help)


# In --help order. Options without a default here take the engine's (chosen from the data).
# fmt: off
OPTIONS = (
    # --- the data
    _option("--date", "date", metavar="COL",
            help="Date column (found automatically if unambiguous)."),
    _option("--target", "targets", multiple=True, metavar="COL",
            help="Column to forecast (repeatable)."),
    _option("--covariate", "covariates", multiple=True, metavar="COL",
            help="Known-future input column, categorical or numeric (repeatable)."),
    _choice("--dataset", vocab.DATASETS, None,
            "Built-in series when no CSV is given (default transit)."),
    _option("--sep", type=click.Choice((",", ";", "tab", "|")), metavar="SEP",
            callback=lambda _c, _p, v: "\t" if v == "tab" else v,
            help="Column separator: , ; tab or | (default: found from the file)."),
    _option("--decimal", type=click.Choice((".", ",")),
            help="Decimal mark of the numbers (default: found from the file)."),
    _option("--dayfirst/--monthfirst", "dayfirst", default=None,
            help="Dates like 01/02/1980 are day-first (1 February) or month-first (January 2) "
            "(default: found from the values; asked when every day is 12 or less)."),
    _option("--date-format", metavar="FORMAT",
            help="The dates' strftime format, e.g. %d/%m/%Y %H:%M or %Y%m (default: found)."),
    # --- the network
    _choice("--model", vocab.MODEL_KINDS, vocab.DEFAULT_MODEL_KIND,
            "Recurrent cell of the network."),
    _option("--window", type=COUNT,
            help="Past steps each forecast sees (default: two seasons, at least twice the "
            "horizon; shrunk for short series)."),
    _option("--horizon", type=COUNT,
            help="Steps forecast (default by frequency: 48 half-hours, 24 hours, 14 days, "
            "10 business days, 13 weeks, 12 months, 8 quarters, 10 years; else 7)."),
    _option("--season", type=COUNT, metavar="M",
            help="Season length in steps, for seasonal naive, MASE and the window (default: "
            "from the sampling interval: 48 half-hours, 24 hours, 7 days, 5 business days, 52 "
            "weeks, 12 months, 4 quarters)."),
    _choice("--strategy", vocab.STRATEGIES, "direct",
            "direct: all steps at once; recursive: one step rolled forward; "
            "seq2seq: encoder-decoder."),
    _choice("--inputs", vocab.INPUTS, "auto",
            "How each window is normalized: level (minus its last value, over its own scale), "
            "seasonal (the change from seasonal naive), global (one scaler from the training "
            "rows); auto tries them and their average and keeps the best on the holdout."),
    _option("--hidden", type=COUNT,
            help="Hidden units (default: 8, 16 or 32 by the number of training windows)."),
    _option("--layers", type=COUNT, default=1, help="Stacked layers."),
    _option("--dropout", type=click.FloatRange(0, 1, max_open=True), default=0.0,
            help="Dropout between layers and before the output."),
    _option("--bidirectional", is_flag=True, help="Bidirectional encoder."),
    # --- training
    _option("--epochs", type=COUNT,
            help="Most epochs (default: ~1,500 optimizer steps, 20-200 epochs; early stopping "
            "usually ends sooner)."),
    _option("--batch-size", type=COUNT,
            help="Windows per batch (default: about ten batches an epoch, 8 to 64 windows)."),
    _option("--lr", type=click.FloatRange(min=0, min_open=True), default=5e-3,
            help="Learning rate."),
    _choice("--optimizer", vocab.OPTIMIZERS, "adam", "Optimizer (sgd uses momentum 0.9)."),
    _choice("--loss", vocab.LOSSES, "mse", "Training loss."),
    _option("--patience", type=click.IntRange(min=0), default=10,
            help="Early stopping after N epochs without validation improvement (0: off)."),
    _option("--seed", type=int, default=0, help="Seed of weights and shuffling."),
    _option("--seeds", type=COUNT,
            help="Networks per input mode, seeded --seed, --seed+1, ..., averaged (default: 2 "
            "when the series gives fewer than 2,000 training windows, else 1)."),
    # --- what is forecast, and how it is judged
    _option("--fallback/--no-fallback", default=True,
            help="When a baseline beats the network on the holdout, forecast with that "
            "baseline (a warning says so either way); --no-fallback also keeps the network's "
            "forecast from being averaged with a baseline."),
    _option("--refit/--no-refit", default=True,
            help="After the holdout choice, train again on all rows (the newest data included) "
            "before forecasting."),
    _option("--interval", "intervals", multiple=True, metavar="PCT",
            type=click.FloatRange(0, 100, min_open=True, max_open=True),
            help="Add a PCT% prediction interval (lower/upper columns), calibrated on the "
            "holdout's errors (repeatable: --interval 80 --interval 95)."),
    _option("--backtest", type=COUNT, metavar="N",
            help="Instead of one forecast: forecast from N cut-offs a horizon apart at the end "
            "of the data and score each beside the baselines."),
    # --- which rows
    _option("--test-size", type=COUNT,
            help="Last N rows held out (default: two horizons or 10% of rows, one horizon for "
            "short series)."),
    _option("--test-start", metavar="DATE", help="Hold out from this date on."),
    _option("--start", metavar="DATE", help="Use the data from DATE on only."),
    _option("--end", metavar="DATE",
            help="Use the data up to DATE only (e.g. before a structural break); later rows can "
            "still supply known-future covariates for the forecast."),
    # --- files, output, where to run
    _option("--out", type=FILE,
            help="Also write the result to a .csv (forecast) or .json (everything) file."),
    _option("--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table",
            help="Output on stdout: a table, the forecast as CSV, or everything as JSON."),
    _option("--save", type=FILE, help="Save a checkpoint (written only when the run succeeds)."),
    _option("--load", type=FILE,
            help="Forecast with a saved checkpoint instead of training (its window, horizon, "
            "strategy and columns apply)."),
    _choice("--device", vocab.DEVICES, vocab.DEFAULT_DEVICE,
            "Where to train (auto: a GPU when there is one, else the CPU)."),
    _option("--holidays", metavar="COUNTRY",
            help="Public holidays of COUNTRY (ISO code: DE, GB, US-CA with a subdivision) as "
            "inputs known into the future, for daily and sub-daily data (default: US federal "
            "holidays on daily data)."),
    _option("--future", type=FILE,
            help="CSV of covariate values (dates + columns) for the steps after the data ends."),
    _choice("--fill", vocab.FILLS, None, "Fill gaps and missing values."),
    _option("--max-fill", type=click.FloatRange(0, 100), default=20.0, metavar="PCT",
            help="The most of the rows, in percent, --fill may invent (more is refused: it is "
            "usually a misread date order or frequency)."),
    _option("--quiet", is_flag=True, help="No progress bar."),
    _option("--verbose", is_flag=True,
            help="Where stderr is not a terminal (a pipe, a CI log): a line per network trained."),
    _option("--export-data", type=FILE, metavar="PATH",
            help="Write the built-in series (--dataset, default transit) to a CSV and stop: a "
            "file to try every option on."),
)
# fmt: on


def forecast_options(command: Callable) -> Callable:
    """Decorate a command with OPTIONS, in order."""
    for option in reversed(OPTIONS):
        command = option(command)
    return command


def forecast_config(csv: Path | None, fields: dict[str, Any]):
    """The ForecastConfig the options ask for. fields: every option but those that steer the
    command itself (--out, --format, --quiet, --verbose, --backtest, --export-data: its own
    parameters), each named as the config field it sets."""
    from engine.forecast import ForecastConfig

    return ForecastConfig(
        **{
            **fields,
            "data": csv,
            "dataset": fields["dataset"] or vocab.DEFAULT_DATASET,
            "targets": list(fields["targets"]),
            "covariates": list(fields["covariates"]) or None,  # None: the data set's own
            "patience": fields["patience"] or None,  # --patience 0 turns early stopping off
            "intervals": list(fields["intervals"]),
        }
    )


# config fields whose command-line flag is not simply --field-name
FLAG_NAMES = {"data": "CSV", "targets": "--target", "covariates": "--covariate",
              "intervals": "--interval"}  # fmt: skip
# words in engine messages that name a flag but no config field (dayfirst's opposite)
OTHER_FLAGS = {"monthfirst": "--monthfirst", "id": "--id"}  # --id: the many-series reader


def flag_of(field: str) -> str:
    """The command-line flag (or argument) that sets a ForecastConfig field."""
    return FLAG_NAMES.get(field, "--" + field.replace("_", "-"))


def flags(message: str) -> str:
    """An engine message with its config field names (`test_size`) as the CLI's flags."""
    from engine.forecast import ForecastConfig

    fields = ForecastConfig.__dataclass_fields__

    def flag(m: re.Match) -> str:
        name = m.group(1)
        if name in OTHER_FLAGS:
            return OTHER_FLAGS[name]
        return flag_of(name) if name in fields else m.group(0)

    return re.sub(r"`([a-z_]+)`", flag, message)
