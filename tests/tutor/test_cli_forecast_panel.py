"""`lstm-tutor forecast` on a panel: --id, the peers' unique_id without flags, --panel for a
wide table, the long output in every format, and per-series errors naming the id."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from tests.engine.panel_data import seasonal_panel
from tutor.cli import cli

FAST = ["--horizon", "6", "--epochs", "2", "--hidden", "8", "--quiet"]


def _invoke(*args):
    return CliRunner().invoke(cli, ["forecast", *map(str, args)])


@pytest.fixture(scope="module")
def long_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("panel") / "panel.csv"
    seasonal_panel(4).to_csv(path, index=False)
    return path


def test_a_unique_id_table_is_a_panel_without_flags(long_csv):
    r = _invoke(long_csv, *FAST, "--format", "csv")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0] == "id,date,y" and len(lines) == 1 + 4 * 6
    assert {line.split(",")[0] for line in lines[1:]} == {"s0", "s1", "s2", "s3"}


def test_the_id_option_names_any_column_and_the_table_fits_80_columns(tmp_path):
    path = tmp_path / "sales.csv"
    seasonal_panel(3, names=("store", "day", "sales")).to_csv(path, index=False)
    r = _invoke(path, "--id", "store", *FAST, "--interval", "80")
    assert r.exit_code == 0, r.output
    assert "Panel holdout (3 series" in r.stdout and "Forecast by the network" in r.stdout
    assert max(len(line) for line in r.stdout.splitlines()) <= 80


def test_out_in_every_format(long_csv, tmp_path):
    for suffix in (".csv", ".json", ".parquet"):
        if suffix == ".parquet":
            pytest.importorskip("pyarrow")
        out = tmp_path / f"f{suffix}"
        r = _invoke(long_csv, *FAST, "--interval", "80", "--out", out)
        assert r.exit_code == 0, r.output
        if suffix == ".json":
            payload = json.loads(out.read_text())
            assert len(payload["forecast"]) == 24 and payload["summary"]["series"] == 4
            assert set(payload["forecast"][0]) == {"id", "date", "y", "lower_80", "upper_80"}
        else:
            frame = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
            assert list(frame.columns) == ["id", "date", "y", "lower_80", "upper_80"]
            assert len(frame) == 24
    assert _invoke(long_csv, *FAST, "--out", tmp_path / "f.xlsx").exit_code == 2


def test_a_wide_table_with_panel(tmp_path):
    wide = seasonal_panel(3).pivot(index="ds", columns="unique_id", values="y").reset_index()
    path = tmp_path / "wide.csv"
    wide.to_csv(path, index=False)
    r = _invoke(path, "--panel", *FAST, "--format", "json")
    assert r.exit_code == 0, r.output
    ids = {row["id"] for row in json.loads(r.stdout)["forecast"]}
    assert ids == {"s0", "s1", "s2"}


def test_a_bad_series_is_named_with_its_line_and_exit_1(long_csv, tmp_path):
    df = pd.read_csv(long_csv)
    path = tmp_path / "gap.csv"
    df.drop(index=df.index[df.unique_id == "s2"][3]).to_csv(path, index=False)
    r = _invoke(path, *FAST)
    assert r.exit_code == 1
    assert "series 's2'" in r.output and "--fill" in r.output and "Traceback" not in r.output


def test_a_long_table_whose_id_column_is_misspelled(long_csv):
    r = _invoke(long_csv, "--id", "unique", *FAST)
    assert r.exit_code == 1 and "--id" in r.output and "unique_id" in r.output


def test_a_panel_backtest_table_and_json(long_csv):
    r = _invoke(long_csv, *FAST, "--backtest", "2", "--format", "json")
    assert r.exit_code == 0, r.output
    payload = json.loads(r.stdout)
    assert [row["cutoff"] for row in payload["backtest"]] == [1, 0, "mean"]
    assert len(payload["series"]) == 8
