"""`lstm-tutor forecast` after issue 9: intervals, backtests, fallback and the fixes on the way."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
from pathlib import Path

import click
import numpy as np
import pandas as pd
from click.testing import CliRunner

from tutor.cli import cli
from tutor.cli_forecast import EPILOG, forecast

ROOT = Path(__file__).resolve().parents[2]
FAST = ["--hidden", "4", "--epochs", "2", "--quiet"]


def run(*args: str):
    return CliRunner().invoke(cli, ["forecast", *args])


def daily_csv(tmp_path: Path, n: int = 150, extra_rows: str = "", kind: bool = False) -> Path:
    dates = pd.date_range("2024-01-01", periods=n, freq="D")
    dow = np.asarray(dates.day_of_week)
    y = 1000 + 300 * (dow < 5) + np.random.default_rng(0).normal(0, 10, n)
    head = "date,kind,y" if kind else "date,y"
    rows = [
        f"{d.date()},{'W' if w < 5 else 'E'},{v:.2f}" if kind else f"{d.date()},{v:.2f}"
        for d, w, v in zip(dates, dow, y, strict=True)
    ]
    p = tmp_path / "daily.csv"
    p.write_text("\n".join([head, *rows]) + "\n" + extra_rows)
    return p


def test_every_forecast_option_has_help():
    missing = [
        p.name
        for p in forecast.params
        if isinstance(p, click.Option) and not (p.help or "").strip()
    ]
    assert missing == []


def test_interval_columns_in_table_csv_and_json(tmp_path):
    csv = daily_csv(tmp_path)
    r = run(str(csv), *FAST, "--interval", "80", "--interval", "95", "--format", "json")
    assert r.exit_code == 0, r.output
    row = json.loads(r.stdout)["forecast"][0]
    assert row["y_lower_95"] < row["y_lower_80"] < row["y"] < row["y_upper_80"] < row["y_upper_95"]
    r = run(str(csv), *FAST, "--interval", "80", "--format", "csv")
    assert r.stdout.splitlines()[0] == "date,y,y_lower_80,y_upper_80"
    r = run(str(csv), *FAST, "--interval", "80")
    assert "y_lower_80" in r.stdout and "Forecast by:" in r.stdout


def test_holdout_header_names_period_and_rows(tmp_path):
    r = run(str(daily_csv(tmp_path)), *FAST, "--test-size", "21")
    assert r.exit_code == 0, r.output
    assert "2024-05-09 to 2024-05-29, 21 rows" in r.stdout


def test_load_header_names_the_checkpoints_model_strategy_and_horizon(tmp_path):
    csv, ckpt = daily_csv(tmp_path), tmp_path / "m.ckpt"
    args = ["--model", "gru", "--strategy", "seq2seq", "--horizon", "3"]
    r = run(str(csv), *FAST, *args, "--no-fallback", "--save", str(ckpt))
    assert r.exit_code == 0, r.output
    r = run(str(csv), "--load", str(ckpt), "--quiet")
    assert r.exit_code == 0, r.output
    assert "gru (seq2seq)" in r.stdout and "lstm (direct)" not in r.stdout
    assert "3-step forecasts" in r.stdout and "the 3 steps after the data" in r.stdout


def test_warnings_are_printed_when_the_run_then_fails(tmp_path):
    csv = daily_csv(tmp_path, kind=True)
    text = csv.read_text().splitlines()  # then one exact duplicate row
    dup = next(line for line in text if line.startswith("2024-01-05"))
    csv.write_text("\n".join([*text, dup]) + "\n")
    r = run(str(csv), *FAST, "--target", "y", "--covariate", "kind")  # no --future: fails
    assert r.exit_code == 1
    assert "duplicate" in r.stderr and "warning:" in r.stderr
    assert "--future" in r.stderr and "`" not in r.stderr  # the engine's field, as the CLI flag


def test_save_is_not_written_when_the_run_fails(tmp_path):
    csv, ckpt = daily_csv(tmp_path, kind=True), tmp_path / "m.ckpt"
    r = run(str(csv), *FAST, "--target", "y", "--covariate", "kind", "--save", str(ckpt))
    assert r.exit_code == 1 and not ckpt.exists()


def test_backtest_prints_each_cutoff_and_the_mean_beside_the_baselines(tmp_path):
    csv = daily_csv(tmp_path)
    r = run(str(csv), *FAST, "--backtest", "2", "--horizon", "5", "--format", "json")
    assert r.exit_code == 0, r.output
    payload = json.loads(r.stdout)
    assert [row["cutoff"] for row in payload["backtest"]] == ["2024-05-19", "2024-05-24"]
    for key in ("model_mase", "naive_mae", "seasonal_naive_mase", "chosen"):
        assert key in payload["backtest"][0]
    assert payload["mean"]["cutoff"] == "mean"
    r = run(str(csv), *FAST, "--backtest", "2", "--horizon", "5")
    assert r.exit_code == 0 and "Backtest: 2 cut-offs" in r.stdout and "mean" in r.stdout
    r = run(str(csv), *FAST, "--backtest", "2", "--save", str(tmp_path / "x.ckpt"))
    assert r.exit_code == 2


def test_fallback_is_stated_on_stderr_and_in_json(tmp_path):
    n = 140
    pattern = np.array([10.0, 30, 20, 50, 40, 5, 25])
    dates = pd.date_range("2024-01-01", periods=n, freq="D")
    csv = tmp_path / "s.csv"
    pd.DataFrame({"date": dates, "y": pattern[np.arange(n) % 7]}).to_csv(csv, index=False)
    r = run(str(csv), "--hidden", "2", "--epochs", "1", "--quiet", "--inputs", "level",
            "--format", "json")  # fmt: skip
    assert r.exit_code == 0, r.output
    payload = json.loads(r.stdout)
    assert payload["choice"]["forecast"] == "seasonal_naive"
    assert any("seasonal naive" in w for w in payload["warnings"])
    assert "lost to seasonal naive" in r.stderr


def examples() -> list[list[str]]:
    """Every `lstm-tutor forecast` example of the README and of --help, as argument lists."""
    readme = (ROOT / "README.md").read_text()
    text = re.sub(r"\s*\\\n\s*", " ", readme) + "\n" + EPILOG
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("lstm-tutor forecast"):
            # README lines end in a # comment, --help's in prose after two spaces
            command = re.split(r"\s{2,}", line.split("#")[0].strip())[0]
            found.append(shlex.split(command)[2:])
    return found


def _panel_files(rides: Path) -> None:
    """The tables the README's panel examples name, made from the exported series: three
    stores (long, as panel.csv with the peers' names, sales.csv/.parquet with others), and
    the same as a wide table."""
    y = pd.read_csv(rides, parse_dates=["date"]).tail(150)
    long = pd.concat(
        [pd.DataFrame({"store": f"s{k}", "day": y.date, "sales": y.rides * (1 + k / 10)})
         for k in range(3)]
    )  # fmt: skip
    long.to_csv(rides.parent / "sales.csv", index=False)
    if importlib.util.find_spec("pyarrow"):
        long.to_parquet(rides.parent / "sales.parquet", index=False)
    peers = long.rename(columns={"store": "unique_id", "day": "ds", "sales": "y"})
    peers.to_csv(rides.parent / "panel.csv", index=False)
    wide = long.pivot(index="day", columns="store", values="sales").reset_index()
    wide.to_csv(rides.parent / "wide.csv", index=False)


def test_readme_and_help_examples_run_on_a_fresh_install(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cases = examples()
    assert len(cases) >= 8
    exports = [c for c in cases if "--export-data" in c]
    assert exports and run(*exports[0]).exit_code == 0  # writes rides.csv
    _panel_files(tmp_path / "rides.csv")
    for args in cases:
        if "--export-data" in args:
            continue
        # the examples as written, made quick: tiny network, one epoch
        r = run(*args, "--hidden", "2", "--epochs", "1", "--quiet")
        assert r.exit_code == 0, (args, r.output)
