"""Dates are written one way in every output, chosen by the data's frequency (issue 18)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
from click.testing import CliRunner

from tutor.cli import cli

FAST = ["--hidden", "4", "--epochs", "1", "--quiet", "--seeds", "1"]


def forecast(*args: str):
    r = CliRunner().invoke(cli, ["forecast", *args])
    assert r.exit_code == 0, r.output
    return r


def write(tmp_path: Path, dates: pd.DatetimeIndex, name: str = "s.csv") -> Path:
    y = 10 + np.sin(np.arange(len(dates)) / 3) + np.random.default_rng(1).normal(0, 0.1, len(dates))
    path = tmp_path / name
    pd.DataFrame({"date": dates, "y": y}).to_csv(path, index=False)
    return path


def hourly(tmp_path: Path) -> Path:
    # ends at 23:00: the forecast's first step is a midnight
    return write(tmp_path, pd.date_range("2024-03-01", periods=24 * 8, freq="h"))


def test_sub_daily_csv_writes_every_date_with_its_time(tmp_path):
    r = forecast(str(hourly(tmp_path)), *FAST, "--window", "24", "--horizon", "6",
                 "--format", "csv")  # fmt: skip
    dates = pd.read_csv(io.StringIO(r.stdout))["date"].tolist()
    assert dates[0] == "2024-03-09T00:00:00"  # not 2024-03-09 beside 2024-03-09T01:00:00
    assert all(len(d) == 19 and d[10] == "T" for d in dates)
    assert pd.to_datetime(pd.Series(dates), format="%Y-%m-%dT%H:%M:%S").notna().all()


def test_sub_daily_json_forecast_and_holdout_span_carry_times(tmp_path):
    r = forecast(str(hourly(tmp_path)), *FAST, "--window", "24", "--horizon", "6",
                 "--format", "json")  # fmt: skip
    payload = json.loads(r.stdout)
    assert payload["forecast"][0]["date"] == "2024-03-09T00:00:00"
    hold = payload["choice"]["holdout"]
    assert hold["to"] == "2024-03-08T23:00:00" and hold["from"][10] == "T"


def test_backtest_cutoffs_are_iso_dates_in_csv_and_json(tmp_path):
    monthly = write(tmp_path, pd.date_range("2010-01-01", periods=72, freq="MS"))
    opts = [str(monthly), *FAST, "--window", "12", "--horizon", "4", "--backtest", "2"]
    csv = forecast(*opts, "--format", "csv").stdout
    cutoffs = pd.read_csv(io.StringIO(csv), dtype=str)["cutoff"].tolist()
    assert cutoffs == ["2015-04-01", "2015-08-01", "mean"]  # not 2015-04-01 00:00:00
    rows = json.loads(forecast(*opts, "--format", "json").stdout)["backtest"]
    assert [row["cutoff"] for row in rows] == cutoffs[:2]


def test_hourly_backtest_cutoffs_keep_their_time(tmp_path):
    opts = [str(hourly(tmp_path)), *FAST, "--window", "24", "--horizon", "6", "--backtest", "2"]
    csv = forecast(*opts, "--format", "csv").stdout
    cutoffs = pd.read_csv(io.StringIO(csv), dtype=str)["cutoff"].tolist()
    assert cutoffs[:2] == ["2024-03-08T11:00:00", "2024-03-08T17:00:00"]
