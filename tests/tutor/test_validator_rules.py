"""Issue 8: `lessons validate` proves every step discriminates, for many sampled learners."""

from pathlib import Path

from click.testing import CliRunner

from tutor.cli_lessons import lessons
from tutor.lessons.validation import RANDOM_SEEDS, validate_paths

LESSONS = Path(__file__).resolve().parents[2] / "lessons"

TINY = """\
id: tiny
title: A tiny LSTM
summary: One step of a one-unit LSTM.
group: by-hand
givens:
  x0: [[0.5]]
  h0: [[0.1]]
  c0: [[0.2]]
  W: [[0.2, 0.4, -0.3, 0.1],
      [0.1, -0.2, 0.5, 0.3]]
  B: [[0.1, 0.2, -0.1, 0.0]]
model:
  cell: lstm
  layout: seed000
  input_size: 1
  hidden_size: 1
  inputs: [x0]
  initial_state: {h: h0, c: c0}
  weights: {W: W, B: B}
steps:
"""

F0 = """\
  - id: f0
    kind: numeric
    quantity: f
    t: 0
    prompt: Compute the forget gate.
"""


def problems_of(tmp_path, text: str, name: str = "tiny") -> list[str]:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return [str(p) for p in validate_paths([path])]


def test_a_built_in_mistake_accepted_at_the_precision_is_named_with_the_fix(tmp_path):
    lesson = (LESSONS / "lstm-forward-pass.yaml").read_text()
    lesson = lesson.replace(
        "    quantity: h\n    t: 1\n", "    quantity: h\n    t: 1\n    precision: 2\n"
    )
    found = problems_of(tmp_path, lesson, "lstm-forward-pass")
    hit = [p for p in found if "step h1" in p and "tanh_left_out" in p]
    assert hit and "precision: 3" in hit[0], found
    assert ":134:" in hit[0]  # the step's quantity line


def test_an_authored_mistake_that_rounds_like_the_answer_is_an_error(tmp_path):
    text = TINY.replace("  c0: [[0.2]]\n", "  c0: [[0.2]]\n  a: 0.5\n") + (
        "  - id: s\n    kind: numeric\n    reference: a + 0.0002\n    prompt: Add a little.\n"
        "    mistakes:\n      - expression: a\n        feedback: You forgot the little.\n"
    )
    found = problems_of(tmp_path, text)
    assert any("mistake `a`" in p and "precision: 4" in p for p in found), found


def test_passing_unsolved_for_any_sampled_learner_is_an_error(tmp_path):
    assert len(RANDOM_SEEDS) >= 64
    text = TINY.replace(
        "  c0: [[0.2]]\n",
        "  c0: [[0.2]]\n  n: {random: {distribution: integers, range: [0, 9], shape: [],"
        " decimals: null}}\n",
    ) + (
        "  - id: s\n    kind: numeric\n    reference: n * 3\n    integer: true\n"
        "    prompt: Three times n.\n"
    )
    found = problems_of(tmp_path, text)
    hit = [p for p in found if "would pass unsolved" in p and "an answer of 0" in p]
    assert hit and "sampled learners" in hit[0], found


def test_a_reference_only_step_that_disagrees_with_the_engine_is_an_error(tmp_path):
    text = TINY + (
        "  - id: c1\n    kind: formula\n    reference: sigmoid(z_wrong)\n    prompt: c1.\n"
    ).replace("sigmoid(z_wrong)", "f0 * c0 + (1 - f0) * tanh((concat(x0, h0) @ W + B)[0, 2])")
    found = problems_of(tmp_path, TINY + F0 + text[len(TINY) :])
    assert any("engine's c1" in p for p in found), found


def test_every_problem_of_a_file_is_reported_in_one_run(tmp_path):
    text = TINY + (
        "  - id: broken\n    kind: numeric\n    reference: sigmoid(nope)\n    prompt: Broken.\n"
        "  - id: later\n    kind: numeric\n    reference: broken * 2\n    prompt: Uses it.\n"
        + F0
        + "    mistakes:\n      - expression: sigmoid((concat(x0, h0) @ W + B)[0, 0]) + 1e-5\n"
        "        feedback: Almost.\n"
    )
    found = problems_of(tmp_path, text)
    assert any("nope" in p for p in found), found
    assert not any("step later" in p for p in found), found  # a consequence, not reported
    assert any("step f0" in p and "mistake" in p for p in found), found  # checked anyway


def test_a_hint_that_looks_like_a_formula_but_does_not_parse_is_an_error(tmp_path):
    text = TINY + F0 + '    hints:\n      - "Try `sigmod(z0[0, 0])`; or `h = ...` in prose."\n'
    found = problems_of(tmp_path, text.replace("quantity: f\n    t: 0", "quantity: f0"))
    hit = [p for p in found if "sigmod" in p]
    assert hit and "looks like a formula" in hit[0] and "sigmoid" in hit[0], found
    assert not any("h = ..." in p for p in found)


def test_a_prompt_that_shows_its_own_answer_is_an_error(tmp_path):
    text = TINY + F0.replace("Compute the forget gate.", "The forget gate is {{ f0 }}.")
    found = problems_of(tmp_path, text)
    assert any("own answer" in p and "f0" in p for p in found), found


def test_right_options_always_first_and_longest_warn_without_failing(tmp_path):
    choice = (
        "  - id: q{n}\n    kind: choice\n    prompt: Which?\n    choices:\n"
        "      - {{text: the right and by far the most detailed option, correct: true}}\n"
        "      - {{text: wrong}}\n"
    )
    text = TINY + F0 + choice.format(n=1) + choice.format(n=2)
    path = tmp_path / "tiny.yaml"
    path.write_text(text)
    found = validate_paths([path])
    assert {p.severity for p in found} == {"warning"}, [str(p) for p in found]
    messages = " ".join(p.message for p in found)
    assert "first in 2 of 2" in messages and "longest in 2 of 2" in messages
    out = CliRunner().invoke(lessons, ["validate", str(path)])
    assert out.exit_code == 0 and "warning:" in out.output and "2 warning(s)" in out.output


def test_the_shipped_lessons_are_valid_for_every_sampled_learner():
    found = [p for p in validate_paths(sorted(LESSONS.glob("*.yaml"))) if p.severity == "error"]
    assert not found, [str(p) for p in found]


def test_a_precision_finding_names_the_first_sampled_learner_it_held_for():
    from types import SimpleNamespace

    import numpy as np

    from tutor.lessons.validation.findings import SampledFindings

    findings, said = SampledFindings(), []
    case = SimpleNamespace(precision=None)
    for x in (3, 7, 9):  # learners are named by their drawn numbers, the same under any id
        findings.note_precision(("f.yaml", 4), "z", "bias left out", case,
                                np.array(1.2345), np.array(1.2349), f"x = {x}", False)  # fmt: skip
    findings.report(lambda loc, msg: said.append(msg), n_seeds=16)
    assert len(said) == 1 and "for 3 of 16 sampled learners (first: x = 3)" in said[0]
