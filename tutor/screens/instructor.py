"""The instructor's class view (`lstm-tutor serve`, opened with the instructor's code): which
named mistakes the class made at each step of a lesson, as a heatmap, and how far each learner
got. It reads the class's store and changes nothing; learners never reach this screen.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Select, Static

SHADES = ("#1f3b4d", "#2f6f8f", "#c9a227", "#d9622b", "#c0392b")  # few learners .. most


def shade(count: int, most: int) -> Text:
    """A heatmap cell: the number of learners, on a colour that grows with it."""
    if count == 0:
        return Text("·", style="dim", justify="center")
    level = min(len(SHADES) - 1, (count * len(SHADES) - 1) // max(most, 1))
    return Text(f" {count} ", style=f"bold white on {SHADES[level]}", justify="center")


class InstructorScreen(Screen[None]):
    """Steps × named mistakes for one lesson, and the class's progress per lesson."""

    CSS_PATH = "classroom.tcss"
    BINDINGS = [("r", "refresh", "Refresh"), ("ctrl+q", "app.quit", "Quit")]

    def __init__(self, classroom: Any, class_code: str | None = None) -> None:
        super().__init__()
        self.classroom, self.class_code = classroom, class_code

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="class-view"):
            yield Static("", id="class-summary")
            yield Select([], id="class-lesson", prompt="Lesson")
            yield Static("Mistakes: learners per step and named mistake", classes="title")
            yield DataTable(id="heatmap", zebra_stripes=True)
            yield Static("Progress: steps solved per learner and lesson", classes="title")
            yield DataTable(id="class-progress", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        rows = self.classroom.progress(self.class_code)
        names = sorted({r["name"] for r in rows})
        lessons = sorted({r["lesson"] for r in rows})
        self.query_one("#class-summary", Static).update(
            f"{len(self.classroom.learners(self.class_code))} learners signed in · "
            f"{len(names)} answered a step · press r to refresh"
        )
        select = self.query_one("#class-lesson", Select)
        chosen = select.value if select.value in lessons else (lessons[0] if lessons else None)
        select.set_options([(lid, lid) for lid in lessons])
        if chosen is not None:
            select.value = chosen
        self._progress(rows, names, lessons)
        self._heatmap(chosen if isinstance(chosen, str) else None)

    def on_select_changed(self, event: Select.Changed) -> None:
        self._heatmap(event.value if isinstance(event.value, str) else None)

    def _progress(self, rows: list[dict], names: list[str], lessons: list[str]) -> None:
        table = self.query_one("#class-progress", DataTable)
        table.clear(columns=True)
        table.add_columns("learner", *lessons)
        done = {(r["name"], r["lesson"]): r["done"] for r in rows}
        for name in names:
            table.add_row(name, *(str(done.get((name, lid), 0)) for lid in lessons))

    def _heatmap(self, lesson: str | None) -> None:
        table = self.query_one("#heatmap", DataTable)
        table.clear(columns=True)
        if lesson is None:
            return
        found = self.classroom.mistakes(lesson, self.class_code)
        mistakes = sorted({m for what in found.values() for m, _ in what["mistakes"]})
        most = max((n for what in found.values() for _, n in what["mistakes"]), default=1)
        table.add_columns("step", *mistakes, "learners wrong")
        for step, what in found.items():
            counts = dict(what["mistakes"])
            table.add_row(
                step,
                *(shade(counts.get(m, 0), most) for m in mistakes),
                str(what["wrong_learners"]),
            )
