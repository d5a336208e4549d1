"""Issue 22: authoring holes `lstm-tutor lessons validate` must reject, each at file:line:col
with the fix, in bounded time on any YAML, with a verdict that does not depend on the id."""

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tutor.cli_lessons import lessons

SHIPPED = Path(__file__).resolve().parents[2] / "lessons"


def validate(*args: str):
    return CliRunner().invoke(lessons, ["validate", *args])


def write_variant(tmp_path: Path, lesson_id: str, new_id: str, *edits: tuple[str, str]) -> Path:
    text = (SHIPPED / f"{lesson_id}.yaml").read_text()
    text = text.replace(f"id: {lesson_id}", f"id: {new_id}", 1)
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / f"{new_id}.yaml"
    path.write_text(text)
    return path


def test_a_self_referencing_anchor_is_refused_in_bounded_time(tmp_path):
    path = write_variant(
        tmp_path, "forget-gate-bias", "anchored", ("  b_f: 1.0", "  b_f: 1.0\n  a: &x [*x]")
    )
    done = subprocess.run(
        [sys.executable, "-m", "tutor.cli", "lessons", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert f"{path}:16:6:" in done.stdout and "contains itself" in done.stdout
