"""`lstm-tutor forecast --start/--end`: a date range; rows after --end supply covariates."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from click.testing import CliRunner

from tutor.cli import cli

TINY = ["--hidden", "4", "--epochs", "1", "--window", "14", "--horizon", "2", "--quiet"]


def run(*args: str):
    return CliRunner().invoke(cli, ["forecast", *args, "--format", "json"])


def csv_with_day_type(tmp_path, n: int = 150):
    dates = pd.date_range("2024-01-01", periods=n, freq="D")
    kind = np.where(dates.day_of_week < 5, "W", np.where(dates.day_of_week == 5, "A", "U"))
    y = np.where(kind == "W", 1300.0, 900.0) + np.arange(n)
    frame = pd.DataFrame({"date": dates.date, "kind": kind, "y": y})
    path = tmp_path / "series.csv"
    frame.to_csv(path, index=False)
    return path


def test_end_cuts_the_data_and_later_rows_supply_known_future_covariates(tmp_path):
    csv = csv_with_day_type(tmp_path)
    args = [str(csv), "--target", "y", "--covariate", "kind", *TINY]
    assert run(*args).exit_code == 1  # after the last row, nobody knows the day type
    r = run(*args, "--end", "2024-04-30")
    assert r.exit_code == 0, r.output
    dates = [row["date"] for row in json.loads(r.stdout)["forecast"]]
    assert dates == ["2024-05-01", "2024-05-02"]


def test_start_drops_the_earlier_rows(tmp_path):
    csv = csv_with_day_type(tmp_path)
    whole = run(str(csv), "--target", "y", "--test-size", "20", *TINY)
    late = run(str(csv), "--target", "y", "--test-size", "20", "--start", "2024-03-01", *TINY)
    assert whole.exit_code == late.exit_code == 0, late.output
    assert json.loads(late.stdout)["metrics"] != json.loads(whole.stdout)["metrics"]


def test_bad_or_empty_ranges_are_data_errors_with_a_message(tmp_path):
    csv = csv_with_day_type(tmp_path)
    r = run(str(csv), "--target", "y", "--end", "2024-13-01", *TINY)
    assert r.exit_code == 1 and "not a date" in r.output
    r = run(str(csv), "--target", "y", "--start", "2030-01-01", *TINY)
    assert r.exit_code == 1 and "no rows dated on or after 2030-01-01" in r.output
    assert "Traceback" not in r.output
