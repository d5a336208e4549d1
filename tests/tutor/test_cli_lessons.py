"""`lstm-tutor lessons ...` through click's CliRunner: output, JSON shape and exit codes."""

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tutor.cli_lessons import lessons

SAMPLES = Path(__file__).parent / "sample_lessons"


def run(*args, input=None):
    return CliRunner().invoke(lessons, list(args), input=input)


def test_list_json_has_every_shipped_lesson_with_progress():
    result = run("list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["lessons"]
    first = next(r for r in rows if r["id"] == "lstm-forward-pass")
    assert first["steps"] == 17 and first["completed_steps"] == 0
    assert first["title"] == "LSTM forward pass by hand"


def test_list_text():
    result = run("list")
    assert result.exit_code == 0 and "lstm-forward-pass" in result.output


def test_show_lists_steps_with_ids_kinds_and_prompts():
    result = run("show", "lstm-forward-pass", "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    ids = [s["id"] for s in shown["steps"]]
    assert ids[1:16] == [
        "z0",
        "f0",
        "i0",
        "c_hat0",
        "o0",
        "c1",
        "h1",
        "z1",
        "f1",
        "i1",
        "c_hat1",
        "o1",
        "c2",
        "h2",
        "y",
    ]
    assert shown["steps"][2]["kind"] == "numeric" and "forget gate" in shown["steps"][2]["prompt"]
    text = run("show", "lstm-forward-pass")
    assert text.exit_code == 0 and "[f0] numeric" in text.output


def test_show_unknown_lesson_suggests_the_right_one():
    result = run("show", "lstm-forward-pas")
    assert result.exit_code == 1
    assert 'did you mean "lstm-forward-pass"' in result.output


def test_validate_shipped_lessons_passes():
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_validate_a_sample_lesson_with_random_givens():
    result = run("validate", str(SAMPLES / "gru-tiny.yaml"))
    assert result.exit_code == 0, result.output


def test_check_right_and_wrong_answers_exit_0_with_json():
    right = run(
        "check", "lstm-forward-pass", "--step", "f0", "--answer", "sigmoid(z0[0,0])", "--json"
    )
    assert right.exit_code == 0, right.output
    body = json.loads(right.output)
    assert body["correct"] is True and abs(body["value"] - 0.549833997312478) < 1e-12
    assert body["expected"] == [[body["value"]]] and "exact value" in body["feedback"]
    wrong = run("check", "lstm-forward-pass", "--step", "f0", "--answer", "tanh(z0[0,0])", "--json")
    assert wrong.exit_code == 0
    body = json.loads(wrong.output)
    assert body["correct"] is False and "sigmoid" in body["diagnosis"]


def test_check_text_output():
    result = run("check", "lstm-forward-pass", "--step", "y", "--answer", "0.5855")
    assert result.exit_code == 0
    assert result.output.startswith("correct") and "0.5855398664699348" in result.output


def test_check_errors_exit_1_with_the_reason():
    no_step = run("check", "lstm-forward-pass", "--step", "f9", "--answer", "1")
    assert no_step.exit_code == 1 and 'no step "f9"' in no_step.output
    no_lesson = run("check", "nope", "--step", "f0", "--answer", "1")
    assert no_lesson.exit_code == 1 and 'no lesson "nope"' in no_lesson.output
    bad = run("check", "lstm-forward-pass", "--step", "f0", "--answer", "sigmoid(z0[0,0]")
    assert bad.exit_code == 1 and "cannot check that answer" in bad.output and "^" in bad.output
    assert "Traceback" not in bad.output
    reading = run("check", "lstm-forward-pass", "--step", "intro", "--answer", "ok")
    assert reading.exit_code == 1 and "an explanation step" in reading.output


def test_check_with_a_seed_changes_random_numbers_only():
    sample = str(SAMPLES / "gru-tiny.yaml")
    a = json.loads(
        run("check", sample, "--step", "r0", "--answer", "0", "--seed", "1", "--json").output
    )
    b = json.loads(
        run("check", sample, "--step", "r0", "--answer", "0", "--seed", "2", "--json").output
    )
    again = json.loads(
        run("check", sample, "--step", "r0", "--answer", "0", "--seed", "1", "--json").output
    )
    assert a["expected"] != b["expected"] and a["expected"] == again["expected"]


def test_schema_is_json_schema_for_the_format():
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert "steps" in schema["required"] and schema["additionalProperties"] is False
    assert "NumericStep" in schema["$defs"]


def test_reset_asks_for_confirmation_unless_yes():
    aborted = run("reset", "lstm-forward-pass", input="n\n")
    assert aborted.exit_code == 1 and "Aborted" in aborted.output
    done = run("reset", "lstm-forward-pass", "--step", "f0", "--yes")
    assert done.exit_code == 0 and "reset step f0" in done.output
    everything = run("reset", input="y\n")
    assert everything.exit_code == 0 and "ALL" in everything.output


def test_reset_errors():
    assert run("reset", "lstm-forward-pass", "--step", "nope", "--yes").exit_code == 1
    assert run("reset", "--step", "f0", "--yes").exit_code == 2


def test_every_command_has_help_with_an_example():
    for command in ("list", "show", "validate", "check", "schema", "reset"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example" in result.output, command


def test_lessons_commands_never_import_torch_or_textual():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from tutor.cli import cli\n"
        "for args in (['lessons', 'list', '--json'],\n"
        "             ['lessons', 'validate', 'lessons/lstm-forward-pass.yaml'],\n"
        "             ['lessons', 'show', 'lstm-forward-pass'],\n"
        "             ['lessons', 'check', 'lstm-forward-pass', '--step', 'f0',\n"
        "              '--answer', '1']):\n"
        "    assert CliRunner().invoke(cli, args).exit_code == 0, args\n"
        "print('torch' in sys.modules, 'textual' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "False"]


def test_list_skips_a_broken_lesson_file_and_says_so(monkeypatch):
    from tutor.lessons import catalog

    good = catalog.lessons_dir() / "lstm-forward-pass.yaml"
    broken = Path(__file__).parent / "malformed_lessons" / "duplicate-key.yaml"
    monkeypatch.setattr(catalog, "shipped_paths", lambda: [broken, good])
    result = run("list")
    assert result.exit_code == 0
    assert "lstm-forward-pass" in result.output
    assert "skipped" in result.output and "duplicate-key.yaml" in result.output
