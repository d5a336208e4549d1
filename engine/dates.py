"""Date columns: which column holds dates, parsing them (one format per column), their grid.

Split from engine.data, which checks a whole table; everything here is about one column of
dates. Rows are named by a `rows` callable from engine.table_input ("line N" of a CSV).
"""

from __future__ import annotations

import re
import warnings as _warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

_SHOW = 5  # how many offending rows a message lists
# pandas keeps dates as int64 nanoseconds: 1677-09-21 to 2262-04-11. A year of room is left at
# the end for the forecast's own dates and the holiday calendar around them.
FIRST_DATE = pd.Timestamp("1678-01-01")
LAST_DATE = pd.Timestamp("2261-04-11")


class DateError(ValueError):
    """Dates that cannot be used; engine.data re-raises it as its DataError."""


def date_shape(text: str) -> str:
    """The written format of one date, digits abstracted: '2020-01-31' -> 'Y-n-n',
    '31/01/2020' -> 'n/n/Y', 'Jan 31, 2020' -> 'a n, Y'. A time of day is ignored."""
    day = re.split(r"[T ]\d{1,2}:", text.strip(), maxsplit=1)[0]
    shape = re.sub(r"[A-Za-z]+", "a", day)
    return re.sub(r"\d+", lambda m: "Y" if len(m.group()) == 4 else "n", shape)


_SHAPE_NAMES = {
    "Y-n-n": "YYYY-MM-DD",
    "n/n/Y": "DD/MM/YYYY or MM/DD/YYYY",
    "n-n-Y": "DD-MM-YYYY or MM-DD-YYYY",
    "n.n.Y": "DD.MM.YYYY",
    "Y/n/n": "YYYY/MM/DD",
    "n/n/n": "two-digit years",
}


def check_one_format(text: pd.Series, col: str, rows: Callable[[int], str]) -> None:
    """DateError when a column mixes date formats: pandas would read the second format with
    the first one's day/month order (or guess per value) and move dates silently."""
    seen: dict[str, int] = {}
    for i, value in enumerate(text.to_numpy()):
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            continue
        shape = date_shape(str(value))
        if shape not in seen and re.search("[nY]", shape):  # no digits: reported as unparseable
            seen[shape] = i
    if len(seen) > 1:
        parts = [
            f"{str(text.iloc[i])!r} ({_SHAPE_NAMES.get(s, s)}) first at {rows(i)}"
            for s, i in list(seen.items())[:_SHOW]
        ]
        raise DateError(
            f"column {col!r} mixes date formats: {'; '.join(parts)}. Write every date the same "
            "way (YYYY-MM-DD is unambiguous)"
        )


def parse_dates(
    raw: pd.Series, col: str, rows: Callable, many: Callable, warnings: list[str]
) -> pd.Series:
    """Parsed dates (naive; mixed UTC offsets converted to UTC with a warning) or DateError."""
    text = raw.astype("string").str.strip()
    _check_years(text, col, rows)
    check_one_format(text, col, rows)

    def attempt(**kw) -> pd.Series | None:
        try:
            return pd.to_datetime(text, errors="coerce", **kw)
        except (ValueError, TypeError, OverflowError):
            return None

    parsed = attempt()
    if parsed is None or parsed.isna().sum() > raw.isna().sum():
        # one format inferred from the first value can miss others; mixed parsing is the fallback
        alt = attempt(format="mixed")
        if alt is not None and (parsed is None or alt.isna().sum() < parsed.isna().sum()):
            parsed = alt
    # pandas < 3 returns object dtype (no .dt) for mixed offsets: test the dtype first
    if parsed is None or parsed.dtype == object or getattr(parsed.dt, "tz", None) is not None:
        utc = attempt(utc=True)
        if utc is None or utc.isna().all():
            utc = attempt(utc=True, format="mixed")
        if utc is not None:
            offsets = text.str.extract(r"([+-]\d\d:?\d\d|Z)\s*$")[0].dropna().unique()
            if len(offsets) > 1:
                warnings.append(
                    f"dates in {col!r} carry {len(offsets)} different UTC offsets "
                    f"({', '.join(map(str, offsets[:4]))}); converted them all to UTC"
                )
            parsed = utc.dt.tz_convert("UTC").dt.tz_localize(None)
    if parsed is None:
        raise DateError(f"column {col!r}: the dates could not be parsed")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if len(bad):
        vals = [str(raw.iloc[i]) if not pd.isna(raw.iloc[i]) else "<empty>" for i in bad[:_SHOW]]
        raise DateError(
            f"column {col!r}: {len(bad)} date(s) could not be parsed: {many(bad, vals)}. "
            "Fix or remove those rows, or pick another column with `date`"
        )
    late = np.flatnonzero((parsed > LAST_DATE).to_numpy() | (parsed < FIRST_DATE).to_numpy())
    if len(late):
        raise DateError(_range_message(col, many(late, [str(raw.iloc[i]) for i in late[:_SHOW]])))
    return parsed


def _check_years(text: pd.Series, col: str, rows: Callable) -> None:
    """Years pandas cannot hold (9999, 0042) would otherwise read as 'unparseable'."""
    found = text.str.extract(r"(?<!\d)(\d{4})(?!\d)")[0].astype(object)
    years = pd.to_numeric(found, errors="coerce").astype("float64").to_numpy()
    with np.errstate(invalid="ignore"):
        out = np.flatnonzero((years > LAST_DATE.year) | (years < FIRST_DATE.year))
    # only when the value looks like a date with that year (not an id column of 4 digits)
    out = [i for i in out if re.search(r"\d[-/.]\d", str(text.iloc[i]))]
    if out:
        shown = ", ".join(f"{rows(i)} ({str(text.iloc[i])!r})" for i in out[:_SHOW])
        raise DateError(_range_message(col, shown))


def _range_message(col: str, where: str) -> str:
    return (
        f"column {col!r} has dates outside {FIRST_DATE.date()} .. {LAST_DATE.date()}, the range "
        f"that can be forecast (pandas holds dates up to 2262-04-11): {where}"
    )


def looks_like_dates(s: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(s):
        return True
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return False
    sample = s.dropna().astype("string").head(50)
    if sample.empty:
        return False
    # a column named like a date only needs mostly parseable values: the bad ones are reported
    named = any(k in str(s.name).lower() for k in ("date", "time", "day", "ts"))
    try:
        ok = pd.to_datetime(sample, errors="coerce", format="mixed").notna().mean()
    except (ValueError, TypeError, OverflowError):
        ok = pd.to_datetime(sample, errors="coerce", format="mixed", utc=True).notna().mean()
    if named:  # written like dates even where pandas cannot hold them (the year 9999)
        shaped = sample.str.fullmatch(r"\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([T ].*)?").mean()
        ok = max(ok, float(shaped))
    return ok >= (0.5 if named else 0.9)


def ns(dates) -> np.ndarray:
    """Nanoseconds since the epoch, whatever resolution pandas chose."""
    return pd.DatetimeIndex(dates).as_unit("ns").asi8


def describe(freq: str) -> str:
    words = {"D": "daily", "h": "hourly", "MS": "monthly", "ME": "monthly", "B": "business-day"}
    return words.get(freq, "weekly" if freq.startswith("W-") else freq)


def infer_frequency(dates: pd.DatetimeIndex) -> str | None:
    """The pandas offset alias of the dates' grid (gaps allowed), or None when irregular."""
    if len(dates) < 3:
        return None
    try:
        with _warnings.catch_warnings():  # pandas 3 announces infer_freq's return type change
            _warnings.simplefilter("ignore")
            off = pd.infer_freq(dates)
    except (TypeError, ValueError):
        off = None
    if off:
        return off if isinstance(off, str) else off.freqstr
    steps = np.diff(ns(dates))
    step = pd.Timedelta(int(np.median(steps)))
    days = step / pd.Timedelta(days=1)
    guesses: list[str] = []
    if 27 <= days <= 32:
        guesses = ["MS", "ME"]
    elif 88 <= days <= 93:
        guesses = ["QS", "QE"]
    elif 364 <= days <= 367:
        guesses = ["YS", "YE"]
    elif days == 7:
        guesses = [f"W-{dates[0].day_name()[:3].upper()}"]
    elif days == int(days) and days >= 1:
        guesses = ["D" if days == 1 else f"{int(days)}D"]
    elif step % pd.Timedelta(hours=1) == pd.Timedelta(0):
        hours = int(step / pd.Timedelta(hours=1))
        guesses = ["h" if hours == 1 else f"{hours}h"]
    else:
        guesses = [pd.tseries.frequencies.to_offset(step).freqstr]
    for g in guesses:
        try:
            grid = pd.date_range(dates[0], dates[-1], freq=g)
        except ValueError:
            continue
        if len(grid) and dates.isin(grid).all():
            return g
    return None
