"""The Textual app: `lstm-tutor` with no arguments opens it.

The App only routes between screens and owns what outlives one screen (theme, the lesson
list, stop flags of running trainers); each screen lives in tutor/screens.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tutor import learner
from tutor.commands import LessonCommands
from tutor.dialogs.help import HelpScreen
from tutor.messages import LessonCompleted
from tutor.screens.forecast import ForecastScreen
from tutor.screens.home import HomeScreen
from tutor.screens.lab import LabScreen
from tutor.screens.lesson import LessonScreen


class TutorApp(App[None]):
    """Lessons, the training lab and the forecast view."""

    CSS_PATH = "app.tcss"
    TITLE = "lstm-tutor"
    COMMANDS = App.COMMANDS | {LessonCommands}
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", key_display="?", priority=True),
        Binding("ctrl+t", "toggle_theme", "Theme"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, forecast_config: dict | None = None) -> None:
        super().__init__()
        self.stop_events: set[threading.Event] = set()
        self.forecast_config = forecast_config
        self._infos: list | None = None

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        problem = learner.problem()
        if problem:
            self.notify(problem, title="Progress", severity="warning", timeout=15)

    # --- lessons -------------------------------------------------------------------------

    def lesson_infos(self, refresh: bool = False) -> list:
        if self._infos is None or refresh:
            from tutor.lessons.catalog import list_lessons

            try:
                self._infos = list_lessons()
            except Exception as exc:  # noqa: BLE001 - an empty home beats a crash
                self.notify(f"Could not list the lessons: {exc}", severity="error")
                self._infos = []
        return self._infos

    def lesson_info(self, lesson_id: str):
        return next((i for i in self.lesson_infos() if i.id == lesson_id), None)

    def open_lesson(self, lesson_id: str, step_id: str | None = None) -> None:
        """Push the lesson player; a lesson that fails to load becomes a notification."""
        from tutor.lessons.catalog import load_lesson
        from tutor.lessons.runtime import LessonSession

        try:
            session = LessonSession(load_lesson(lesson_id), seed=learner.seed())
        except Exception as exc:  # noqa: BLE001 - LessonError, lookup, reference errors
            problems = getattr(exc, "problems", None)
            detail = "\n".join(str(p) for p in problems[:5]) if problems else str(exc)
            self.notify(detail, title=f"Cannot open {lesson_id}", severity="error", timeout=10)
            return
        self.push_screen(LessonScreen(session, step_id))

    def on_lesson_completed(self, event: LessonCompleted) -> None:
        """Point the learner at the next lesson they have not finished."""
        infos = self.lesson_infos()
        ids = [i.id for i in infos]
        later = infos[ids.index(event.lesson_id) + 1 :] if event.lesson_id in ids else infos
        for info in later:
            done, total = learner.progress(info.id, info.n_steps)
            if done < total:
                self.notify(f"Next up: {info.title} (escape, then pick it).", title="Next")
                return

    # --- actions -------------------------------------------------------------------------

    def action_resume(self) -> None:
        position = learner.last_position()
        if position is None:
            infos = self.lesson_infos()
            if not infos:
                self.notify("No lessons to resume.", severity="warning")
                return
            position = (infos[0].id, None)
        self.open_lesson(*position)

    def action_open_lab(self) -> None:
        self.push_screen(LabScreen())

    def action_open_forecast(self) -> None:
        self.push_screen(ForecastScreen(config=self.forecast_config))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
        else:
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    async def action_quit(self) -> None:
        # trainers poll these between batches, so their threads end and the process exits
        for event in list(self.stop_events):
            event.set()
        self.workers.cancel_all()
        self.exit()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Resume", "Continue where you left off", self.action_resume)
        yield SystemCommand("Training lab", "Train RNN, LSTM and GRU models", self.action_open_lab)
        yield SystemCommand("Forecast", "Forecast the built-in data set", self.action_open_forecast)
        yield SystemCommand("Help", "Keys and formula syntax", self.action_help)
        yield SystemCommand("Toggle light/dark", "Switch the theme", self.action_toggle_theme)
        # the current screen's own keys, so the palette reaches every action there too
        for binding in getattr(screen, "BINDINGS", []):
            if isinstance(binding, Binding) and binding.description and binding.show:
                key = binding.key_display or binding.key.split(",")[0]
                yield SystemCommand(
                    binding.description,
                    f"{screen.title or 'this screen'} · key {key}",
                    partial(screen.run_action, binding.action),
                )


def run_app() -> None:
    """Entry point of `lstm-tutor` without arguments."""
    TutorApp().run()
