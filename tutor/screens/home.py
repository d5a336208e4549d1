"""Home: the lessons grouped by kind, each with its progress, and the way into the tools."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, OptionList
from textual.widgets.option_list import Option

from tutor import learner

SIDE_AND_MARGINS = 42  # summary panel (28), borders, padding, progress column, scrollbar
GROUPS = (("by-hand", "By hand"), ("training", "Training"), ("forecasting", "Forecasting"))
TOOLS = (("tool:lab", "Training lab", "Train RNN, LSTM and GRU models side by side."),
         ("tool:forecast", "Forecast view", "Forecast the built-in transit data set."))  # fmt: skip


class HomeScreen(Screen[None]):
    """The curriculum with progress; enter opens, r resumes."""

    BINDINGS = [
        Binding("enter", "open_highlighted", "Open", key_display="⏎", priority=True),
        Binding("r", "app.resume", "Resume"),
        Binding("l", "app.open_lab", "Lab"),
        Binding("f", "app.open_forecast", "Forecast"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield OptionList(id="lessons")
            with VerticalScroll(id="lesson-info"):
                yield Markdown("", id="lesson-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_lessons()

    def on_screen_resume(self) -> None:
        self.refresh_lessons()  # progress changed while a lesson was open

    def on_resize(self) -> None:
        self.refresh_lessons()  # titles are cut to the new width

    def refresh_lessons(self) -> None:
        """Rebuild the list from the catalog the app read once, with today's progress."""
        option_list = self.query_one("#lessons", OptionList)
        highlighted = option_list.highlighted_option
        keep = highlighted.id if highlighted else None
        option_list.clear_options()
        infos = self.app.lesson_infos()  # type: ignore[attr-defined]
        for group, heading in GROUPS:
            members = [info for info in infos if info.group == group]
            option_list.add_option(Option(Text(heading, style="bold"), disabled=True))
            if not members:
                option_list.add_option(Option(Text("  (none yet)", style="dim"), disabled=True))
            for info in members:
                option_list.add_option(Option(self._line(info), id=f"lesson:{info.id}"))
        option_list.add_option(Option(Text("Tools", style="bold"), disabled=True))
        for option_id, title, _ in TOOLS:
            option_list.add_option(Option(Text(f"  {title}"), id=option_id))
        ids = [option_list.get_option_at_index(i).id for i in range(option_list.option_count)]
        target = keep if keep and keep in ids else next((i for i in ids if i), None)
        if target:
            option_list.highlighted = ids.index(target)
            self.summarise(target)
        option_list.focus()

    def _line(self, info) -> Text:
        done, total = learner.progress(info.id, info.n_steps)
        mark = "✓" if total and done >= total else ("•" if done else " ")
        line = Text(f" {mark} ")
        line.append(f"{done:>2}/{total:<2} ", style="dim")
        # one line per lesson: the list wraps long prompts, so shorten them to the room there is
        room = max(16, self.app.size.width - SIDE_AND_MARGINS)
        title = info.title if len(info.title) <= room else info.title[: room - 1] + "…"
        line.append(title)
        return line

    @on(OptionList.OptionHighlighted, "#lessons")
    def _show_summary(self, event: OptionList.OptionHighlighted) -> None:
        self.summarise(event.option.id or "")

    def summarise(self, option_id: str) -> None:
        """Describe the highlighted lesson or tool beside the list."""
        summary = self.query_one("#lesson-summary", Markdown)
        for tool_id, title, text in TOOLS:
            if option_id == tool_id:
                summary.update(f"## {title}\n\n`enter` opens it.\n\n{text}")
                return
        info = self.app.lesson_info(option_id.removeprefix("lesson:"))  # type: ignore[attr-defined]
        if info is None:
            summary.update("")
            return
        done, total = learner.progress(info.id, info.n_steps)
        summary.update(
            f"## {info.title}\n\n**{done} of {total} steps** done · `enter` opens it\n\n"
            f"{self.needs_text(info)}{info.summary}"
        )

    def needs_text(self, info) -> str:
        """The lessons this one builds on, by title, flagged when not finished yet."""
        lines = []
        for needed in info.prerequisites:
            other = self.app.lesson_info(needed)  # type: ignore[attr-defined]
            if other is None:
                continue
            done, total = learner.progress(other.id, other.n_steps)
            mark = "✓" if done >= total else "**not done yet**"
            lines.append(f"- {other.title} {mark}")
        return "**Builds on**\n\n" + "\n".join(lines) + "\n\n" if lines else ""

    def action_open_highlighted(self) -> None:
        option_list = self.query_one("#lessons", OptionList)
        if option_list.highlighted is not None:
            option_list.action_select()

    @on(OptionList.OptionSelected, "#lessons")
    def _open(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id == "tool:lab":
            self.app.action_open_lab()  # type: ignore[attr-defined]
        elif option_id == "tool:forecast":
            self.app.action_open_forecast()  # type: ignore[attr-defined]
        elif option_id.startswith("lesson:"):
            self.app.open_lesson(option_id.removeprefix("lesson:"))  # type: ignore[attr-defined]
