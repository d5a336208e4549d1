"""`lstm-tutor lessons validate`: everything the schema cannot see, checked against the engine.

Beyond the schema it computes every reference, evaluates every authored mistake, hint and
{{ }} expression, and rejects steps that cannot teach: a mistake indistinguishable from the
right answer, or a step that accepts an unsolved answer (0, or a name copied from the givens).

This module checks what spans lessons (prerequisite cycles, run steps' job specs) and hands
each lesson to `checker.LessonChecker`, which runs the per-lesson checks:
- `structure`: id, prerequisites, names, where the right choice sits
- `texts`: prompts, hints and {{ }} expressions, predictions, run steps' result paths
- `learners`: mistakes and unsolved answers, for every sampled learner
- `findings`: what held for how many sampled learners, reported once
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine.job_spec import validate_spec
from tutor.lessons.loading import read_lesson
from tutor.lessons.problems import LessonError, Problem
from tutor.lessons.schema import RunStep
from tutor.lessons.validation.checker import RANDOM_SEEDS, LessonChecker

__all__ = ["RANDOM_SEEDS", "LessonChecker", "job_problems", "validate_file", "validate_paths"]


def validate_paths(paths: Iterable[str | Path], known_ids: Iterable[str] = ()) -> list[Problem]:
    """Every problem in every file; prerequisites may name any file given or shipped."""
    paths = [Path(p) for p in paths]
    known = set(known_ids) | {p.stem for p in paths}
    per_file: list[list[Problem] | LessonChecker] = []
    for path in paths:
        try:
            lesson, root = read_lesson(path)
        except LessonError as exc:
            per_file.append(exc.problems)
            continue
        per_file.append(LessonChecker(lesson, root, str(path), known))
    check_jobs([c for c in per_file if isinstance(c, LessonChecker)])
    check_prerequisite_cycles([c for c in per_file if isinstance(c, LessonChecker)])
    problems: list[Problem] = []
    for item in per_file:
        problems += item if isinstance(item, list) else item.problems()
    return problems


def validate_file(path: Path, known_ids: set[str]) -> list[Problem]:
    return validate_paths([path], known_ids)


def check_prerequisite_cycles(checkers: list[LessonChecker]) -> None:
    """Lessons that are (through others) their own prerequisite can never be started in order."""
    by_id = {c.lesson.id: c for c in checkers}
    state: dict[str, int] = {}  # 1: on the current path, 2: finished

    def visit(lesson_id: str, path: list[str]) -> None:
        state[lesson_id] = 1
        checker = by_id[lesson_id]
        for k, pre in enumerate(checker.lesson.prerequisites):
            if pre == lesson_id or pre not in by_id:
                continue  # itself, or unknown: reported elsewhere
            if state.get(pre) == 1:
                cycle = " → ".join([*path[path.index(pre) :], lesson_id, pre])
                checker.add(
                    ("prerequisites", k),
                    f"prerequisites form a cycle ({cycle}): no lesson in it can come first; "
                    "remove one of them",
                )
            elif pre not in state:
                visit(pre, [*path, lesson_id])
        state[lesson_id] = 2

    for lesson_id in by_id:
        if lesson_id not in state:
            visit(lesson_id, [])


def check_jobs(checkers: list[LessonChecker]) -> None:
    """Check the job spec of every run step in `checkers` against the engine's schema."""
    runs = [
        (checker, index, step)
        for checker in checkers
        for index, step in enumerate(checker.lesson.steps)
        if step.runs_job
    ]
    found = job_problems([{**step.job, **_stand_ins(step)} for _, _, step in runs])
    for (checker, index, step), messages in zip(runs, found, strict=True):
        for message in messages:
            checker.add(("steps", index, "job"), f"step {step.id}: job: {message}")


def _stand_ins(step: RunStep) -> dict[str, Any]:
    """Plausible values for what the learner will supply, so the rest of the job is checked."""
    return {
        ask.key: ["y"] if ask.kind == "list" else "learner-data.csv" if ask.kind == "path" else "x"
        for ask in step.ask
    }


def job_problems(specs: list[dict[str, Any]]) -> list[list[str]]:
    """Problems of each run step's job spec, from engine.job_spec (which loads no torch)."""
    return [validate_spec(spec) for spec in specs]
