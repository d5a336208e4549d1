"""Checks that need no numbers: the lesson's id and prerequisites, its names, its choices."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tutor.lessons.formula import FUNCTIONS
from tutor.lessons.suggest import did_you_mean

if TYPE_CHECKING:
    from tutor.lessons.validation.checker import LessonChecker


def check_identity(checker: LessonChecker) -> None:
    """The id matches the file name; prerequisites exist and are not the lesson itself."""
    lesson = checker.lesson
    stem = Path(checker.filename).stem
    if lesson.id != stem:
        checker.add(
            ("id",),
            f'id "{lesson.id}" differs from the file name "{stem}.yaml"; rename one so they agree',
        )
    for k, pre in enumerate(lesson.prerequisites):
        if pre not in checker.known_ids:
            checker.add(
                ("prerequisites", k),
                f'unknown prerequisite "{pre}"{did_you_mean(pre, checker.known_ids)}',
            )
        if pre == lesson.id:
            checker.add(("prerequisites", k), "a lesson cannot be its own prerequisite")


def check_choice_bias(checker: LessonChecker) -> None:
    """Warn when the right options are mostly first or mostly the longest: a learner who
    picks by position or length should not do well (learners see them shuffled, but the
    longest stays the longest)."""
    steps = [(i, s) for i, s in enumerate(checker.lesson.steps) if s.offers_choices]
    if len(steps) < 2:
        return
    first = sum(s.choices[0].correct for _, s in steps)
    longest = 0
    for _, s in steps:
        lengths = [len(" ".join(c.text.split())) for c in s.choices]
        right = next(k for k, c in enumerate(s.choices) if c.correct)
        longest += all(lengths[right] > n for k, n in enumerate(lengths) if k != right)
    loc = ("steps", steps[0][0], "choices")
    n = len(steps)
    if 2 * first > n:
        checker.add(
            loc,
            f"the right option is the first in {first} of {n} choice steps; vary its place",
            severity="warning",
        )
    if 2 * longest > n:
        checker.add(
            loc,
            f"the right option is the longest in {longest} of {n} choice steps: a learner "
            "who picks the longest wins; give the wrong options as much detail",
            severity="warning",
        )


def check_names(checker: LessonChecker) -> None:
    """Givens, derived values and step ids are identifiers that hide nothing and clash with
    nothing; a formula step's `names:` are givens or earlier step ids."""
    lesson = checker.lesson
    reserved = set(FUNCTIONS)
    step_ids = {s.id for s in lesson.steps}
    for name in lesson.givens:
        if not str(name).isidentifier() or str(name).startswith("_"):
            checker.add(
                ("givens", name),
                f'given name "{name}" must be an identifier like x0 '
                "or W_ih (letters, digits, _; not starting with _ or a digit)",
                key=True,
            )
        elif name in reserved:
            checker.add(
                ("givens", name),
                f'given name "{name}" hides the function {name}(); rename it',
                key=True,
            )
        if name in step_ids:
            checker.add(
                ("givens", name),
                f'"{name}" is both a given and a step id; rename one',
                key=True,
            )
    for name in lesson.derived:
        clash = (
            "a given"
            if name in lesson.givens
            else "a step id"
            if name in step_ids
            else f"the function {name}()"
            if name in reserved
            else None
        )
        if not str(name).isidentifier() or str(name).startswith("_"):
            checker.add(("derived", name), f'derived name "{name}" must be an identifier', key=True)
        elif clash:
            checker.add(
                ("derived", name), f'derived "{name}" is also {clash}; rename one', key=True
            )
    earlier: set[str] = set(lesson.givens) | set(lesson.derived)
    for index, step in enumerate(lesson.steps):
        allowed = step.allowed_names
        for k, name in enumerate(allowed or []):
            if name not in earlier:
                checker.add(
                    ("steps", index, "names", k),
                    f'step {step.id}: "{name}" is not a '
                    f"given or an earlier step id{did_you_mean(name, earlier)}",
                )
        if step.valued:
            earlier.add(step.id)
