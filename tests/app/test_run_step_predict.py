"""A run step with a prediction: asked before the run, judged by the run's results after it;
the results become names the next step's reference uses; the trained cell's gate heatmap shows."""

from __future__ import annotations

from tests.app.conftest import drive, notifications, open_lesson, run, submit, wait_for
from tutor.widgets.answer_box import AnswerBox
from tutor.widgets.gate_heatmap import GateHeatmap

LESSON = """\
id: predict-run
title: Predict a run
summary: Guess, run, see.
group: training
steps:
  - id: train
    kind: run
    prompt: Train a tiny RNN.
    predict:
      prompt: Will the final training loss be below a thousand?
      choices:
        - {text: "yes", value: 1000 - final}
        - {text: "no", value: final - 1000}
    job: {task: maxmin, models: [rnn], hidden: 2, epochs: 1, n_train: 20, n_val: 5, length: 5}
    results:
      final: rnn.history.train_loss[-1]
  - id: twice
    kind: numeric
    reference: 2 * final
    prompt: Double the final loss.
"""


@drive
async def test_prediction_is_asked_then_judged_and_results_are_names(app, tmp_path):
    lesson = tmp_path / "predict-run.yaml"
    lesson.write_text(LESSON)
    async with run(app) as pilot:
        screen = await open_lesson(app, pilot, lesson=str(lesson))
        assert "prediction" in screen.query_one("#answer", AnswerBox).placeholder
        assert screen.session.pending_on("twice") == "train"

        await submit(pilot, "maybe")
        assert any("prediction first" in m for m in notifications(app))
        assert not screen.state.done

        await submit(pilot, "a")
        await wait_for(pilot, lambda: screen.state.done, timeout=60, what="the run to finish")
        await pilot.pause()
        assert "Your prediction was right: yes" in screen.state.feedback
        assert screen.session.pending_on("twice") is None
        final = float(screen.session.givens_for("twice")["final"])
        assert screen.session.check("twice", f"{2 * final!r}").correct
        # the trained model's gates over one validation sequence, as a heatmap under the run
        heatmaps = screen.query(GateHeatmap)
        assert len(heatmaps) == 1 and heatmaps.first().activity["h"].shape == (5, 2)
        screen.action_next_step()
        await pilot.pause()
        assert not screen.query(GateHeatmap)  # it belongs to the run step
