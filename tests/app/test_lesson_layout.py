"""What a learner sees in the lesson player: every value in full, an answer box that edits
where the cursor is, several lines for the bonus formula, and a refusal below 80x24."""

from __future__ import annotations

from tests.app.conftest import answered_before, drive, open_lesson, run
from tutor.app import TutorApp
from tutor.screens.too_small import TooSmallScreen
from tutor.widgets.answer_box import AnswerBox
from tutor.widgets.givens_table import GivensTable


@drive
async def test_every_given_and_result_is_shown_in_full_at_80x24(app):
    answered_before("h2")
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "h2")  # late: many earlier results
        text = screen.query_one(GivensTable).plain
        # the 2x4 weights and the 1x4 pre-activations, every number (they were cut at 22 chars)
        assert "[[ 0.2  0.4 -0.3  0.1]\n   [ 0.1 -0.2  0.5  0.3]]" in text
        assert "0.252539" in text and "0.057616" in text  # z1, all four numbers
        for name in ("W", "B", "x0", "x1", "z0", "f0", "c_hat0", "o0", "c2", "o1"):
            assert f"\n{name} (" in "\n" + text, name
        # the newest result (the step just before) comes first, above the givens
        results = text.split("Your results, newest first\n", 1)[1]
        assert results.startswith("c2 (")
        assert text.index("c2 (") < text.index("Givens")
        # no line is wider than the panel: nothing is cut off on the right
        table = screen.query_one(GivensTable)
        assert max(len(line) for line in text.splitlines()) <= table.content_size.width


@drive
async def test_the_values_panel_grows_with_the_terminal():
    widths = []
    for size in ((80, 24), (120, 40)):
        app = TutorApp()
        async with run(app, size) as pilot:
            screen = await open_lesson(app, pilot, "z0", "gru-by-hand")
            widths.append(screen.query_one("#lesson-side").size.width)
            text = screen.query_one(GivensTable).plain
            assert text.count("]") >= 2  # the GRU's 3x6 weights: every row shown
    assert widths[1] > widths[0] + 10


@drive
async def test_a_saved_answer_is_edited_at_its_end_and_ctrl_u_clears_it(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "f0")
        await pilot.press(*"tanh(z0[0,0])", "enter")  # wrong, but saved
        await pilot.press("ctrl+n", "ctrl+b")  # away and back: the saved answer is filled in
        box = screen.query_one("#answer", AnswerBox)
        assert box.value == "tanh(z0[0,0])"
        await pilot.press("X")
        assert box.value == "tanh(z0[0,0])X"  # typing continues at the end, not the start
        await pilot.press("ctrl+u")
        assert box.value == ""


@drive
async def test_the_bonus_formula_may_span_several_lines(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "y_oneliner")
        box = screen.query_one("#answer", AnswerBox)
        first, _, rest = " ".join(screen.step.reference.split()).partition(" ")
        await pilot.press(*first, "alt+enter", *rest)
        assert "\n" in box.value  # a real line break, enter did not submit
        assert not screen.state.done
        await pilot.press("enter")
        assert screen.state.done, screen.query_one("#feedback").source
        # the last step: no "later steps use it" (there are none)
        assert "later steps" not in screen.query_one("#feedback").source


@drive
async def test_reveal_on_a_number_step_shows_the_formula(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "c1")
        for _ in range(3):
            screen.query_one("#answer", AnswerBox).value = "0.1"
            await pilot.press("enter")
        await pilot.press("ctrl+r")
        shown = screen.query_one("#feedback").source
        assert "The answer" in shown
        assert "c0 * f0 + i0 * c_hat0" in shown  # how, not only the value
        assert "-0.1466297" in shown


@drive
async def test_below_80x24_the_app_says_so_and_comes_back_when_larger(app):
    async with run(app, (60, 20)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        text = str(app.screen.query_one("#too-small").render())
        assert "too small" in text and "60x20" in text and "at least 80x24" in text
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not isinstance(app.screen, TooSmallScreen)
