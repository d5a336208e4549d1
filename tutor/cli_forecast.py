"""`lstm-tutor forecast`: train a model on a CSV (or a built-in series) and forecast headlessly."""

from __future__ import annotations

import click


@click.command()
def forecast() -> None:
    """Train and forecast a time series.  Example: lstm-tutor forecast data.csv --target y"""
    raise click.ClickException("forecast is not implemented yet")
