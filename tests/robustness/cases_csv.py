"""Broken CSVs given to `lstm-tutor forecast`: every one refused before training, named."""

from __future__ import annotations

import os
from pathlib import Path

from tests.robustness.corpus import Case, csv_text, daily, write

# small sizes: a case that wrongly got as far as training would still finish quickly
FAST = ["--window", "7", "--horizon", "2", "--epochs", "1", "--hidden", "4", "--quiet"]


def forecast(content: str | bytes, *extra: str, name: str = "data.csv"):
    def make(folder: Path) -> list[str]:
        return ["forecast", str(write(folder, name, content)), *FAST, *extra]

    return make


def values(n: int = 60, **replace) -> list[float | str]:
    out: list[float | str] = [round(10 + (i % 7) + i / 10, 3) for i in range(n)]
    for k, v in replace.items():
        out[int(k[1:])] = v
    return out


def series(vals, dates=None, header="date,y") -> str:
    dates = dates or daily(len(vals))
    return csv_text(list(zip(dates, vals, strict=True)), header)


def _mixed_formats(second: str) -> str:
    import pandas as pd

    ds = pd.date_range("2024-01-01", periods=60, freq="D")
    dates = [d.strftime("%Y-%m-%d") for d in ds[:30]] + [d.strftime(second) for d in ds[30:]]
    return series(values(), dates)


def _pipe(folder: Path) -> list[str]:
    path = folder / "pipe.csv"
    os.mkfifo(path)
    return ["forecast", str(path), *FAST]


def _future_pipe(folder: Path) -> list[str]:
    data = write(folder, "data.csv", series(values()))
    path = folder / "future.csv"
    os.mkfifo(path)
    return ["forecast", str(data), *FAST, "--future", str(path)]


def _future_missing(folder: Path) -> list[str]:
    data = write(folder, "data.csv", series(values()))
    return ["forecast", str(data), *FAST, "--future", str(folder / "nope.csv")]


def _future_without_column(folder: Path) -> list[str]:
    rows = [(d, i % 5, "W") for i, d in enumerate(daily(60))]
    data = write(folder, "d.csv", csv_text(rows, "date,y,kind"))
    future = write(folder, "f.csv", "date,other\n2024-03-01,1\n2024-03-02,1\n")
    return ["forecast", str(data), *FAST, "--covariate", "kind", "--future", str(future)]


def _directory(folder: Path) -> list[str]:
    (folder / "dir.csv").mkdir()
    return ["forecast", str(folder / "dir.csv"), *FAST]


NONFINITE = {
    "inf": "inf",
    "minus-inf": "-inf",
    "Infinity": "Infinity",
    "1e308": "1e308",
    "minus-1e308": "-1e308",
    "1e300": "1e300",
    "1e16": "1e16",
    "huge-integer": "9" * 40,
}


def _long_series(folder: Path) -> list[str]:
    rows = [(d, 10 + i % 7) for i, d in enumerate(daily(60_000, "1900-01-01"))]
    data = write(folder, "long.csv", csv_text(rows))
    # 10,000-step windows over 60,000 daily rows with 13 calendar features: ~28 GiB of windows
    return ["forecast", str(data), "--window", "10000", "--horizon", "2", "--epochs", "1",
            "--hidden", "4", "--quiet"]  # fmt: skip


CASES: list[Case] = [
    Case("csv", "windows-beyond-memory", _long_series, ("GiB", "smaller window"), seconds=60),
    *[
        Case(
            "csv",
            f"mixed-dates-{label}",
            forecast(_mixed_formats(fmt)),
            ("mixes date formats", "line 2", "line 32"),
        )
        for label, fmt in [
            ("day-first-slash", "%d/%m/%Y"),
            ("month-first-slash", "%m/%d/%Y"),
            ("dots", "%d.%m.%Y"),
            ("year-slash", "%Y/%m/%d"),
            ("text-month", "%d %b %Y"),
            ("two-digit-year", "%d/%m/%y"),
            ("dashes-day-first", "%d-%m-%Y"),
        ]
    ],
    *[
        Case(
            "csv",
            f"non-finite-{label}",
            forecast(series(values(v20=v))),
            ("'y'", "line 22", "infinite or beyond"),
        )
        for label, v in NONFINITE.items()
    ],
    Case("csv", "non-finite-first-row", forecast(series(values(v0="inf"))), ("line 2", "'y'")),
    Case(
        "csv",
        "non-finite-second-target",
        forecast(
            csv_text(
                [(d, 1 + i % 3, "inf" if i == 5 else i) for i, d in enumerate(daily(60))],
                "date,a,b",
            ),
            "--target",
            "a",
            "--target",
            "b",
        ),
        ("'b'", "line 7"),
    ),
    Case(
        "csv",
        "non-finite-covariate",
        forecast(
            csv_text(
                [(d, i % 5, "inf" if i == 9 else i % 3) for i, d in enumerate(daily(60))],
                "date,y,temp",
            ),
            "--covariate",
            "temp",
        ),
        ("'temp'", "line 11"),
    ),
    Case(
        "csv",
        "non-finite-with-fill",
        forecast(series(values(v3="inf")), "--fill", "ffill"),
        ("line 5", "infinite"),
    ),
    Case(
        "csv",
        "all-empty-with-fill",
        forecast(series([""] * 60), "--fill", "interpolate"),
        ("no values at all", "'y'"),
    ),
    Case(
        "csv",
        "all-empty-with-ffill",
        forecast(series([""] * 60), "--fill", "ffill"),
        ("no values at all",),
    ),
    Case("csv", "all-empty-no-fill", forecast(series([""] * 60)), ("no values at all",)),
    Case(
        "csv",
        "year-9999",
        forecast(series(values(), daily(60, "9999-01-01"))),
        ("dates outside", "9999-01-01", "line 2"),
    ),
    Case(
        "csv",
        "year-9999-one-row",
        forecast(series(values(), daily(59) + ["9999-12-31"])),
        ("9999-12-31", "line 61"),
    ),
    Case(
        "csv",
        "year-2262-edge",
        forecast(series(values(), daily(60, "2262-02-01"))),
        ("dates outside", "2262"),
    ),
    Case(
        "csv",
        "year-0042",
        forecast(series(values(), daily(60, "2024-01-01")[:-1] + ["0042-01-01"])),
        ("dates outside", "0042"),
    ),
    Case("csv", "named-pipe", _pipe, ("not a regular file",)),
    Case("csv", "future-named-pipe", _future_pipe, ("not a regular file", "--future")),
    Case("csv", "future-missing-file", _future_missing, ("--future", "nope.csv")),
    Case("csv", "directory", _directory, ("directory",), code=2),
    Case("csv", "empty-file", forecast(""), ("empty",)),
    Case("csv", "header-only", forecast("date,y\n"), ("no rows",)),
    Case("csv", "one-column", forecast("date\n2024-01-01\n2024-01-02\n"), ("1 column",)),
    Case("csv", "binary-garbage", forecast(bytes(range(256)) * 20), ("could not be read",)),
    Case(
        "csv",
        "latin1-bytes",
        forecast("date,y\n2024-01-01,caf\xe9\n".encode("latin-1")),
        ("could not be read",),
    ),
    Case(
        "csv",
        "unparseable-date",
        forecast(series(values(), daily(59) + ["yesterday"])),
        ("could not be parsed", "line 61", "yesterday"),
    ),
    Case(
        "csv",
        "text-in-target",
        forecast(series(values(v4="lots"))),
        ("non-numeric", "line 6", "lots"),
    ),
    Case(
        "csv",
        "missing-target-value",
        forecast(series(values(v8=""))),
        ("missing target", "line 10", "--fill"),
    ),
    Case(
        "csv",
        "gap-without-fill",
        forecast(series(values(59), daily(60)[:30] + daily(60)[31:])),
        ("missing from the regular daily", "--fill"),
    ),
    Case(
        "csv",
        "conflicting-duplicates",
        forecast(series(values(61), daily(60) + [daily(60)[10]])),
        ("more than once", "line 12", "line 62"),
    ),
    Case(
        "csv",
        "unknown-target",
        forecast(series(values()), "--target", "yy"),
        ("'yy'", "did you mean"),
    ),
    Case(
        "csv",
        "unknown-date-column",
        forecast(series(values()), "--date", "when"),
        ("'when'", "date column"),
    ),
    Case(
        "csv", "no-date-column", forecast("a,b\n1,2\n3,4\n5,6\n"), ("no column looks like dates",)
    ),
    Case(
        "csv",
        "target-is-covariate",
        forecast(series(values()), "--target", "y", "--covariate", "y"),
        ("used twice",),
    ),
    Case("csv", "too-few-rows", forecast(series(values(8))), ("too few",)),
    Case(
        "csv",
        "nan-in-target-text",
        forecast(series(values(v10="nan"))),
        ("missing target", "line 12"),
    ),
    Case(
        "csv",
        "missing-file",
        lambda folder: ["forecast", str(folder / "nope.csv"), *FAST],
        ("does not exist",),
        code=2,
    ),
    Case(
        "csv",
        "ragged-rows",
        forecast("date,y\n2024-01-01,1\n2024-01-02,2,3,4\n"),
        ("could not be read",),
    ),
    Case("csv", "nul-byte-in-value", forecast(series(values(v6="1\x002"))), ("NUL byte", "line 8")),
    Case(
        "csv",
        "covariate-all-empty",
        forecast(
            csv_text([(d, i % 5, "") for i, d in enumerate(daily(60))], "date,y,kind"),
            "--covariate",
            "kind",
            "--fill",
            "ffill",
        ),
        ("'kind'", "no values"),
    ),
    Case(
        "csv",
        "future-missing-covariate-column",
        lambda folder: [
            "forecast",
            str(
                write(
                    folder,
                    "d.csv",
                    csv_text([(d, i % 5, "W") for i, d in enumerate(daily(60))], "date,y,kind"),
                )
            ),
            *FAST,
            "--covariate",
            "kind",
            "--future",
            str(write(folder, "f.csv", "date,other\n2024-03-01,1\n2024-03-02,1\n")),
        ],
        ("future", "kind"),
    ),
]
