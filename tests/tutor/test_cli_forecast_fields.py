"""Engine messages name config fields (`fill`); the forecast CLI shows them as its flags (--fill).

Each case is one bad input given twice: to the engine (the message names the field the app and
lesson jobs set, and no flag) and to `lstm-tutor forecast` (exit 1, the flag, no backticks).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from engine.data import load_future, load_series
from engine.table_input import DataError
from tutor.cli import cli


def daily(n: int = 40, extra: dict | None = None) -> pd.DataFrame:
    dates = pd.date_range("2024-01-01", periods=n, freq="D")
    return pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "y": range(n), **(extra or {})})


def write(folder: Path, frame: pd.DataFrame, name: str = "d.csv") -> Path:
    path = folder / name
    frame.to_csv(path, index=False)
    return path


def with_gaps(folder: Path) -> Path:
    return write(folder, daily().drop(index=[10, 11]))


def with_empty_target(folder: Path) -> Path:
    return write(folder, daily().astype({"y": float}).assign(y=lambda d: d.y.where(d.index != 5)))


def with_two_date_columns(folder: Path) -> Path:
    # neither is called date or time, so neither is chosen by its name
    return write(folder, daily().rename(columns={"date": "start"}).assign(end=lambda d: d.start))


def with_no_dates(folder: Path) -> Path:
    return write(folder, daily().assign(date="someday"))


def with_empty_covariate(folder: Path) -> Path:
    kind = ["A", "B"] * 20
    kind[7] = None
    return write(folder, daily(extra={"kind": kind}))


# name, the data, load_series options, the CLI's options, the field, the flag
CASES = [
    ("gaps", with_gaps, {}, [], "fill", "--fill"),
    ("empty target cell", with_empty_target, {}, [], "fill", "--fill"),
    ("two date columns", with_two_date_columns, {}, ["--target", "y"], "date", "--date"),
    ("no date column", with_no_dates, {}, ["--target", "y"], "date", "--date"),
    ("unknown date column", with_gaps, {"date": "day"}, ["--date", "day"], "date", "--date"),
    ("unknown target", with_gaps, {"targets": ["yy"]}, ["--target", "yy"], "targets", "--target"),
    ("unknown covariate", with_gaps, {"covariates": ["kin"]},
     ["--target", "y", "--covariate", "kin"], "covariates", "--covariate"),
    ("empty covariate cell", with_empty_covariate, {"covariates": ["kind"]},
     ["--target", "y", "--covariate", "kind"], "fill", "--fill"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("make", "options", "cli_options", "field", "flag"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_engine_names_the_field_and_the_cli_the_flag(
    tmp_path, make, options, cli_options, field, flag
):
    path = make(tmp_path)
    with pytest.raises(DataError) as err:
        load_series(path, **options)
    assert f"`{field}`" in str(err.value) and "--" not in str(err.value)

    r = CliRunner().invoke(cli, ["forecast", str(path), *cli_options, "--quiet"])
    assert r.exit_code == 1, r.output
    assert flag in r.stderr and "`" not in r.stderr


def test_future_table_is_named_by_field_and_by_flag(tmp_path):
    kind = ["A", "B"] * 20
    data = write(tmp_path, daily(extra={"kind": kind}))
    future = write(tmp_path, daily(50).iloc[40:], "future.csv")  # date and y, no `kind`
    needed = pd.date_range("2024-02-10", periods=3, freq="D")
    with pytest.raises(DataError) as err:
        load_future(future, needed, ["kind"])
    assert "the `future` file has no column 'kind'" in str(err.value)

    r = CliRunner().invoke(
        cli,
        ["forecast", str(data), "--target", "y", "--covariate", "kind", "--future", str(future),
         "--hidden", "4", "--epochs", "1", "--horizon", "3", "--window", "7", "--quiet"],
    )  # fmt: skip
    assert r.exit_code == 1, r.output
    assert "the --future file has no column 'kind'" in r.stderr


def test_a_file_that_is_no_checkpoint_is_named_by_field_and_by_flag(tmp_path):
    from engine import checkpoint

    fake = tmp_path / "model.ckpt"
    fake.write_bytes(b"\xff" * 64)
    with pytest.raises(checkpoint.CheckpointError) as err:
        checkpoint.load(fake)
    assert "save one with `save`" in str(err.value)

    r = CliRunner().invoke(
        cli, ["forecast", str(write(tmp_path, daily())), "--load", str(fake), "--quiet"]
    )
    assert r.exit_code == 1, r.output
    assert "save one with --save" in r.stderr and "`" not in r.stderr


def test_a_checkpoint_asked_for_another_target_is_named_by_field_and_by_flag(tmp_path):
    from engine.forecast import ForecastConfig, ForecastError, run_forecast

    data = write(tmp_path, daily(60))
    saved = tmp_path / "m.ckpt"
    tiny = dict(hidden=4, epochs=1, window=7, horizon=3, inputs="global", refit=False)
    run_forecast(ForecastConfig(data=data, targets=["y"], save=saved, **tiny))
    with pytest.raises(ForecastError) as err:
        run_forecast(ForecastConfig(data=data, targets=["x"], load=saved))
    assert "`targets` x" in str(err.value) and "--" not in str(err.value)

    r = CliRunner().invoke(
        cli, ["forecast", str(data), "--load", str(saved), "--target", "x", "--quiet"]
    )
    assert r.exit_code == 1, r.output
    assert "--target x" in r.stderr and "drop --target" in r.stderr and "`" not in r.stderr


def test_every_run_option_sets_a_config_field_that_flags_names_back():
    import inspect

    import click

    from engine.forecast import ForecastConfig
    from tutor.cli_forecast import flags, forecast
    from tutor.cli_forecast.panel import PANEL_FIELDS

    signature = inspect.signature(forecast.callback).parameters.values()
    own = {p.name for p in signature if p.kind is not inspect.Parameter.VAR_KEYWORD}
    # the panel options steer a panel run (engine.panel.run.PanelConfig, Dask), not a field
    panel = [p for p in forecast.params if p.name in PANEL_FIELDS]
    assert [f"--{p.name}" for p in panel] == [p.opts[0] for p in panel] and len(panel) == 5
    run_options = [p for p in forecast.params if p.name not in own and p.name not in PANEL_FIELDS]
    assert len(run_options) > 20
    fields = ForecastConfig.__dataclass_fields__
    for option in run_options:
        assert isinstance(option, click.Option) and option.name in fields
        assert flags(f"`{option.name}`") in option.opts, option.name
