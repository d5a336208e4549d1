"""`lstm-tutor lessons validate`: everything the schema cannot see, checked against the engine.

Beyond the schema it computes every reference, evaluates every authored mistake, hint and
{{ }} expression, and rejects steps that cannot teach: a mistake indistinguishable from the
right answer, or a step that accepts an unsolved answer (0, or a name copied from the givens).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from engine.job_spec import validate_spec
from tutor.lessons import display
from tutor.lessons.checking import clearly_different, close
from tutor.lessons.loading import read_lesson
from tutor.lessons.locate import Loc, mark_of
from tutor.lessons.problems import LessonError, Problem
from tutor.lessons.references import LessonReferences, StepReferenceError
from tutor.lessons.schema import ChoiceStep, FormulaStep, Lesson, NumericStep, RunStep
from tutor.lessons.suggest import did_you_mean

CODE_SPAN = re.compile(r"`([^`]+)`")
SEED_NOTE = re.compile(r" \(for the learner with seed \d+\)")
RANDOM_SEEDS = (0, 1, 2, 3)  # random lessons must work for more than one learner


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
    problems: list[Problem] = []
    for item in per_file:
        problems += item if isinstance(item, list) else item.problems()
    return problems


def validate_file(path: Path, known_ids: set[str]) -> list[Problem]:
    return validate_paths([path], known_ids)


def check_jobs(checkers: list[LessonChecker]) -> None:
    """Check the job spec of every run step in `checkers` against the engine's schema."""
    runs = [
        (checker, index, step)
        for checker in checkers
        for index, step in enumerate(checker.lesson.steps)
        if isinstance(step, RunStep)
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


class LessonChecker:
    """Collects the problems of one schema-valid lesson, each pinned to file:line:col."""

    def __init__(self, lesson: Lesson, root: yaml.Node | None, filename: str, known_ids: set[str]):
        self.lesson, self.root, self.filename, self.known_ids = lesson, root, filename, known_ids
        self.found: dict[tuple[int, int, str], Problem] = {}
        # (loc, message) -> number of sampled learners for whom a step passes unsolved
        self.unsolved: dict[tuple[Loc, str], int] = {}

    def add(self, loc: Loc, message: str, *, key: bool = False) -> None:
        line, col = mark_of(self.root, loc, key=key)
        # The same problem for several learners' seeds is reported once, for the first seed.
        same = SEED_NOTE.sub("", message)
        self.found.setdefault((line, col, same), Problem(self.filename, line, col, message))

    def problems(self) -> list[Problem]:
        self.check_identity()
        self.check_names()
        seeds = RANDOM_SEEDS if _has_random(self.lesson) else (0,)
        for seed in seeds:
            self.check_seed(seed)
        self.report_unsolved(len(seeds))
        return sorted(self.found.values(), key=lambda p: (p.line, p.col))

    # --- static ------------------------------------------------------------------------

    def check_identity(self) -> None:
        stem = Path(self.filename).stem
        if self.lesson.id != stem:
            self.add(
                ("id",),
                f'id "{self.lesson.id}" differs from the file name "{stem}.yaml"; '
                "rename one so they agree",
            )
        for k, pre in enumerate(self.lesson.prerequisites):
            if pre not in self.known_ids:
                self.add(
                    ("prerequisites", k),
                    f'unknown prerequisite "{pre}"{did_you_mean(pre, self.known_ids)}',
                )
            if pre == self.lesson.id:
                self.add(("prerequisites", k), "a lesson cannot be its own prerequisite")

    def check_names(self) -> None:
        from tutor.lessons import formula

        reserved = set(getattr(formula, "FUNCTIONS", ()))
        step_ids = {s.id for s in self.lesson.steps}
        for name in self.lesson.givens:
            if not str(name).isidentifier() or str(name).startswith("_"):
                self.add(
                    ("givens", name),
                    f'given name "{name}" must be an identifier like x0 '
                    "or W_ih (letters, digits, _; not starting with _ or a digit)",
                    key=True,
                )
            elif name in reserved:
                self.add(
                    ("givens", name),
                    f'given name "{name}" hides the function {name}(); rename it',
                    key=True,
                )
            if name in step_ids:
                self.add(
                    ("givens", name),
                    f'"{name}" is both a given and a step id; rename one',
                    key=True,
                )
        for name in self.lesson.derived:
            clash = (
                "a given"
                if name in self.lesson.givens
                else "a step id"
                if name in step_ids
                else f"the function {name}()"
                if name in reserved
                else None
            )
            if not str(name).isidentifier() or str(name).startswith("_"):
                self.add(
                    ("derived", name), f'derived name "{name}" must be an identifier', key=True
                )
            elif clash:
                self.add(
                    ("derived", name), f'derived "{name}" is also {clash}; rename one', key=True
                )
        earlier: set[str] = set(self.lesson.givens) | set(self.lesson.derived)
        for index, step in enumerate(self.lesson.steps):
            for k, name in enumerate(getattr(step, "names", None) or []):
                if name not in earlier:
                    self.add(
                        ("steps", index, "names", k),
                        f'step {step.id}: "{name}" is not a '
                        f"given or an earlier step id{did_you_mean(name, earlier)}",
                    )
            if isinstance(step, NumericStep | FormulaStep):
                earlier.add(step.id)

    # --- against the engine --------------------------------------------------------------

    def check_seed(self, seed: int) -> None:
        errors: list[StepReferenceError] = []
        refs = LessonReferences(self.lesson, seed, errors)
        for err in errors:
            if not err.reported:
                self.add(err.loc, err.message)
        for index, step in enumerate(self.lesson.steps):
            if isinstance(step, NumericStep | FormulaStep) and step.id not in refs.values:
                break  # later steps may use this one's value: fix it first, no cascade
            self.check_texts(index, step, refs)
            if isinstance(step, NumericStep | FormulaStep):
                self.check_value_step(index, step, refs, seed)

    def check_texts(self, index: int, step: Any, refs: LessonReferences) -> None:
        names = refs.names_before(step.id) | refs.values
        texts: list[tuple[Loc, str]] = [(("steps", index, "prompt"), step.prompt)]
        texts += [(("steps", index, "hints", k), h) for k, h in enumerate(step.hints)]
        if step.explanation:
            texts.append((("steps", index, "explanation"), step.explanation))
        for k, mistake in enumerate(getattr(step, "mistakes", [])):
            texts.append((("steps", index, "mistakes", k, "feedback"), mistake.feedback))
        if isinstance(step, ChoiceStep):
            texts += [
                (("steps", index, "choices", k, "feedback"), c.feedback or "")
                for k, c in enumerate(step.choices)
            ]
        for loc, text in texts:
            for src in display.template_expressions(text):
                self.try_formula(loc, f"step {step.id}: {{{{ {src} }}}}", src, names)
        for k, hint in enumerate(step.hints):
            self.check_hint_code(("steps", index, "hints", k), step.id, hint, names)

    def check_hint_code(self, loc: Loc, step_id: str, hint: str, names: dict) -> None:
        """Code spans in a hint that are formulas over known names must evaluate.

        Prose in backticks (`h = ...`, `@`) does not parse and is left alone, and so are spans
        using placeholder names; a name one typo away from a known one is reported.
        """
        from tutor.lessons import formula

        for src in CODE_SPAN.findall(hint):
            try:
                parsed = formula.parse(src)
            except formula.FormulaError:
                continue
            unknown = set(parsed.names) - set(names)
            for name in sorted(unknown):
                hint_text = did_you_mean(name, names)
                if hint_text:
                    self.add(loc, f"step {step_id}: hint `{src}` uses {name}{hint_text}")
            if not unknown:
                self.try_formula(loc, f"step {step_id}: hint `{src}`", src, names)

    def try_formula(self, loc: Loc, what: str, src: str, names: dict) -> np.ndarray | None:
        from tutor.lessons import formula

        try:
            return np.asarray(formula.evaluate(src, names), dtype=float)
        except formula.FormulaError as exc:
            col = getattr(exc, "col", None)
            at = f" (column {col + 1})" if isinstance(col, int) else ""
            self.add(loc, f"{what}: {getattr(exc, 'message', None) or exc}{at}")
            return None

    def check_value_step(self, index: int, step: Any, refs: LessonReferences, seed: int) -> None:
        expected = refs.values[step.id]
        names = refs.names_for(step)
        tol = step.tolerance
        seed_note = f" (for the learner with seed {seed})" if seed else ""
        for k, mistake in enumerate(step.mistakes):
            loc = ("steps", index, "mistakes", k, "expression")
            wrong = self.try_formula(loc, f"step {step.id}: mistake", mistake.expression, names)
            if wrong is not None and not clearly_different(wrong, expected, tol):
                self.add(
                    loc,
                    f"step {step.id}: this mistake gives {display.short(wrong)}, "
                    f"indistinguishable from the right answer {display.short(expected)} "
                    f"under the step's tolerance{seed_note}; tighten `tolerance` or drop it",
                )
        self.check_unsolved(index, step, refs, expected, names)

    def check_unsolved(
        self,
        index: int,
        step: Any,
        refs: LessonReferences,
        expected: np.ndarray,
        names: dict,
    ) -> None:
        loc = ("steps", index, "quantity" if step.quantity else "reference")
        tol = step.tolerance
        if close(np.zeros_like(expected), expected, tol):
            self.note_unsolved(
                loc,
                f"step {step.id} would pass unsolved: an answer of 0 is accepted "
                f"(the right value is {display.short(expected)}); ask for "
                "something else or tighten `tolerance.atol`",
            )
        if isinstance(step, FormulaStep):
            self.check_unsolved_formula(loc, step, refs, expected, names)
            return
        for name, value in names.items():
            if close(value, expected, tol):
                self.note_unsolved(
                    loc,
                    f'step {step.id} would pass unsolved: typing just "{name}" is '
                    f"accepted; ask for a value the learner must compute",
                )

    def check_unsolved_formula(
        self,
        loc: Loc,
        step: FormulaStep,
        refs: LessonReferences,
        expected: np.ndarray,
        names: dict,
    ) -> None:
        from tutor.lessons.runtime import LessonSession

        session = LessonSession(self.lesson, references=refs)
        for typed in [display.exact(expected), *names]:
            if session.check(step.id, typed).correct:
                self.note_unsolved(
                    loc,
                    f'step {step.id} would pass unsolved: "{typed}" is accepted as the '
                    f"formula; check `names:` and that the reference uses the givens",
                )

    def note_unsolved(self, loc: Loc, message: str) -> None:
        self.unsolved[(tuple(loc), message)] = self.unsolved.get((tuple(loc), message), 0) + 1

    def report_unsolved(self, n_seeds: int) -> None:
        """Fixed lessons: always. Random ones: when it holds for at least half the learners
        sampled, since a one-off coincidence of drawn numbers is not an authoring mistake."""
        for (loc, message), count in self.unsolved.items():
            if n_seeds == 1:
                self.add(loc, message)
            elif 2 * count >= n_seeds:
                self.add(loc, f"{message} (for {count} of {n_seeds} sampled learners)")


def job_problems(specs: list[dict[str, Any]]) -> list[list[str]]:
    """Problems of each run step's job spec, from engine.job_spec (which loads no torch)."""
    return [validate_spec(spec) for spec in specs]


def _has_random(lesson: Lesson) -> bool:
    return any(isinstance(v, dict) for v in lesson.givens.values())
