"""Shared helpers for driving the real app through Pilot."""

from __future__ import annotations

import asyncio
import functools
import weakref

import pytest
from textual.notifications import Notify

from tutor.app import TutorApp

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
