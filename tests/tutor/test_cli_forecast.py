"""`lstm-tutor forecast`: JSON shape, exit codes and messages, checkpoints, repeatability."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from tutor.cli import cli

CHICAGO = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "cta_ridership_daily.csv"
TINY = ["--hidden", "4", "--epochs", "2", "--window", "14", "--horizon", "3", "--quiet"]


def run(*args: str):
    return CliRunner().invoke(cli, ["forecast", *args])


def series_csv(tmp_path: Path, n: int = 120, extra: str = "") -> Path:
    dates = pd.date_range("2024-01-01", periods=n, freq="D")
    dow = np.asarray(dates.day_of_week)
    y = 1000 + 300 * (dow < 5) + np.random.default_rng(0).normal(0, 10, n)
    lines = ["date,y"] + [f"{d.date()},{v:.2f}" for d, v in zip(dates, y, strict=True)]
    p = tmp_path / "series.csv"
    p.write_text("\n".join(lines) + "\n" + extra)
    return p


def test_json_is_the_only_thing_on_stdout(tmp_path):
    csv = series_csv(tmp_path)
    r = run(str(csv), *TINY, "--format", "json")
    assert r.exit_code == 0, r.output
    payload = json.loads(r.stdout)
    assert {"metrics", "forecast", "warnings"} <= set(payload)  # fields may be added
    assert set(payload["metrics"]) == {"model", "naive", "seasonal_naive"}
    for m in payload["metrics"].values():
        assert {"mae", "rmse", "mape", "smape", "mase"} <= set(m)
    assert [row["date"] for row in payload["forecast"]] == [
        "2024-04-30",
        "2024-05-01",
        "2024-05-02",
    ]
    assert all(isinstance(row["y"], float) for row in payload["forecast"])


def test_table_output_has_models_side_by_side_and_dates(tmp_path):
    r = run(str(series_csv(tmp_path)), *TINY)
    assert r.exit_code == 0, r.output
    assert (
        "naive" in r.stdout and "seasonal naive (m=7)" in r.stdout and "lstm (direct)" in r.stdout
    )
    assert "MASE" in r.stdout and "2024-04-30" in r.stdout


def test_warnings_go_to_stderr_and_json(tmp_path):
    csv = series_csv(tmp_path, extra="2024-01-05," + "1300.00\n")  # not an exact duplicate
    r = run(str(csv), *TINY, "--format", "json")
    assert r.exit_code == 1 and "2024-01-05" in r.stderr
    lines = series_csv(tmp_path).read_text().splitlines()
    csv.write_text("\n".join(lines + [lines[3], lines[3]]) + "\n")
    r = run(str(csv), *TINY, "--format", "json")
    assert r.exit_code == 0, r.output
    assert "dropped 2 exact duplicate" in r.stderr
    assert any("dropped 2 exact duplicate" in w for w in json.loads(r.stdout)["warnings"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--test-size", "5", "--test-start", "2024-03-01"], "not both"),
        (["--out", "result.txt"], ".csv or .json"),
        (["--strategy", "magic"], "magic"),
        (["--window", "0"], "--window"),
        (["--format", "xml"], "xml"),
    ],
)
def test_usage_errors_exit_2(tmp_path, args, message):
    r = run(str(series_csv(tmp_path)), *TINY, *args)
    assert r.exit_code == 2
    assert message in r.stderr
    assert "Traceback" not in r.output


def test_data_errors_exit_1_with_a_located_message(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,y\n2024-01-01,1\n2024-01-02,2\nyesterday,3\n")
    r = run(str(bad), *TINY)
    assert r.exit_code == 1
    assert "line 4 ('yesterday')" in r.stderr
    r = run(str(series_csv(tmp_path, n=20)), *TINY)
    assert r.exit_code == 1 and "too few" in r.stderr
    r = run(str(series_csv(tmp_path)), *TINY, "--target", "z")
    assert r.exit_code == 1 and "'z'" in r.stderr and "--target" in r.stderr
    r = run(str(tmp_path / "absent.csv"), *TINY)
    assert r.exit_code == 2 and "does not exist" in r.stderr
    r = run(str(series_csv(tmp_path)), *TINY, "--load", str(bad))
    assert r.exit_code == 1 and "bad.csv" in r.stderr
    assert "Traceback" not in r.output


def test_gaps_reported_then_filled(tmp_path):
    csv = series_csv(tmp_path)
    lines = csv.read_text().splitlines()
    csv.write_text("\n".join(lines[:40] + lines[43:]) + "\n")  # 2024-02-09 .. 02-11 missing
    r = run(str(csv), *TINY)
    assert (
        r.exit_code == 1
        and "3 date(s) missing" in r.stderr
        and "daily frequency, first: 2024-02-09" in r.stderr
    )
    r = run(str(csv), *TINY, "--fill", "interpolate", "--format", "json")
    assert r.exit_code == 0, r.output
    assert any("filled 3 missing date" in w for w in json.loads(r.stdout)["warnings"])


def test_checkpoint_round_trip_through_the_cli(tmp_path):
    csv, ckpt = series_csv(tmp_path), tmp_path / "m.ckpt"
    a = run(str(csv), *TINY, "--strategy", "seq2seq", "--save", str(ckpt), "--format", "json")
    assert a.exit_code == 0, a.output
    b = run(str(csv), "--load", str(ckpt), "--format", "json")
    assert b.exit_code == 0, b.output
    assert json.loads(a.stdout)["forecast"] == json.loads(b.stdout)["forecast"]


def test_two_runs_with_a_seed_give_identical_json(tmp_path):
    csv = series_csv(tmp_path)
    a = run(str(csv), *TINY, "--seed", "7", "--format", "json")
    b = run(str(csv), *TINY, "--seed", "7", "--format", "json")
    assert a.exit_code == b.exit_code == 0
    assert a.stdout == b.stdout


def test_out_files(tmp_path):
    csv = series_csv(tmp_path)
    r = run(str(csv), *TINY, "--out", str(tmp_path / "f.csv"), "--format", "csv")
    assert r.exit_code == 0, r.output
    written = pd.read_csv(tmp_path / "f.csv")
    assert list(written.columns) == ["date", "y"] and len(written) == 3
    assert r.stdout.splitlines()[0] == "date,y"
    r = run(str(csv), *TINY, "--out", str(tmp_path / "f.json"))
    assert json.loads((tmp_path / "f.json").read_text())["forecast"][0]["date"] == "2024-04-30"


def test_default_transit_dataset_with_tiny_model():
    r = run("--hidden", "4", "--epochs", "1", "--quiet", "--format", "json")
    assert r.exit_code == 0, r.output
    payload = json.loads(r.stdout)
    # daily data: two weeks by default
    assert len(payload["forecast"]) == 14 and "rides" in payload["forecast"][0]


@pytest.mark.skipif(not CHICAGO.exists(), reason="Chicago CSV not present")
def test_chicago_csv_through_the_cli():
    r = run(str(CHICAGO), "--target", "total_rides", *TINY, "--epochs", "1", "--format", "json")
    assert r.exit_code == 0, r.output
    warnings = json.loads(r.stdout)["warnings"]
    assert any("dropped 62 exact duplicate" in w for w in warnings)
    assert json.loads(r.stdout)["forecast"][0]["date"] == "2021-12-01"


def test_import_does_not_import_torch():
    code = "import sys, tutor.cli_forecast; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_two_targets_get_a_per_target_block(tmp_path):
    csv = series_csv(tmp_path)
    lines = csv.read_text().splitlines()
    csv.write_text(
        "\n".join([lines[0] + ",z"] + [f"{ln},{k % 5}.5" for k, ln in enumerate(lines[1:])]) + "\n"
    )
    r = run(str(csv), *TINY, "--target", "y", "--target", "z")
    assert r.exit_code == 0, r.output
    assert "Per target" in r.stdout and "\ny " in r.stdout and "\nz " in r.stdout
    block = r.stdout.split("Per target (MAE / RMSE)\n")[1].splitlines()
    assert block[0].split()[:2] == ["target", "lstm"]  # the columns are named
    assert len(r.stdout.splitlines()[-1].split()) == 3  # date, y, z
