"""CSV files written the ways practitioners export them, each with what `lstm-tutor forecast`
must make of it: the grid it forecasts on (its dates checked), or a one-line refusal naming the
problem and the option that fixes it.

The series are generated here (a trend, a season and noise from a fixed seed), then written
with the separators, decimal marks, date orders, time zones and layouts of real exports:
European Excel (; and 1.234,5), US month-first, day-first sub-daily meter data, business-day
prices with market holidays missing, long panels. bench/files.py times the same variants.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Variant:
    """One file. `freq` and `last`: the grid it must be read on (forecast dates follow `last` on
    that grid); `season` the season it implies. Or `refused`: words the one-line error names."""

    name: str
    content: Callable[[], str | bytes]
    args: tuple[str, ...] = ()
    freq: str | None = None
    last: str | None = None
    season: int | None = None
    horizon: int | None = None  # the default horizon expected (the run gives no --horizon)
    refused: tuple[str, ...] = ()
    stdin: bool = False  # given as `-` on standard input
    values: tuple[float, ...] = ()  # the first values, to check numbers were read right
    tags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def id(self) -> str:
        return self.name


def values(n: int, season: int = 7, seed: int = 0, level: float = 100.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    wave = 10 * np.sin(2 * np.pi * t / max(season, 1)) if season > 1 else 0
    return np.round(level + 0.2 * t + wave + rng.normal(0, 1, n), 2)


def table(dates, ys, sep: str = ",", header=("date", "y"), decimal: str = ".", fmt=None) -> str:
    """CSV text; fmt formats each date (a strftime string or a function)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    for d, y in zip(dates, ys, strict=True):
        when = d if isinstance(d, str) else _format(d, fmt)
        number = f"{y}" if decimal == "." else f"{y}".replace(".", decimal)
        writer.writerow([when, number])
    return out.getvalue()


def _format(d: pd.Timestamp, fmt) -> str:
    if fmt is None:
        return d.isoformat() if d != d.normalize() else str(d.date())
    return fmt(d) if callable(fmt) else d.strftime(fmt)


def grid(freq: str, n: int, start: str = "2020-01-01") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq=freq)


def series_csv(freq: str, n: int, start: str = "2020-01-01", season: int = 7, **kw) -> str:
    return table(grid(freq, n, start), values(n, season), **kw)


def last(freq: str, n: int, start: str = "2020-01-01") -> str:
    return str(grid(freq, n, start)[-1])


def _thousands() -> str:
    ys = values(40, 12, level=1500)
    lines = ["Datum;Umsatz"]
    for d, y in zip(grid("MS", 40), ys, strict=True):
        whole, frac = f"{y:.2f}".split(".")
        lines.append(f"{d:%d.%m.%Y};{int(whole):,}".replace(",", ".") + f",{frac}")
    return "\n".join(lines) + "\n"


def _quoted_thousands() -> str:
    ys = values(40, 12, level=1500)
    rows = [f'{d.date()},"{y:,.2f}"' for d, y in zip(grid("MS", 40), ys, strict=True)]
    return "date,sales\n" + "\n".join(rows) + "\n"


def _business(holidays: bool) -> str:
    days = pd.bdate_range("2021-01-04", periods=160)
    if holidays:
        days = days.delete([15, 40, 77, 120])
    return table(days, values(len(days), 5))


def _offsets(freq: str, n: int, start: str, zone: str) -> str:
    """Local times written with their UTC offset (+01:00, +02:00 in summer), as ISO 8601."""
    local = pd.date_range(start, periods=n, freq=freq, tz=zone)
    text = [d.isoformat() for d in local]
    return table(text, values(n, 24 if freq == "h" else 7))


def _long(id_name: str, ids, date_name: str = "ds") -> str:
    dates = grid("D", 30)
    rows = [
        (i, d.date(), y)
        for i in ids
        for d, y in zip(dates, values(30, seed=len(str(i))), strict=True)
    ]
    body = "\n".join(f"{i},{d},{y}" for i, d, y in rows)
    return f"{id_name},{date_name},y\n{body}\n"


def _wide() -> str:
    dates = grid("D", 60)
    a, b = values(60), values(60, seed=1, level=50)
    body = "\n".join(f"{d.date()},{x},{y}" for d, x, y in zip(dates, a, b, strict=True))
    return "date,a,b\n" + body + "\n"


def _gappy(share: float) -> str:
    dates = grid("D", 120)
    keep = np.random.default_rng(3).random(120) >= share
    keep[0] = keep[-1] = True
    return table(dates[keep], values(120)[keep])


def _monthly_day_first(n: int = 48) -> str:
    return series_csv("MS", n, "1980-01-01", 12, fmt="%d/%m/%Y")


M_END = last("ME", 48, "1980-01-31")
D60 = last("D", 60)
MS48 = last("MS", 48, "1980-01-01")
# fmt: off
VARIANTS = [
    # --- separators and decimal marks
    Variant("iso-comma-daily", lambda: series_csv("D", 60), freq="D", last=D60, season=7,
            horizon=14),
    Variant("semicolon-decimal-comma-monthly",
            lambda: series_csv("MS", 48, "1980-01-01", 12, sep=";", decimal=",",
                               header=("Datum", "Umsatz"), fmt="%d.%m.%Y"),
            freq="MS", last=MS48, season=12, horizon=12),
    Variant("tab-daily", lambda: series_csv("D", 60, sep="\t"), freq="D", last=D60),
    Variant("pipe-daily", lambda: series_csv("D", 60, sep="|"), freq="D", last=D60),
    Variant("semicolon-thousands-dots", _thousands, freq="MS", last=last("MS", 40),
            values=(float(f"{values(40, 12, level=1500)[0]:.2f}"),)),
    Variant("comma-quoted-thousands", _quoted_thousands, freq="MS", last=last("MS", 40),
            values=(float(f"{values(40, 12, level=1500)[0]:.2f}"),)),
    Variant("comma-quoted-decimal-commas",
            lambda: table(grid("D", 60), [f"{v}".replace(".", ",") for v in values(60)]),
            freq="D", last=D60, values=(float(values(60)[0]),)),
    Variant("semicolon-told", lambda: series_csv("D", 60, sep=";"), args=("--sep", ";"),
            freq="D", last=D60),
    Variant("decimal-comma-told", lambda: series_csv("D", 60, sep=";", decimal=","),
            args=("--decimal", ","), freq="D", last=D60, values=(float(values(60)[0]),)),
    Variant("wrong-separator-told", lambda: series_csv("D", 60, sep=";"), args=("--sep", "|"),
            refused=("1 column", "--sep")),
    Variant("utf8-bom-header", lambda: "\ufeff" + series_csv("D", 60), freq="D", last=D60),
    Variant("stdin-dash", lambda: series_csv("D", 60), stdin=True, freq="D", last=D60),
    # --- date orders
    Variant("day-first-month-ends", lambda: series_csv("ME", 48, "1980-01-31", 12,
                                                       fmt="%d/%m/%Y"),
            freq="ME", last=M_END, season=12),
    Variant("day-first-ambiguous-refused", _monthly_day_first,
            refused=("day-first or month-first", "--dayfirst", "--date-format")),
    Variant("day-first-told", _monthly_day_first, args=("--dayfirst",), freq="MS",
            last=MS48, season=12),
    Variant("month-first-told-on-day-first-data", _monthly_day_first,
            args=("--monthfirst", "--fill", "ffill"), refused=("would invent", "--max-fill")),
    Variant("date-format-told", _monthly_day_first, args=("--date-format", "%d/%m/%Y"),
            freq="MS", last=MS48),
    Variant("us-month-first-daily", lambda: series_csv("D", 60, fmt="%m/%d/%Y"), freq="D",
            last=D60),
    Variant("dots-day-first-daily", lambda: series_csv("D", 60, fmt="%d.%m.%Y"), freq="D",
            last=D60),
    Variant("both-orders-refused",
            lambda: table(["13/01/2020", "01/14/2020", "15/01/2020"] * 10, values(30)),
            refused=("both day-first", "month-first")),
    Variant("half-hourly-day-first",
            lambda: series_csv("30min", 400, "2020-06-10", 48, fmt="%d/%m/%Y %H:%M"),
            freq="30min", last=last("30min", 400, "2020-06-10"), season=48, horizon=48),
    Variant("month-names-short", lambda: series_csv("MS", 48, "1980-01-01", 12, fmt="%b %Y"),
            freq="MS", last=MS48, season=12),
    Variant("month-names-long", lambda: series_csv("MS", 48, "1980-01-01", 12, fmt="%B %Y"),
            freq="MS", last=MS48),
    Variant("quarters-q1-1965",
            lambda: series_csv("QS", 40, "1965-01-01", 4,
                               fmt=lambda d: f"Q{d.quarter} {d.year}"),
            freq="QS-OCT", last=last("QS", 40, "1965-01-01"), season=4, horizon=8),
    Variant("quarters-1965q1",
            lambda: series_csv("QS", 40, "1965-01-01", 4, fmt=lambda d: f"{d.year}Q{d.quarter}"),
            freq="QS-OCT", last=last("QS", 40, "1965-01-01"), season=4),
    Variant("years-as-floats",
            lambda: table([f"{y}.0" for y in range(1700, 1760)], values(60, 11),
                          header=("YEAR", "SUNACTIVITY")),
            freq="YS-JAN", last="1759-01-01", season=1, horizon=10),
    Variant("years-as-integers",
            lambda: table([str(y) for y in range(1950, 2010)], values(60, 1),
                          header=("year", "y")),
            freq="YS-JAN", last="2009-01-01"),
    Variant("yyyymm-with-format",
            lambda: series_csv("MS", 48, "1980-01-01", 12, fmt="%Y%m"),
            args=("--date-format", "%Y%m", "--date", "date"), freq="MS", last=MS48),
    Variant("year-month-iso", lambda: series_csv("MS", 48, "1980-01-01", 12, fmt="%Y-%m"),
            freq="MS", last=MS48),
    Variant("fractional-years-refused",
            lambda: table([f"{1700 + k / 4}" for k in range(40)], values(40),
                          header=("year", "y")),
            refused=("not dates", "--date-format")),
    # --- time zones
    Variant("hourly-one-offset", lambda: _offsets("h", 300, "2021-01-04", "Europe/Paris"),
            freq="h", last=last("h", 300, "2021-01-04"), season=24, horizon=24),
    Variant("hourly-utc-z",
            lambda: series_csv("h", 300, fmt=lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
            freq="h", last=last("h", 300)),
    Variant("daily-daylight-saving", lambda: _offsets("D", 90, "2021-03-01", "Europe/Paris"),
            freq="D", last=last("D", 90, "2021-03-01")),
    Variant("hourly-daylight-saving",
            lambda: _offsets("h", 300, "2021-03-20", "Europe/Paris"),
            freq="h", last=str(pd.Timestamp("2021-03-20") + pd.Timedelta(hours=299))),
    # --- business days
    Variant("business-days", lambda: _business(False), freq="B",
            last=str(pd.bdate_range("2021-01-04", periods=160)[-1]), season=5, horizon=10),
    Variant("business-days-holidays-refused", lambda: _business(True),
            refused=("4 business day(s) missing", "--fill")),
    Variant("business-days-holidays-filled", lambda: _business(True), args=("--fill", "ffill"),
            freq="B", last=str(pd.bdate_range("2021-01-04", periods=160)[-1])),
    # --- sub-daily
    Variant("hourly-iso", lambda: series_csv("h", 300, season=24), freq="h",
            last=last("h", 300), season=24, horizon=24),
    Variant("quarter-hourly", lambda: series_csv("15min", 400, season=96), freq="15min",
            last=last("15min", 400), season=96),
    Variant("half-hourly-iso", lambda: series_csv("30min", 400, season=48), freq="30min",
            last=last("30min", 400), season=48, horizon=48),
    # --- gaps
    Variant("daily-gaps-refused", lambda: _gappy(0.05), refused=("missing", "--fill")),
    Variant("daily-gaps-filled", lambda: _gappy(0.05), args=("--fill", "interpolate"),
            freq="D", last=last("D", 120)),
    Variant("daily-mostly-gaps-refused", lambda: _gappy(0.6), args=("--fill", "ffill"),
            refused=("would invent", "--max-fill")),
    Variant("daily-mostly-gaps-allowed", lambda: _gappy(0.6),
            args=("--fill", "ffill", "--max-fill", "100"), freq="D", last=last("D", 120)),
    Variant("weekly", lambda: series_csv("W-SUN", 80, "2019-01-06", 52), freq="W-SUN",
            last=last("W-SUN", 80, "2019-01-06"), season=52, horizon=13),
    # --- long and wide tables
    # the peers' unique_id, ds, y is a panel without flags (issue 19): each series on its grid
    Variant("long-unique-id-ds-y", lambda: _long("unique_id", ["A", "B", "C"]),
            freq="D", last=last("D", 30), horizon=14),
    Variant("long-store-date-sales", lambda: _long("store", ["north", "south"], "date"),
            refused=("long table", "--id store")),
    Variant("long-numeric-ids", lambda: _long("id", [1, 2, 3]),
            refused=("long table", "--id id")),
    Variant("wide-one-target-told", _wide, args=("--target", "a"), freq="D", last=D60),
    Variant("wide-no-target-refused", _wide, refused=("which column", "--target")),
]
# fmt: on
