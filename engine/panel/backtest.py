"""Rolling-origin backtest of a panel: the whole panel run from several cut-offs, each series
scored on the steps after its own cut-off beside naive and seasonal naive.

Series end on their own dates, so a cut-off is counted back from each series' end: cut-off k
leaves the last (k + 1) horizons of every series unseen and forecasts the first of them. At
each cut-off the panel run sees only the rows before it (its own holdouts, choices and refit
inside them), as it would on the day.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from engine.baselines import every_baseline, season_length
from engine.forecast.config import ForecastError
from engine.metrics import mase
from engine.panel.result import gmean
from engine.panel.run import PanelConfig, checked_panel, run_panel
from engine.panel.tables import PanelData


def panel_backtest(
    config: PanelConfig,
    cutoffs: int = 3,
    panel: PanelData | None = None,
    on_event: Callable | None = None,
    on_origin: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """One row per cut-off and series: cutoff (horizons before the end, counted back),
    id, forecast_by, and the MASE of the forecast, naive and seasonal naive on the steps after
    the cut-off (NaN where undefined), with `covered`/`n_interval` for the first interval."""
    if cutoffs < 1:
        raise ForecastError("a backtest needs at least one cut-off")
    config, panel = checked_panel(config, panel)
    cfg = config.forecast
    h, season = cfg.horizon, season_length(panel.freq, cfg.season)
    rows = []
    for i, k in enumerate(range(cutoffs - 1, -1, -1)):
        if on_origin is not None:
            on_origin(i, cutoffs)
        cut, kept = _cut(panel, h * (k + 1))
        result = run_panel(config, cut, on_event=on_event)
        for s in result.series:
            y = panel.series[s.id].frame[panel.series[s.id].targets[0]].to_numpy(float)
            rows.append(_score(k, s, y, kept[s.id], h, season, result))
    return pd.DataFrame(rows)


def _cut(panel: PanelData, back: int) -> tuple[PanelData, dict]:
    """The panel with each series' last `back` rows removed (series left with none dropped)."""
    series, kept = {}, {}
    for key, s in panel.series.items():
        n = len(s.frame) - back
        if n >= 1:
            series[key] = dataclasses.replace(s, frame=s.frame.iloc[:n])
            kept[key] = n
    if not series:
        raise ForecastError(f"no series is longer than {back} rows: use fewer cut-offs")
    return dataclasses.replace(panel, series=series, warnings=[]), kept


def _score(k, s, y, n, h, season, result) -> dict:
    hist, actual = y[:n], y[n : n + h]
    base = every_baseline(hist[:, None], np.array([n]), h, season if n > season else 1)
    row = {"cutoff": k, "id": s.id, "forecast_by": result.forecast_by(s)}
    for name, values in (("forecast", s.values), ("naive", base["naive"][0, :, 0]),
                         ("seasonal_naive", base["seasonal_naive"][0, :, 0])):  # fmt: skip
        v = mase(actual, values, hist, season)
        row[f"{name}_mase"] = np.nan if v is None else v
    if s.bands:
        lo, hi = next(iter(s.bands.values()))
        row["covered"] = int(np.sum((actual >= lo) & (actual <= hi)))
        row["n_interval"] = h
    return row


def backtest_summary(rows: pd.DataFrame) -> pd.DataFrame:
    """Per cut-off and over all: geometric-mean MASE across series of each method, the share
    of series the forecast beats seasonal naive on, and the interval's coverage."""
    out = []
    for k, part in [*rows.groupby("cutoff", sort=False), ("mean", rows)]:
        if k == "mean":  # each series' MASE averaged over the cut-offs, then across series
            part = part.groupby("id").mean(numeric_only=True).reset_index()
        r = {"cutoff": k, "series": int(part["id"].nunique())}
        for m in ("forecast", "naive", "seasonal_naive"):
            r[f"{m}_gmean_mase"] = gmean(part[f"{m}_mase"])
        a, b = part["forecast_mase"].to_numpy(float), part["seasonal_naive_mase"].to_numpy(float)
        ok = np.isfinite(a) & np.isfinite(b)
        r["beats_seasonal_naive"] = float(np.mean(a[ok] < b[ok])) if ok.any() else None
        if "n_interval" in part and part["n_interval"].sum():
            r["coverage"] = float(part["covered"].sum() / part["n_interval"].sum())
        out.append(r)
    return pd.DataFrame(out)
