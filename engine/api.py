"""The Python API a practitioner calls: a DataFrame in, a DataFrame of forecasts out.

    from lstm_tutor import forecast          # (or: from engine.api import forecast)
    fc = forecast(df, id="store", date="day", target="sales", horizon=12, intervals=[80])

With `id` (or a `unique_id` column), or `panel=True` for a wide table, every series is forecast
by one global network and chosen per series (engine.panel); otherwise `df` is one series, as
`lstm-tutor forecast` reads a CSV. Every other ForecastConfig field is a keyword (epochs, seed,
fallback, window, ...). `forecast_result` returns the whole result (holdout scores, choices,
warnings) instead of the frame.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd

from engine.forecast.config import ForecastConfig
from engine.forecast.result import ForecastResult
from engine.panel.result import PanelResult
from engine.panel.tables import PEER_ID, read_table


def forecast_result(
    df: pd.DataFrame | str | os.PathLike,
    *,
    id: str | None = None,
    date: str | None = None,
    target: str | list[str] | None = None,
    horizon: int | None = None,
    panel: bool = False,
    per_series: int | None = None,
    **options: Any,
) -> PanelResult | ForecastResult:
    """The run's whole result: a PanelResult for a panel, a ForecastResult for one series."""
    targets = [target] if isinstance(target, str) else list(target or [])
    fields = {"data": df, "date": date, "targets": targets, **options}
    if horizon is not None:
        fields["horizon"] = horizon
    config = ForecastConfig(**fields)
    if panel or id is not None or _has_peer_id(df):
        from engine.panel.run import PanelConfig, run_panel

        return run_panel(PanelConfig(config, id=id, wide=panel, per_series=per_series))
    from engine.forecast.run import run_forecast

    return run_forecast(config)


def forecast(
    df: pd.DataFrame | str | os.PathLike,
    *,
    id: str | None = None,
    date: str | None = None,
    target: str | list[str] | None = None,
    horizon: int | None = None,
    **options: Any,
) -> pd.DataFrame:
    """Forecast the steps after the data: a long frame (id, date, target, lower_/upper_<level>)
    for a panel, named as the table's own columns; date and target columns for one series.

    Raises engine.data.DataError or engine.forecast.ForecastError (both ValueError) with a
    message naming what and where (and the series' id in a panel).
    """
    result = forecast_result(df, id=id, date=date, target=target, horizon=horizon, **options)
    if isinstance(result, ForecastResult):
        return result.forecast.rename(columns={"date": date or "date"})
    frame = result.forecast_frame()
    names = {"id": result.id_column or "id", "date": result.date_column}
    if result.id_column is not None:  # a long table: its value column's own name
        names["y"] = result.target
    return frame.rename(columns=names)


def _has_peer_id(df) -> bool:
    if isinstance(df, pd.DataFrame):
        return PEER_ID in df.columns
    try:
        return PEER_ID in read_table(df)[0].columns
    except (ValueError, OSError):
        return False  # the single-series run reports the problem
