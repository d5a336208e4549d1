"""Date columns: which column holds dates, parsing them (one format per column), their grid.

Split from engine.data, which checks a whole table; everything here is about one column of
dates. Rows are named by a `rows` callable from engine.table_input ("line N" of a CSV).
"""

from __future__ import annotations

import re
import warnings as _warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

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


@dataclass(frozen=True)
class DateReading:
    """How the user said the dates are written; None: found from the values."""

    dayfirst: bool | None = None  # 01/02/1980: True 1 February, False January 2
    format: str | None = None  # a strftime format, e.g. %d/%m/%Y %H:%M


def parse_dates(
    raw: pd.Series,
    col: str,
    rows: Callable,
    many: Callable,
    warnings: list[str],
    reading: DateReading | None = None,
) -> pd.Series:
    """Parsed dates (naive wall-clock times, see _offsets) or DateError. One format is chosen
    for the whole column (never a guess per value), so no date can be read two ways."""
    reading = reading or DateReading()
    with _warnings.catch_warnings():  # pandas' own format warnings never reach the user
        _warnings.simplefilter("ignore")
        text = _as_text(raw, col, rows, reading)
        text, offsets = _split_offsets(text)
        if reading.format is None:
            _check_years(text, col, rows)
            check_one_format(text, col, rows)
            text = _quarters(text)
        parsed = _parse(text, col, rows, reading)
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if len(bad):
        vals = [str(raw.iloc[i]) if not pd.isna(raw.iloc[i]) else "<empty>" for i in bad[:_SHOW]]
        how = f" as {reading.format}" if reading.format else ""
        raise DateError(
            f"column {col!r}: {len(bad)} date(s) could not be parsed{how}: {many(bad, vals)}. "
            "Fix or remove those rows, give their format with `date_format` (e.g. %d/%m/%Y), "
            "or pick another column with `date`"
        )
    parsed = _offsets(parsed, offsets, col, warnings)
    late = np.flatnonzero((parsed > LAST_DATE).to_numpy() | (parsed < FIRST_DATE).to_numpy())
    if len(late):
        raise DateError(_range_message(col, many(late, [str(raw.iloc[i]) for i in late[:_SHOW]])))
    return parsed


def _as_text(raw: pd.Series, col: str, rows: Callable, reading: DateReading) -> pd.Series:
    """The column as stripped text; a numeric column must hold whole years (1700.0 is 1700)."""
    if not is_number_column(raw):
        return raw.astype("string").str.strip()
    values = pd.to_numeric(raw, errors="coerce").astype("float64")
    whole = values.dropna()
    fraction = np.flatnonzero((values % 1 != 0).to_numpy() & values.notna().to_numpy())
    if len(fraction) and reading.format is None:
        i = int(fraction[0])
        raise DateError(
            f"column {col!r} holds numbers, not dates ({str(raw.iloc[i])!r} at {rows(i)}); write "
            "years as whole numbers (1980) or dates as YYYY-MM-DD, or give their format with "
            "`date_format`"
        )
    text = values.astype("Int64").astype("string") if not len(fraction) else raw.astype("string")
    if reading.format is None and len(whole) and not whole.between(*YEARS).all():
        i = int(np.flatnonzero(~values.between(*YEARS).to_numpy() & values.notna().to_numpy())[0])
        raise DateError(
            f"column {col!r} holds numbers, not years or dates ({str(raw.iloc[i])!r} at "
            f"{rows(i)}); "
            "give their format with `date_format` (e.g. %Y%m%d), or pick another column with "
            "`date`"
        )
    return text


def is_number_column(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)


YEARS = (FIRST_DATE.year, LAST_DATE.year)
# an offset follows a time of day (2020-01-05T10:00+01:00): a date alone ends in -05 too
_OFFSET = re.compile(
    r"(\d:\d\d(?::\d\d(?:\.\d+)?)?)\s*(Z|UTC|GMT|[+-]\d\d(?::?\d\d)?)$", re.IGNORECASE
)


def _split_offsets(text: pd.Series) -> tuple[pd.Series, pd.Series | None]:
    """The dates without their UTC offsets (+01:00, Z), and the offsets in minutes (None when
    no date carries one)."""
    found = text.str.extract(_OFFSET)[1]
    if found.isna().all():
        return text, None
    minutes = found.map(_minutes, na_action="ignore").astype("float64")
    return text.str.replace(_OFFSET, r"\1", regex=True).str.strip(), minutes


def _minutes(offset: str) -> float:
    if offset.upper() in ("Z", "UTC", "GMT"):
        return 0.0
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    return sign * (int(digits[:2]) * 60 + int(digits[2:4] or 0))


def _offsets(parsed: pd.Series, offsets, col: str, warnings: list[str]) -> pd.Series:
    """Dates written with UTC offsets, as naive times. One offset: the local wall-clock times
    as written. Several (daylight saving): daily or coarser dates keep their wall-clock date
    (midnight stays midnight); times of day move to the zone's standard time (the smaller
    offset) all year, where every hour is on the grid, as in UTC, but hours read locally."""
    if offsets is None:
        return parsed
    kinds = sorted(set(offsets.dropna()))
    if len(kinds) == 1:
        warnings.append(
            f"dates in {col!r} carry one UTC offset ({_offset_text(kinds[0])}); kept their "
            "local wall-clock times"
        )
        return parsed
    shown = ", ".join(_offset_text(k) for k in kinds[:4])  # fmt: skip
    step = np.median(np.diff(np.sort(ns(parsed)))) if len(parsed) > 1 else 0
    if step >= pd.Timedelta(days=1).value:
        warnings.append(
            f"dates in {col!r} carry {len(kinds)} UTC offsets ({shown}: daylight saving?); "
            "kept their local dates"
        )
        return parsed
    standard = min(kinds)
    warnings.append(
        f"times in {col!r} carry {len(kinds)} UTC offsets ({shown}: daylight saving?); read "
        f"them all in standard time ({_offset_text(standard)}), so the hours stay evenly "
        "spaced"
    )
    shift = pd.to_timedelta(offsets.fillna(standard) - standard, unit="min")
    return parsed - shift.to_numpy()


def _offset_text(minutes: float) -> str:
    if minutes == 0:
        return "UTC"
    sign = "-" if minutes < 0 else "+"
    m = int(abs(minutes))
    return f"{sign}{m // 60:02d}:{m % 60:02d}"


_QUARTER = re.compile(r"^(?:(\d{4})\s*[-/ ]?\s*[Qq]([1-4])|[Qq]([1-4])\s*[-/ ]?\s*(\d{4}))$")


def _quarters(text: pd.Series) -> pd.Series:
    """Quarters (1965Q1, Q1 1965, 1965-Q1) as the first day of the quarter, YYYY-MM-01."""
    found = text.str.extract(_QUARTER)
    if not found[text.notna()].notna().any(axis=1).all():
        return text
    year = found[0].fillna(found[3]).astype(int)
    quarter = found[1].fillna(found[2]).astype(int)
    return year.astype(str) + "-" + (3 * quarter - 2).map("{:02d}".format) + "-01"


_DAY_MONTH = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})[/.-]\d{2,4}(?:$|[ T])")
_MONTH_YEAR = ("%b %Y", "%B %Y", "%b-%Y", "%b-%y", "%b %y", "%Y %b", "%Y-%b", "%B, %Y")


def _parse(text: pd.Series, col: str, rows: Callable, reading: DateReading) -> pd.Series:
    """The column parsed with one format: the user's, or guessed from the first value with the
    day order found in all of them."""
    if reading.format:
        return pd.to_datetime(text, format=reading.format, errors="coerce")
    first = text.dropna()
    if first.empty:
        return pd.to_datetime(text, errors="coerce")
    dayfirst = day_first(text, col, rows, reading.dayfirst)
    formats = [guess_datetime_format(str(first.iloc[0]), dayfirst=bool(dayfirst))]
    for fmt in [f for f in formats if f] + list(_MONTH_YEAR):
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        if parsed.notna().sum() == len(first):
            return parsed
    # several time-of-day formats in one column (checked to share one date order above)
    try:
        return pd.to_datetime(text, format="mixed", dayfirst=bool(dayfirst), errors="coerce")
    except (ValueError, TypeError, OverflowError):
        return pd.to_datetime(pd.Series(pd.NaT, index=text.index))


def day_first(text: pd.Series, col: str, rows: Callable, said: bool | None) -> bool | None:
    """Whether dates written n/n/YYYY (or n-n-, n.n.) put the day first: a number above 12
    settles it; dots are day-first (DD.MM.YYYY); all of them 12 or less is ambiguous.
    None: the dates are not written that way."""
    found = text.str.extract(_DAY_MONTH)
    if found[0].isna().all():
        return None  # written otherwise: YYYY-MM-DD is never read day-first
    a, b = pd.to_numeric(found[0]), pd.to_numeric(found[2])
    day_a, day_b = np.flatnonzero((a > 12).to_numpy()), np.flatnonzero((b > 12).to_numpy())
    if said is not None:
        wrong = day_b if said else day_a
        if len(wrong):
            i = int(wrong[0])
            raise DateError(
                f"column {col!r}: {text.iloc[i]!r} at {rows(i)} cannot be "
                f"{'day' if said else 'month'}-first, as asked: its "
                f"{'second' if said else 'first'} number is no month"
            )
        return said
    if len(day_a) and len(day_b):
        i, j = int(day_a[0]), int(day_b[0])
        raise DateError(
            f"column {col!r} is written both day-first ({text.iloc[i]!r} at {rows(i)}) and "
            f"month-first ({text.iloc[j]!r} at {rows(j)}); write every date the same way "
            "(YYYY-MM-DD is unambiguous)"
        )
    if len(day_a) or len(day_b):
        return bool(len(day_a))
    if (found[1] == ".").all():
        return True
    example = str(text.dropna().iloc[0])
    raise DateError(
        f"column {col!r}: is {example!r} day-first or month-first? no day or month in the "
        "column is above 12, so the dates do not say. Say which with `dayfirst` or "
        "`monthfirst`, or give the format with `date_format` (e.g. %d/%m/%Y)"
    )


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
    named = any(k in str(s.name).lower() for k in ("date", "time", "day", "ts", "year"))
    if is_number_column(s):  # whole years (1980, or 1980.0 as statsmodels writes them)
        years = pd.to_numeric(s, errors="coerce").dropna()
        return named and len(years) > 1 and bool(years.between(*YEARS).all())
    if pd.api.types.is_bool_dtype(s):
        return False
    sample = s.dropna().astype("string").head(50)
    if sample.empty:
        return False
    # a column named like a date only needs mostly parseable values: the bad ones are reported
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        sample = _quarters(_split_offsets(sample.str.strip())[0])
        try:
            ok = pd.to_datetime(sample, errors="coerce", format="mixed").notna().mean()
        except (ValueError, TypeError, OverflowError):
            ok = 0.0
    if named:  # written like dates even where pandas cannot hold them (the year 9999)
        shaped = sample.str.fullmatch(r"\s*\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([T ].*)?").mean()
        ok = max(ok, float(shaped))
    return ok >= (0.5 if named else 0.9)


def ns(dates) -> np.ndarray:
    """Nanoseconds since the epoch, whatever resolution pandas chose."""
    return pd.DatetimeIndex(dates).as_unit("ns").asi8


def describe(freq: str) -> str:
    words = {"D": "daily", "h": "hourly", "MS": "monthly", "ME": "monthly", "B": "business-day",
             "30min": "half-hourly", "15min": "quarter-hourly", "min": "minutely",
             "YS": "yearly", "YE": "yearly"}  # fmt: skip
    if freq.startswith(("QS", "QE")):
        return "quarterly"
    if freq.startswith(("YS-", "YE-")):
        return "yearly"
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
    for g in _grid_guesses(dates):
        try:
            grid = pd.date_range(dates[0], dates[-1], freq=g)
        except ValueError:
            continue
        if len(grid) and dates.isin(grid).all():
            return g
    return None


def _grid_guesses(dates: pd.DatetimeIndex) -> list[str]:
    """Grids the dates may lie on with gaps, from the median step (and the smallest one)."""
    steps = np.diff(ns(dates))
    step = pd.Timedelta(int(np.median(steps)))
    days = step / pd.Timedelta(days=1)
    calendar = [((27, 32), ["MS", "ME"]), ((88, 93), ["QS", "QE"]), ((364, 367), ["YS", "YE"])]
    guesses = next((g for (lo, hi), g in calendar if lo <= days <= hi), None)
    if guesses is None and days == 7:
        guesses = [f"W-{dates[0].day_name()[:3].upper()}"]
    elif guesses is None and days == 1 and not (dates.day_of_week >= 5).any() and len(dates) >= 10:
        guesses = ["B", "D"]  # weekdays only: business days (holidays are gaps)
    elif guesses is None:
        guesses = [_tick_alias(step)]
    smallest = pd.Timedelta(int(steps.min()))
    if pd.Timedelta(0) < smallest < step and not (steps % smallest.value).any():
        # many gaps: the median step spans them, the smallest one is the grid (gaps reported)
        guesses = [*guesses, _tick_alias(smallest)]
    return guesses


def _tick_alias(step: pd.Timedelta) -> str:
    days = step / pd.Timedelta(days=1)
    if days == int(days) and days >= 1:
        return "D" if days == 1 else f"{int(days)}D"
    if step % pd.Timedelta(hours=1) == pd.Timedelta(0):
        hours = int(step / pd.Timedelta(hours=1))
        return "h" if hours == 1 else f"{hours}h"
    return pd.tseries.frequencies.to_offset(step).freqstr
