"""A panel in partitions, each with its own global network, run side by side on Dask
distributed (`workers`: a LocalCluster on this machine; `scheduler`: a running cluster).

Partitions are independent work: each task gets its series, the settled config (the whole
panel's window and network size) and its seed explicitly, sets torch's threads itself
(fit_global), and returns numbers only, so the same partitions run in one process give the
same forecasts to the last bit. Series are dealt to partitions round-robin in the table's
order, so every partition sees long and short series alike.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from engine.forecast.config import ForecastError
from engine.panel.result import PanelResult
from engine.panel.run import PanelConfig, checked_panel, run_panel, settle
from engine.panel.tables import PanelData


def partition(panel: PanelData, n: int) -> list[PanelData]:
    """The panel dealt into (at most) n partitions, round-robin in the table's order."""
    keys = panel.ids
    n = max(1, min(int(n), len(keys)))
    parts = []
    for k in range(n):
        mine = keys[k::n]
        parts.append(
            dataclasses.replace(panel, series={key: panel.series[key] for key in mine}, warnings=[])
        )
    return parts


def _run_part(config: PanelConfig, part: PanelData) -> PanelResult:
    """One task: a partition's own global network (seeded by config.forecast.seed)."""
    return run_panel(config, part)


def run_partitions(
    config: PanelConfig,
    partitions: int,
    *,
    client: Any = None,
    panel: PanelData | None = None,
) -> PanelResult:
    """The panel forecast in `partitions` parts: on a dask.distributed Client when given,
    else one after another in this process (the reference the cluster must equal)."""
    config, panel = checked_panel(config, panel)
    cfg = config.forecast
    settled, notes = settle(cfg, panel)
    part_config = dataclasses.replace(config, forecast=dataclasses.replace(settled, data=None))
    parts = partition(panel, partitions)
    if client is None:
        results = [_run_part(part_config, p) for p in parts]
    else:
        futures = [client.submit(_run_part, part_config, p, pure=False) for p in parts]
        results = client.gather(futures)
    return merge(panel, results, notes)


def merge(panel: PanelData, results: list[PanelResult], notes: list[str]) -> PanelResult:
    """The partitions' results as one, in the table's order of series."""
    by_id = {s.id: s for r in results for s in r.series}
    first = results[0]
    warnings = list(panel.warnings) + [w for r in results for w in r.warnings]
    return dataclasses.replace(
        first,
        series=[by_id[k] for k in panel.ids],
        warnings=list(dict.fromkeys(warnings)),
        notes=list(dict.fromkeys(notes + [n for r in results for n in r.notes])),
        training={
            "partitions": [r.training for r in results],
            "seconds": sum(r.training.get("seconds", 0.0) for r in results),
        },
    )


def connect(workers: int | None = None, scheduler: str | None = None):
    """(client, cluster): a LocalCluster of `workers` processes (one thread each), or a
    client of the running scheduler at `scheduler`. The caller closes both."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ForecastError(
            "`workers` and `scheduler` need Dask distributed: pip install 'lstm-tutor[dask]'"
        ) from None
    if scheduler is not None:
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError) as e:
            raise ForecastError(f"no Dask scheduler answers at {scheduler}: {e}") from None
    # the nanny's notes (a slow worker killed on close) are not the user's business
    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
        silence_logs=logging.ERROR,
    )  # fmt: skip
    return Client(cluster), cluster


def workers_of(client) -> int:
    """How many workers a client's cluster has (at least one)."""
    return max(1, len(client.scheduler_info().get("workers", {})))
