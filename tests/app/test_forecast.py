"""The forecast view on the built-in data: a tiny, fast run; plot, metrics and CSV export."""

from __future__ import annotations

import csv

from textual.widgets import DataTable, Input
from textual.worker import WorkerState

from tests.app.conftest import drive, notifications, run, wait_for
from tutor.screens.forecast import ForecastScreen, axis_ticks, holdout_span

TINY = {"hidden": 8, "window": 14, "horizon": 7}


async def run_forecast(app, pilot) -> ForecastScreen:
    app.push_screen(ForecastScreen(epochs=2, config=TINY))
    await wait_for(pilot, lambda: isinstance(app.screen, ForecastScreen), what="forecast")
    screen = app.screen
    await pilot.press("ctrl+s")
    assert screen.worker is not None
    await app.workers.wait_for_complete([screen.worker])
    await pilot.pause()
    assert screen.worker.state == WorkerState.SUCCESS, screen.worker.error
    return screen


@drive
async def test_forecast_plots_holdout_and_compares_baselines(app, tmp_path):
    async with run(app) as pilot:
        screen = await run_forecast(app, pilot)
        table = screen.query_one("#fc-metrics", DataTable)
        headings = [str(c.label) for c in table.columns.values()]
        assert headings[:4] == ["metric", "model", "naive", "seasonal"]
        assert table.row_count >= 2  # mae, rmse, ...
        target_name, points = screen.plotted
        assert target_name == screen.result.targets[0] and points > 0
        status = str(screen.query_one("#fc-status").render())
        assert f"forecast by {screen.result.forecast_by()}" in status  # what made the numbers

        # export: a good path writes the CSV, a bad one is a notification
        target = tmp_path / "forecast.csv"
        path = screen.query_one("#fc-path", Input)
        path.value = str(target)
        await pilot.press("ctrl+e")
        await pilot.pause()
        rows = list(csv.DictReader(target.open()))
        assert len(rows) == TINY["horizon"] and "date" in rows[0]
        assert any("written" in m for m in notifications(app))

        path.value = str(tmp_path / "no-such-folder" / "f.csv")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert any(m.startswith("Could not write") for m in notifications(app))
        assert app.is_running  # the app did not crash


@drive
async def test_export_before_running_says_what_to_do(app):
    async with run(app) as pilot:
        app.push_screen(ForecastScreen(epochs=2, config=TINY))
        await wait_for(pilot, lambda: isinstance(app.screen, ForecastScreen), what="forecast")
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert any("Run the forecast first" in m for m in notifications(app))


@drive
async def test_a_bad_config_is_a_notification(app):
    async with run(app) as pilot:
        app.push_screen(ForecastScreen(epochs=2, config={**TINY, "window": -3}))
        await wait_for(pilot, lambda: isinstance(app.screen, ForecastScreen), what="forecast")
        screen = app.screen
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.worker.is_finished, what="the worker to fail")
        await pilot.pause()
        assert screen.worker.state == WorkerState.ERROR
        assert any("Forecast failed" in m for m in notifications(app))


@drive
async def test_forecast_is_drawn_and_exported_to_the_folder_it_names(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the stated folder: where the app was started
    async with run(app) as pilot:
        screen = await run_forecast(app, pilot)
        # the days after the data are on screen, not only in the CSV
        # the actual line drawn last, over the model's; where the holdout starts is said
        assert screen.plotted_kinds == ["predicted", "forecast", "actual"]
        first = str(screen.result.holdout["date"].iloc[0])[:10]
        assert f"holdout from {first}" in str(screen.query_one("#fc-legend").render())
        stated = str(screen.query_one("#fc-export-to").render())
        assert str(tmp_path.resolve() / "forecast.csv") in stated.replace("\n", "")
        await pilot.press("ctrl+e")  # no path typed: the one on screen
        await pilot.pause()
        written = tmp_path / "forecast.csv"
        assert written.exists()
        assert any(str(written.resolve()) in m for m in notifications(app))  # the full path
        # the metrics say which way is good and what they mean
        assert "lower is better" in str(screen.query_one(".section-title").render())
        assert "mase" in str(screen.query_one("#fc-help").render())


@drive
async def test_the_trained_networks_gates_over_its_last_window_are_shown(app):
    from textual.widgets import Collapsible

    from tutor.widgets.gate_heatmap import GateHeatmap

    async with run(app) as pilot:
        screen = await run_forecast(app, pilot)
        gates = screen.gates
        assert gates is not None and gates.problem is None, gates
        # an LSTM of TINY's 8 units over the 14-day window it forecast from
        assert set(gates.activity) >= {"i", "f", "g", "o"}
        assert gates.activity["f"].shape == (TINY["window"], TINY["hidden"])
        last = str(screen.result.forecast["date"].iloc[0])[:10]
        assert gates.last < last  # the window ends where the data does, before the forecast
        fold = screen.query_one("#fc-gates", Collapsible)
        assert fold.display and fold.collapsed and f"last {TINY['window']} steps" in fold.title
        assert gates.last in gates.caption
        assert len(fold.query(GateHeatmap)) == 1


def test_a_holdout_plot_that_ends_before_the_data_says_so():
    import pandas as pd

    holdout = pd.DataFrame({"date": pd.date_range("2024-03-01", periods=21, freq="D")})
    later = pd.DataFrame({"date": pd.date_range("2024-03-25", periods=7, freq="D")})
    assert holdout_span(holdout, later) == (
        "holdout from 2024-03-01 (its last 3 steps: scored, not plotted)"
    )
    right_after = pd.DataFrame({"date": pd.date_range("2024-03-22", periods=7, freq="D")})
    assert holdout_span(holdout, right_after) == "holdout from 2024-03-01"


def test_the_y_axis_is_written_like_the_metrics_table():
    ticks, labels = axis_ticks([52_000.0, 1_452_974.9])
    assert labels[0] == "52k" and labels[-1] == "1.45M"
    assert all("." not in label or label[-1] in "kM" for label in labels)
    assert len(ticks) == len(labels)
