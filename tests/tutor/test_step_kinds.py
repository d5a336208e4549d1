"""Each kind of step says what it does, and the runtime does what the step says."""

import pytest

from tutor.lessons import display
from tutor.lessons.catalog import load_lesson, shipped_ids
from tutor.lessons.runtime import LessonSession
from tutor.lessons.schema import STEP_CLASSES, STEP_KINDS


def shipped_steps():
    for lesson_id in shipped_ids():
        lesson = load_lesson(lesson_id)
        session = LessonSession(lesson, 0)
        for step in lesson.steps:
            yield pytest.param(session, step, id=f"{lesson_id}/{step.id}")


def test_every_kind_is_shipped_and_named_by_its_class():
    shipped = {step.kind for p in shipped_steps() for step in p.values[1:]}
    assert shipped == set(STEP_KINDS)
    assert len(STEP_CLASSES) == len(STEP_KINDS)


@pytest.mark.parametrize("cls", STEP_CLASSES, ids=STEP_KINDS)
def test_each_kind_has_words_for_the_answer_box_and_for_nothing_to_answer(cls):
    assert cls.placeholder
    assert bool(cls.unanswered) != cls.answered  # a reason exactly when nothing is judged
    assert not cls.previewed or cls.valued  # a live preview is a value
    assert not cls.formula_only or cls.valued


@pytest.mark.parametrize(("session", "step"), shipped_steps())
def test_the_runtime_does_what_the_step_says(session, step):
    verdict = session.check(step.id, "a")
    refused = f'step "{step.id}" is' in (verdict.error or "")
    assert refused != step.answered
    if refused:
        assert step.unanswered in verdict.error
    assert (session.preview(step.id, "1").value is not None) == step.previewed
    assert bool(session.choices(step.id)) == step.offers_choices
    assert bool(session.answer_format(step.id)) == (step.kind == "numeric")
    revealed = session.reveal(step.id)
    assert bool(revealed) == step.answered
    if step.valued and not step.formula_only and session.pending_on(step.id) is None:
        assert revealed == display.exact(session.expected(step.id))
    listed = step.listed(session.choices(step.id))
    assert ("choices" in listed) == step.offers_choices
    assert ("job" in listed) == step.runs_job


@pytest.mark.parametrize(("session", "step"), shipped_steps())
def test_a_run_step_alone_hands_out_a_job(session, step):
    if step.runs_job:
        assert session.job_spec(step.id, {a.key: __file__ for a in step.ask})["task"]
    else:
        with pytest.raises(Exception, match="not a run step"):
            session.job_spec(step.id)
