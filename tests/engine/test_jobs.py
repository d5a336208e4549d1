"""Jobs: the lessons' run steps and the training lab."""

from __future__ import annotations

import pytest

from engine.events import BatchEnd, EpochEnd, TrainingDone
from engine.job_spec import validate_spec
from engine.jobs import run_job

TINY = {"hidden": 4, "epochs": 2, "n_train": 40, "n_val": 20, "length": 8, "batch_size": 20}


def test_maxmin_trains_each_model_with_events_tagged_by_run():
    events = []
    spec = {"task": "maxmin", "models": ["rnn", "lstm", "gru"], **TINY}
    result = run_job(spec, on_event=events.append)
    assert list(result.runs) == ["rnn", "lstm", "gru"]
    for name in ("rnn", "lstm", "gru"):
        mine = [e for e in events if e.run == name]
        assert [type(e) for e in mine if not isinstance(e, BatchEnd)] == [
            EpochEnd,
            EpochEnd,
            TrainingDone,
        ]
        run = result.runs[name]
        assert run["metrics"]["mae"] > 0 and len(run["history"]["train_loss"]) == 2
        assert name in result.summary
    # runs are one after the other: all of rnn's events precede lstm's
    order = [e.run for e in events]
    assert order.index("lstm") > max(i for i, r in enumerate(order) if r == "rnn")


def test_cancel_mid_job_marks_the_rest_cancelled():
    calls = {"n": 0}

    def should_stop():
        calls["n"] += 1
        return calls["n"] > 3

    events = []
    spec = {"task": "maxmin", "models": ["rnn", "gru"], **TINY}
    result = run_job(spec, on_event=events.append, should_stop=should_stop)
    assert result.cancelled
    done = [e for e in events if isinstance(e, TrainingDone)]
    assert [(e.run, e.reason) for e in done] == [("rnn", "cancelled"), ("gru", "cancelled")]
    assert result.runs["gru"]["epochs_run"] == 0


def test_sine_reports_test_mse_and_the_forecast():
    spec = {"task": "sine", "hidden": 8, "epochs": 2, "n_points": 200, "window": 20}
    result = run_job(spec)
    run = result.runs["lstm"]
    assert len(run["forecast"]) == 40 == len(run["actual"])
    assert run["metrics"]["test_mse"] >= 0 and "test MSE" in result.summary


def test_forget_bias_compares_two_lstms():
    spec = {"task": "forget_bias", **TINY}
    result = run_job(spec)
    assert list(result.runs) == ["forget_bias_0", "forget_bias_1"]
    assert all("mae" in r["metrics"] for r in result.runs.values())


def test_validate_spec_names_the_bad_key_with_did_you_mean():
    problems = validate_spec({"task": "maxmin", "hiden": 4})
    assert len(problems) == 1 and "'hiden'" in problems[0]
    assert "did you mean 'hidden'" in problems[0]
    assert "did you mean" not in validate_spec({"task": "maxmin", "zzz": 1})[0]
    assert "did you mean 'sine'" in validate_spec({"task": "sin"})[0]
    assert "did you mean 'lstm'" in validate_spec({"task": "maxmin", "models": ["lsmt"]})[0]
    assert validate_spec({"task": "maxmin", "epochs": 0}) == [
        "epochs must be between 1 and 1000, not 0"
    ]
    assert validate_spec({"task": "maxmin", "lr": "fast"}) == ["lr must be a number, not 'fast'"]
    assert validate_spec({"task": "maxmin", **TINY}) == []
    assert validate_spec({"epochs": 3})[0].startswith("missing key 'task'")


def test_run_job_refuses_a_bad_spec_with_a_clear_error():
    with pytest.raises(ValueError, match="unknown key 'epoch'.*did you mean 'epochs'"):
        run_job({"task": "maxmin", "epoch": 3})


def test_forecast_task_delegates_to_the_pipeline():
    events = []
    spec = {"task": "forecast", "dataset": "sine", "epochs": 2, "hidden": 4, "horizon": 3}
    result = run_job(spec, on_event=events.append)
    (name,) = result.runs
    assert name == "lstm" and {e.run for e in events} == {"lstm"}
    metrics = result.runs[name]["metrics"]
    assert {"model", "naive", "seasonal_naive"} <= set(metrics)
    assert result.runs[name]["epochs_run"] == 2 and "seasonal_naive" in result.summary
    assert result.detail is not None


def test_forecast_spec_problems_come_from_the_pipeline_with_did_you_mean():
    problems = validate_spec({"task": "forecast", "epoch": 3})
    assert (
        len(problems) == 1 and "'epoch'" in problems[0] and "did you mean 'epochs'" in problems[0]
    )
