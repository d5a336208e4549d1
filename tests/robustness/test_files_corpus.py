"""The CSV corpus (cases_files.py): each file forecast on the right grid, its dates checked, or
refused in one line naming the problem and the option that fixes it.

Runs the real command in-process with the smallest network settings (one epoch, two units, no
refit), so the corpus costs well under a minute; the grid, season and default horizon come from
the data checks, not the network.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from click.testing import CliRunner

from engine.baselines import season_length
from engine.data import load_series
from engine.table_input import Reading
from tests.robustness.cases_files import VARIANTS, Variant
from tutor.cli import cli

CHEAP = ["--epochs", "1", "--hidden", "2", "--seeds", "1", "--inputs", "level", "--no-refit",
         "--window", "4", "--quiet", "--format", "json"]  # fmt: skip


def run(variant: Variant, folder, extra=()) -> tuple:
    content = variant.content()
    data = content.encode() if isinstance(content, str) else content
    path = folder / f"{variant.name}.csv"
    path.write_bytes(data)
    where = "-" if variant.stdin else str(path)
    horizon = () if variant.horizon else ("--horizon", "3")
    args = ["forecast", where, *CHEAP, *horizon, *variant.args, *extra]
    result = CliRunner().invoke(cli, args, input=data if variant.stdin else None)
    return result, path


def test_the_corpus_is_large_and_covers_every_family():
    assert len(VARIANTS) >= 40
    names = " ".join(v.name for v in VARIANTS)
    for family in ("semicolon", "decimal", "day-first", "month-first", "offset",
                   "daylight", "business", "hourly", "gaps", "long", "wide"):  # fmt: skip
        assert family in names, family
    assert len({v.name for v in VARIANTS}) == len(VARIANTS)


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.id for v in VARIANTS])
def test_each_file_is_forecast_on_its_grid_or_refused_by_name(variant, tmp_path):
    result, path = run(variant, tmp_path)
    assert "Traceback" not in result.output
    if variant.refused:
        assert result.exit_code == 1, result.output
        error = [line for line in result.output.splitlines() if line.startswith("Error:")]
        assert len(error) == 1, result.output
        for word in variant.refused:
            assert word in error[0], f"{word!r} not in {error[0]!r}"
        return
    assert result.exit_code == 0, result.output
    forecast = json.loads(result.stdout)["forecast"]
    if forecast and "id" in forecast[0]:  # a panel: the first series' rows (each has its own)
        forecast = [r for r in forecast if r["id"] == forecast[0]["id"]]
    steps = variant.horizon or 3
    want = pd.date_range(pd.Timestamp(variant.last), periods=steps + 1, freq=variant.freq)[1:]
    assert [pd.Timestamp(r["date"]) for r in forecast] == list(want)
    assert "UserWarning" not in result.output and "dateutil" not in result.output
    if variant.season is not None or variant.values:
        _check_read(variant, path)


def _check_read(variant: Variant, path) -> None:
    """The season the grid implies, and the numbers as written (decimal marks, thousands)."""
    reading = {}
    for flag, key in (("--sep", "sep"), ("--decimal", "decimal"), ("--date-format", "date_format")):
        if flag in variant.args:
            reading[key] = variant.args[variant.args.index(flag) + 1]
    if "--dayfirst" in variant.args:
        reading["dayfirst"] = True
    series = load_series(path, reading=Reading(**reading))
    if variant.season is not None:
        assert season_length(series.freq) == variant.season
    for want, got in zip(variant.values, series.frame[series.targets[0]], strict=False):
        assert got == pytest.approx(want)
