"""The classroom's cap on a visitor's training: it refuses a big job, and every shipped
lesson's run steps stay within it."""

from __future__ import annotations

import pytest

from engine import job_spec
from tutor.classroom.limits import CLASS_LIMITS, cap_training
from tutor.lessons.catalog import list_lessons, load_lesson
from tutor.lessons.schema import RunStep
from tutor.lessons.validation import _stand_ins, job_problems


@pytest.fixture
def capped(monkeypatch):
    monkeypatch.setattr(job_spec, "LIMITS", dict(job_spec.LIMITS))  # undone after the test
    cap_training()


def test_a_big_job_is_refused_with_the_class_bound(capped):
    problems = job_spec.validate_spec({"task": "maxmin", "hidden": 512, "epochs": 1000})
    assert f"hidden must be between 1 and {CLASS_LIMITS['hidden']}, not 512" in problems
    assert any("epochs must be between" in p for p in problems)


def test_serve_caps_its_visitors_unless_told_not_to(tmp_path):
    from tutor.cli_serve import session_command

    assert "--no-training-cap" not in session_command(tmp_path)
    assert session_command(tmp_path, capped=False).endswith("--no-training-cap")


def test_the_cap_never_widens_a_limit(capped):
    cap_training({"hidden": 10**9})
    assert job_spec.LIMITS["hidden"][1] == CLASS_LIMITS["hidden"]


def test_every_lessons_run_steps_fit_the_cap(capped):
    specs = [
        {**step.job, **_stand_ins(step)}
        for info in list_lessons()
        for step in load_lesson(info.id).steps
        if isinstance(step, RunStep)
    ]
    assert len(specs) >= 5
    assert job_problems(specs) == [[] for _ in specs]
