"""The root command turns every escaping exception into one message and exit 1; --debug shows
the traceback instead."""

import click
import pytest
from click.testing import CliRunner

from tutor import cli as cli_module


@pytest.fixture
def broken_command(monkeypatch):
    """A subcommand that fails with whatever exception the test hands it."""
    holder = {}

    @click.command("explode")
    def explode() -> None:
        raise holder["exc"]

    cli_module.cli.add_command(explode)
    yield holder
    cli_module.cli.commands.pop("explode")


@pytest.mark.parametrize(
    ("exc", "words"),
    [
        (ValueError("window must be at least 1"), "window must be at least 1"),
        (FloatingPointError("the loss became inf at epoch 1"), "loss became inf"),
        (FileNotFoundError(2, "No such file or directory", "x.csv"), "x.csv: No such file"),
        (RecursionError("maximum recursion depth exceeded"), "nested too deeply"),
        (MemoryError(), "not enough memory"),
        (KeyError("strategy"), "unexpected error (KeyError: 'strategy'); rerun with --debug"),
        (TypeError("bad operand"), "TypeError: bad operand"),
    ],
)
def test_an_escaping_error_is_one_message_and_exit_1(broken_command, exc, words):
    broken_command["exc"] = exc
    result = CliRunner().invoke(cli_module.cli, ["explode"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert words in result.output
    assert result.output.startswith("Error: ")


def test_debug_lets_the_traceback_through(broken_command):
    broken_command["exc"] = KeyError("strategy")
    result = CliRunner().invoke(cli_module.cli, ["--debug", "explode"])
    assert result.exit_code == 1 and isinstance(result.exception, KeyError)


def test_click_usage_errors_keep_exit_2(broken_command):
    result = CliRunner().invoke(cli_module.cli, ["forecast", "--window", "0"])
    assert result.exit_code == 2
