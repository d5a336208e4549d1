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
    if base in ("H", "BH", "MIN", "T"):  # hours, and minutes (half-hours: the hour's fraction)
        return "hourly"
    if base.startswith("W"):
        return "weekly"
    if base in ("MS", "ME", "M", "SMS", "SME", "BMS", "BME"):
        return "monthly"
    return None


def calendar_features(
    dates: pd.DatetimeIndex, kind: str | None, holidays: str | None = None
) -> tuple[np.ndarray, list[str]]:
    """Calendar columns derived from the dates alone (so they are known for any future date).
    holidays: a country (DE, or GB-SCT with its subdivision) whose public holidays replace the
    US federal ones of daily data, and are added to hourly data."""
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
    elif kind == "hourly":  # the minutes too: half-hourly data has 48 distinct times a day
        cyc(np.asarray(dates.hour) + np.asarray(dates.minute) / 60, 24, "hour")
        cyc(np.asarray(dates.day_of_week), 7, "dow")
    elif kind == "weekly":
        cyc(np.asarray(dates.isocalendar().week, dtype=float) - 1, 52.18, "week")
    elif kind == "monthly":
        cyc(np.asarray(dates.month) - 1, 12, "month")
    if kind == "daily" or (kind == "hourly" and holidays):
        flags = country_flags(dates, holidays) if holidays else _holiday_flags(dates)
        for name, flag in flags.items():
            cols.append(flag)
            names.append(name)
    if not cols:
        return np.zeros((len(dates), 0)), []
    return np.stack(cols, axis=1), names


def country_flags(dates: pd.DatetimeIndex, code: str) -> dict[str, np.ndarray]:
    """A country's public holidays (the `holidays` package: about 150 countries and their
    subdivisions), the day before and the day after one, from the dates alone."""
    days = holiday_days(code, dates)
    d = pd.DatetimeIndex(dates).normalize()
    day = pd.Timedelta(days=1)
    month, dom = np.asarray(d.month), np.asarray(d.day)
    return {
        f"holiday_{code.lower()}": np.asarray(d.isin(days), float),
        "holiday_eve": np.asarray(d.isin(days - day), float),
        "after_holiday": np.asarray(d.isin(days + day), float),
        "christmas_week": ((month == 12) & (dom >= 24)).astype(float),
    }


def holiday_days(code: str, dates: pd.DatetimeIndex | None = None) -> pd.DatetimeIndex:
    """The public holidays of `code` (COUNTRY or COUNTRY-SUBDIVISION) in the dates' years
    (and the years either side); CovariateError naming the choices when the code is unknown."""
    try:
        import holidays
    except ImportError:  # a runtime dependency: only a broken install lacks it
        raise CovariateError(
            "`holidays` needs the holidays package: pip install holidays"
        ) from None
    country, _, subdiv = code.upper().partition("-")
    supported = holidays.list_supported_countries()
    if country not in supported:
        from engine.suggest import did_you_mean

        hint = did_you_mean(country, list(supported), 0.6)
        raise CovariateError(
            f"`holidays` {code!r}: no such country code{hint}; use an ISO 3166 code such as US, "
            "DE, GB, FR, IN or BR (with a subdivision: US-CA, GB-SCT)"
        )
    if subdiv and subdiv not in supported[country]:
        listed = ", ".join(supported[country][:12])
        raise CovariateError(
            f"`holidays` {code!r}: {country} has no subdivision {subdiv!r} ({listed}...)"
        )
    dates = pd.DatetimeIndex([] if dates is None else dates)
    years = range(dates.year.min() - 1, dates.year.max() + 2) if len(dates) else []
    calendar = holidays.country_holidays(country, subdiv=subdiv or None, years=list(years))
    return pd.DatetimeIndex(sorted(pd.Timestamp(d) for d in calendar))


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
    holidays: str | None = None  # a country's holidays instead of the US ones (calendar_features)

    @property
    def columns(self) -> list[str]:
        return self.numeric + list(self.categorical)

    def feature_names(self) -> list[str]:
        names = list(self.numeric)
        for col, cats in self.categorical.items():
            names += [f"{col}_{c}" for c in cats]
        return names + calendar_features(pd.DatetimeIndex([]), self.calendar, self.holidays)[1]

    @property
    def size(self) -> int:
        return len(self.feature_names())

    def to_dict(self) -> dict:
        return {
            "numeric": self.numeric,
            "categorical": self.categorical,
            "calendar": self.calendar,
            "numeric_scaler": self.numeric_scaler.to_dict() if self.numeric_scaler else None,
            "holidays": self.holidays,
        }

    @classmethod
    def from_dict(cls, d: dict) -> CovariateSpec:
        sc = d.get("numeric_scaler")
        return cls(
            list(d["numeric"]),
            {k: list(v) for k, v in d["categorical"].items()},
            d.get("calendar"),
            Scaler.from_dict(sc) if sc else None,
            d.get("holidays"),
        )


def is_categorical(values: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values))


def fit_covariates(
    frame: pd.DataFrame,
    columns: list[str],
    n_train: int,
    calendar: str | None,
    scaling: str,
    holidays: str | None = None,
) -> CovariateSpec:
    """Categories from the whole frame (their levels are known in advance); numeric scaler from
    the training rows only. holidays: a country's, for daily or sub-daily data."""
    if holidays:
        holiday_days(holidays)  # an unknown code is named before anything is encoded
        if calendar not in ("daily", "hourly"):
            raise CovariateError(
                f"`holidays` needs daily, business-day or sub-daily dates; these are "
                f"{calendar or 'not on such a grid (or `calendar` is off)'}"
            )
    spec = CovariateSpec(calendar=calendar, holidays=holidays)
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
    cal, _ = calendar_features(pd.DatetimeIndex(frame.index), spec.calendar, spec.holidays)
    parts.append(cal)
    return np.concatenate(parts, axis=1) if parts else np.zeros((len(frame), 0))
