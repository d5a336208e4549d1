"""A table to check: read from a CSV safely, or taken from a DataFrame, its rows named the way a
user finds them, and its date column found.

Rows are named "line N" of a CSV (N = DataFrame index + 2, the header being line 1) or "row N"
of a DataFrame. engine.data checks the series in the table; engine.future reads the covariates
of the dates after it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd

from engine.dates import DateError, DateReading, looks_like_dates, parse_dates
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


@dataclass(frozen=True)
class Reading:
    """How the user said the file is written; None: found from the file itself."""

    sep: str | None = None  # , ; tab |
    decimal: str | None = None  # . or ,
    dayfirst: bool | None = None
    date_format: str | None = None

    @property
    def dates(self) -> DateReading:
        return DateReading(self.dayfirst, self.date_format)


Source = str | os.PathLike | IO[bytes]
SEPARATORS = (",", ";", "\t", "|")
_SAMPLE = 1 << 16  # bytes sniffed for the separator and decimal mark


def source_name(source: Source) -> str:
    if hasattr(source, "read") or str(source) == "-":
        return "standard input"
    return str(source)


def read_csv(source: Source, reading: Reading | None = None) -> pd.DataFrame:
    """A CSV file ("-" or a binary stream: standard input) as a table: no NUL byte, two columns
    or more, its separator and decimal mark found from its text unless `reading` says them."""
    reading = reading or Reading()
    name = source_name(source)
    data = _read_bytes(source, name)
    _check_no_nul(data, name)
    sample = data[:_SAMPLE].decode("utf-8-sig", errors="replace")
    sep = reading.sep or sniff_separator(sample)
    decimal = reading.decimal or sniff_decimal(sample, sep)
    try:
        with warnings.catch_warnings():  # pandas' own warnings (mixed dtypes) never reach users
            warnings.simplefilter("ignore")
            df = pd.read_csv(
                io.BytesIO(data), sep=sep, decimal=decimal, skipinitialspace=True,
                low_memory=False, encoding="utf-8-sig",
            )  # fmt: skip
    except pd.errors.EmptyDataError:
        raise DataError(f"{name} is empty: expected a header line and rows of data") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OverflowError, ValueError) as e:
        raise DataError(f"{name} could not be read as CSV: {e}") from None
    if df.shape[1] < 2:
        raise DataError(
            f"{name} has {df.shape[1]} column(s): expected a date column and at least one value "
            f"column; no separator ({', '.join(map(repr, SEPARATORS))}) splits its header. Give "
            "the separator with `sep`"
        )
    return _thousands(df, decimal)


def _read_bytes(source: Source, name: str) -> bytes:
    """The whole file (or stream) as bytes; only a regular file is opened by path."""
    try:
        if hasattr(source, "read"):
            if source.seekable():
                source.seek(0)
            return source.read()
        if str(source) == "-":
            return sys.stdin.buffer.read()
        p = Path(source)
        kind = file_kind(p)
        if kind == "missing":
            raise DataError(f"{p}: no such file")
        if kind == "folder":
            raise DataError(f"{p} is a directory, not a CSV file")
        if kind == "special":
            raise DataError(f"{p} is not a regular file (a pipe or a device?); give a CSV file")
        return p.read_bytes()
    except OSError as e:
        raise DataError(f"{name} cannot be read: {e.strerror or e}") from None


def sniff_separator(sample: str) -> str:
    """The separator that splits the header into two columns or more and every sampled line
    into as many; ; before , when both do (a ;-separated export has decimal commas)."""
    lines = [line for line in sample.splitlines()[:50] if line.strip()]
    if len(sample) >= _SAMPLE and len(lines) > 1:
        lines = lines[:-1]  # the sample may cut its last line
    if not lines:
        return ","
    counts = {}
    for sep in SEPARATORS:
        widths = [len(row) for row in csv.reader(lines, delimiter=sep)]
        if widths[0] >= 2:
            counts[sep] = (all(w == widths[0] for w in widths), widths[0])
    consistent = [s for s, (ok, _) in counts.items() if ok]
    if ";" in consistent and counts[";"][1] >= counts.get(",", (0, 0))[1]:
        return ";"
    if consistent:
        return max(consistent, key=lambda s: counts[s][1])
    return max(counts, key=lambda s: counts[s][1]) if counts else ","


_DECIMAL_COMMA = re.compile(r"^-?(\d{1,3}(\.\d{3})+|\d+),\d+$")
_DECIMAL_POINT = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)\.\d+$")


def sniff_decimal(sample: str, sep: str) -> str:
    """ "," when the sampled values are written 12,5 (or 1.234,5) more often than 12.5."""
    lines = [line for line in sample.splitlines()[1:50] if line.strip()]
    fields = [f.strip() for row in csv.reader(lines, delimiter=sep) for f in row]
    commas = sum(bool(_DECIMAL_COMMA.match(f)) for f in fields)
    points = sum(bool(_DECIMAL_POINT.match(f)) for f in fields)
    return "," if commas > points else "."


def _thousands(df: pd.DataFrame, decimal: str) -> pd.DataFrame:
    """Text columns of numbers with thousands marks (1.234,5 or "1,234.5") as numbers; pandas'
    own `thousands` would also strip the dots of dates written 01.02.2020."""
    mark = "." if decimal == "," else ","
    pattern = _DECIMAL_COMMA if decimal == "," else _DECIMAL_POINT
    whole = re.compile(rf"^-?\d{{1,3}}(\{mark}\d{{3}})+$")
    for c in df.columns:
        if df[c].dtype != object:
            continue
        text = df[c].dropna().astype(str).str.strip()
        if text.empty or not text.map(lambda v: bool(pattern.match(v) or whole.match(v))).all():
            continue
        plain = df[c].astype("string").str.strip().str.replace(mark, "", regex=False)
        df[c] = pd.to_numeric(plain.str.replace(decimal, ".", regex=False), errors="coerce")
    return df


def _check_no_nul(data: bytes, name: str) -> None:
    """pandas' C parser ends a value at a NUL byte, so '1\\x002' would silently read as 1."""
    at = data.find(b"\x00")
    if at >= 0:
        line = data.count(b"\n", 0, at) + 1
        raise DataError(
            f"{name} could not be read as CSV: line {line} contains a "
            "NUL byte (a binary file, or text saved as UTF-16? save it as UTF-8 CSV)"
        )


def parse_date_column(
    raw: pd.Series, col: str, rows: Rows, notes: list[str], reading: Reading | None = None
) -> pd.Series:
    try:
        return parse_dates(raw, col, rows, rows.many, notes, (reading or Reading()).dates)
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
