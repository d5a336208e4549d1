"""Shared helpers for driving the real app through Pilot."""

from __future__ import annotations

import asyncio
import functools

import pytest

from tutor.app import TutorApp


@pytest.fixture
def app() -> TutorApp:
    return TutorApp()


def notifications(app: TutorApp) -> list[str]:
    return [n.message for n in app._notifications]


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
