"""Run steps that ask the learner for a value (lesson 7's data file) before the job starts."""

from pathlib import Path

import pytest

from tutor.lessons.asks import pending_asks
from tutor.lessons.catalog import load_lesson
from tutor.lessons.loading import read_lesson
from tutor.lessons.problems import LessonError, LessonLookupError
from tutor.lessons.runtime import LessonSession

CTA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "cta_ridership_daily.csv"

LESSON = """\
id: asks
title: Asks
summary: A run step that asks for a file and columns.
group: forecasting
steps:
  - id: train
    kind: run
    prompt: Train on your data.
    ask:
      - {key: data, prompt: Path to your CSV, kind: path}
      - {key: targets, prompt: Columns to forecast, kind: list}
    job: {task: forecast, window: 7, horizon: 1, epochs: 1}
"""


@pytest.fixture
def session(tmp_path):
    path = tmp_path / "asks.yaml"
    path.write_text(LESSON)
    return LessonSession(load_lesson(str(path)))


def test_the_answers_fill_the_job(session, tmp_path):
    csv = tmp_path / "mine.csv"
    csv.write_text("date,y\n2020-01-01,1\n")
    spec = session.job_spec("train", {"data": str(csv), "targets": "y, z ,"})
    assert spec == {
        "task": "forecast",
        "window": 7,
        "horizon": 1,
        "epochs": 1,
        "data": str(csv),
        "targets": ["y", "z"],
    }


def test_missing_answers_are_named(session):
    step = session.step("train")
    assert [a.key for a in pending_asks(step, {"targets": "y"})] == ["data"]
    with pytest.raises(LessonLookupError, match="needs data: Path to your CSV"):
        session.job_spec("train", {"targets": "y"})


def test_a_path_that_is_not_a_file_is_refused(session, tmp_path):
    with pytest.raises(LessonLookupError, match="no file at"):
        session.job_spec("train", {"data": str(tmp_path / "nope.csv"), "targets": "y"})


def test_an_ask_key_also_set_in_the_job_is_a_lesson_error(tmp_path):
    path = tmp_path / "asks.yaml"
    path.write_text(LESSON.replace("epochs: 1}", "epochs: 1, data: fixed.csv}"))
    with pytest.raises(LessonError) as info:
        read_lesson(path)
    assert any("also set in `job`" in str(p) for p in info.value.problems)


@pytest.mark.skipif(not CTA.exists(), reason="Chicago CSV not present in ../shared/data")
def test_lesson_seven_trains_on_the_chicago_file_and_beats_naive():
    session = LessonSession(load_lesson("ridership"))
    from engine.jobs import run_job

    for step in ("one_day", "week", "multivariate"):
        spec = session.job_spec(step, {"data": str(CTA)})
        spec["epochs"] = 3
        result = run_job(spec)
        metrics = result.detail.metrics
        assert metrics["model"]["rmse"] < metrics["naive"]["rmse"], step
        assert not result.cancelled
