"""CSV files as practitioners export them: what `lstm-tutor forecast` makes of each.

For every variant of the test corpus (tests/robustness/cases_files.py: separators, decimal
marks, date orders, time zones, business days, sub-daily, gaps, long and wide tables), and for
real series bundled with statsmodels when it is installed (written the same ways), one row:
the grid detected, the season, the default horizon, what happened (forecast or the refusal's
first words) and the wall time from starting the command to its first message on stdout or
stderr, in a fresh process, as a user waits for it.

    python bench/files.py              every variant (a minute or two on 2 cores)
    python bench/files.py --only day   the variants whose name contains "day"

The forecasts run with the smallest network (one epoch) so that the time measured is the
reading and checking of the file; a refused file is the figure that matters (< 1 s wanted).
"""

from __future__ import annotations

import argparse
import os
import selectors
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.baselines import season_length  # noqa: E402
from engine.data import load_series  # noqa: E402
from engine.dates import describe  # noqa: E402
from engine.forecast.defaults import default_horizon  # noqa: E402
from engine.table_input import DataError, Reading  # noqa: E402
from tests.robustness.cases_files import VARIANTS, Variant, table  # noqa: E402

CHEAP = ["--epochs", "1", "--hidden", "2", "--seeds", "1", "--inputs", "level", "--no-refit",
         "--window", "4", "--quiet", "--format", "json"]  # fmt: skip


def real_variants() -> list[Variant]:
    """statsmodels' bundled series, written as exports are (only when statsmodels is here)."""
    try:
        import statsmodels.api as sm
    except ImportError:
        return []
    sun = sm.datasets.sunspots.load_pandas().data
    co2 = sm.datasets.co2.load_pandas().data["co2"]
    macro = sm.datasets.macrodata.load_pandas().data
    quarters = [f"Q{int(q)} {int(y)}" for y, q in zip(macro.year, macro.quarter, strict=True)]

    def co2_csv(sep: str, decimal: str) -> str:
        kept = co2.dropna()
        return table(kept.index, kept.round(2).to_numpy(), sep=sep, decimal=decimal,
                     fmt="%d/%m/%Y")  # fmt: skip

    return [
        Variant("sm-sunspots-float-years", lambda: sun.to_csv(index=False)),
        Variant("sm-co2-weekly-day-first-eu", lambda: co2_csv(";", ",")),
        Variant("sm-co2-weekly-filled", lambda: co2_csv(";", ","), args=("--fill", "ffill")),
        Variant("sm-macro-quarters", lambda: table(quarters, macro.realgdp.to_numpy())),
    ]


def first_message(args: list[str], stdin: bytes | None) -> tuple[float, str, int]:
    """Seconds to the first line on stdout or stderr, that line, and the exit status."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from tutor.cli import main; main()", *args],
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )  # fmt: skip
    if stdin is not None:
        proc.stdin.write(stdin)
        proc.stdin.close()
        proc.stdin = None  # communicate() below must not flush it again
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    sel.register(proc.stderr, selectors.EVENT_READ)
    line, seconds = b"", None
    while seconds is None:
        events = sel.select(timeout=600)
        if not events:
            break
        line = events[0][0].fileobj.readline()
        seconds = time.perf_counter() - start
    proc.communicate()
    return seconds or float("nan"), line.decode(errors="replace").strip(), proc.returncode


def _reading(v: Variant) -> Reading:
    said = {}
    for flag, key in (("--sep", "sep"), ("--decimal", "decimal"), ("--date-format", "date_format")):
        if flag in v.args:
            said[key] = v.args[v.args.index(flag) + 1]
    if "--dayfirst" in v.args or "--monthfirst" in v.args:
        said["dayfirst"] = "--dayfirst" in v.args
    return Reading(**said)


def row(v: Variant, folder: Path) -> tuple[str, ...]:
    content = v.content()
    data = content.encode() if isinstance(content, str) else content
    path = folder / f"{v.name}.csv"
    path.write_bytes(data)

    def given(flag: str) -> str | None:
        return v.args[v.args.index(flag) + 1] if flag in v.args else None

    target = given("--target")
    try:
        series = load_series(
            path, reading=_reading(v), fill=given("--fill"), max_fill=100, date=given("--date"),
            targets=[target] if target else None,
        )  # fmt: skip
        grid = describe(series.freq) if series.freq else "irregular"
        season, horizon = str(season_length(series.freq)), str(default_horizon(series.freq))
    except DataError:
        grid, season, horizon = "-", "-", "-"
    where = "-" if v.stdin else str(path)
    seconds, line, code = first_message(
        ["forecast", where, *CHEAP, *v.args], data if v.stdin else None
    )
    message = line.removeprefix("Error: ").replace(str(folder) + "/", "")
    outcome = "forecast" if code == 0 else message[:46]
    return v.name, grid, season, horizon, f"{seconds:.2f}", outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="variants whose name contains this")
    args = parser.parse_args()
    variants = [v for v in VARIANTS + real_variants() if not args.only or args.only in v.name]
    head = ("variant", "grid", "season", "horizon", "first msg s", "outcome")
    widths = (38, 14, 6, 7, 11, 46)
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    refused_times = []
    with tempfile.TemporaryDirectory() as tmp:
        for v in variants:
            r = row(v, Path(tmp))
            print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)), flush=True)
            if r[-1] != "forecast":
                refused_times.append(float(r[4]))
    if refused_times:
        refused_times.sort()
        print(
            f"\n{len(variants)} variants; refused {len(refused_times)}: first message in "
            f"{refused_times[len(refused_times) // 2]:.2f} s median, {refused_times[-1]:.2f} s "
            f"slowest (on {os.cpu_count()} CPU(s))"
        )


if __name__ == "__main__":
    main()
