"""`lstm-tutor forecast` on many series: the panel options, when a run is a panel, its output.

A run is a panel when `--id COLUMN` names the id column of a long table, when the table has
the peers' `unique_id` column (neuralforecast, statsforecast), or with `--panel` (a wide table:
one series per target column). Nothing heavy is imported here at import time.
"""

from __future__ import annotations

import functools
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from tutor.cli_forecast.options import flags

PANEL_FIELDS = ("id", "panel", "workers", "scheduler", "partitions")
OUT_SUFFIXES = (".csv", ".json", ".parquet")
SHOWN_SERIES = 3  # series whose forecast the table prints
SHOWN_WARNINGS = 10

# fmt: off
PANEL_OPTIONS = (
    click.option("--id", "id", metavar="COL",
                 help="Id column of a long table (one row per series and date): forecast every "
                 "series with one global network. A `unique_id` column is found without it."),
    click.option("--panel", is_flag=True,
                 help="Forecast every target column of a wide table as one panel (one global "
                 "network) instead of one multi-target series."),
    click.option("--workers", type=click.IntRange(min=1), metavar="N",
                 help="Panel: run its partitions on a local Dask cluster of N worker processes "
                 "(needs the dask extra); each partition trains its own global network."),
    click.option("--scheduler", metavar="ADDRESS",
                 help="Panel: run its partitions on the running Dask cluster at ADDRESS "
                 "(e.g. tcp://10.0.0.5:8786)."),
    click.option("--partitions", type=click.IntRange(min=1), metavar="K",
                 help="Panel: split the series into K partitions, each with its own global "
                 "network (default: one per Dask worker; 1 without Dask)."),
)
# fmt: on


def panel_options(command: Callable) -> Callable:
    """Decorate the forecast command with PANEL_OPTIONS, in order."""
    return functools.reduce(lambda cmd, option: option(cmd), reversed(PANEL_OPTIONS), command)


def take_panel(csv: Path | None, fields: dict[str, Any]) -> dict[str, Any] | None:
    """Remove the panel options from `fields`; what a panel run needs, or None for one series."""
    taken = {k: fields.pop(k, None) for k in PANEL_FIELDS}
    id_col, wide = taken["id"], bool(taken["panel"])
    if id_col is None and not wide and (csv is None or not _has_peer_id(csv)):
        if any(taken[k] is not None for k in ("workers", "scheduler", "partitions")):
            raise click.UsageError("--workers, --scheduler and --partitions run a panel: add --id")
        return None
    if csv is None:
        raise click.UsageError("--id and --panel read a table: give its CSV or Parquet file")
    if id_col is not None and wide:
        raise click.UsageError("--id reads a long table, --panel a wide one: pick one")
    if taken["workers"] is not None and taken["scheduler"] is not None:
        raise click.UsageError("--workers starts a local cluster, --scheduler uses one: pick one")
    return {**taken, "wide": wide}


def _has_peer_id(csv: Path) -> bool:
    """Whether the table's header has `unique_id` (read without loading the table)."""
    from engine.files import file_kind
    from engine.panel.tables import PARQUET_SUFFIXES, PEER_ID

    try:
        if file_kind(csv) != "file":  # a pipe would block here: the run names what it is
            return False
        if csv.suffix.lower() in PARQUET_SUFFIXES:
            import pyarrow.parquet as pq

            return PEER_ID in pq.read_schema(csv).names
        with open(csv, encoding="utf-8", errors="replace") as f:
            header = f.readline()
    except (OSError, ImportError, ValueError):
        return False
    return PEER_ID in [c.strip().strip('"') for c in header.replace(";", ",").split(",")]


def run_panel_command(
    csv: Path, panel: dict, fields: dict, out: Path | None, fmt: str, quiet: bool, backtest
) -> None:
    """The panel run, its warnings on stderr, its output on stdout and in --out."""
    from tutor import cli_checks

    _check_usage(out, backtest, fields)
    cli_checks.output_file(out, "--out")
    from engine.forecast import ForecastError
    from engine.panel.run import PanelConfig, run_panel
    from engine.table_input import DataError
    from tutor.cli_forecast.options import forecast_config
    from tutor.cli_forecast.progress import Progress

    config = PanelConfig(forecast_config(csv, fields), id=panel["id"], wide=panel["wide"])
    if backtest is not None:
        _backtest(config, backtest, fmt, out)
        return
    try:
        if panel["workers"] or panel["scheduler"] or panel["partitions"]:
            result = _run_partitions(config, panel)
        elif not quiet and sys.stderr.isatty():
            with Progress() as bar:
                result = run_panel(config, on_event=bar.on_event)
        else:
            result = run_panel(config)
    except (DataError, ForecastError) as e:
        raise click.ClickException(flags(_panel_flags(str(e)))) from None
    _warn(result.warnings + [w for s in result.series if s.choice for w in s.choice.warnings])
    raw = result.forecast_frame()
    frame = raw.assign(date=_iso(raw["date"]))
    if out is not None:
        _write(out, raw if out.suffix.lower() == ".parquet" else frame, result)
    if fmt == "json":
        import json

        click.echo(json.dumps(result.to_json(), indent=2))
    elif fmt == "csv":
        click.echo(frame.to_csv(index=False), nl=False)
    else:
        from tutor.cli_forecast.panel_report import panel_table

        click.echo(panel_table(result))


def _run_partitions(config, panel: dict):
    """The panel in partitions: on Dask when --workers or --scheduler, else in this process."""
    from engine.panel.distributed import connect, run_partitions, workers_of

    if not (panel["workers"] or panel["scheduler"]):
        return run_partitions(config, panel["partitions"])
    client, cluster = connect(panel["workers"], panel["scheduler"])
    try:
        return run_partitions(config, panel["partitions"] or workers_of(client), client=client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _backtest(config, n: int, fmt: str, out: Path | None) -> None:
    """--backtest N on a panel: every cut-off's panel run, each series scored after its own."""
    import json

    from engine.forecast import ForecastError
    from engine.panel.backtest import backtest_summary, panel_backtest
    from engine.table_input import DataError
    from tutor.cli_forecast.panel_report import backtest_table

    try:
        rows = panel_backtest(config, n)
    except (DataError, ForecastError) as e:
        raise click.ClickException(flags(_panel_flags(str(e)))) from None
    summary = backtest_summary(rows)
    payload = {
        "backtest": _records(summary),
        "series": _records(rows),
        "horizon": config.forecast.horizon,
    }
    if out is not None:
        _write_backtest(out, rows, payload)
    if fmt == "json":
        click.echo(json.dumps(payload, indent=2))
    elif fmt == "csv":
        click.echo(rows.to_csv(index=False), nl=False)
    else:
        click.echo(backtest_table(summary, config.forecast.horizon))


def _records(frame) -> list[dict]:
    from engine.panel.result import _clean

    return _clean(frame.astype(object).to_dict(orient="records"))


def _write_backtest(out: Path, rows, payload: dict) -> None:
    import json

    if out.suffix.lower() == ".json":
        _atomic(out, lambda tmp: Path(tmp).write_text(json.dumps(payload, indent=2) + "\n"))
    elif out.suffix.lower() == ".parquet":
        _atomic(out, lambda tmp: _parquet(rows, tmp))
    else:
        _atomic(out, lambda tmp: rows.to_csv(tmp, index=False))


def _check_usage(out: Path | None, backtest, fields: dict) -> None:
    if out is not None and out.suffix.lower() not in OUT_SUFFIXES:
        raise click.UsageError(f"--out must end in .csv, .json or .parquet, not {out.name!r}")
    given = {f"--{k}": fields.get(k) for k in ("save", "load", "future")}
    for flag, value in given.items():
        if value is not None:
            raise click.UsageError(f"{flag} does not work on a panel yet")


def _panel_flags(message: str) -> str:
    return message.replace("`id`", "--id").replace("`panel`", "--panel")


def _warn(warnings: list[str]) -> None:
    for w in warnings[:SHOWN_WARNINGS]:
        click.echo(f"warning: {flags(w)}", err=True)
    if len(warnings) > SHOWN_WARNINGS:
        click.echo(
            f"warning: ... and {len(warnings) - SHOWN_WARNINGS} more (all in --format json)",
            err=True,
        )


def _iso(dates) -> list[str]:
    from engine.panel.result import iso_dates

    return iso_dates(dates)


def _write(out: Path, frame, result) -> None:
    """--out as CSV, JSON or Parquet."""
    import json

    suffix = out.suffix.lower()
    if suffix == ".json":
        _atomic(
            out, lambda tmp: Path(tmp).write_text(json.dumps(result.to_json(), indent=2) + "\n")
        )
    elif suffix == ".parquet":
        _atomic(out, lambda tmp: _parquet(frame, tmp))
    else:
        _atomic(out, lambda tmp: frame.to_csv(tmp, index=False))


def _atomic(out: Path, write: Callable[[str], None]) -> None:
    """`write` into a temporary file beside `out`, then moved into place: a failed write never
    leaves half a file where an old one was."""
    folder = out.parent if str(out.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=folder)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, out)
    except OSError as e:
        raise click.ClickException(f"cannot write {out}: {e.strerror or e}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _parquet(frame, path: str) -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise click.ClickException(
            "--out .parquet needs pyarrow: pip install 'lstm-tutor[parquet]'"
        ) from None
    kinds = {type(v) for v in frame["id"]}
    ids = frame["id"] if len(kinds) == 1 else frame["id"].astype(str)  # one Parquet type
    frame.assign(id=ids).to_parquet(path, index=False)
