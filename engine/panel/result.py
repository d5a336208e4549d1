"""What a panel run returns: one forecast per series, and the frames and JSON built from them.

The forecast frame is long (`id, date, y`, then `lower_<level>`, `upper_<level>` per interval
level), the layout a panel came in; the holdout frame has one row per series.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from engine.panel.choice import SeriesChoice
from engine.vocabulary import BASELINE_TITLES

WORST = 5  # series listed as the worst of the panel


@dataclass
class SeriesForecast:
    id: Any
    dates: pd.DatetimeIndex
    values: np.ndarray  # (horizon,) data units
    bands: dict[float, tuple[np.ndarray, np.ndarray]]  # level -> (lower, upper)
    choice: SeriesChoice | None  # None: too few rows for a holdout (naive, unscored)


@dataclass
class PanelResult:
    series: list[SeriesForecast]
    label: str  # the network, e.g. "lstm (direct, global)"
    horizon: int
    intervals: list[float]
    window: int
    season: int
    id_column: str | None = None  # the long table's id column (None: a wide table)
    target: str = "y"  # the long table's value column
    date_column: str = "date"
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    training: dict[str, Any] = field(default_factory=dict)

    def forecast_by(self, s: SeriesForecast) -> str:
        if s.choice is None:
            return "naive (too short to score)"
        return s.choice.forecast_by(self.label)

    def forecast_frame(self) -> pd.DataFrame:
        """id, date, y (and lower_/upper_<level>): every series' horizon, one row a step."""
        h = self.horizon
        frame = pd.DataFrame(
            {
                "id": np.repeat(np.array([s.id for s in self.series], dtype=object), h),
                "date": np.concatenate([np.asarray(s.dates) for s in self.series])
                if self.series
                else [],
                "y": np.concatenate([s.values for s in self.series]) if self.series else [],
            }
        )
        for level in self.intervals:
            for k, side in enumerate(("lower", "upper")):
                frame[f"{side}_{level:g}"] = np.concatenate(
                    [s.bands[level][k] if level in s.bands else np.full(h, np.nan)
                     for s in self.series]
                )  # fmt: skip
        return frame

    def holdout_frame(self) -> pd.DataFrame:
        """One row per series: what forecasts it, and its holdout MASE and sMAPE beside the
        network's alone and the baselines' (NaN where a series has no holdout)."""
        rows = []
        for s in self.series:
            c = s.choice
            m = c.metrics if c else {}
            chosen = c.chosen_metrics() if c else {}
            rows.append(
                {
                    "id": s.id,
                    "forecast_by": self.forecast_by(s),
                    "mase": _num(chosen.get("mase")),
                    "smape": _num(chosen.get("smape")),
                    "network_mase": _num(m.get("model", {}).get("mase")),
                    "naive_mase": _num(m.get("naive", {}).get("mase")),
                    "seasonal_naive_mase": _num(m.get("seasonal_naive", {}).get("mase")),
                }
            )
        return pd.DataFrame(rows)

    def summary(self) -> dict[str, Any]:
        """How many series the network forecasts, how many fell back and to what; the panel's
        holdout scores (geometric-mean MASE, mean sMAPE, share beating seasonal naive)."""
        picked = Counter(s.choice.forecast if s.choice else "unscored" for s in self.series)
        hold = self.holdout_frame()
        scores = {}
        for name in ("forecast", "network", "naive", "seasonal_naive"):
            col = "mase" if name == "forecast" else f"{name}_mase"
            scores[name] = {
                "gmean_mase": gmean(hold[col]),
                "beats_seasonal_naive": share_below(hold[col], hold["seasonal_naive_mase"]),
            }
        scores["forecast"]["mean_smape"] = _num(hold["smape"].mean())
        worst = hold.dropna(subset=["mase"]).nlargest(WORST, "mase")
        return {
            "series": len(self.series),
            "network": int(picked.get("model", 0)),
            "fell_back": {k: int(v) for k, v in picked.items() if k in BASELINE_TITLES},
            "unscored": int(picked.get("unscored", 0)),
            "holdout": scores,
            "worst": [
                {"id": _plain(r.id), "mase": r.mase, "forecast_by": r.forecast_by}
                for r in worst.itertuples()
            ],
        }

    def to_json(self) -> dict[str, Any]:
        frame = self.forecast_frame()
        frame["date"] = iso_dates(frame["date"])
        frame["id"] = [_plain(v) for v in frame["id"]]
        hold = self.holdout_frame()
        hold["id"] = [_plain(v) for v in hold["id"]]
        return _clean(
            {
                "forecast": frame.to_dict(orient="records"),
                "series": hold.to_dict(orient="records"),
                "summary": self.summary(),
                "window": self.window,
                "season": self.season,
                "horizon": self.horizon,
                "notes": list(self.notes),
                "warnings": list(self.warnings),
            }
        )


def iso_dates(dates) -> list[str]:
    """Dates as YYYY-MM-DD, or full ISO timestamps when any has a time of day (one format)."""
    d = pd.DatetimeIndex(dates)
    if (d == d.normalize()).all():
        return list(d.strftime("%Y-%m-%d"))
    return list(d.strftime("%Y-%m-%dT%H:%M:%S"))


def gmean(values) -> float | None:
    v = np.asarray(values, float)
    v = v[np.isfinite(v) & (v > 0)]
    return float(np.exp(np.log(v).mean())) if len(v) else None


def share_below(values, rivals) -> float | None:
    """Share of the series (with both scores) where `values` is below `rivals`."""
    a, b = np.asarray(values, float), np.asarray(rivals, float)
    ok = np.isfinite(a) & np.isfinite(b)
    return float(np.mean(a[ok] < b[ok])) if ok.any() else None


def _num(v) -> float:
    return float("nan") if v is None else float(v)


def _plain(v):
    """numpy scalars (ids read from a table) as Python values for JSON."""
    return v.item() if isinstance(v, np.generic) else v


def _clean(obj):
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_clean(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return _plain(obj)
