"""Home screen, help, theme and palette, driven through Pilot at 80x24."""

from __future__ import annotations

from textual.widgets import Markdown, OptionList

from tests.app.conftest import drive, notifications, run, wait_for
from tutor.app import TutorApp
from tutor.commands import first_sentence
from tutor.dialogs.help import HelpScreen
from tutor.screens.home import HomeScreen
from tutor.screens.lab import LabScreen


@drive
async def test_home_lists_lessons_grouped_with_progress(app):
    async with run(app) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        options = app.screen.query_one("#lessons", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[0] == "By hand"
        assert "Training" in prompts and "Forecasting" in prompts
        first = next(p for p in prompts if "LSTM forward pass by hand" in p)
        assert f" 0/{app.lesson_info('lstm-forward-pass').n_steps} " in first
        summary = app.screen.query_one("#lesson-summary", Markdown)
        assert "LSTM forward pass" in summary.source


@drive
async def test_help_opens_and_closes(app):
    async with run(app) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


@drive
async def test_theme_toggles(app):
    async with run(app) as pilot:
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is not dark
        await pilot.press("ctrl+t")
        assert app.current_theme.dark is dark


@drive
async def test_unknown_lesson_is_a_notification_not_a_crash(app):
    async with run(app) as pilot:
        app.open_lesson("no-such-lesson")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("no-such-lesson" in m or "no lesson" in m for m in notifications(app))


@drive
async def test_palette_reaches_the_lab_and_the_lessons(app):
    async with run(app) as pilot:
        commands = [c.title for c in app.get_system_commands(app.screen)]
        for title in ("Resume", "Training lab", "Forecast", "Help", "Toggle light/dark"):
            assert title in commands
        await pilot.press("ctrl+p")
        await pilot.press(*"training lab")

        def found() -> bool:
            lists = app.screen.query("CommandList")
            return bool(lists) and lists.first().option_count > 0

        await wait_for(pilot, found, what="palette results")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LabScreen)


@drive
async def test_a_corrupt_progress_file_is_reported_and_set_aside(app, isolated_learner_data):
    isolated_learner_data.mkdir(parents=True, exist_ok=True)
    (isolated_learner_data / "progress.json").write_text("{ not json")
    async with run(app) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        notes = notifications(app)
        assert any("could not be read" in m for m in notes)
    # the unreadable file was set aside, unchanged, under a name the notification gives
    aside = [
        p
        for p in isolated_learner_data.iterdir()
        if p.is_file() and p.name != "progress.json" and p.read_bytes() == b"{ not json"
    ]
    assert len(aside) == 1
    assert any(aside[0].name in m for m in notes)


@drive
async def test_the_theme_is_kept_for_the_next_run(app):
    async with run(app) as pilot:
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        await pilot.pause()
    again = TutorApp()
    async with run(again) as pilot:
        await pilot.pause()
        assert again.current_theme.dark is not dark


@drive
async def test_prerequisites_are_named_by_title_and_flagged(app):
    async with run(app) as pilot:
        await pilot.pause()
        ridership = app.lesson_info("ridership")
        needed = [app.lesson_info(p) for p in ridership.prerequisites]
        assert needed, "lesson 7 builds on earlier lessons"
        text = app.screen.needs_text(ridership)
        for other in needed:
            assert other.title in text
            assert f"{other.id} " not in text  # an id is not a title
        assert "not done yet" in text
        app.open_lesson("ridership")
        await pilot.pause()
        assert any("builds on" in m and needed[0].title in m for m in notifications(app))


def test_palette_descriptions_end_at_a_sentence():
    text = "Unroll a one-unit LSTM. Then compare it with torch, step by step, at length."
    assert first_sentence(text) == "Unroll a one-unit LSTM."
    assert first_sentence("No full stop here") == "No full stop here"
