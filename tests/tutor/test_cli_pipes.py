"""Standard streams as a shell user has them: a reader that closes the pipe early, `-` for
standard output."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tutor.cli import CLOSED_PIPE

COMMANDS = [
    ["lessons", "list"],
    ["lessons", "show", "lstm-forward-pass"],
    ["forecast", "--export-data", "-"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_a_closed_pipe_ends_quietly(args):
    # the reader takes nothing and goes, as `| head -0` does: every write after that fails
    command = [sys.executable, "-c", "from tutor.cli import main; main()", *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert err == "", err
    assert code in (0, CLOSED_PIPE)


def test_export_data_dash_writes_standard_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from click.testing import CliRunner

    from tutor.cli import cli

    result = CliRunner().invoke(cli, ["forecast", "--export-data", "-"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout.startswith("date,day_type,rides\n2016-01-01,")
    assert not (tmp_path / "-").exists()
