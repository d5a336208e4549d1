"""The `lstm-tutor` command line.

Start-up must stay fast: nothing here (nor in the command modules it registers) imports torch
or textual at import time; each command imports what it needs when it runs.
"""

from __future__ import annotations

import click

from tutor import __version__
from tutor.cli_forecast import forecast
from tutor.cli_lessons import lessons

EPILOG = """\b
Examples:
  lstm-tutor                          open the app (lessons, training lab, forecasts)
  lstm-tutor lessons list             the curriculum and your progress
  lstm-tutor forecast --quiet         forecast the built-in transit data set
"""


@click.group(invoke_without_command=True, epilog=EPILOG)
@click.version_option(__version__, prog_name="lstm-tutor")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Learn LSTM and GRU networks step by step, train them, and forecast time series.

    With no command, opens the interactive app.
    """
    if ctx.invoked_subcommand is None:
        from tutor.app import run_app

        run_app()


cli.add_command(lessons)
cli.add_command(forecast)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="lstm-tutor")


if __name__ == "__main__":
    main()
