"""A panel from a table: a long one (one row per id and date, the layout of neuralforecast,
statsforecast, darts' from_group_dataframe and GluonTS) or a wide one (a date column and one
column per series).

Every check a single series gets (dates, order, duplicates, gaps, fill, values) is made by
engine.data.load_series on each id's own rows, so a panel is refused for exactly the reasons a
series is, and each message and warning names the id (and the line of the whole file).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.data import SeriesData, load_series
from engine.table_input import (
    DataError,
    Rows,
    detect_date_column,
    mostly_numeric,
    parse_date_column,
    read_csv,
)

# the column names every long-format peer uses (Nixtla's unique_id, ds, y): read without flags
PEER_ID, PEER_DATE, PEER_TARGET = "unique_id", "ds", "y"
PARQUET_SUFFIXES = (".parquet", ".pq")
SHOW_SERIES = 5  # how many failing series one message lists


@dataclass
class PanelData:
    """Checked series by id, in the order the table first names them."""

    series: dict[Any, SeriesData]
    id_column: str | None  # None for a wide table (the ids are its column names)
    target: str  # the value column of a long table; "value" for a wide one
    freq: str | None  # the frequency every series shares
    warnings: list[str] = field(default_factory=list)
    source: str = "the data"
    date_column: str = "date"

    @property
    def ids(self) -> list:
        return list(self.series)

    def __len__(self) -> int:
        return len(self.series)


def read_table(
    source: str | os.PathLike | pd.DataFrame, reading=None
) -> tuple[pd.DataFrame, bool, str]:
    """(table with a fresh RangeIndex, whether its rows are CSV lines, its name)."""
    if isinstance(source, pd.DataFrame):
        df = source.reset_index() if isinstance(source.index, pd.DatetimeIndex) else source
        return df.reset_index(drop=True), False, "the data"
    path = Path(source)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        return _read_parquet(path), False, str(path)
    return read_csv(path, reading), True, str(path)


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        import pyarrow  # noqa: F401  (pandas' engine for Parquet)
    except ImportError:
        raise DataError(
            f"{path} is a Parquet file, which needs pyarrow: pip install 'lstm-tutor[parquet]'"
        ) from None
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    try:
        return pd.read_parquet(path).reset_index(drop=True)
    except (OSError, ValueError) as e:
        raise DataError(f"{path} could not be read as Parquet: {e}") from None


def long_id_column(df: pd.DataFrame, id: str | None = None) -> str | None:
    """The id column of a long table: the one named, or the peers' `unique_id`."""
    if id is not None:
        return id
    return PEER_ID if PEER_ID in df.columns else None


def load_panel(
    source: str | os.PathLike | pd.DataFrame,
    *,
    id: str | None = None,
    date: str | None = None,
    targets: list[str] | tuple[str, ...] | None = None,
    covariates: list[str] | tuple[str, ...] = (),
    fill: str | None = None,
    wide: bool = False,
    reading=None,
    max_fill: float | None = None,
) -> PanelData:
    """Read and check a panel: long (`id` names the id column; a `unique_id` column is found
    without it) or, with `wide`, one series per target column."""
    df, from_csv, name = read_table(source, reading)
    df.columns = [str(c).strip() for c in df.columns]
    id_col = None if wide else long_id_column(df, id)
    if id_col is None and not wide:
        raise DataError(
            f"{name} has no id column: name the column that says which series a row belongs "
            "to with `id` (or call it unique_id), or read one series per column with `panel`"
        )
    lines = _LineNames(from_csv, reading, max_fill)
    if wide:
        panel = _wide(df, name, lines, date, targets, list(covariates), fill)
    else:
        panel = _long(df, name, lines, id_col, date, targets, list(covariates), fill)
    return panel


def _long(df, name, lines, id_col, date, targets, covariates, fill) -> PanelData:
    if id_col not in df.columns:
        raise DataError(
            f"id column {id_col!r} is not in {name}; columns: {', '.join(df.columns)}. "
            "Name it with `id`"
        )
    if df[id_col].isna().any():
        where = np.flatnonzero(df[id_col].isna().to_numpy())
        raise DataError(
            f"id column {id_col!r} is empty at {lines.many(where)}: every row needs its series' id"
        )
    date = date or (PEER_DATE if PEER_DATE in df.columns else None)
    date = date or detect_date_column(df.drop(columns=id_col))
    target = _long_target(df, name, id_col, date, targets, covariates)
    columns = [date, target, *covariates]
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(
            f"column(s) {', '.join(map(repr, missing))} not in {name}; columns: "
            f"{', '.join(df.columns)}"
        )
    said = _dates_once(df, date, lines)
    groups = df.groupby(id_col, sort=False).indices
    pieces = {key: (df.iloc[pos][columns], pos) for key, pos in groups.items()}
    panel = _check_each(pieces, name, lines, id_col, target, date, covariates, fill)
    panel.warnings[:0] = said
    return panel


def _long_target(df, name, id_col, date, targets, covariates) -> str:
    if targets:
        if len(targets) > 1:
            raise DataError(
                "a long table has one value column: give one `targets` column (its other "
                "columns can be covariates)"
            )
        return targets[0]
    if PEER_TARGET in df.columns:
        return PEER_TARGET
    skip = {id_col, date, *covariates}
    numeric = [c for c in df.columns if c not in skip and mostly_numeric(df[c])]
    if len(numeric) != 1:
        raise DataError(
            f"which column of {name} should be forecast? numeric columns: "
            f"{', '.join(numeric) or 'none'}; name one with `targets`"
        )
    return numeric[0]


def _wide(df, name, lines, date, targets, covariates, fill) -> PanelData:
    date = date or detect_date_column(df)
    if date not in df.columns:
        raise DataError(f"date column {date!r} is not in {name}; name it with `date`")
    skip = {date, *covariates}
    targets = list(targets or [c for c in df.columns if c not in skip and mostly_numeric(df[c])])
    if not targets:
        raise DataError(f"{name} has no numeric column to forecast")
    said = _dates_once(df, date, lines)
    pieces = {}
    for t in targets:
        if t not in df.columns:
            raise DataError(
                f"target column {t!r} is not in {name}; columns: {', '.join(df.columns)}"
            )
        pos = _own_span(pd.to_numeric(df[t], errors="coerce").to_numpy())
        pieces[t] = (df.iloc[pos][[date, t, *covariates]], pos)
    panel = _check_each(pieces, name, lines, None, "value", date, covariates, fill)
    panel.warnings[:0] = said
    return panel


def _dates_once(df: pd.DataFrame, date: str, lines: _LineNames) -> list[str]:
    """The date column parsed once for the whole table (in place): its format and day order
    are the file's, settled by every row (a day above 12 in any series), not guessed again for
    each series; errors name the file's lines."""
    said: list[str] = []
    df[date] = parse_date_column(df[date], date, Rows(lines.from_csv), said, lines.reading)
    return said


def _own_span(values: np.ndarray) -> np.ndarray:
    """Rows from a column's first value to its last: in a wide table each series may start and
    end on its own date (the empty cells around it are the layout, not missing values)."""
    present = np.flatnonzero(~np.isnan(values))
    if not len(present):
        return np.arange(len(values))  # load_series names the empty column
    return np.arange(present[0], present[-1] + 1)


def _check_each(pieces, name, lines, id_col, target, date, covariates, fill) -> PanelData:
    """load_series on each id's rows; failures collected so one message names them all."""
    series: dict[Any, SeriesData] = {}
    failures: list[str] = []
    notes: dict[str, list] = {}  # a warning without row numbers -> (id, the full warning)
    for key, (frame, pos) in pieces.items():
        try:
            s = load_series(
                frame.reset_index(drop=True),
                date=date,
                targets=[frame.columns[1]],
                covariates=covariates,
                fill=fill,
                reading=lines.reading,
                max_fill=lines.max_fill,
            )
        except DataError as e:
            failures.append(f"series {key!r}: {lines.rename(str(e), pos)}")
            continue
        for w in s.warnings:
            notes.setdefault(_unrowed(w), []).append((key, lines.rename(w, pos)))
        series[key] = s
    if failures:
        more = len(failures) - SHOW_SERIES
        raise DataError(
            f"{len(failures)} of {len(pieces)} series in {name} cannot be used: "
            + "; ".join(failures[:SHOW_SERIES])
            + (f"; and {more} more" if more > 0 else "")
        )
    freq = _shared_frequency(series, name)
    warnings = [
        f"series {seen[0][0]!r}: {seen[0][1]}"
        if len(seen) == 1
        else f"{_named([k for k, _ in seen])}: {text}"
        for text, seen in notes.items()
    ]
    return PanelData(series, id_col, target, freq, warnings, name, date)


def _shared_frequency(series: dict, name: str) -> str | None:
    """One frequency for the panel: the most common; a series on another grid is refused."""
    counts = Counter(s.freq for s in series.values() if s.freq is not None)
    if not counts:
        return None
    freq = counts.most_common(1)[0][0]
    odd = [k for k, s in series.items() if s.freq is not None and s.freq != freq]
    if odd:
        raise DataError(
            f"the series of {name} must share one frequency ({freq} for most); "
            f"{_named(odd)} {'is' if len(odd) == 1 else 'are'} "
            f"{series[odd[0]].freq}: forecast them apart"
        )
    return freq


def _named(keys: list) -> str:
    shown = ", ".join(map(repr, keys[:SHOW_SERIES]))
    more = f" and {len(keys) - SHOW_SERIES} more" if len(keys) > SHOW_SERIES else ""
    return f"series {shown}{more}"


def _unrowed(text: str) -> str:
    """A warning without its row numbers, so the same note on many series is said once."""
    return re.sub(r" \((first out of order at )?row \d+[^)]*\)", "", text)


class _LineNames:
    """Row names of one series' frame (load_series calls them "row N") turned back into the
    whole table's: "line N" of a CSV, "row N" of a DataFrame."""

    def __init__(self, from_csv: bool, reading=None, max_fill=None) -> None:
        self.from_csv = from_csv
        self.reading, self.max_fill = reading, max_fill  # how the file is read (engine.data)

    def one(self, i: int) -> str:
        return f"line {int(i) + 2}" if self.from_csv else f"row {int(i)}"

    def many(self, idx) -> str:
        idx = list(idx)
        shown = ", ".join(self.one(i) for i in idx[:SHOW_SERIES])
        return shown + (f" and {len(idx) - SHOW_SERIES} more" if len(idx) > SHOW_SERIES else "")

    def rename(self, text: str, positions: np.ndarray) -> str:
        def sub(m: re.Match) -> str:
            k = int(m.group(1))
            return self.one(positions[k]) if 0 <= k < len(positions) else m.group(0)

        return re.sub(r"\brow (\d+)\b", sub, text)
