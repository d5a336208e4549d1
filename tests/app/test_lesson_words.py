"""What the learner reads names the tutorials it follows, not the project's private numbering
("seed 000's network"); lesson 9's intro says the precision its steps ask for."""

from __future__ import annotations

import re

from tutor.lessons.catalog import list_lessons, load_lesson

JARGON = re.compile(r"\bseeds? \d{3}\b|\bthe seed\b|\bseed's\b", re.IGNORECASE)


def learner_texts(lesson) -> list[str]:
    texts = [lesson.title, lesson.summary]
    for step in lesson.steps:
        texts += [step.title or "", step.prompt, *step.hints, step.explanation or ""]
        for choice in getattr(step, "choices", None) or []:
            texts += [choice.text, choice.feedback or ""]
        predict = getattr(step, "predict", None)
        if predict is not None:
            texts += [predict.prompt, *(c.text for c in predict.choices)]
    return texts


def test_no_lesson_calls_a_tutorial_by_its_seed_number():
    found = [
        (info.id, match.group(0), text[:60])
        for info in list_lessons()
        for text in learner_texts(load_lesson(info.id))
        for match in JARGON.finditer(text)
    ]
    assert found == []


def test_lesson_nine_says_the_precision_its_steps_ask_for():
    lesson = load_lesson("lstm-backprop-one-step")
    intro = lesson.steps[0].prompt
    asked = {s.precision_spec.figures for s in lesson.steps if hasattr(s, "precision_spec")}
    for figures in asked:
        assert f"{figures} for" in intro or f"{figures} significant" in intro, figures
