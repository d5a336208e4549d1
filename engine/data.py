"""Load a time series from a CSV or a DataFrame and check it, saying what is wrong and where.

Rows are named as a user finds them: "line N" of a CSV (N = DataFrame index + 2, the header being
line 1) or "row N" of a DataFrame. Fixable problems become warnings (strings, collected in
`SeriesData.warnings`); the others raise DataError with what, where and how to fix.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from engine.suggest import did_you_mean
from engine.vocabulary import FILLS

# CSV columns are often named with a letter or two, where one typo already scores below the
# project's 0.7 ('yy' against 'y' scores 0.67), so column names are matched more loosely
COLUMN_CUTOFF = 0.6
_SHOW = 5  # how many offending rows a message lists


class DataError(ValueError):
    """The data cannot be used as asked; the message says what, where and how to fix it."""


@dataclass
class SeriesData:
    """A checked series: `frame` is indexed by date (sorted, unique): targets, then covariates."""

    frame: pd.DataFrame
    targets: list[str]
    covariates: list[str] = field(default_factory=list)
    freq: str | None = None  # pandas offset alias when the dates are on a regular grid
    warnings: list[str] = field(default_factory=list)
    date_column: str = "date"
    source: str = "data"
    # rows after an `end` cut-off: not trained or scored on, but they can supply known-future
    # covariates (tomorrow's day type) for the forecast after the cut-off
    beyond: pd.DataFrame | None = None

    @property
    def dates(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.frame.index)


class _Rows:
    """Names rows the way the user sees them."""

    def __init__(self, from_csv: bool) -> None:
        self.from_csv = from_csv

    def __call__(self, i: int) -> str:
        return f"line {int(i) + 2}" if self.from_csv else f"row {int(i)}"

    def many(self, idx, values=None) -> str:
        idx = list(idx)
        shown = []
        for k, i in enumerate(idx[:_SHOW]):
            shown.append(self(i) + (f" ({values[k]!r})" if values is not None else ""))
        more = f" and {len(idx) - _SHOW} more" if len(idx) > _SHOW else ""
        return ", ".join(shown) + more


def read_csv(path: str | os.PathLike) -> pd.DataFrame:
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p}: no such file")
    if p.is_dir():
        raise DataError(f"{p} is a directory, not a CSV file")
    try:
        df = pd.read_csv(p, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataError(f"{p} is empty: expected a header line and rows of data") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as e:
        raise DataError(f"{p} could not be read as CSV: {e}") from None
    if df.shape[1] < 2:
        raise DataError(
            f"{p} has {df.shape[1]} column(s): expected a date column and at least one value "
            "column "
            "(is it comma-separated?)"
        )
    return df


def _parse_dates(raw: pd.Series, col: str, rows: _Rows, warnings: list[str]) -> pd.Series:
    text = raw.astype("string").str.strip()

    def attempt(**kw) -> pd.Series | None:
        try:
            return pd.to_datetime(text, errors="coerce", **kw)
        except (ValueError, TypeError):
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
        raise DataError(f"column {col!r}: the dates could not be parsed")
    bad = np.flatnonzero(parsed.isna().to_numpy())
    if len(bad):
        vals = [str(raw.iloc[i]) if not pd.isna(raw.iloc[i]) else "<empty>" for i in bad[:_SHOW]]
        raise DataError(
            f"column {col!r}: {len(bad)} date(s) could not be parsed: {rows.many(bad, vals)}. "
            "Fix or remove those rows, or pick another column with --date"
        )
    return parsed


def _looks_like_dates(s: pd.Series) -> bool:
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
    except (ValueError, TypeError):
        ok = pd.to_datetime(sample, errors="coerce", format="mixed", utc=True).notna().mean()
    return ok >= (0.5 if named else 0.9)


def _mostly_numeric(s: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return True
    vals = s.dropna()
    return len(vals) > 0 and pd.to_numeric(vals, errors="coerce").notna().mean() >= 0.9


def detect_date_column(df: pd.DataFrame) -> str:
    """The one column that holds dates; DataError listing the candidates otherwise."""
    candidates = [c for c in df.columns if _looks_like_dates(df[c])]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise DataError(
            f"no column looks like dates (columns: {', '.join(map(str, df.columns))}); "
            "name the date column with --date COL"
        )
    named = [c for c in candidates if "date" in str(c).lower() or "time" in str(c).lower()]
    if len(named) == 1:
        return named[0]
    raise DataError(
        f"several columns look like dates ({', '.join(map(repr, candidates))}); "
        "pick one with --date COL"
    )


def _ns(dates) -> np.ndarray:
    """Nanoseconds since the epoch, whatever resolution pandas chose."""
    return pd.DatetimeIndex(dates).as_unit("ns").asi8


def _describe(freq: str) -> str:
    words = {"D": "daily", "h": "hourly", "MS": "monthly", "ME": "monthly", "B": "business-day"}
    return words.get(freq, "weekly" if freq.startswith("W-") else freq)


def infer_frequency(dates: pd.DatetimeIndex) -> str | None:
    """The pandas offset alias of the dates' grid (gaps allowed), or None when irregular."""
    if len(dates) < 3:
        return None
    try:
        with warnings.catch_warnings():  # pandas 3 announces infer_freq's return type change
            warnings.simplefilter("ignore")
            off = pd.infer_freq(dates)
    except (TypeError, ValueError):
        off = None
    if off:
        return off if isinstance(off, str) else off.freqstr
    steps = np.diff(_ns(dates))
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


def load_series(
    source: str | os.PathLike | pd.DataFrame,
    *,
    date: str | None = None,
    targets: list[str] | tuple[str, ...] | None = None,
    covariates: list[str] | tuple[str, ...] = (),
    fill: str | None = None,
) -> SeriesData:
    """Read and check a series. `targets` None: the only numeric column (DataError if several)."""
    if fill is not None and fill not in FILLS:
        raise DataError(f"fill must be one of {', '.join(FILLS)}, not {fill!r}")
    warnings: list[str] = []
    if isinstance(source, pd.DataFrame):
        df = source.reset_index(drop=True).copy()
        name, rows = "the data", _Rows(False)
        if isinstance(source.index, pd.DatetimeIndex) and date is None:
            df.insert(0, source.index.name or "date", source.index)
    else:
        df = read_csv(source)
        name, rows = str(source), _Rows(True)
    df.columns = [str(c).strip() for c in df.columns]
    if df.empty:
        raise DataError(f"{name} has a header but no rows of data")

    def need(col: str, what: str, flag: str) -> None:
        if col not in df.columns:
            hint = did_you_mean(col, df.columns, COLUMN_CUTOFF)
            raise DataError(
                f"{what} column {col!r} is not in {name}{hint}; columns: "
                f"{', '.join(df.columns)}. Name it with {flag}"
            )

    if date is None:
        date = detect_date_column(df)
    need(date, "date", "--date")
    covariates = list(covariates)
    if targets:
        targets = list(targets)
    else:
        numeric = [
            c for c in df.columns if c != date and c not in covariates and _mostly_numeric(df[c])
        ]
        others = [c for c in df.columns if c != date and c not in covariates]
        if not numeric and len(others) == 1:
            numeric = others  # the only candidate: let the value check name its bad cells
        if len(numeric) != 1:
            listed = ", ".join(numeric) if numeric else "none"
            raise DataError(
                f"which column should be forecast? numeric columns: {listed}; "
                "name one or more with --target COL"
            )
        targets = numeric
    for t in targets:
        need(t, "target", "--target")
    for c in covariates:
        need(c, "covariate", "--covariate")
    both = sorted(set(targets) & set(covariates))
    if both or date in targets or date in covariates:
        raise DataError(
            f"a column is used twice (date/target/covariate): {', '.join(both) or date}"
        )

    dates = _parse_dates(df[date], date, rows, warnings)
    data = df[targets + covariates].copy()

    # targets must be numbers: say which cells are not
    for t in targets:
        col = data[t]
        num = pd.to_numeric(col, errors="coerce") if not pd.api.types.is_numeric_dtype(col) else col
        bad_text = np.flatnonzero((num.isna() & col.notna()).to_numpy())
        if len(bad_text):
            vals = [str(col.iloc[i]) for i in bad_text[:_SHOW]]
            raise DataError(
                f"target {t!r} has {len(bad_text)} non-numeric value(s): "
                f"{rows.many(bad_text, vals)}"
            )
        data[t] = num.astype(float)
    missing = {t: np.flatnonzero(data[t].isna().to_numpy()) for t in targets}
    missing = {t: m for t, m in missing.items() if len(m)}
    if missing and fill is None:
        parts = [f"{t!r} at {rows.many(m)}" for t, m in missing.items()]
        raise DataError(
            "missing target value(s): "
            + "; ".join(parts)
            + ". Fill them with --fill interpolate or --fill ffill, or fix the file"
        )

    data.insert(0, "__line", np.arange(len(df)))
    data.index = pd.DatetimeIndex(dates, name="date")

    if not data.index.is_monotonic_increasing:
        first = int(np.argmax(np.diff(_ns(data.index)) < 0)) + 1
        warnings.append(
            f"dates were not in order (first out of order at {rows(first)}, "
            f"{data.index[first].date()}); sorted them"
        )
        data = data.sort_index(kind="stable")

    dup = data.index.duplicated(keep=False)
    if dup.any():
        values = data.drop(columns="__line")
        exact = values.reset_index().duplicated(keep="first").to_numpy()
        conflicting = dup & ~values.reset_index().duplicated(keep=False).to_numpy()
        if conflicting.any():
            lines = data["__line"].to_numpy()[conflicting]
            days = sorted({str(d.date()) for d in data.index[conflicting]})
            raise DataError(
                f"{len(days)} date(s) appear more than once with different values: "
                f"{', '.join(days[:_SHOW])}{' and more' if len(days) > _SHOW else ''} "
                f"({rows.many(lines)}). Keep one row per date"
            )
        data = data[~exact]
        warnings.append(
            f"dropped {int(exact.sum())} exact duplicate row(s) (same date, same values)"
        )

    data = data.drop(columns="__line")
    freq = infer_frequency(pd.DatetimeIndex(data.index))
    if freq is None and len(data) >= 3:
        warnings.append("the dates are not on a regular grid; forecast dates use the median step")
    if freq is not None:
        grid = pd.date_range(data.index[0], data.index[-1], freq=freq)
        gaps = grid.difference(data.index)
        if len(gaps):
            first_gaps = ", ".join(str(g.date() if g == g.normalize() else g) for g in gaps[:_SHOW])
            if fill is None:
                raise DataError(
                    f"{len(gaps)} date(s) missing from the regular {_describe(freq)} "
                    f"frequency, first: "
                    f"{first_gaps}. Fill them with --fill interpolate or --fill ffill"
                )
            data = data.reindex(grid)
            data.index.name = "date"
            warnings.append(f"filled {len(gaps)} missing date(s) ({fill}), first: {first_gaps}")
    n_missing = int(data[targets].isna().to_numpy().sum())
    if n_missing:
        if fill == "interpolate":
            data[targets] = data[targets].interpolate(method="time", limit_direction="both")
        else:
            data[targets] = data[targets].ffill().bfill()
        if missing:
            warnings.append(
                f"filled {sum(len(m) for m in missing.values())} missing target value(s) ({fill})"
            )
    for c in covariates:
        if data[c].isna().any():
            if fill is None:
                where = np.flatnonzero(data[c].isna().to_numpy())
                raise DataError(
                    f"covariate {c!r} has {len(where)} missing value(s), first on "
                    f"{data.index[where[0]].date()}; fill them (--fill) or fix the file"
                )
            data[c] = data[c].ffill().bfill()
    return SeriesData(data, targets, covariates, freq, warnings, date, name)


def check_length(
    n_rows: int, window: int, horizon: int, n_test: int, what: str = "the data"
) -> None:
    """DataError when there are too few rows to train and test with this window and horizon."""
    need_train = window + horizon + 1  # at least two training windows
    if n_rows - n_test < need_train or n_test < horizon:
        raise DataError(
            f"{what} has {n_rows} rows: too few for window {window} and horizon {horizon} with "
            f"{n_test} test rows (need at least {need_train} training rows and {horizon} test "
            "rows). "
            "Use a smaller --window/--horizon/--test-size or more data"
        )


def future_dates(dates: pd.DatetimeIndex, freq: str | None, steps: int) -> pd.DatetimeIndex:
    """The `steps` dates after the last one."""
    if freq:
        return pd.date_range(dates[-1], periods=steps + 1, freq=freq)[1:]
    step = pd.Timedelta(int(np.median(np.diff(_ns(dates)))))
    return pd.DatetimeIndex([dates[-1] + step * (k + 1) for k in range(steps)])


def load_future(
    source: str | os.PathLike | pd.DataFrame, needed: pd.DatetimeIndex, columns: list[str]
) -> pd.DataFrame:
    """Covariate values for the dates after the data ends, from a --future table."""
    what = "the --future file" if not isinstance(source, pd.DataFrame) else "the future table"
    if isinstance(source, pd.DataFrame):
        df = source.reset_index(drop=isinstance(source.index, pd.RangeIndex)).copy()
        rows = _Rows(False)
    else:
        df = read_csv(source)
        rows = _Rows(True)
    df.columns = [str(c).strip() for c in df.columns]
    date = detect_date_column(df)
    dates = _parse_dates(df[date], date, rows, [])
    absent = [c for c in columns if c not in df.columns]
    if absent:
        raise DataError(
            f"{what} has no column {', '.join(map(repr, absent))} (needs {', '.join(columns)})"
        )
    table = df[columns].copy()
    table.index = pd.DatetimeIndex(dates)
    table = table[~table.index.duplicated(keep="first")]
    lacking = needed.difference(table.index)
    if len(lacking):
        shown = ", ".join(str(d.date()) for d in lacking[:_SHOW])
        raise DataError(f"{what} lacks {len(lacking)} of the forecast dates: {shown}")
    return table.loc[needed]
