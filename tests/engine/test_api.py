"""The Python API: forecast(df, id=..., date=..., target=..., horizon=...) -> DataFrame."""

from __future__ import annotations

import pandas as pd
import pytest

import lstm_tutor
from engine.panel.result import PanelResult
from engine.table_input import DataError
from tests.engine.panel_data import seasonal_panel

FAST = {"epochs": 2, "hidden": 8, "patience": None}


def test_a_panel_in_its_own_column_names_out():
    df = seasonal_panel(3, names=("store", "day", "sales"))
    fc = lstm_tutor.forecast(df, id="store", date="day", target="sales", horizon=4,
                             intervals=[80], **FAST)  # fmt: skip
    assert list(fc.columns) == ["store", "day", "sales", "lower_80", "upper_80"]
    assert len(fc) == 12 and set(fc.store) == {"s0", "s1", "s2"}
    for store, rows in df.groupby("store"):
        first = fc.loc[fc.store == store, "day"].min()
        assert first == rows.day.max() + pd.DateOffset(months=1)


def test_peer_names_need_no_arguments_and_the_whole_result_is_there():
    df = seasonal_panel(2)
    fc = lstm_tutor.forecast(df, horizon=3, **FAST)
    assert list(fc.columns[:3]) == ["unique_id", "ds", "y"] and len(fc) == 6
    result = lstm_tutor.forecast_result(df, horizon=3, **FAST)
    assert isinstance(result, PanelResult) and result.summary()["series"] == 2


def test_one_series_is_a_single_series_forecast():
    df = seasonal_panel(1, names=("store", "day", "sales")).drop(columns="store")
    fc = lstm_tutor.forecast(df, date="day", target="sales", horizon=3, **FAST)
    assert list(fc.columns) == ["day", "sales"] and len(fc) == 3


def test_errors_name_the_series():
    df = seasonal_panel(3)
    df = df.drop(index=df.index[df.unique_id == "s1"][4])
    with pytest.raises(DataError, match="series 's1'"):
        lstm_tutor.forecast(df, horizon=3, **FAST)
