"""A table to check: read from a CSV safely, or taken from a DataFrame, its rows named the way a
user finds them, and its date column found.

Rows are named "line N" of a CSV (N = DataFrame index + 2, the header being line 1) or "row N"
of a DataFrame. engine.data checks the series in the table; engine.future reads the covariates
of the dates after it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from engine.dates import DateError, looks_like_dates, parse_dates
from engine.files import file_kind

SHOW = 5  # how many offending rows a message lists


class DataError(ValueError):
    """The data cannot be used as asked; the message says what, where and how to fix it."""


class Rows:
    """Names rows the way the user sees them."""

    def __init__(self, from_csv: bool) -> None:
        self.from_csv = from_csv

    def __call__(self, i: int) -> str:
        return f"line {int(i) + 2}" if self.from_csv else f"row {int(i)}"

    def many(self, idx, values=None) -> str:
        idx = list(idx)
        shown = []
        for k, i in enumerate(idx[:SHOW]):
            shown.append(self(i) + (f" ({values[k]!r})" if values is not None else ""))
        more = f" and {len(idx) - SHOW} more" if len(idx) > SHOW else ""
        return ", ".join(shown) + more


def read_csv(path: str | os.PathLike) -> pd.DataFrame:
    """A CSV file as a table: a regular file, no NUL byte, two columns or more."""
    p = Path(path)
    try:
        kind = file_kind(p)
    except OSError as e:
        raise DataError(f"{p} cannot be read: {e.strerror or e}") from None
    if kind == "missing":
        raise DataError(f"{p}: no such file")
    if kind == "folder":
        raise DataError(f"{p} is a directory, not a CSV file")
    if kind == "special":
        raise DataError(f"{p} is not a regular file (a pipe or a device?); give a CSV file")
    _check_no_nul(p)
    try:
        df = pd.read_csv(p, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DataError(f"{p} is empty: expected a header line and rows of data") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OverflowError) as e:
        raise DataError(f"{p} could not be read as CSV: {e}") from None
    except OSError as e:
        raise DataError(f"{p} cannot be read: {e.strerror or e}") from None
    if df.shape[1] < 2:
        raise DataError(
            f"{p} has {df.shape[1]} column(s): expected a date column and at least one value "
            "column "
            "(is it comma-separated?)"
        )
    return df


def _check_no_nul(p: Path) -> None:
    """pandas' C parser ends a value at a NUL byte, so '1\\x002' would silently read as 1."""
    line = 1
    try:
        with p.open("rb") as f:
            while chunk := f.read(1 << 20):
                at = chunk.find(b"\x00")
                if at >= 0:
                    line += chunk.count(b"\n", 0, at)
                    raise DataError(
                        f"{p} could not be read as CSV: line {line} contains a NUL byte "
                        "(a binary file, or text saved as UTF-16? save it as UTF-8 CSV)"
                    )
                line += chunk.count(b"\n")
    except OSError as e:
        raise DataError(f"{p} cannot be read: {e.strerror or e}") from None


def parse_date_column(raw: pd.Series, col: str, rows: Rows, warnings: list[str]) -> pd.Series:
    try:
        return parse_dates(raw, col, rows, rows.many, warnings)
    except DateError as e:
        raise DataError(str(e)) from None


def mostly_numeric(s: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return True
    vals = s.dropna()
    return len(vals) > 0 and pd.to_numeric(vals, errors="coerce").notna().mean() >= 0.9


def detect_date_column(df: pd.DataFrame) -> str:
    """The one column that holds dates; DataError listing the candidates otherwise."""
    candidates = [c for c in df.columns if looks_like_dates(df[c])]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise DataError(
            f"no column looks like dates (columns: {', '.join(map(str, df.columns))}); "
            "name the date column with `date`"
        )
    named = [c for c in candidates if "date" in str(c).lower() or "time" in str(c).lower()]
    if len(named) == 1:
        return named[0]
    raise DataError(
        f"several columns look like dates ({', '.join(map(repr, candidates))}); "
        "pick one with `date`"
    )
