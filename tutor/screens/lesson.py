"""The lesson player: one step at a time, typed answers checked by the lesson runtime.

Everything numerical comes from `tutor.lessons.runtime.LessonSession` (previews, checks,
diagnoses, exact values); this screen only shows it and remembers the learner's place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Markdown, Static, TextArea

from tutor import learner
from tutor.lessons.schema import FormulaStep, NumericStep, RunStep
from tutor.messages import JobFinished, LessonCompleted
from tutor.screens.lesson_text import (
    DONE_RUN_PLACEHOLDER,
    check_feedback,
    options_markdown,
    placeholder,
    prediction_markdown,
    reveal_markdown,
    run_summary_markdown,
)
from tutor.screens.run_step_inputs import RunStepInputs
from tutor.widgets.answer_box import AnswerBox
from tutor.widgets.answer_preview import AnswerPreview
from tutor.widgets.cell_diagram import CellDiagram
from tutor.widgets.givens_table import GivensTable
from tutor.widgets.inside_views import inside_views
from tutor.widgets.training_panel import TrainingPanel

REVEAL_AFTER = 3  # wrong tries before the answer may be revealed
ANSWERED = ("numeric", "formula", "choice")


@dataclass
class StepState:
    tries: int = 0
    hints_shown: int = 0
    done: bool = False
    revealed: bool = False
    answer: str = ""
    feedback: str = ""


class LessonScreen(Screen[None]):
    """Prompt, givens, cell diagram, answer with live preview, feedback and hints."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Home"),
        Binding("enter", "submit", "Check", key_display="⏎"),
        Binding("ctrl+n", "next_step", "Next"),
        Binding("ctrl+b", "previous_step", "Back"),
        Binding("ctrl+g", "hint", "Hint"),
        Binding("ctrl+r", "reveal", "Reveal"),
        Binding("ctrl+s", "train_again", "Train again", show=False, priority=True),
        Binding("ctrl+x", "stop_training", "Stop", show=False, priority=True),
        Binding("pageup", "scroll_prompt(-1)", "Scroll up", show=False, priority=True),
        Binding("pagedown", "scroll_prompt(1)", "Scroll down", show=False, priority=True),
        Binding("ctrl+up", "scroll_values(-1)", "Scroll values", show=False, priority=True),
        Binding("ctrl+down", "scroll_values(1)", "Scroll values", show=False, priority=True),
    ]

    def __init__(self, session: Any, start_step: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.lesson = session.lesson
        self.steps = session.steps
        self.states = {step.id: StepState() for step in self.steps}
        done = learner.done_steps(self.lesson.id)
        saved = learner.answers(self.lesson.id)
        self.inputs = RunStepInputs.from_saved(self.steps, saved)  # asked before training
        for step in self.steps:
            state = self.states[step.id]
            state.done = step.id in done
            state.answer = saved.get(step.id, "")
            state.hints_shown = learner.hints_seen(self.lesson.id, step.id)
            if not state.done:  # tries so far count towards revealing the answer
                state.tries = learner.attempts(self.lesson.id, step.id)
        ids = [s.id for s in self.steps]
        if start_step in ids:
            self.index = ids.index(start_step)
        else:  # the first step not done yet, else the first
            self.index = next((i for i, s in enumerate(self.steps) if s.id not in done), 0)
        self.completed_notified = self.complete
        self.run_step: str | None = None  # the run step the training panel shows

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lesson-body"):
            with Vertical(id="lesson-main"):
                yield Label("", id="step-title")
                with VerticalScroll(id="prompt-scroll"):
                    yield Markdown("", id="prompt")
                    yield Markdown("", id="hints")
                    yield TrainingPanel(id="run-panel")
                    yield Markdown("", id="feedback")
                yield AnswerBox(id="answer", placeholder="type a formula or numbers")
                yield AnswerPreview("", id="preview")
            with VerticalScroll(id="lesson-side"):
                model = self.lesson.model
                yield Static("values · ctrl+↑/↓ scroll", id="values-title")
                yield GivensTable(id="givens")
                yield CellDiagram(model.cell if model else "lstm", id="diagram")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.lesson.title
        self.show_step()

    # --- state ---------------------------------------------------------------------------

    @property
    def step(self) -> Any:
        return self.steps[self.index]

    @property
    def state(self) -> StepState:
        return self.states[self.step.id]

    @property
    def complete(self) -> bool:
        return all(state.done for state in self.states.values())

    def show_title(self) -> None:
        step = self.step
        mark = " ✓" if self.state.done else ""
        status = " · lesson complete ✓" if self.complete else ""
        self.sub_title = f"step {self.index + 1}/{len(self.steps)}{status}"
        self.query_one("#step-title", Label).update(
            Text(f"{self.index + 1}/{len(self.steps)} {step.title or step.id}{mark}")
        )

    def show_step(self) -> None:
        step, state = self.step, self.state
        self.show_title()
        prompt = self._safe(lambda: self.session.prompt(step.id), step.prompt)
        if step.kind == "choice":  # in this learner's order, from the runtime
            shown = self._safe(lambda: self.session.choices(step.id), [])
            prompt += "\n\n" + options_markdown(shown)
        predict = step.predict if isinstance(step, RunStep) else None
        if predict is not None:
            prompt += "\n\n" + prediction_markdown(predict, self.inputs.predictions.get(step.id))
        self.query_one("#prompt", Markdown).update(prompt)
        self._show_hints()
        self.query_one("#feedback", Markdown).update(state.feedback)
        self.query_one("#preview", AnswerPreview).update("")
        answer = self.query_one("#answer", AnswerBox)
        pending = self.inputs.pending(step)
        answer.placeholder = placeholder(
            step.kind,
            done=state.done,
            pending_prompt=pending[0].prompt if pending else None,
            awaits_prediction=self.inputs.awaits_prediction(step),
        )
        with answer.prevent(TextArea.Changed):
            if step.kind in ANSWERED:
                answer.value = state.answer
            elif not (pending and state.feedback.startswith("**Cannot train")):
                answer.value = ""  # a path that did not work stays, to be corrected
        if step.kind in ANSWERED and state.answer:
            self._preview(state.answer)
        answer.focus()
        self.query(".inside").remove()  # a previous run's plots belong to that step
        panel = self.query_one("#run-panel", TrainingPanel)
        panel.display = step.kind == "run"
        if step.kind == "run" and self.run_step != step.id and not panel.running:
            panel.show_models([])  # another step's curves must not pose as this one's
            self.run_step = None
        quantity = step.quantity if isinstance(step, NumericStep | FormulaStep) else None
        self.query_one("#diagram", CellDiagram).quantity = quantity
        givens = self._safe(lambda: self.session.givens_for(step.id), {})
        table = self.query_one("#givens", GivensTable)
        table.show(givens, [s.id for s in self.steps[: self.index] if s.id in givens])
        table.display = bool(givens)
        self.query_one("#values-title").display = bool(givens)
        diagram = self.query_one("#diagram", CellDiagram)
        diagram.display = self.lesson.model is not None
        # a run step's loss curves need the width more than the givens do
        side = self.query_one("#lesson-side")
        side.display = step.kind != "run" and (diagram.display or table.display)
        learner.set_position(self.lesson.id, step.id)

    def _show_hints(self) -> None:
        hints = self._safe(lambda: self.session.hints(self.step.id), [])
        shown = hints[: self.state.hints_shown]
        text = "\n\n".join(f"**Hint {n}.** {hint}" for n, hint in enumerate(shown, 1))
        self.query_one("#hints", Markdown).update(text)

    def _safe(self, compute, fallback):
        """A runtime error in one step's text must not take the lesson down."""
        try:
            return compute()
        except Exception as exc:  # noqa: BLE001 - shown, not raised
            self.notify(str(exc), title="Lesson", severity="error")
            return fallback

    # --- typing and checking -------------------------------------------------------------

    @on(TextArea.Changed, "#answer")
    def _changed(self) -> None:
        if self.step.kind in ("numeric", "formula"):
            self._preview(self.query_one("#answer", AnswerBox).single_line)

    def _preview(self, text: str) -> None:
        """The value of the answer so far, or its error with a caret under the column."""
        preview = self.query_one("#preview", AnswerPreview)
        if self.step.kind not in ("numeric", "formula"):
            preview.update("")
            return
        result = self._safe(lambda: self.session.preview(self.step.id, text), None)
        box = self.query_one("#answer", AnswerBox)
        fits = "\n" not in box.text and len(text) < box.content_size.width
        preview.show(result, caret_fits=fits)

    @on(AnswerBox.Submitted, "#answer")
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        """Enter: check the answer, or go on after a right one (and after a finished run)."""
        text = self.query_one("#answer", AnswerBox).single_line
        kind = self.step.kind
        if kind in ANSWERED and self.state.done and text == self.state.answer:
            self.action_next_step()  # enter again after a right answer moves on
        elif kind == "explanation":
            self._mark_done("")
            self.action_next_step()
        elif kind == "run" and self.state.done and not self.inputs.pending(self.step):
            self.action_next_step()  # like everywhere else; ctrl+s trains again
        elif kind == "run":
            self._answer_ask_or_run(text)
        else:
            self.check(text)

    def check(self, text: str) -> None:
        step, state = self.step, self.state
        result = self._safe(lambda: self.session.check(step.id, text), None)
        if result is None:
            return
        state.answer = text
        state.feedback = check_feedback(result)
        if result.error is None and result.correct:
            self._mark_done(text)
        elif result.error is None:
            state.tries += 1
            if state.tries >= REVEAL_AFTER and not state.revealed:
                state.feedback += "  \n`ctrl+r` reveals the answer."
            error = learner.record(self.lesson.id, step.id, text, False, result.mistake)
            if error:
                self.notify(error, severity="warning")
        self.show_step()
        self.query_one("#prompt-scroll", VerticalScroll).scroll_end(animate=False)

    def _mark_done(self, answer: str) -> None:
        self.state.done = True
        error = learner.record(self.lesson.id, self.step.id, answer, True)
        if error:
            self.notify(error, severity="warning")
        if self.complete and not self.completed_notified:
            self.completed_notified = True
            error = learner.mark_complete(self.lesson.id)
            if error:
                self.notify(error, severity="warning")
            self.notify(f"Lesson complete: {self.lesson.title}", title="Well done")
            self.post_message(LessonCompleted(self.lesson.id))

    # --- actions -------------------------------------------------------------------------

    def action_next_step(self) -> None:
        if self.index + 1 < len(self.steps):
            self.index += 1
            self.show_step()
        elif self.complete:
            self.notify("That was the last step; escape goes home.")

    def action_previous_step(self) -> None:
        if self.index > 0:
            self.index -= 1
            self.show_step()

    def action_scroll_prompt(self, direction: int) -> None:
        scroll = self.query_one("#prompt-scroll", VerticalScroll)
        scroll.scroll_relative(y=direction * max(1, scroll.size.height - 2), animate=False)

    def action_scroll_values(self, direction: int) -> None:
        side = self.query_one("#lesson-side", VerticalScroll)
        side.scroll_relative(y=direction * max(1, side.size.height - 2), animate=False)

    def action_hint(self) -> None:
        hints = self._safe(lambda: self.session.hints(self.step.id), [])
        if self.state.hints_shown >= len(hints):
            self.notify("No more hints for this step.")
            return
        self.state.hints_shown += 1
        learner.reveal_hint(self.lesson.id, self.step.id)
        self._show_hints()
        self.query_one("#prompt-scroll", VerticalScroll).scroll_end(animate=False)

    def action_reveal(self) -> None:
        step, state = self.step, self.state
        if step.kind not in ANSWERED:
            return
        if state.tries < REVEAL_AFTER and not state.done:
            left = REVEAL_AFTER - state.tries
            self.notify(f"Try {left} more time{'s' if left > 1 else ''} before revealing.")
            return
        state.revealed = True
        learner.reveal(self.lesson.id, step.id)
        answer = self._safe(lambda: self.session.reveal(step.id), "?")
        hints = self._safe(lambda: self.session.hints(step.id), [])
        state.feedback = reveal_markdown(step, answer, hints)
        self.show_step()
        self.query_one("#prompt-scroll", VerticalScroll).scroll_end(animate=False)

    # --- run steps -----------------------------------------------------------------------

    def _answer_ask_or_run(self, text: str) -> None:
        """Enter on a run step: fill what it asks for, one value at a time, then train."""
        taken = self.inputs.take(self.step, text)
        if taken.warning:
            self.notify(taken.warning, severity="warning")
        if taken.refresh:
            self.show_step()
        if taken.ready:
            self.start_run()

    def start_run(self) -> None:
        try:
            spec = self.session.job_spec(self.step.id, self.inputs.asked)
        except Exception as exc:  # noqa: BLE001 - e.g. no file at that path: ask again
            self.inputs.forget(self.step)
            self.state.feedback = f"**Cannot train yet:** {exc}  \nCorrect it and press enter."
            self.show_step()
            return
        panel = self.query_one("#run-panel", TrainingPanel)
        if panel.start(spec) is not None:
            self.run_step = self.step.id
            self.state.feedback = "Training… the loss curves fill in as it goes; ctrl+x stops."
            self.query_one("#feedback", Markdown).update(self.state.feedback)
            self.query_one("#prompt-scroll", VerticalScroll).scroll_end(animate=False)

    def action_train_again(self) -> None:
        if self.step.kind == "run" and not self.inputs.pending(self.step):
            self.start_run()

    def action_stop_training(self) -> None:
        self.query_one("#run-panel", TrainingPanel).stop()

    @on(JobFinished)
    def _job_finished(self, event: JobFinished) -> None:
        step = self.step
        if step.kind != "run" or self.run_step != step.id:
            return
        if event.cancelled:
            self.state.feedback = "Stopped. Press enter to train again."
        else:
            self.state.feedback = run_summary_markdown(event.summary, event.warnings)
            self._mark_done(self.inputs.saved_answer(step))
            self._judge_run(step, event.runs)
            self._show_inside(event.runs)
            self.state.feedback += "  \n**enter**: next step · **ctrl+s**: train again"
        self.query_one("#feedback", Markdown).update(self.state.feedback)
        self.show_title()  # the step's ✓ at once
        if self.state.done:
            self.query_one("#answer", AnswerBox).placeholder = DONE_RUN_PLACEHOLDER

    def _judge_run(self, step: Any, runs: dict) -> None:
        """Keep the run's declared results for later steps; judge the prediction made before."""
        if not step.results and step.predict is None:
            return
        self._safe(lambda: self.session.record_results(step.id, runs), None)
        guess = self.inputs.predictions.get(step.id)
        if step.predict is not None and guess:
            verdict = self._safe(lambda: self.session.check_prediction(step.id, guess), None)
            if verdict is not None and verdict.error is None:
                mark = "✓" if verdict.correct else "✗"
                self.state.feedback += f"\n\n**{mark} {verdict.feedback}**"

    def _show_inside(self, runs: dict) -> None:
        """After a run: the gradient norms per time step and each model's gate heatmap."""
        views = inside_views(runs, classes="inside")
        if views:
            feedback = self.query_one("#feedback", Markdown)
            self.query_one("#prompt-scroll").mount_all(views, before=feedback)
