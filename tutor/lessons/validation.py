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
from tutor.lessons.loading import read_lesson
from tutor.lessons.locate import Loc, mark_of
from tutor.lessons.precision import Precision
from tutor.lessons.problems import LessonError, Problem
from tutor.lessons.references import LessonReferences, StepReferenceError
from tutor.lessons.schema import ChoiceStep, FormulaStep, Lesson, NumericStep, RunStep
from tutor.lessons.suggest import did_you_mean

CODE_SPAN = re.compile(r"`([^`]+)`")
SEED_NOTE = re.compile(r" \(for the learner with seed \d+\)")
RANDOM_SEEDS = tuple(range(64))  # random lessons must work for every learner we can sample


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
        # (loc, step, mistake) -> (precision needed, accepted?, learners, first seed)
        self.precision_notes: dict[tuple, tuple] = {}

    def add(self, loc: Loc, message: str, *, key: bool = False, severity: str = "error") -> None:
        line, col = mark_of(self.root, loc, key=key)
        # The same problem for several learners' seeds is reported once, for the first seed.
        same = SEED_NOTE.sub("", message)
        problem = Problem(self.filename, line, col, message, severity)
        self.found.setdefault((line, col, same), problem)

    def problems(self) -> list[Problem]:
        self.check_identity()
        self.check_choice_bias()
        self.check_names()
        seeds = RANDOM_SEEDS if _has_random(self.lesson) else (0,)
        for seed in seeds:
            self.check_seed(seed)
        self.report_unsolved(len(seeds))
        self.report_precision(len(seeds))
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

    def check_choice_bias(self) -> None:
        """Warn when the right options are mostly first or mostly the longest: a learner who
        picks by position or length should not do well (learners see them shuffled, but the
        longest stays the longest)."""
        steps = [(i, s) for i, s in enumerate(self.lesson.steps) if isinstance(s, ChoiceStep)]
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
            self.add(
                loc,
                f"the right option is the first in {first} of {n} choice steps; vary its place",
                severity="warning",
            )
        if 2 * longest > n:
            self.add(
                loc,
                f"the right option is the longest in {longest} of {n} choice steps: a learner "
                "who picks the longest wins; give the wrong options as much detail",
                severity="warning",
            )

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
        from tutor.lessons.results import stand_ins

        refs = LessonReferences(self.lesson, seed, errors, results=stand_ins(self.lesson))
        steps = self.lesson.steps
        self.broken = {
            s.id
            for s in steps
            if isinstance(s, NumericStep | FormulaStep) and s.id not in refs.values
        }
        for err in errors:
            # A step whose reference uses a broken step's value fails too: report the cause only.
            step_index = err.loc[1] if err.loc[:1] == ("steps",) and len(err.loc) > 1 else None
            cascade = isinstance(step_index, int) and self.uses_broken(steps[step_index])
            if not err.reported and not cascade:
                self.add(err.loc, err.message)
        from tutor.lessons.runtime import LessonSession

        session = LessonSession(self.lesson, references=refs)  # one per learner: worlds shared
        for index, step in enumerate(steps):
            if step.id in self.broken:
                continue  # reported above; steps that do not use its value are still checked
            self.check_texts(index, step, refs)
            if isinstance(step, NumericStep | FormulaStep):
                self.check_same_meaning(index, step, refs)
                self.check_value_step(index, step, refs, seed, session)

    def uses_broken(self, step: Any) -> bool:
        from tutor.lessons import formula

        for src in (getattr(step, "reference", None), *(m.expression for m in step.mistakes)):
            if not src:
                continue
            try:
                if set(formula.parse(src).names) & (self.broken - {step.id}):
                    return True
            except formula.FormulaError:
                continue
        return False

    def check_same_meaning(self, index: int, step: Any, refs: LessonReferences) -> None:
        """A reference-only step named like an engine quantity (h1, n0) must agree with it: a GRU
        blend with z and 1 - z swapped would otherwise be taught as right."""
        from tutor.lessons.unroll import QuantityError, split_quantity

        if step.quantity is not None or step.reference is None or refs.run is None:
            return
        try:
            name, t = split_quantity(step.id, None, self.lesson.model.cell)
            engine_value = np.asarray(refs.run.quantity(name, t), dtype=float)
        except (QuantityError, ValueError, IndexError):
            return  # not a quantity's name: nothing to compare with
        mine = refs.values[step.id]
        same = mine.size == engine_value.size and np.allclose(
            mine.reshape(-1), engine_value.reshape(-1), rtol=1e-9, atol=1e-12
        )
        if not same:
            self.add(
                ("steps", index, "reference"),
                f"step {step.id}: the reference gives {display.short(mine)}, but the engine's "
                f"{step.id} is {display.short(engine_value)}; fix the reference, or add "
                f"`quantity: {step.id}` so the engine computes it",
            )

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
        later = self.ids_from(step.id)
        if isinstance(step, RunStep):
            self.check_result_paths(index, step)
        if isinstance(step, RunStep) and step.predict is not None:
            texts.append((("steps", index, "predict", "prompt"), step.predict.prompt))
            own = {n: refs.results[n] for n in step.results if n in refs.results}
            for k, choice in enumerate(step.predict.choices):
                where = ("steps", index, "predict", "choices", k, "value")
                self.try_formula(where, f"step {step.id}: prediction", choice.value, names | own)
        for loc, text in texts:
            for src in display.template_expressions(text):
                self.try_formula(loc, f"step {step.id}: {{{{ {src} }}}}", src, names)
                if loc[2] == "prompt" or loc[2] == "hints":
                    self.check_not_shown(loc, step.id, src, later)
        for k, hint in enumerate(step.hints):
            self.check_hint_code(("steps", index, "hints", k), step.id, hint, names)

    def ids_from(self, step_id: str) -> set[str]:
        """This value step's id and the ids of the value steps after it."""
        ids = [s.id for s in self.lesson.steps if isinstance(s, NumericStep | FormulaStep)]
        own = [s.id for s in self.lesson.steps]
        start = own.index(step_id)
        return {i for i in ids if own.index(i) >= start}

    def check_not_shown(self, loc: Loc, step_id: str, src: str, later: set[str]) -> None:
        """A prompt or hint must not show the value it asks for (or a later step's)."""
        from tutor.lessons import formula

        try:
            used = set(formula.parse(src).names) & later
        except formula.FormulaError:
            return
        if used:
            which = "this step's own answer" if step_id in used else "a later step's answer"
            where = "prompt" if loc[2] == "prompt" else "hint"
            self.add(
                loc,
                f"step {step_id}: the {where} shows {{{{ {src} }}}}, {which} "
                f"({', '.join(sorted(used))}); learners would read it before answering",
            )

    def check_result_paths(self, index: int, step: RunStep) -> None:
        """Each result path must start at a run the job makes (its `models`)."""
        from engine.job_spec import DEFAULTS

        task = step.job.get("task")
        if task not in DEFAULTS or task == "forget_bias":
            return  # forecast and forget_bias name their runs otherwise
        runs = list(step.job.get("models", DEFAULTS[task].get("models", [])))
        for name, path in step.results.items():
            run = path.split(".", 1)[0]
            if runs and run not in runs:
                self.add(
                    ("steps", index, "results", name),
                    f'step {step.id}: result "{name}" reads run "{run}", but the job makes '
                    f"{', '.join(runs)}{did_you_mean(run, runs)}",
                )

    def check_hint_code(self, loc: Loc, step_id: str, hint: str, names: dict) -> None:
        """Code spans in a hint that are formulas over known names must evaluate.

        Prose in backticks (`h = ...`, `@`) does not parse and is left alone, and so are spans
        using placeholder names; a name one typo away from a known one is reported.
        """
        from tutor.lessons import formula

        for src in CODE_SPAN.findall(hint):
            try:
                parsed = formula.parse(src)
            except formula.FormulaError as exc:
                if looks_like_formula(src):
                    self.add(
                        loc,
                        f"step {step_id}: hint `{src}` looks like a formula but does not "
                        f"parse: {exc.message}",
                    )
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
            if set(formula.parse(src).names) & (getattr(self, "broken", set()) - set(names)):
                return None  # it uses a broken step's value: that step is already reported
            return np.asarray(formula.evaluate(src, names), dtype=float)
        except formula.FormulaError as exc:
            col = getattr(exc, "col", None)
            at = f" (column {col + 1})" if isinstance(col, int) else ""
            self.add(loc, f"{what}: {getattr(exc, 'message', None) or exc}{at}")
            return None

    def check_value_step(
        self, index: int, step: Any, refs: LessonReferences, seed: int, session: Any
    ) -> None:
        """Every authored and built-in mistake must be refused, for every sampled learner."""
        expected = refs.values[step.id]
        names = refs.names_for(step)
        seed_note = f" (for the learner with seed {seed})" if seed else ""
        for k, mistake in enumerate(step.mistakes):
            loc = ("steps", index, "mistakes", k, "expression")
            wrong = self.try_formula(loc, f"step {step.id}: mistake", mistake.expression, names)
            if wrong is None:
                continue
            if session.check(step.id, mistake.expression).correct:
                self.add(
                    loc,
                    f"step {step.id}: this mistake is indistinguishable from the right answer: "
                    f"`{mistake.expression}` is accepted (it agrees with the reference here and "
                    f"when the givens move){seed_note}; drop it or fix the reference",
                )
                continue
            self.check_as_number(session, step, loc, wrong, f"mistake `{mistake.expression}`", seed)
        if step.id in refs.quantities:
            quantity_loc = ("steps", index, "quantity")
            for candidate in session.candidates(step)[len(step.mistakes) :]:
                label = f'built-in mistake "{candidate.key}" ({_first_words(candidate.message)})'
                self.check_as_number(session, step, quantity_loc, candidate.value, label, seed)
        self.check_unsolved(index, step, refs, expected, names, session)

    def check_as_number(
        self, session: Any, step: Any, loc: Loc, wrong: np.ndarray, label: str, seed: int
    ) -> None:
        """A mistake's value typed as a learner would type it must not be accepted."""
        from tutor.lessons.judging import distinct

        expected = session.refs.values[step.id]
        if isinstance(step, FormulaStep) or not distinct(wrong, expected):
            return  # a formula step refuses numbers; an equal value is no mistake here
        if wrong.size != expected.size:
            return
        case = session.case(step)
        typed = typed_as_learner(wrong, case)
        result = session.check(step.id, typed)
        if result.correct or result.mistake == "ambiguous":
            self.note_precision(loc, step, label, case, expected, wrong, seed, result.correct)

    def note_precision(
        self,
        loc: Loc,
        step: Any,
        label: str,
        case: Any,
        expected: np.ndarray,
        wrong: np.ndarray,
        seed: int,
        accepted: bool,
    ) -> None:
        """Collect, over all sampled learners, the precision that would separate a mistake."""
        needed = _separating(case, expected, wrong)
        key = (tuple(loc), step.id, label)
        old = self.precision_notes.get(key)
        seeds = (old[2] if old else 0) + 1
        worst = needed if old is None else _max_need(old[0], needed)
        self.precision_notes[key] = (worst, accepted or (old[1] if old else False), seeds, seed)

    def report_precision(self, n_seeds: int) -> None:
        for (loc, step_id, label), (needed, accepted, count, seed) in self.precision_notes.items():
            case_text = needed or "no precision"
            who = (
                f" for {count} of {n_seeds} sampled learners (first: seed {seed})"
                if n_seeds > 1
                else ""
            )
            what = (
                "is accepted as right"
                if accepted
                else "rounds like the right answer, so learners typing the right number are "
                "asked for more figures"
            )
            fix = (
                f"ask for `{case_text}`"
                if needed
                else "the values cannot be told apart; drop the mistake or change the givens"
            )
            self.add(loc, f"step {step_id}: {label} {what} at the step's precision{who}; {fix}")

    def check_unsolved(
        self,
        index: int,
        step: Any,
        refs: LessonReferences,
        expected: np.ndarray,
        names: dict,
        session: Any,
    ) -> None:
        loc = ("steps", index, "quantity" if step.quantity else "reference")
        case = session.case(step)
        if not isinstance(step, FormulaStep) and session.check(step.id, "0").correct:
            self.note_unsolved(
                loc,
                f"step {step.id} would pass unsolved: an answer of 0 is accepted "
                f"(the right value is {display.short(expected)}); ask for something else",
            )
        from tutor.lessons.judging import tight
        from tutor.lessons.precision import flat

        for name, value in names.items():
            if value.size != expected.size:
                continue
            # Only a value that rounds like the answer can pass; skip the rest cheaply.
            rounds_alike = case.integer or all(
                (case.precision or Precision()).same(float(a), float(b))
                for a, b in zip(flat(value), flat(expected), strict=True)
            )
            if case.precision is None and not case.integer:
                rtol, atol = case.tolerance
                rounds_alike = bool(
                    np.all(
                        np.abs(flat(value) - flat(expected)) <= atol + rtol * np.abs(flat(expected))
                    )
                )
            if not rounds_alike and not tight(value, expected):
                continue
            if tight(value, expected) and session.check(step.id, name).correct:
                self.note_unsolved(
                    loc,
                    f'step {step.id} would pass unsolved: typing just "{name}" is '
                    "accepted; ask for a value the learner must compute",
                )
            elif (
                not isinstance(step, FormulaStep)
                and value.size == expected.size
                and session.check(step.id, typed_as_learner(value, case)).correct
            ):
                self.note_unsolved(
                    loc,
                    f'step {step.id} would pass unsolved: copying the value of "{name}" is '
                    "accepted at the step's precision; ask for more figures or another value",
                )
        if isinstance(step, FormulaStep):
            if session.check(step.id, display.exact(expected)).correct:
                self.note_unsolved(
                    loc,
                    f"step {step.id} would pass unsolved: the number itself is accepted as "
                    "the formula; check `names:` and that the reference uses the givens",
                )

    def note_unsolved(self, loc: Loc, message: str) -> None:
        self.unsolved[(tuple(loc), message)] = self.unsolved.get((tuple(loc), message), 0) + 1

    def report_unsolved(self, n_seeds: int) -> None:
        """An error when it holds for any sampled learner: that learner gets a free pass."""
        for (loc, message), count in self.unsolved.items():
            if n_seeds == 1:
                self.add(loc, message)
            else:
                self.add(loc, f"{message} (for {count} of {n_seeds} sampled learners)")


def job_problems(specs: list[dict[str, Any]]) -> list[list[str]]:
    """Problems of each run step's job spec, from engine.job_spec (which loads no torch)."""
    return [validate_spec(spec) for spec in specs]


def _has_random(lesson: Lesson) -> bool:
    return any(isinstance(v, dict) for v in lesson.givens.values())


def typed_as_learner(value: np.ndarray, case: Any) -> str:
    """How a learner types this value at the step's precision (`5.13e-01`, `[1.20e+00, ...]`)."""
    array = np.asarray(value, dtype=float)
    if case.integer:
        one = lambda v: str(int(round(v)))  # noqa: E731
    elif case.precision is None:
        one = repr
    elif case.precision.decimals is not None:
        one = lambda v: f"{v:.{case.precision.decimals}f}"  # noqa: E731
    else:
        one = lambda v: f"{v:.{case.precision.figures - 1}e}"  # noqa: E731

    def fmt(a: np.ndarray) -> str:
        if a.ndim == 0:
            return one(float(a))
        return "[" + ", ".join(fmt(row) for row in a) + "]"

    return fmt(array)


def _separating(case: Any, expected: np.ndarray, wrong: np.ndarray) -> str | None:
    """`precision: 4` (or `{decimals: 3}`) that would tell the two values apart; None: none."""
    from tutor.lessons.precision import Precision, flat

    base = case.precision or Precision()
    best = None
    for x, y in zip(flat(expected), flat(wrong), strict=True):
        p = base.separating(float(x), float(y))
        if p is not None:
            n = p.decimals if p.decimals is not None else p.figures
            best = n if best is None else min(best, n)
    if best is None:
        return None
    if base.decimals is not None:
        return f"precision: {{decimals: {best}}}"
    return f"precision: {best}"


def _max_need(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return None
    number = lambda t: int(re.sub(r"\D", "", t))  # noqa: E731
    return a if number(a) >= number(b) else b


def _first_words(message: str, n: int = 8) -> str:
    words = message.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")


_FORMULA_CHARS = re.compile(r"^[\w\s.+\-*/@()\[\],:]+$")
_PROSE = re.compile(r"[A-Za-z_]\w*\s+[A-Za-z_(]|[A-Za-z_]\w*\.[A-Za-z_]|\.\.\.")


def looks_like_formula(src: str) -> bool:
    """`sigmod(z0[0, 0])` is meant as a formula; `h = ...`, `tf.split(...)` and prose are not."""
    text = src.strip()
    if not _FORMULA_CHARS.match(text) or _PROSE.search(text):
        return False
    has_operand = re.search(r"[A-Za-z_0-9]", text)
    return bool(has_operand and re.search(r"[A-Za-z_]\w*\s*[(\[]|[-+*/@]", text))
