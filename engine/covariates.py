"""Known-future covariates: categorical one-hot, numeric (scaled), and calendar features.

Each covariate row describes the step it sits on (the date of the target it helps predict), so
for the steps after the data ends the same columns must be known: calendar features are derived
from the dates, the others come from a future table (`--future CSV`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engine.scaling import Scaler


class CovariateError(ValueError):
    """A covariate cannot be encoded (unknown category, missing future values...)."""


def calendar_kind(freq: str | None) -> str | None:
    """Which calendar features suit a frequency: daily, hourly, weekly, monthly or none."""
    if not freq:
        return None
    base = freq.lstrip("0123456789").upper()
    if base in ("D", "B"):
        return "daily"
    if base in ("H", "BH"):
        return "hourly"
    if base.startswith("W"):
        return "weekly"
    if base in ("MS", "ME", "M", "SMS", "SME", "BMS", "BME"):
        return "monthly"
    return None


def calendar_features(dates: pd.DatetimeIndex, kind: str | None) -> tuple[np.ndarray, list[str]]:
    """Calendar columns derived from the dates alone (so they are known for any future date)."""
    dates = pd.DatetimeIndex(dates)
    cols: list[np.ndarray] = []
    names: list[str] = []

    def cyc(value: np.ndarray, period: float, name: str) -> None:
        angle = 2 * np.pi * np.asarray(value, float) / period
        cols.extend([np.sin(angle), np.cos(angle)])
        names.extend([f"{name}_sin", f"{name}_cos"])

    if kind == "daily":
        dow = np.asarray(dates.day_of_week)
        for d, label in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun")):
            cols.append((dow == d).astype(float))
            names.append(f"dow_{label}")
        cyc(np.asarray(dates.day_of_year) - 1, 365.25, "doy")
        for name, flag in _holiday_flags(dates).items():
            cols.append(flag)
            names.append(name)
    elif kind == "hourly":
        cyc(np.asarray(dates.hour), 24, "hour")
        cyc(np.asarray(dates.day_of_week), 7, "dow")
    elif kind == "weekly":
        cyc(np.asarray(dates.isocalendar().week, dtype=float) - 1, 52.18, "week")
    elif kind == "monthly":
        cyc(np.asarray(dates.month) - 1, 12, "month")
    if not cols:
        return np.zeros((len(dates), 0)), []
    return np.stack(cols, axis=1), names


def _holiday_flags(dates: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """US federal holidays and the days around them, which move daily demand (transit, retail).

    Derived from the dates alone, so known for any future date. Eves (Dec 24, Dec 31, the day
    before Thanksgiving) and the day after a holiday ride unlike ordinary days of their type.
    """
    from pandas.tseries.holiday import USFederalHolidayCalendar

    day = pd.Timedelta(days=1)
    if len(dates):
        # the calendar builds whole years around the range, so it is clamped a year inside
        # pandas' dates (1677-09-22 .. 2262-04-11); days outside it get no holiday flags
        lo, hi = pd.Timestamp("1680-01-01"), pd.Timestamp("2260-01-01")
        start = min(max(dates.min(), lo + day), hi) - day
        end = max(min(dates.max(), hi - day), lo) + day
        hol = USFederalHolidayCalendar().holidays(start=start, end=end)
    else:
        hol = pd.DatetimeIndex([])
    d = dates.normalize()
    month, dom = np.asarray(d.month), np.asarray(d.day)
    thanksgiving = hol[(hol.month == 11) & (hol.day >= 22)]
    eve = ((month == 12) & ((dom == 24) | (dom == 31))) | np.asarray(d.isin(thanksgiving - day))
    after = np.asarray(d.isin(hol + day)) | ((month == 12) & (dom == 26))
    return {
        "us_holiday": np.asarray(d.isin(hol), float),
        "holiday_eve": eve.astype(float),
        "after_holiday": after.astype(float),
        "christmas_week": ((month == 12) & (dom >= 24)).astype(float),
    }


@dataclass
class CovariateSpec:
    """How covariate columns become model inputs; stored in checkpoints (to_dict/from_dict)."""

    numeric: list[str] = field(default_factory=list)
    categorical: dict[str, list[str]] = field(default_factory=dict)  # column -> its categories
    calendar: str | None = None  # daily | hourly | weekly | monthly | None
    numeric_scaler: Scaler | None = None

    @property
    def columns(self) -> list[str]:
        return self.numeric + list(self.categorical)

    def feature_names(self) -> list[str]:
        names = list(self.numeric)
        for col, cats in self.categorical.items():
            names += [f"{col}_{c}" for c in cats]
        return names + calendar_features(pd.DatetimeIndex([]), self.calendar)[1]

    @property
    def size(self) -> int:
        return len(self.feature_names())

    def to_dict(self) -> dict:
        return {
            "numeric": self.numeric,
            "categorical": self.categorical,
            "calendar": self.calendar,
            "numeric_scaler": self.numeric_scaler.to_dict() if self.numeric_scaler else None,
        }

    @classmethod
    def from_dict(cls, d: dict) -> CovariateSpec:
        sc = d.get("numeric_scaler")
        return cls(
            list(d["numeric"]),
            {k: list(v) for k, v in d["categorical"].items()},
            d.get("calendar"),
            Scaler.from_dict(sc) if sc else None,
        )


def is_categorical(values: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values))


def fit_covariates(
    frame: pd.DataFrame, columns: list[str], n_train: int, calendar: str | None, scaling: str
) -> CovariateSpec:
    """Categories from the whole frame (their levels are known in advance); numeric scaler from
    the training rows only."""
    spec = CovariateSpec(calendar=calendar)
    for col in columns:
        if is_categorical(frame[col]):
            spec.categorical[col] = sorted(str(v) for v in frame[col].dropna().unique())
        else:
            spec.numeric.append(col)
    if spec.numeric:
        spec.numeric_scaler = Scaler.fit(frame[spec.numeric].to_numpy(float)[:n_train], scaling)
    return spec


def encode_covariates(
    frame: pd.DataFrame, spec: CovariateSpec, what: str = "the data"
) -> np.ndarray:
    """(N, spec.size) model inputs for the rows of `frame` (indexed by date)."""
    parts = []
    if spec.numeric:
        missing = [c for c in spec.numeric if c not in frame]
        if missing:
            raise CovariateError(f"{what} has no column {', '.join(map(repr, missing))}")
        vals = frame[spec.numeric].apply(pd.to_numeric, errors="coerce").to_numpy(float)
        bad = np.argwhere(np.isnan(vals))
        if len(bad):
            r, c = bad[0]
            raise CovariateError(
                f"{what}: covariate {spec.numeric[c]!r} has {len(bad)} missing or non-numeric "
                f"value(s), first on {frame.index[r].date()}"
            )
        parts.append(spec.numeric_scaler.transform(vals) if spec.numeric_scaler else vals)
    for col, cats in spec.categorical.items():
        if col not in frame:
            raise CovariateError(f"{what} has no column {col!r}")
        vals = frame[col].astype("string").to_numpy(dtype=object)
        known = np.isin(vals, cats)
        if not known.all():
            r = int(np.argmin(known))
            raise CovariateError(
                f"{what}: covariate {col!r} has value {vals[r]!r} on {frame.index[r].date()}, "
                f"not one of the categories seen in training ({', '.join(cats)})"
            )
        parts.append((vals[:, None] == np.asarray(cats, dtype=object)[None, :]).astype(float))
    cal, _ = calendar_features(pd.DatetimeIndex(frame.index), spec.calendar)
    parts.append(cal)
    return np.concatenate(parts, axis=1) if parts else np.zeros((len(frame), 0))
