"""The lesson player: one step at a time, typed answers checked by the lesson runtime.

Everything numerical comes from `tutor.lessons.runtime.LessonSession` (previews, checks,
diagnoses, exact values); this screen only shows it and remembers the learner's place.
Moving to another step (the reactive `index`) redraws the step; an answer, a hint or a
finished run updates only the parts they change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, TextArea

from tutor import learner
from tutor.dialogs.lesson_cards import EquationsCard, StepList, equations_markdown
from tutor.lessons.problems import LessonLookupError
from tutor.lessons.schema import RunStep
from tutor.messages import JobFinished, LessonCompleted
from tutor.screens.lesson_text import (
    check_feedback,
    measured_markdown,
    placeholder,
    reveal_markdown,
    run_summary_markdown,
)
from tutor.screens.reveal_formula import revealed_formula
from tutor.screens.run_step_inputs import RunStepInputs
from tutor.screens.step_texts import StepTexts
from tutor.widgets.answer_box import AnswerBox
from tutor.widgets.answer_preview import AnswerPreview
from tutor.widgets.givens_table import ValueGroups
from tutor.widgets.inside_views import inside_views, measured_norms
from tutor.widgets.step_parts import HintList, StepTitle, ValuesPanel
from tutor.widgets.training_panel import TrainingPanel

if TYPE_CHECKING:
    from tutor.lessons.runtime import LessonSession

REVEAL_AFTER = 3  # wrong tries before the answer may be revealed


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
        Binding("ctrl+e", "equations", "Equations", show=False, priority=True),
        Binding("ctrl+l", "step_list", "Steps", show=False, priority=True),
        Binding("ctrl+s", "train_again", "Train again", show=False, priority=True),
        Binding("ctrl+x", "stop_training", "Stop", show=False, priority=True),
        # system: keys the palette leaves out (a scroll is no command)
        Binding("pageup", "scroll_prompt(-1)", "Scroll up", False, system=True, priority=True),
        Binding("pagedown", "scroll_prompt(1)", "Scroll down", False, system=True, priority=True),
        Binding("ctrl+up", "scroll_values(-1)", "Values up", False, system=True, priority=True),
        Binding("ctrl+down", "scroll_values(1)", "Values down", False, system=True, priority=True),
    ]

    AUTO_FOCUS = "#answer"  # not the first focusable widget (the prompt's scroll)
    index: reactive[int] = reactive(0, init=False)  # the step shown

    def __init__(self, session: LessonSession, start_step: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.lesson = session.lesson
        self.steps = session.steps
        self.states = self._saved_states()
        self.inputs = RunStepInputs.from_saved(self.steps, learner.answers(self.lesson.id))
        ids = [s.id for s in self.steps]
        if start_step in ids:
            start = ids.index(start_step)
        else:  # the first step not done yet, else the first
            start = next((i for i, s in enumerate(self.steps) if not self.states[s.id].done), 0)
        self.set_reactive(LessonScreen.index, start)
        self.completed_notified = self.complete
        self.run_step: str | None = None  # the run step the training panel shows
        self.texts = StepTexts("")

    def _saved_states(self) -> dict[str, StepState]:
        """Each step as the learner left it: done, the answer, hints seen, tries so far."""
        lesson = self.lesson.id
        done, saved = learner.done_steps(lesson), learner.answers(lesson)
        states = {}
        for step in self.steps:
            state = StepState(done=step.id in done, answer=saved.get(step.id, ""))
            state.hints_shown = learner.hints_seen(lesson, step.id)
            if not state.done:  # tries so far count towards revealing the answer
                state.tries = learner.attempts(lesson, step.id)
            states[step.id] = state
        return states

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="lesson-body"):
            with Vertical(id="lesson-main"):
                yield StepTitle("", id="step-title")
                with VerticalScroll(id="prompt-scroll"):
                    yield Markdown("", id="prompt")
                    yield HintList("", id="hints")
                    yield TrainingPanel(id="run-panel")
                    yield Markdown("", id="feedback")
                yield AnswerBox(id="answer", placeholder="type a formula or numbers")
                yield AnswerPreview("", id="preview")
            model = self.lesson.model
            yield ValuesPanel(model.cell if model else None, id="lesson-side")
        yield Footer()

    def on_mount(self) -> None:
        self.title = self.lesson.title
        self.show_step()
        learner.set_position(self.lesson.id, self.step.id)

    def on_screen_resume(self) -> None:
        """Opened again (the screen is kept as the learner left it): here is where they are."""
        learner.set_position(self.lesson.id, self.step.id)
        self.query_one(AnswerBox).focus()

    def watch_index(self) -> None:
        self.show_step()
        learner.set_position(self.lesson.id, self.step.id)

    def go_to(self, step_id: str) -> None:
        """Show the step with this id (a lesson opened again at a given step)."""
        ids = [s.id for s in self.steps]
        if step_id in ids:
            self.index = ids.index(step_id)

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

    # --- drawing -------------------------------------------------------------------------

    def show_step(self) -> None:
        """Everything that belongs to the step: on opening and on moving to another step."""
        step = self.step
        self.texts = StepTexts.of(self.session, step, self.inputs.predictions.get(step.id))
        self.query_one("#prompt", Markdown).update(self.texts.prompt)
        self._show_answer_box()
        self._show_run_panel()
        quantity = step.quantity if step.valued else None
        side = self.query_one(ValuesPanel)
        side.show(self.texts.givens, self._value_groups(), quantity, wide=step.runs_job)
        self.show_progress()

    def _value_groups(self) -> ValueGroups:
        earlier = [s.id for s in self.steps[: self.index]]
        return ValueGroups(
            results=[i for i in earlier if self.states[i].done],
            skipped=[i for i in earlier if not self.states[i].done],
            measured=list(self.session.refs.results),
        )

    def show_progress(self) -> None:
        """What changes within a step: the title's mark, the hints, the feedback."""
        step, state = self.step, self.state
        status = " · lesson complete ✓" if self.complete else ""
        self.sub_title = f"step {self.index + 1}/{len(self.steps)}{status}"
        title = self.query_one(StepTitle)
        title.show(self.index + 1, len(self.steps), step.title or step.id, done=state.done)
        self.query_one(HintList).show(self.texts.hints, state.hints_shown)
        self.query_one("#feedback", Markdown).update(state.feedback)
        self.query_one(AnswerBox).placeholder = self._placeholder()

    def _placeholder(self) -> str:
        pending = self.inputs.pending(self.step)
        return placeholder(
            self.step,
            done=self.state.done,
            pending_prompt=pending[0].prompt if pending else None,
            awaits_prediction=self.inputs.awaits_prediction(self.step),
        )

    def _show_answer_box(self) -> None:
        step, state = self.step, self.state
        answer = self.query_one(AnswerBox)
        with answer.prevent(TextArea.Changed):
            if step.answered:
                answer.value = state.answer
            elif not (self.inputs.pending(step) and state.feedback.startswith("**Cannot train")):
                answer.value = ""  # a path that did not work stays, to be corrected
        self._preview(state.answer if step.previewed else "")
        answer.focus()

    def _show_run_panel(self) -> None:
        self.query(".inside").remove()  # a previous run's plots belong to that step
        panel = self.query_one(TrainingPanel)
        is_run = self.step.runs_job
        panel.display = is_run
        if is_run and self.run_step != self.step.id and not panel.running:
            panel.show_models([])  # another step's curves must not pose as this one's
            self.run_step = None

    def _scroll_to_end(self) -> None:
        self.query_one("#prompt-scroll", VerticalScroll).scroll_end(animate=False)

    # --- typing and checking -------------------------------------------------------------

    @on(TextArea.Changed, "#answer")
    def _changed(self) -> None:
        if self.step.previewed:
            self._preview(self.query_one(AnswerBox).single_line)

    def _preview(self, text: str) -> None:
        """The value of the answer so far, or its error with a caret under the column."""
        preview = self.query_one(AnswerPreview)
        if not text or not self.step.previewed:
            preview.update("")
            return
        box = self.query_one(AnswerBox)
        fits = "\n" not in box.text and len(text) < box.content_size.width
        preview.show(self.session.preview(self.step.id, text), caret_fits=fits)

    @on(AnswerBox.Submitted, "#answer")
    def _submitted(self) -> None:
        self.action_submit()

    def action_submit(self) -> None:
        """Enter: check the answer, or go on after a right one (and after a finished run)."""
        text = self.query_one(AnswerBox).single_line
        step = self.step
        if step.answered and self.state.done and text == self.state.answer:
            self.action_next_step()  # enter again after a right answer moves on
        elif not step.answered and not step.runs_job:  # only text to read
            self._mark_done("")
            self.action_next_step()
        elif step.runs_job and self.state.done and self._ran_here(step):
            self.action_next_step()  # like everywhere else; ctrl+s trains again
        elif step.runs_job:
            self._answer_ask_or_run(text)
        else:
            self.check(text)

    def _ran_here(self, step: RunStep) -> bool:
        """Its asks are answered and, when later steps use its results, it ran in this app
        (results are not kept between runs of lstm-tutor: enter trains it again)."""
        recorded = self.session.refs.results
        return not self.inputs.pending(step) and all(name in recorded for name in step.results)

    def check(self, text: str) -> None:
        """Judge the answer and save it (one write to the progress file per answer)."""
        step, state = self.step, self.state
        result = self.session.check(step.id, text)
        state.answer = text
        state.feedback = check_feedback(result, text)
        if result.error is None and result.correct:
            self._mark_done(text)
        elif result.error is None:
            state.tries += 1
            if state.tries >= REVEAL_AFTER and not state.revealed:
                state.feedback += "  \n`ctrl+r` reveals the answer."
            self._warn(learner.record(self.lesson.id, step.id, text, False, result.mistake))
        self.show_progress()
        self._scroll_to_end()

    def _warn(self, error: str | None) -> None:
        if error:
            self.notify(error, severity="warning")

    def _mark_done(self, answer: str) -> None:
        self.state.done = True
        self._warn(learner.record(self.lesson.id, self.step.id, answer, True))
        if self.complete and not self.completed_notified:
            self.completed_notified = True
            self._warn(learner.mark_complete(self.lesson.id))
            self.notify(f"Lesson complete: {self.lesson.title}", title="Well done")
            self.post_message(LessonCompleted(self.lesson.id))

    # --- actions -------------------------------------------------------------------------

    def action_next_step(self) -> None:
        if self.index + 1 < len(self.steps):
            self.index += 1
        elif self.complete:
            self.notify("That was the last step; escape goes home.")

    def action_previous_step(self) -> None:
        if self.index > 0:
            self.index -= 1

    def action_scroll_prompt(self, direction: int) -> None:
        scroll = self.query_one("#prompt-scroll", VerticalScroll)
        scroll.scroll_relative(y=direction * max(1, scroll.size.height - 2), animate=False)

    def action_scroll_values(self, direction: int) -> None:
        side = self.query_one(ValuesPanel)
        side.scroll_relative(y=direction * max(1, side.size.height - 2), animate=False)

    def action_hint(self) -> None:
        if self.state.hints_shown >= len(self.texts.hints):
            self.notify("No more hints for this step.")
            return
        self.state.hints_shown += 1
        learner.reveal_hint(self.lesson.id, self.step.id)
        self.query_one(HintList).show(self.texts.hints, self.state.hints_shown)
        self._scroll_to_end()

    def action_reveal(self) -> None:
        step, state = self.step, self.state
        if not step.answered:
            return
        if state.tries < REVEAL_AFTER and not state.done:
            left = REVEAL_AFTER - state.tries
            self.notify(f"Try {left} more time{'s' if left > 1 else ''} before revealing.")
            return
        state.revealed = True
        self._warn(learner.reveal(self.lesson.id, step.id))
        formula = revealed_formula(self.session, step)
        how = (
            self.texts.hints[-1]
            if step.valued and not step.formula_only and self.texts.hints
            else None
        )
        state.feedback = reveal_markdown(self.session.reveal(step.id), formula, how)
        self.show_progress()
        self._scroll_to_end()

    def action_equations(self) -> None:
        """The lesson's cell equations as one card, at any step."""
        run = self.session.refs.run
        layout = tuple(run.layout) if run is not None else None
        self.app.push_screen(EquationsCard(equations_markdown(self.lesson.model, layout)))

    def action_step_list(self) -> None:
        """Every step with its ✓; the one picked is shown."""
        steps = [(s.title or s.id, self.states[s.id].done) for s in self.steps]

        def go(index: int | None) -> None:
            if index is not None:
                self.index = index

        self.app.push_screen(StepList(steps, self.index), go)

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
        except LessonLookupError as exc:  # e.g. no file at that path: ask again
            self.inputs.forget(self.step)
            self.state.feedback = f"**Cannot train yet:** {exc}  \nCorrect it and press enter."
            self.show_step()
            return
        panel = self.query_one(TrainingPanel)
        if panel.start(spec) is not None:
            self.run_step = self.step.id
            self.state.feedback = "Training… the loss curves fill in as it goes; ctrl+x stops."
            self.query_one("#feedback", Markdown).update(self.state.feedback)
            self._scroll_to_end()

    def action_train_again(self) -> None:
        if self.step.runs_job and not self.inputs.pending(self.step):
            self.start_run()

    def action_stop_training(self) -> None:
        self.query_one(TrainingPanel).stop()

    @on(JobFinished)
    async def _job_finished(self, event: JobFinished) -> None:
        step = self.step
        if not step.runs_job or self.run_step != step.id:
            return
        if event.cancelled:
            self.state.feedback = "Stopped. Press enter to train again."
        else:
            # the gradient-norm plot below draws what the summary would print a second time
            summary = event.summary
            if measured_norms(event.runs):
                summary = "Trained and measured: the gradient per time step is plotted below."
            self.state.feedback = run_summary_markdown(summary, event.warnings)
            self._mark_done(self.inputs.saved_answer(step))
            self._judge_run(step, event.runs)
            self.state.feedback += "  \n**enter**: next step · **ctrl+s**: train again"
        self.show_progress()  # the step's ✓ at once
        if not event.cancelled:
            await self._show_inside(event.runs)

    def _judge_run(self, step: RunStep, runs: dict) -> None:
        """Keep the run's declared results for later steps; judge the prediction made before."""
        if not step.results and step.predict is None:
            return
        try:
            measured = self.session.record_results(step.id, runs)
        except LessonLookupError as exc:  # a result path the job did not produce
            self.state.feedback += f"\n\n**⚠ {exc}**"
            return
        guess = self.inputs.predictions.get(step.id)
        if step.predict is not None and guess:
            verdict = self.session.check_prediction(step.id, guess)
            if verdict.error is None:
                mark = "✓" if verdict.correct else "✗"
                self.state.feedback += f"\n\n**{mark} {verdict.feedback}**"
        if measured:
            self.state.feedback += "\n\n" + measured_markdown(measured)

    async def _show_inside(self, runs: dict) -> None:
        """After a run, under its verdict: the gradient norms per time step and the gate
        heatmaps; the verdict is scrolled to the top, where it is read first."""
        feedback = self.query_one("#feedback", Markdown)
        await feedback.update(self.state.feedback)  # laid out before it is scrolled to
        views = inside_views(runs, classes="inside")
        if views:
            await self.query_one("#prompt-scroll").mount_all(views, after=feedback)
        self.call_after_refresh(self._scroll_to_verdict)

    def _scroll_to_verdict(self) -> None:
        scroll = self.query_one("#prompt-scroll", VerticalScroll)
        scroll.scroll_to_widget(self.query_one("#feedback"), animate=False, top=True)
