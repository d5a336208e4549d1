"""The forecast command on files as users have them: a bad file refused before torch loads,
the run's progress as lines in a log, holidays of a country, the season option."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
from click.testing import CliRunner

from tutor.cli import cli
from tutor.cli_forecast.progress import Lines, RunCount

CHEAP = ["--epochs", "1", "--hidden", "2", "--seeds", "1", "--inputs", "level", "--no-refit",
         "--window", "4", "--horizon", "3"]  # fmt: skip


def daily_csv(tmp_path, n: int = 60, name: str = "d.csv"):
    dates = pd.date_range("2024-01-01", periods=n, freq="D")
    rows = [f"{d.date()},{10 + i % 7 + i / 10:.2f}" for i, d in enumerate(dates)]
    path = tmp_path / name
    path.write_text("date,y\n" + "\n".join(rows) + "\n")
    return path


def test_a_bad_file_is_refused_before_torch_is_imported(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,y\n2024-01-01,1\n2024-01-02,x\n")
    code = (
        "import sys\nfrom tutor.cli import cli\n"
        f"try:\n    cli(['forecast', {str(bad)!r}])\nexcept SystemExit as e:\n"
        "    print(e.code, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "non-numeric" in out.stderr
    assert out.stdout.split() == ["1", "False"]


def test_verbose_prints_a_line_per_network_where_stderr_is_not_a_terminal(tmp_path):
    path = daily_csv(tmp_path)
    result = CliRunner().invoke(cli, ["forecast", str(path), *CHEAP, "--verbose"])
    assert result.exit_code == 0, result.output
    lines = [x for x in result.stderr.splitlines() if x.startswith("network ")]
    # the run says how many networks it trains (one input mode, one seed, no refit)
    assert lines and lines[0].startswith("network 1 of 1: lstm, 1 epoch(s)")
    quiet = CliRunner().invoke(cli, ["forecast", str(path), *CHEAP])
    assert not [x for x in quiet.stderr.splitlines() if x.startswith("network ")]


def test_the_run_count_says_networks_done_of_total_and_the_time_left():
    from engine.events import TrainingDone

    count = RunCount()

    class Plan:
        networks = 4

    count.on_event(Plan())
    count.on_event(TrainingDone("lstm", "completed", 3, 0.1))
    assert count.network() == "network 2 of 4" and "left" in count.overall()
    lines = []

    class Stream:
        def write(self, text):
            lines.append(text)

        def flush(self):
            pass

    Lines(Stream()).on_event(TrainingDone("gru", "early_stopped", 7, None))
    assert lines[0].startswith("network 1: gru, 7 epoch(s), early_stopped")


def test_holidays_of_a_country_and_a_bad_code(tmp_path):
    path = daily_csv(tmp_path)
    ok = CliRunner().invoke(cli, ["forecast", str(path), *CHEAP, "--holidays", "FR", "--quiet"])
    assert ok.exit_code == 0, ok.output
    bad = CliRunner().invoke(cli, ["forecast", str(path), *CHEAP, "--holidays", "Frx"])
    assert bad.exit_code == 1 and "--holidays 'Frx': no such country code" in bad.output


def test_season_option_sets_the_seasonal_naive_period(tmp_path):
    path = daily_csv(tmp_path, 90)
    result = CliRunner().invoke(cli, ["forecast", str(path), *CHEAP, "--season", "3", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "seasonal naive (m=3)" in result.stdout


def test_the_default_horizon_follows_the_frequency(tmp_path):
    dates = pd.date_range("2000-01-01", periods=60, freq="MS")
    path = tmp_path / "m.csv"
    path.write_text("date,y\n" + "".join(f"{d.date()},{i % 12 + i}\n" for i, d in enumerate(dates)))
    args = ["forecast", str(path), *CHEAP[:-2], "--quiet", "--format", "json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["forecast"]) == 12


def test_the_tables_fit_80_columns_and_name_their_columns(tmp_path):
    dates = pd.date_range("2020-01-01", periods=120, freq="D")
    rows = [f"{d.date()},{5e5 + 1000 * i:.1f},{3e5 + 50 * i:.1f}" for i, d in enumerate(dates)]
    path = tmp_path / "two.csv"
    path.write_text("date,rail_boardings_total,bus_rides\n" + "\n".join(rows) + "\n")
    args = ["forecast", str(path), *CHEAP, "--target", "rail_boardings_total",
            "--target", "bus_rides", "--quiet"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.stdout.splitlines()) <= 80
    per = result.stdout.split("Per target (MAE / RMSE)\n")[1].splitlines()
    assert per[0].startswith("target") and "naive" in per[0]
