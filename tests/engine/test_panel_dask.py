"""Panel partitions on a real Dask LocalCluster (worker processes, no mocks) give exactly the
forecasts of the same partitions run one after another in this process."""

from __future__ import annotations

import pandas as pd
import pytest

from engine.forecast import ForecastConfig
from engine.panel.distributed import partition, run_partitions
from engine.panel.run import PanelConfig
from engine.panel.tables import load_panel
from tests.engine.panel_data import seasonal_panel

distributed = pytest.importorskip("distributed")  # the test extra installs it: CI runs this


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_partitions_deal_every_series_once():
    panel = load_panel(seasonal_panel(7))
    parts = partition(panel, 3)
    assert [p.ids for p in parts] == [["s0", "s3", "s6"], ["s1", "s4"], ["s2", "s5"]]


def test_a_local_cluster_equals_the_single_process_run(client):
    df = seasonal_panel(6)
    config = PanelConfig(
        ForecastConfig(data=df, horizon=4, epochs=3, hidden=8, patience=None, intervals=[80]),
        per_series=8,
    )
    here = run_partitions(config, 2)
    there = run_partitions(config, 2, client=client)
    assert distributed.get_worker is not None and len(client.scheduler_info()["workers"]) == 2
    pd.testing.assert_frame_equal(here.forecast_frame(), there.forecast_frame(), check_exact=True)
    pd.testing.assert_frame_equal(here.holdout_frame(), there.holdout_frame(), check_exact=True)
    assert [s.id for s in there.series] == [f"s{i}" for i in range(6)]
    assert len(there.training["partitions"]) == 2
