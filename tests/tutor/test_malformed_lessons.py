"""Every malformed lesson gets a clear `file:line:col: message`, never a traceback.

Each file in malformed_lessons/ starts with `# expect: LINE: text`: the problem must be
reported on that line (any line when LINE is empty) and its message must contain the text.
"""

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tutor.cli_lessons import lessons
from tutor.lessons.validation import validate_paths
from tutor.lessons.yaml_loader import MAX_FILE_BYTES

HERE = Path(__file__).parent / "malformed_lessons"
FILES = sorted(HERE.glob("*.yaml"))
SHIPPED_IDS = ["lstm-forward-pass"]
PROBLEM = re.compile(r"^(?P<file>.+\.yaml):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


def expectation(path: Path) -> tuple[int | None, str]:
    match = re.match(r"# expect: (\d*): ?(.*)", path.read_text().splitlines()[0])
    assert match, f"{path.name} lacks its '# expect:' line"
    return (int(match.group(1)) if match.group(1) else None), match.group(2).strip()


def test_there_are_enough_malformed_lessons():
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_problem_is_pinned_and_explained(path):
    line, text = expectation(path)
    problems = validate_paths([path], known_ids=SHIPPED_IDS)
    assert problems, f"{path.name} validated cleanly"
    assert all(p.file == str(path) and p.line >= 1 and p.col >= 1 for p in problems)
    matching = [p for p in problems if text in p.message and (line is None or p.line == line)]
    assert matching, [str(p) for p in problems]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_cli_prints_file_line_col_and_exits_1(path):
    result = CliRunner().invoke(lessons, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert lines and all(PROBLEM.match(ln) for ln in lines[:-1]), result.output


def test_a_file_that_is_too_large_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("# padding\n" * (MAX_FILE_BYTES // 10 + 10))
    (problem,) = validate_paths([path])
    assert (problem.line, problem.col) == (1, 1) and "larger than" in problem.message


def test_all_problems_of_a_file_are_reported_not_just_the_first(tmp_path):
    text = (HERE / "misspelt-key.yaml").read_text()
    text = text.replace("group: by-hand", "group: byhand").replace("cell: lstm", "cell: lstn")
    path = tmp_path / "misspelt-key.yaml"
    path.write_text(text)
    messages = [p.message for p in validate_paths([path])]
    assert any('"prompt"' in m for m in messages)
    assert any('"by-hand"' in m for m in messages)
    assert any('"lstm"' in m for m in messages)


def test_a_missing_file_is_a_problem_not_a_crash(tmp_path):
    (problem,) = validate_paths([tmp_path / "nope.yaml"])
    assert "cannot read" in problem.message


def test_run_step_job_problems_point_at_the_job(tmp_path, monkeypatch):
    from tutor.lessons import validation

    seen = []

    def fake_engine_validator(specs):
        seen.extend(specs)
        return [
            ["unknown task 'maxmn' (did you mean 'maxmin'?)"] if s["task"] == "maxmn" else []
            for s in specs
        ]

    monkeypatch.setattr(validation, "job_problems", fake_engine_validator)
    path = tmp_path / "runs.yaml"
    path.write_text(
        "id: runs\ntitle: t\nsummary: s\ngroup: training\nsteps:\n"
        "  - id: good\n    kind: run\n    prompt: p\n    job: {task: maxmin}\n"
        "  - id: bad\n    kind: run\n    prompt: p\n    job: {task: maxmn}\n"
    )
    (problem,) = validate_paths([path])
    assert (problem.line, problem.col) == (13, 10)
    assert "step bad: job: unknown task 'maxmn'" in problem.message
    assert seen == [{"task": "maxmin"}, {"task": "maxmn"}]


def test_job_specs_are_checked_by_the_engine_schema_in_process():
    from tutor.lessons import validation

    assert validation.job_problems([{"models": ["lstm"]}, {"task": "sine"}]) == [
        ["missing key 'task' (one of maxmin, sine, forget_bias, forecast, gradient_norms)"],
        [],
    ]
