"""Reading panels: long tables by id (peers' names without flags), wide tables, Parquet, and
every per-series check made by engine.data.load_series with the id (and the line) named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engine.panel import load_panel
from engine.table_input import DataError
from tests.engine.panel_data import seasonal_panel


def test_peer_names_are_read_without_flags_each_series_its_own_span():
    df = seasonal_panel(4)
    panel = load_panel(df)
    assert panel.ids == ["s0", "s1", "s2", "s3"] and panel.id_column == "unique_id"
    assert panel.freq == "MS"
    for key, s in panel.series.items():
        rows = df[df.unique_id == key]
        assert len(s.frame) == len(rows)
        assert s.dates[0] == rows.ds.min() and s.dates[-1] == rows.ds.max()
        np.testing.assert_allclose(s.frame[s.targets[0]].to_numpy(), rows.y.to_numpy())
    assert len({len(s.frame) for s in panel.series.values()}) > 1  # lengths differ


def test_an_id_column_of_any_name_with_the_id_option(tmp_path):
    df = seasonal_panel(3, names=("store", "day", "sales"))
    path = tmp_path / "sales.csv"
    df.to_csv(path, index=False)
    panel = load_panel(path, id="store")
    assert panel.ids == ["s0", "s1", "s2"] and panel.target == "sales"


def test_a_long_table_without_an_id_says_which_option_reads_it():
    df = seasonal_panel(2, names=("store", "day", "sales"))
    with pytest.raises(DataError, match="`id`"):
        load_panel(df)


def test_a_gap_names_the_series_and_is_refused_unless_filled():
    df = seasonal_panel(3)
    gone = df.index[df.unique_id == "s1"][5]
    with pytest.raises(DataError) as e:
        load_panel(df.drop(index=gone))
    assert "series 's1'" in str(e.value) and "missing" in str(e.value)
    assert "'s0'" not in str(e.value) and "'s2'" not in str(e.value)
    filled = load_panel(df.drop(index=gone), fill="interpolate")
    assert len(filled.series["s1"].frame) == (df.unique_id == "s1").sum()
    assert any("series 's1'" in w and "filled" in w for w in filled.warnings)


def test_conflicting_duplicates_name_the_id_and_the_lines_of_the_whole_file(tmp_path):
    df = seasonal_panel(3)
    first = int(df.index[df.unique_id == "s2"][0])
    clash = df.loc[[first]].assign(y=-1.0)
    bad = pd.concat([df, clash], ignore_index=True)
    path = tmp_path / "panel.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(DataError) as e:
        load_panel(path)
    msg = str(e.value)
    assert "series 's2'" in msg and "more than once" in msg
    # the CSV lines of the clashing rows: header is line 1
    assert f"line {first + 2}" in msg and f"line {len(bad) + 1}" in msg


def test_exact_duplicates_in_many_series_are_one_warning_naming_them():
    df = seasonal_panel(4)
    again = df.groupby("unique_id").head(1)
    panel = load_panel(pd.concat([df, again], ignore_index=True))
    dropped = [w for w in panel.warnings if "duplicate" in w]
    assert len(dropped) == 1 and all(f"'s{i}'" in dropped[0] for i in range(4))


def test_series_on_another_frequency_are_refused_by_name():
    df = seasonal_panel(3)
    weekly = pd.DataFrame(
        {"unique_id": "w", "ds": pd.date_range("2010-01-03", periods=30, freq="W"), "y": 1.0}
    )
    weekly["y"] += np.arange(30)
    with pytest.raises(DataError, match="series 'w' is W"):
        load_panel(pd.concat([df, weekly], ignore_index=True))


def test_a_wide_table_is_one_series_per_column_each_from_its_first_value():
    dates = pd.date_range("2010-01-01", periods=40, freq="MS")
    a = np.arange(40.0)
    b = np.r_[np.full(10, np.nan), np.arange(30.0) * 2]
    wide = pd.DataFrame({"month": dates, "a": a, "b": b})
    panel = load_panel(wide, wide=True)
    assert panel.ids == ["a", "b"] and panel.id_column is None
    assert len(panel.series["b"].frame) == 30 and panel.series["b"].dates[0] == dates[10]
    hole = wide.copy()
    hole.loc[20, "b"] = np.nan
    with pytest.raises(DataError, match="series 'b'"):
        load_panel(hole, wide=True)


def test_parquet_is_read_like_csv(tmp_path):
    pytest.importorskip("pyarrow")
    df = seasonal_panel(3)
    path = tmp_path / "panel.parquet"
    df.to_parquet(path)
    panel = load_panel(path)
    assert panel.ids == ["s0", "s1", "s2"]
    assert sum(len(s.frame) for s in panel.series.values()) == len(df)
