"""The lesson player updates what changed: a reactive step index redraws the step, an answer
only its own parts, progress is written once per answer; the home screen reads the lesson
files once; `?`, ctrl+u and ctrl+n do what the footer and help say."""

from __future__ import annotations

from textual import events
from textual.widgets import Markdown

from tests.app.conftest import drive, open_lesson, run, screen_line, submit, wait_for
from tutor import learner
from tutor.dialogs.help import HelpScreen
from tutor.screens.home import HomeScreen
from tutor.screens.lesson import LessonScreen
from tutor.widgets.answer_box import AnswerBox
from tutor.widgets.givens_table import GivensTable
from tutor.widgets.step_parts import StepTitle


def count_calls(monkeypatch, module, *names: str) -> list[str]:
    """Calls of `module.<name>` (still doing their work), in order."""
    calls: list[str] = []
    for name in names:
        original = getattr(module, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return calls


@drive
async def test_one_answer_is_one_write_to_the_progress_file(app, monkeypatch):
    async with run(app) as pilot:
        await open_lesson(app, pilot, "f0")
        writes = count_calls(monkeypatch, learner, "record", "set_position", "mark_complete")
        await submit(pilot, "tanh(z0[0, 0])")  # wrong
        assert writes == ["record"]
        writes.clear()
        await submit(pilot, "sigmoid(z0[0, 0])")  # right
        assert writes == ["record"]
        writes.clear()
        await pilot.press("enter")  # on to the next step: its place is kept
        assert writes == ["set_position"]


@drive
async def test_an_answer_redraws_its_feedback_not_the_prompt(app, monkeypatch):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "f0")
        prompt = screen.query_one("#prompt", Markdown)
        updates = count_calls(monkeypatch, prompt, "update")
        await submit(pilot, "tanh(z0[0, 0])")
        assert "✗" in screen.query_one("#feedback", Markdown).source
        assert updates == []  # the prompt did not change, so it is not drawn again


@drive
async def test_the_step_index_is_reactive(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "f0")
        screen.index = screen.index + 2
        await pilot.pause()
        assert screen.step.id == "c_hat0"
        assert "Candidate" in screen_line(screen.query_one(StepTitle))
        assert learner.last_position() == (screen.lesson.id, "c_hat0")


@drive
async def test_home_reads_the_lesson_files_once(app, monkeypatch):
    from tutor.lessons import catalog

    reads = count_calls(monkeypatch, catalog, "list_lessons")
    async with run(app) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
        for size in ((100, 30), (81, 25), (120, 40)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await open_lesson(app, pilot, "f0")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
    assert reads == ["list_lessons"]


@drive
async def test_question_mark_opens_help_in_a_lesson_and_escape_comes_back(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "f0")
        await pilot.press("?")
        assert isinstance(app.screen, HelpScreen)
        assert screen.query_one(AnswerBox).text == ""  # not typed into the answer
        await pilot.press("escape")
        assert app.screen is screen  # back in the lesson, not home


@drive
async def test_question_mark_then_escape_on_a_run_step_keeps_the_lesson(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "train_three", "vanishing-gradients")
        await pilot.press("?", "escape")
        await pilot.pause()
        assert app.screen is screen and screen.step.id == "train_three"


@drive
async def test_ctrl_u_clears_every_wrapped_row_of_the_answer(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "y_oneliner")
        box = screen.query_one(AnswerBox)
        long = " + ".join(["sigmoid(concat(x1, h1) @ W + B)"] * 12)
        box.post_message(events.Paste(long + "\n" + long))
        await pilot.pause()
        assert box.wrapped_document.height > 3  # many rows on screen
        await pilot.press("ctrl+u")
        assert box.text == ""


@drive
async def test_skipped_steps_are_not_listed_as_the_learners_results(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "f0")
        f0 = float(screen.session.expected("f0").reshape(-1)[0])
        await pilot.press("ctrl+n", "ctrl+n")  # from f0: z0, f0 and i0 never computed
        assert screen.step.id == "c_hat0"
        text = screen.query_one(GivensTable).plain
        assert "Your results" not in text
        assert f"{f0:.6g}" not in text  # the skipped answer is not shown
        assert "Not answered yet: z0, f0, i0" in text
        await submit(pilot, "tanh(z0[0, 2])")
        await pilot.press("ctrl+b")  # back at i0: f0 is still not the learner's
        assert "f0 (1×1)" not in screen.query_one(GivensTable).plain


@drive
async def test_a_long_step_title_ends_in_an_ellipsis_at_80x24(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "dz0", "lstm-backprop-through-time")
        line = screen_line(screen.query_one(StepTitle)).rstrip()
        assert screen.step.title.startswith("The first step's")
        assert line.endswith("…"), line
        assert isinstance(app.screen, LessonScreen)


@drive
async def test_help_lists_every_formula_function_and_the_scroll_keys(app):
    from tutor.lessons.formula import FUNCTIONS

    async with run(app) as pilot:
        await open_lesson(app, pilot, "f0")
        await pilot.press("?")
        text = app.screen.query_one(Markdown).source
        for name in (*FUNCTIONS, "log", "transpose"):
            assert f"`{name}`" in text, name
        assert "`**`" in text and "W[1:3, 4:6]" in text  # power and slicing
        assert "`pageup` / `pagedown`" in text


@drive
async def test_reveal_on_a_gate_step_shows_its_formula(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "c_hat0")
        for _ in range(3):
            await submit(pilot, "0.1")
        await pilot.press("ctrl+r")
        shown = screen.query_one("#feedback", Markdown).source
        assert "`tanh(z0[0, 2])` = `" in shown  # how, not only the number
        expected = float(screen.session.expected("c_hat0").reshape(-1)[0])
        assert f"{expected:.6f}"[:7] in shown


@drive
async def test_the_palette_lists_each_command_once(app):
    async with run(app) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count("Forecast") == 1 and titles.count("Resume") == 1
        screen = await open_lesson(app, pilot, "f0")
        titles = [c.title for c in app.get_system_commands(screen)]
        assert len(titles) == len(set(titles))
        assert {"Equations", "Steps", "Glossary"} <= set(titles)


@drive
async def test_the_cells_equations_open_as_one_card_at_any_step(app):
    from tutor.dialogs.lesson_cards import EquationsCard

    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "h1")
        await pilot.press("ctrl+e")
        assert isinstance(app.screen, EquationsCard)
        text = app.screen.query_one(Markdown).source
        # lesson 1's layout (forget, input, candidate, output), its own names and columns
        assert "f = sigmoid(z[0, 0])" in text and "c_hat = tanh(z[0, 2])" in text
        assert "c(t+1) = f * c(t) + i * c_hat" in text and "y = sigmoid(h(T) @ Wy + By)" in text
        await pilot.press("escape")
        assert app.screen is screen and screen.step.id == "h1"


@drive
async def test_the_step_list_jumps_to_a_step(app):
    from tutor.dialogs.lesson_cards import StepList

    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "f0")
        await submit(pilot, "sigmoid(z0[0, 0])")
        await pilot.press("ctrl+l")
        assert isinstance(app.screen, StepList)
        lines = [str(o.prompt) for o in app.screen.query_one("#step-list").options]
        assert len(lines) == len(screen.steps) and lines[2].startswith("✓")  # f0 done
        await pilot.press("down", "down", "enter")  # from f0 (3rd) to c_hat0 (5th)
        assert app.screen is screen and screen.step.id == "c_hat0"


@drive
async def test_the_glossary_explains_gate_mae_mase_and_decade(app):
    from tutor.dialogs.glossary import GlossaryScreen

    async with run(app) as pilot:
        await open_lesson(app, pilot, "f0")
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, GlossaryScreen)
        text = app.screen.query_one(Markdown).source
        for word in ("**Gate**", "**MAE**", "**MASE**", "**Decade**"):
            assert word in text


@drive
async def test_a_negative_zero_is_shown_as_zero(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "f0")
        await pilot.press(*"-1 * h0")  # h0 = 0: the product is -0.0
        preview = str(screen.query_one("#preview").render())
        assert preview.strip() == "= [[0]]", preview  # not [[-0]]


@drive
async def test_the_bonus_answer_simplified_with_the_zero_state_is_accepted(app):
    z0 = "(x0 @ W[0:1, :] + B)"  # h0 = 0: only x0's row of W
    c1 = f"(sigmoid({z0}[0, 1]) * tanh({z0}[0, 2]))"  # c0 = 0: no forget term
    h1 = f"(tanh({c1}) * sigmoid({z0}[0, 3]))"  # a number, joined to the 1x1 x1 below
    z1 = f"(concat(x1, {h1}) @ W + B)"
    c2 = f"(sigmoid({z1}[0, 0]) * {c1} + sigmoid({z1}[0, 1]) * tanh({z1}[0, 2]))"
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "y_oneliner")
        await submit(pilot, f"sigmoid(tanh({c2}) * sigmoid({z1}[0, 3]) * Wy + By)")
        assert screen.state.done, screen.query_one("#feedback", Markdown).source
