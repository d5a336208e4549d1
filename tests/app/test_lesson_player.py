"""The lesson player on lesson 1: right answers complete it, a wrong gate gets a diagnosis."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Markdown, OptionList, Static
from textual.worker import WorkerState

from tests.app.conftest import FIRST_LESSON as LESSON
from tests.app.conftest import drive, notifications, open_lesson, run, wait_for
from tutor.screens.home import HomeScreen
from tutor.screens.lesson import LessonScreen
from tutor.widgets.answer_box import AnswerBox
from tutor.widgets.cell_diagram import CellDiagram
from tutor.widgets.loss_panel import LossPanel
from tutor.widgets.training_panel import TrainingPanel

ANSWERS = {
    "z0": "concat(x0, h0) @ W + B",
    "f0": "sigmoid(z0[0, 0])",
    "i0": "sigmoid(z0[0, 1])",
    "c_hat0": "tanh(z0[0, 2])",
    "o0": "sigmoid(z0[0, 3])",
    "c1": "c0 * f0 + i0 * c_hat0",
    "h1": "tanh(c1) * o0",
    "z1": "concat(x1, h1) @ W + B",
    "f1": "sigmoid(z1[0, 0])",
    "i1": "sigmoid(z1[0, 1])",
    "c_hat1": "tanh(z1[0, 2])",
    "o1": "sigmoid(z1[0, 3])",
    "c2": "c1 * f1 + i1 * c_hat1",
    "h2": "tanh(c2) * o1",
    "y": "sigmoid(h2 * Wy + By)",
}


async def type_answer(pilot, text: str, keys: bool) -> None:
    """Key by key, or pasted into the focused input (the same path, far fewer round trips)."""
    if keys:
        await pilot.press(*text)
    else:
        pilot.app.focused.post_message(events.Paste(text))
        await pilot.pause()


def feedback(screen: LessonScreen) -> str:
    return screen.query_one("#feedback", Markdown).source


@drive
async def test_typing_every_right_answer_completes_lesson_one(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot)
        assert screen.step.id == "intro"
        await pilot.press("enter")  # explanation: read and go on
        for n, (step_id, answer) in enumerate(ANSWERS.items()):
            assert screen.step.id == step_id
            await type_answer(pilot, answer, keys=n == 0)
            await pilot.press("enter")
            assert "✓" in feedback(screen), (step_id, feedback(screen))
            assert screen.state.done
            await pilot.press("enter")  # enter again moves on
        assert screen.step.id == "y_oneliner"
        bonus = screen.step.reference  # the one-expression y
        await type_answer(pilot, " ".join(bonus.split()), keys=False)
        await pilot.press("enter")
        assert "✓" in feedback(screen), feedback(screen)
        assert screen.complete
        assert "lesson complete" in screen.sub_title
        await pilot.pause()
        assert any(m.startswith("Next up: ") for m in notifications(app))  # the next lesson

        await pilot.press("escape")  # home shows the lesson done
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
        options = app.screen.query_one("#lessons", OptionList)
        line = next(
            str(options.get_option_at_index(i).prompt)
            for i in range(options.option_count)
            if options.get_option_at_index(i).id == f"lesson:{LESSON}"
        )
        n = len(screen.steps)
        assert line.startswith(" ✓ ") and f"{n}/{n}" in line


@drive
async def test_tanh_for_the_forget_gate_gets_the_diagnosis(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "f0")
        assert screen.step.id == "f0"
        assert screen.query_one(CellDiagram).quantity == "f"
        await pilot.press(*"tanh(z0[0,0])")
        preview = str(screen.query_one("#preview", Static).render())
        assert preview.startswith("= ")  # a live value while typing
        await pilot.press("enter")
        text = feedback(screen)
        assert "✗" in text
        assert "sigmoid" in text.lower()  # the runtime's diagnosis names the right function
        assert not screen.state.done


@drive
async def test_parse_error_points_at_the_column_and_hints_come_one_at_a_time(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "f0")
        palette = [c.title for c in app.get_system_commands(screen)]
        assert {"Hint", "Reveal", "Next", "Back"} <= set(palette)  # lesson keys in the palette
        await pilot.press(*"sigmoid(z0[0,0]")
        preview = str(screen.query_one("#preview", Static).render())
        assert "^" in preview or "column" in preview
        hints = screen.query_one("#hints", Markdown)
        assert hints.source == ""
        await pilot.press("ctrl+g")
        assert "Hint 1" in hints.source and "Hint 2" not in hints.source
        await pilot.press("ctrl+g")
        assert "Hint 2" in hints.source


@drive
async def test_reveal_needs_a_few_tries_and_answers_persist(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "i0")
        await pilot.press("ctrl+r")
        assert "The answer" not in feedback(screen)
        for _ in range(3):
            await pilot.press(*"0.1", "enter")
            screen.query_one("#answer", AnswerBox).value = ""
        await pilot.press("ctrl+r")
        assert "The answer" in feedback(screen)
        screen.query_one("#answer", AnswerBox).value = ""
        await pilot.press(*"sigmoid(z0[0, 1])", "enter")
        assert screen.state.done

    # a new app (a new run of lstm-tutor) remembers the answer
    from tutor.app import TutorApp

    again = TutorApp()
    async with run(again) as pilot:
        screen = await open_lesson(again, pilot, "i0")
        assert screen.state.done
        assert screen.query_one("#answer", AnswerBox).value == "sigmoid(z0[0, 1])"


@drive
async def test_a_run_step_trains_in_place_and_stops(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "train_three", "vanishing-gradients")
        assert screen.step.kind == "run"
        assert not screen.query_one("#lesson-side").display  # the curves get the width
        await pilot.press("enter")
        panel = screen.query_one(TrainingPanel)
        await wait_for(pilot, lambda: any(p.train for p in panel.query(LossPanel)), what="a point")
        await pilot.press("ctrl+x")
        await wait_for(pilot, lambda: panel.worker.is_finished, what="the run to stop")
        await pilot.pause()
        assert panel.worker.state == WorkerState.SUCCESS
        assert "Stopped" in feedback(screen)
        assert not screen.state.done  # a stopped run does not count as done


@drive
async def test_a_broken_lesson_file_is_a_notification(app):
    broken = Path(__file__).parents[1] / "tutor" / "malformed_lessons" / "bad-kind.yaml"
    async with run(app) as pilot:
        app.open_lesson(str(broken))
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("bad-kind.yaml" in m for m in notifications(app))


@drive
async def test_resume_opens_where_the_learner_left_off(app):
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, "c1")
        assert screen.step.id == "c1"

    from tutor.app import TutorApp

    again = TutorApp()
    async with run(again) as pilot:
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(again.screen, LessonScreen), what="lesson")
        await pilot.pause()
        assert again.screen.lesson.id == LESSON and again.screen.step.id == "c1"
