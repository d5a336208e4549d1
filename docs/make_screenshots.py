"""Save an SVG screenshot of each screen of the app under docs/ (for the README).

    python docs/make_screenshots.py

Runs the real app headless at 80x24 with a throwaway learner data directory, drives it like a
learner would (types answers, trains small models, runs a short forecast) and saves:
docs/screen-home.svg, screen-lesson.svg, screen-lab.svg, screen-forecast.svg, screen-help.svg.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
SIZE = (80, 24)


async def wait_for(pilot, condition, timeout: float = 600.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError("the app did not get there in time")
        await pilot.pause(0.05)


async def shoot() -> list[Path]:
    from textual.widgets import Input

    from tutor.app import TutorApp
    from tutor.screens.lab import LabScreen
    from tutor.screens.lesson import LessonScreen
    from tutor.widgets.training_panel import TrainingPanel

    saved: list[Path] = []
    app = TutorApp()

    def save(name: str) -> None:
        for field in app.screen.query("Input, TextArea"):
            field.cursor_blink = False
        path = Path(app.save_screenshot(f"screen-{name}.svg", str(DOCS)))
        saved.append(path)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        save("home")

        await pilot.press("question_mark")
        await pilot.pause()
        save("help")
        await pilot.press("escape")

        app.open_lesson("lstm-forward-pass", "f0")
        await wait_for(pilot, lambda: isinstance(app.screen, LessonScreen))
        await pilot.pause()  # the answer box takes focus once the screen is mounted
        await pilot.press(*"tanh(z0[0,0])", "enter")
        await pilot.press("ctrl+g")
        await pilot.pause()
        await pilot.pause()
        save("lesson")
        await pilot.press("escape")

        await pilot.press("l")
        await wait_for(pilot, lambda: isinstance(app.screen, LabScreen))
        lab = app.screen
        lab.query_one("#epochs", Input).value = "6"
        await pilot.press("ctrl+s")
        panel = lab.query_one(TrainingPanel)
        await wait_for(pilot, lambda: panel.worker is not None and panel.worker.is_finished)
        await pilot.pause()
        save("lab")
        await pilot.press("escape", "y")  # results on screen: the lab asks before leaving
        await pilot.pause()

        await pilot.press("f")
        await pilot.pause()
        forecast = app.screen
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: forecast.worker is not None and forecast.worker.is_finished)
        await pilot.pause()
        save("forecast")
    return saved


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        os.environ["LSTM_TUTOR_DATA_DIR"] = data_dir
        for path in asyncio.run(shoot()):
            print(path.relative_to(DOCS.parent))


if __name__ == "__main__":
    sys.exit(main())
