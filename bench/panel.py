"""The accuracy benchmark's panel: series generated in code and classic series bundled with
installed packages, plus the Chicago CTA file when ../shared/data holds it (bench/accuracy.py).

`packaged()` holds the real series that ship with the bench extra's packages and that nothing
in lstm-tutor was chosen on (added for issue 20, after its defaults were set): pmdarima's
wineind, woolyrnq, austres, ausbeer and lynx, five more macrodata columns, the Danish money
and interest series and three countries' yearly fertility rates (every 70th complete row)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]

# ../shared/data relative to the checkout (a git worktree may sit one level deeper)
CHICAGO = next(
    (
        p / "shared" / "data" / "cta_ridership_daily.csv"
        for p in ROOT.parents
        if (p / "shared" / "data" / "cta_ridership_daily.csv").exists()
    ),
    ROOT / ".." / "shared" / "data" / "cta_ridership_daily.csv",
)
HORIZON = {"W": 13, "M": 12, "Q": 8, "Y": 10, "D": 14}
SEASON = {"W": 52, "M": 12, "Q": 4, "Y": 1, "D": 7}
PANDAS_FREQ = {"W": "W-SUN", "M": "MS", "Q": "QS", "Y": "YS", "D": "D"}


@dataclass
class Series:
    name: str
    freq: str  # W M Q Y D
    y: np.ndarray
    start: str = "2000-01-01"
    dates: pd.DatetimeIndex | None = None

    def frame(self) -> pd.DataFrame:
        dates = self.dates
        if dates is None:
            dates = pd.date_range(self.start, periods=len(self.y), freq=PANDAS_FREQ[self.freq])
        return pd.DataFrame({"date": dates, "y": self.y.astype(float)})


# --- the panel ----------------------------------------------------------------------------


def _ar2(r: np.random.Generator, n: int) -> np.ndarray:
    ar = np.zeros(n)
    for i in range(2, n):
        ar[i] = 1.3 * ar[i - 1] - 0.5 * ar[i - 2] + r.normal(0, 1)
    return ar


def _sin(t: np.ndarray, period: float) -> np.ndarray:
    return np.sin(2 * np.pi * t / period)


# name -> (frequency, length, start, the series from its own generator r and time steps t);
# each series draws from its own seed, so adding one changes no other
SHAPES: dict[str, tuple[str, int, str, Callable]] = {
    "trend_monthly": ("M", 144, "2000-01-01",
                      lambda r, t: 100 + 0.8 * t + 8 * _sin(t, 12) + r.normal(0, 2, len(t))),
    "trend_monthly_noisy": ("M", 144, "2000-01-01",
                            lambda r, t: 50 + 0.3 * t + 5 * _sin(t, 12) + r.normal(0, 6, len(t))),
    "level_shift_weekly": ("W", 260, "2000-01-01",  # a break two-thirds in
                           lambda r, t: np.where(t < 180, 200.0, 280.0) + r.normal(0, 8, len(t))),
    "mult_seasonal_monthly": ("M", 144, "2000-01-01", lambda r, t: 100 * np.exp(0.012 * t)
                              * (1 + 0.25 * _sin(t, 12)) * np.exp(r.normal(0, 0.03, len(t)))),
    "random_walk_daily": ("D", 730, "2000-01-01",
                          lambda r, t: 500 + np.cumsum(r.normal(0, 5, len(t)))),
    # three origins 12 apart: the first sees only 36 months
    "short_monthly_36": ("M", 72, "2000-01-01",
                         lambda r, t: 80 + 0.5 * t + 10 * _sin(t, 12) + r.normal(0, 2, len(t))),
    "weekly_season52": ("W", 312, "2000-01-01",
                        lambda r, t: 300 + 0.2 * t + 40 * _sin(t, 52) + r.normal(0, 6, len(t))),
    "cycle_quarterly": ("Q", 120, "2000-01-01",
                        lambda r, t: 1000 + 60 * _sin(t, 22) + 0.8 * t + r.normal(0, 10, len(t))),
    "trend_yearly": ("Y", 50, "1970-01-01", lambda r, t: 20 + 1.5 * t + r.normal(0, 3, len(t))),
    "daily_weekly_trend": ("D", 1000, "2000-01-01", lambda r, t: (1000 + 0.4 * t)
                           * np.array([1.0, 1.02, 1.03, 1.01, 0.98, 0.7, 0.55])[t % 7]
                           + r.normal(0, 15, len(t))),
    "ar2_daily": ("D", 400, "2000-01-01", lambda r, t: 50 + _ar2(r, len(t))),
    "rising_seasonal_quarterly": ("Q", 96, "2000-01-01", lambda r, t: 200 * np.exp(0.02 * t)
                                  * (1 + 0.1 * np.array([0.0, 1, 0.5, -1.5])[t % 4])
                                  + r.normal(0, 4, len(t))),
}  # fmt: skip


def generated(draw: int = 0) -> list[Series]:
    """Series built in code, each with its own seed: what a practitioner meets, in miniature.
    draw > 0 gives other noise for the same shapes: a fresh panel to check that what was chosen
    on draw 0 was not tuned to it."""
    out = []
    for k, (name, (freq, n, start, make)) in enumerate(SHAPES.items(), start=1):
        r = np.random.default_rng(1000 + k + 100 * draw)
        out.append(Series(name, freq, make(r, np.arange(n)), start=start))
    return out


def classic() -> list[Series]:
    """Public series bundled with installed packages (nothing is downloaded)."""
    out = []
    try:
        from statsforecast.utils import AirPassengers

        ap = np.asarray(AirPassengers, float)
        out.append(Series("AirPassengers", "M", ap, start="1949-01-01"))
    except ImportError:
        pass
    try:
        import statsmodels.api as sm
    except ImportError:
        return out
    d = sm.datasets.co2.load_pandas().data["co2"].interpolate()
    out.append(Series("co2_weekly", "W", d.to_numpy()[-600:], dates=d.index[-600:]))
    nile = sm.datasets.nile.load_pandas().data
    out.append(Series("nile_yearly", "Y", nile["volume"].to_numpy(), start="1871-01-01"))
    sun = sm.datasets.sunspots.load_pandas().data
    out.append(Series("sunspots_yearly", "Y", sun["SUNACTIVITY"].to_numpy(), start="1700-01-01"))
    macro = sm.datasets.macrodata.load_pandas().data
    out.append(Series("us_realgdp_quarterly", "Q", macro["realgdp"].to_numpy(), start="1959-01-01"))
    out.append(Series("us_unemp_quarterly", "Q", macro["unemp"].to_numpy(), start="1959-01-01"))
    nino = sm.datasets.elnino.load_pandas().data.drop(columns="YEAR").to_numpy().ravel()
    out.append(Series("elnino_monthly", "M", nino, start="1950-01-01"))
    return out


def chicago() -> list[Series]:
    if not CHICAGO.exists():
        return []
    from engine.data import load_series

    s = load_series(CHICAGO, targets=["total_rides"])
    y = s.frame["total_rides"]
    return [
        Series("chicago_to_2019", "D", y.loc[:"2019-12-31"].to_numpy(), dates=y.loc[:"2019"].index),
        Series("chicago_full", "D", y.to_numpy(), dates=y.index),
    ]


def packaged() -> list[Series]:
    """Real series from pmdarima and statsmodels not in `classic()` (nothing is downloaded)."""
    out = []
    try:
        import pmdarima.datasets as pm

        for name, freq, start in (
            ("wineind", "M", "1980-01-01"),
            ("woolyrnq", "Q", "1965-01-01"),
            ("austres", "Q", "1971-04-01"),
            ("ausbeer", "Q", "1956-01-01"),
            ("lynx", "Y", "1821-01-01"),
        ):
            y = np.asarray(getattr(pm, f"load_{name}")(), float)
            out.append(Series(f"{name}_{_FREQ_WORD[freq]}", freq, y, start=start))
    except ImportError:
        pass
    try:
        import statsmodels.api as sm
    except ImportError:
        return out
    macro = sm.datasets.macrodata.load_pandas().data
    for col in ("realcons", "realinv", "cpi", "m1", "tbilrate"):
        out.append(Series(f"us_{col}_quarterly", "Q", macro[col].to_numpy(), start="1959-01-01"))
    danish = sm.datasets.danish_data.load_pandas().data
    out.append(Series("dk_money_quarterly", "Q", danish["lrm"].to_numpy(), start="1974-01-01"))
    rates = sm.datasets.interest_inflation.load_pandas().data
    out.append(Series("dk_interest_quarterly", "Q", rates["R"].to_numpy(), start="1972-04-01"))
    fert = sm.datasets.fertility.load_pandas().data
    years = [c for c in fert.columns if c.isdigit() and fert[c].notna().any()]
    complete = fert.dropna(subset=years).reset_index(drop=True)
    for _, row in complete.iloc[::70].head(3).iterrows():
        code = str(row["Country Code"]).lower()
        y = row[years].to_numpy(float)
        out.append(Series(f"fertility_{code}_yearly", "Y", y, start=f"{years[0]}-01-01"))
    return out


_FREQ_WORD = {"W": "weekly", "M": "monthly", "Q": "quarterly", "Y": "yearly", "D": "daily"}
