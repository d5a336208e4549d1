"""Shared helpers for driving the real app through Pilot."""

from __future__ import annotations

import asyncio
import functools
import weakref

import pytest
from textual import events
from textual.notifications import Notify

from tutor.app import TutorApp
from tutor.screens.lab import LabScreen
from tutor.screens.lesson import LessonScreen
from tutor.widgets.answer_box import AnswerBox

FIRST_LESSON = "lstm-forward-pass"
SMALL_LAB = {"n_train": 200, "n_val": 50, "length": 20, "batch_size": 50}  # fast epochs

_seen: weakref.WeakKeyDictionary[TutorApp, list[str]] = weakref.WeakKeyDictionary()


@pytest.fixture
def app() -> TutorApp:
    return TutorApp()


def run(app: TutorApp, size: tuple[int, int] = (80, 24)):
    """`app.run_test`, recording every notification the app shows (through a message hook)."""
    seen = _seen.setdefault(app, [])

    def hook(message) -> None:
        if isinstance(message, Notify):
            seen.append(message.notification.message)

    return app.run_test(size=size, message_hook=hook)


def notifications(app: TutorApp) -> list[str]:
    """The messages of the notifications shown so far by an app started with `run`."""
    return list(_seen.get(app, []))


def drive(test):
    """Run an async Pilot scenario as a plain test (no asyncio plugin needed)."""

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return wrapper


async def wait_for(pilot, condition, timeout: float = 30.0, what: str = "condition") -> None:
    """Let the app run until `condition()` holds; fail (not hang) after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def open_lesson(app, pilot, step: str | None = None, lesson: str = FIRST_LESSON):
    """Open a lesson (an id or a file's path) at `step` and wait for its player."""
    app.open_lesson(lesson, step)
    await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen), what="lesson screen")
    await pilot.pause()
    return app.screen


async def open_lab(app, pilot) -> LabScreen:
    """The training lab on small data, so an epoch takes a moment."""
    app.push_screen(LabScreen(extra_spec=SMALL_LAB))
    await wait_for(pilot, lambda: isinstance(app.screen, LabScreen), what="lab")
    await pilot.pause()
    return app.screen


async def submit(pilot, text: str) -> None:
    """Replace the answer box's text (pasted, as a learner would) and press enter."""
    answer = pilot.app.screen.query_one("#answer", AnswerBox)
    answer.value = ""
    if text:
        answer.post_message(events.Paste(text))
        await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


def answered_before(step_id: str, lesson: str = FIRST_LESSON) -> None:
    """Save every step before `step_id` as answered, as a learner who got there would have."""
    from tutor import learner
    from tutor.lessons.catalog import load_lesson

    for step in load_lesson(lesson).steps:
        if step.id == step_id:
            return
        learner.record(lesson, step.id, "", True)


def screen_line(widget) -> str:
    """The first row of `widget` as drawn on screen."""
    return "".join(segment.text for segment in widget.render_line(0))
