"""The Textual app: `lstm-tutor` with no arguments opens it.

The App only routes between screens and owns what outlives one screen (theme, the lesson
list, stop flags of running trainers); each screen lives in tutor/screens.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterable
from functools import partial

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tutor import learner, settings
from tutor.commands import LessonCommands
from tutor.dialogs.glossary import GlossaryScreen
from tutor.dialogs.help import HelpScreen
from tutor.lessons.problems import LessonError
from tutor.messages import LessonCompleted
from tutor.screens.forecast import ForecastScreen
from tutor.screens.home import HomeScreen
from tutor.screens.lab import LabScreen
from tutor.screens.lesson import LessonScreen
from tutor.screens.too_small import TooSmallScreen, too_small


class TutorApp(App[None]):
    """Lessons, the training lab and the forecast view."""

    CSS_PATH = "app.tcss"
    theme_restored = False  # until on_mount restores the saved theme, changes are not saved
    TITLE = "lstm-tutor"
    COMMANDS = App.COMMANDS | {LessonCommands}
    BINDINGS = [
        Binding("question_mark,f1", "help", "Help", key_display="?", priority=True),
        Binding("ctrl+o", "glossary", "Glossary", show=False, priority=True),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(self, forecast_config: dict | None = None) -> None:
        super().__init__()
        self.stop_events: set[threading.Event] = set()
        self.forecast_config = forecast_config
        self._infos: list | None = None
        self._lesson_screens: dict[tuple[int, str], LessonScreen] = {}  # opened, kept as left

    def on_mount(self) -> None:
        theme = settings.load().get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self.theme_restored = True
        self.push_screen(HomeScreen())
        problem = learner.problem()
        if problem:
            self.notify(problem, title="Progress", severity="warning", timeout=15)
        self.check_size()

    def on_resize(self, event: events.Resize) -> None:
        self.check_size(event.size.width, event.size.height)

    def check_size(self, width: int | None = None, height: int | None = None) -> None:
        """Below the smallest usable size, say so instead of drawing a broken layout."""
        small = too_small(width or self.size.width, height or self.size.height)
        covered = isinstance(self.screen, TooSmallScreen)
        if small and not covered:
            self.push_screen(TooSmallScreen())
        elif covered and not small:
            self.pop_screen()

    # --- lessons -------------------------------------------------------------------------

    def lesson_infos(self) -> list:
        """The shipped lessons' summaries, read from their files once per app."""
        if self._infos is None:
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
        """Push the lesson player; a lesson that fails to load becomes a notification.

        A lesson opened before comes back as the learner left it (its runs' results, curves
        and predictions included): its screen stays installed until the app ends."""
        key = (learner_identity(), lesson_id)  # another learner signed in: their own screens
        screen = self._lesson_screens.get(key)
        if screen is None:
            screen = self._new_lesson_screen(lesson_id, step_id)
            if screen is None:
                return
            self._lesson_screens[key] = screen
            self.install_screen(screen, f"lesson:{len(self._lesson_screens)}:{lesson_id}")
        elif step_id is not None:
            screen.go_to(step_id)
        self.push_screen(screen)
        missing = self.missing_prerequisites(lesson_id)
        if missing:
            self.notify(
                f"This lesson builds on {', '.join(missing)}, not finished yet.",
                title="Before this lesson",
                severity="warning",
            )

    def _new_lesson_screen(self, lesson_id: str, step_id: str | None) -> LessonScreen | None:
        from tutor.lessons.catalog import load_lesson
        from tutor.lessons.runtime import LessonSession

        try:
            session = LessonSession(load_lesson(lesson_id), seed=learner.seed())
        except Exception as exc:  # noqa: BLE001 - LessonError, lookup, reference errors
            problems = exc.problems[:5] if isinstance(exc, LessonError) else [exc]
            detail = "\n".join(str(p) for p in problems)
            self.notify(detail, title=f"Cannot open {lesson_id}", severity="error", timeout=10)
            return None
        return LessonScreen(session, step_id)

    def missing_prerequisites(self, lesson_id: str) -> list[str]:
        """Titles of the lessons `lesson_id` builds on that the learner has not finished."""
        info = self.lesson_info(lesson_id)
        missing = []
        for needed in info.prerequisites if info else []:
            other = self.lesson_info(needed)
            if other is not None:
                done, total = learner.progress(other.id, other.n_steps)
                if done < total:
                    missing.append(f"“{other.title}”")
        return missing

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

    def action_glossary(self) -> None:
        if isinstance(self.screen, GlossaryScreen):
            self.screen.dismiss()
        else:
            self.push_screen(GlossaryScreen())

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def watch_theme(self, theme: str) -> None:
        # every way of changing it (ctrl+t, the palette's theme picker) is kept for next time
        if self.theme_restored:
            settings.save(theme=theme)

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
        yield SystemCommand("Glossary", "Gate, MAE, MASE, decade, ...", self.action_glossary)
        yield from self._screen_commands(screen)

    def _screen_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The current screen's own keys, so the palette reaches every action there too;
        those the app already offers (home's `r` Resume, `f` Forecast) are listed once."""
        offered = {"app.resume", "app.open_lab", "app.open_forecast", "app.help"}
        for binding in screen.BINDINGS:
            if not isinstance(binding, Binding) or binding.action in offered:
                continue
            if binding.description and not binding.system:
                key = binding.key_display or binding.key.split(",")[0]
                yield SystemCommand(
                    binding.description,
                    f"{screen.title or 'this screen'} · key {key}",
                    partial(screen.run_action, binding.action),
                )


def learner_identity() -> int:
    """Which learner's progress is in use (a classroom's sign-in changes it)."""
    try:
        return id(learner.store())
    except Exception:  # noqa: BLE001 - unreadable progress: one anonymous learner
        return 0


def run_app(app: TutorApp | None = None) -> None:
    """Entry point of `lstm-tutor` without arguments (and of a serve session's learner app)."""
    app = app or TutorApp()
    app.run()
    if "torch" in sys.modules:
        # Tearing the interpreter down with torch loaded takes seconds (ctrl+q took ~4 s
        # after training). Nothing is left to save: progress and settings are written at
        # each change and every trainer has stopped. So the process ends here at once.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(app.return_code or 0)
