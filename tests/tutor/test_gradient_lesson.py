"""Lesson 11 (exploding and vanishing gradients) walked with its real runs: predictions judged
by the runs' results, results usable by later steps, and run results absent until the run."""

import numpy as np
import pytest

from engine.jobs import run_job
from tutor.lessons.catalog import load_lesson
from tutor.lessons.runtime import LessonSession

LESSON = "exploding-vanishing-gradients"


@pytest.fixture(scope="module")
def walked():
    session = LessonSession(load_lesson(LESSON))
    runs = {}
    for step in session.steps:
        if step.kind == "run":
            runs[step.id] = run_job(session.job_spec(step.id))
    return session, runs


def test_steps_after_a_run_wait_for_it():
    session = LessonSession(load_lesson(LESSON))
    assert session.pending_on("rnn_decades") == "measure"
    result = session.check("rnn_decades", "12")
    assert result.error is not None and "measure" in result.error
    assert "(known after the run)" in session.prompt("rnn_decades")
    assert session.check_prediction("measure", "a").error is not None  # not run yet


def test_the_runs_show_what_the_lesson_claims(walked):
    _, runs = walked
    metrics = {k: v["metrics"] for k, v in runs["measure"].runs.items()}
    # vanishing: the simple RNN's gradient falls by decades on the way back; the GRU keeps most
    assert metrics["gru"]["norm_first"] > 10 * metrics["rnn"]["norm_first"]
    assert metrics["gru"]["norm_first"] > metrics["lstm"]["norm_first"]
    assert metrics["rnn"]["decades"] > 2
    # exploding: without clipping the loss grows by orders of magnitude, with clipping it falls
    no_clip = runs["no_clip"].runs["rnn"]["history"]["train_loss"]
    clipped = runs["clipped"].runs["rnn"]["history"]["train_loss"]
    assert no_clip[-1] > 100 * no_clip[0]
    assert clipped[-1] < clipped[0]
    assert "gradient_norms" in runs["measure"].summary and "rnn" in runs["measure"].summary


def test_walked_with_predictions_and_results(walked):
    session, runs = walked
    for step_id, job in runs.items():
        values = session.record_results(step_id, job.runs)
        assert values and all(np.isfinite(v) for v in values.values())
    assert session.check_prediction("measure", "c").correct  # the GRU
    assert not session.check_prediction("measure", "a").correct
    verdict = session.check_prediction("no_clip", "yes")
    assert not verdict.correct and "no" in verdict.feedback
    assert session.check_prediction("clipped", "a").correct

    g = session.givens_for("clip_factor")
    decades = np.log10(g["rnn_last"] / g["rnn_first"])
    assert session.check("rnn_decades", f"{float(decades):.3f}").correct
    wrong = session.check("rnn_decades", "log(rnn_last / rnn_first)")
    assert not wrong.correct and wrong.mistake == "authored"
    assert session.check("gru_vs_rnn", "log(gru_first / rnn_first) / log(10)").correct
    assert session.check("clip_factor", "log(final_loss / clipped_final) / log(10)").correct
    text = "Scales the whole gradient down to norm 1, keeping its direction"
    assert session.check("what_clipping_does", text).correct
    assert session.pending_on("clip_factor") is None
