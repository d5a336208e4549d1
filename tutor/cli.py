"""The `lstm-tutor` command line.

Start-up must stay fast: nothing here (nor in the command modules it registers) imports torch
or textual at import time; each command imports what it needs when it runs.
"""

from __future__ import annotations

import io

import click

from tutor import __version__
from tutor.cli_class import class_
from tutor.cli_forecast import forecast
from tutor.cli_lessons import lessons
from tutor.cli_serve import serve, web_session

EPILOG = """\b
Examples:
  lstm-tutor                          open the app (lessons, training lab, forecasts)
  lstm-tutor lessons list             the curriculum and your progress
  lstm-tutor forecast --quiet         forecast the built-in transit data set
  lstm-tutor serve --port 8000        the app in web browsers, one session per visitor
"""


class _ReportingGroup(click.Group):
    """Every error ends as one message and exit 1, never a traceback (unless --debug).

    Errors the engine raises for bad input (ValueError and its DataError, ForecastError,
    CheckpointError; FloatingPointError; OSError; ProgressError) are the user's to fix: their
    message is shown as is. Anything else is a bug: one line naming it, and how to see more.
    """

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # `lstm-tutor lessons list | head -1`: the reader has gone
            _silence_stdout()
            raise click.exceptions.Exit(CLOSED_PIPE) from None
        except Exception as exc:  # noqa: BLE001 - turned into a message below
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(describe_error(exc)) from None


# a closed pipe ends the command quietly, with the status a shell gives a program SIGPIPE
# ended (128 + 13), as `yes | head -1` does: `set -o pipefail` scripts still see it
CLOSED_PIPE = 141


def _silence_stdout() -> None:
    """Point stdout at /dev/null: Python flushes it again at exit, which would fail again."""
    import os
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # not a real file (a test runner's buffer): nothing will flush it at exit


def describe_error(exc: BaseException) -> str:
    """One message for an exception that reached the command line."""
    from tutor.progress import ProgressError

    text = (str(exc).strip() or type(exc).__name__).replace("\r", " ")
    if isinstance(exc, RecursionError):
        return "the input is nested too deeply to be read (rerun with --debug for details)"
    if isinstance(exc, MemoryError):
        return "not enough memory for this input or these sizes; make them smaller"
    if isinstance(exc, ValueError | ArithmeticError | ProgressError):
        return text
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        return f"{where}{exc.strerror or text}"
    first = text.splitlines()[0][:300]
    return (
        f"unexpected error ({type(exc).__name__}: {first}); "
        "rerun with --debug for the traceback and report it"
    )


@click.group(cls=_ReportingGroup, invoke_without_command=True, epilog=EPILOG)
@click.version_option(__version__, prog_name="lstm-tutor")
@click.option("--debug", is_flag=True, help="Show the full traceback when something goes wrong.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Learn LSTM and GRU networks step by step, train them, and forecast time series.

    With no command, opens the interactive app.
    """
    if ctx.invoked_subcommand is None:
        from tutor.app import run_app

        run_app()


cli.add_command(lessons)
cli.add_command(forecast)
cli.add_command(serve)
cli.add_command(web_session)
cli.add_command(class_)


def main() -> None:
    """Console-script entry point."""
    import sys

    try:
        cli(prog_name="lstm-tutor")
    finally:
        try:  # what is still buffered: the reader may have gone after the command's last write
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(CLOSED_PIPE)


if __name__ == "__main__":
    main()
