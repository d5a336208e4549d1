"""Checks of what learners read: prompts, hints, feedback and their {{ }} expressions,
predictions, and the run results a step reads."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from engine.job_spec import DEFAULTS
from tutor.lessons import display, formula
from tutor.lessons.locate import Loc
from tutor.lessons.references import LessonReferences
from tutor.lessons.schema import RunStep
from tutor.lessons.suggest import did_you_mean

if TYPE_CHECKING:
    from tutor.lessons.validation.checker import LessonChecker

CODE_SPAN = re.compile(r"`([^`]+)`")


def check_texts(checker: LessonChecker, index: int, step: Any, refs: LessonReferences) -> None:
    """Every {{ }} expression evaluates, prompts and hints do not give answers away, a hint's
    formulas evaluate, a prediction's values evaluate over the run's results."""
    names = refs.names_before(step.id) | refs.values
    texts: list[tuple[Loc, str]] = [(("steps", index, "prompt"), step.prompt)]
    texts += [(("steps", index, "hints", k), h) for k, h in enumerate(step.hints)]
    if step.explanation:
        texts.append((("steps", index, "explanation"), step.explanation))
    mistakes = step.mistakes if step.valued else []
    for k, mistake in enumerate(mistakes):
        texts.append((("steps", index, "mistakes", k, "feedback"), mistake.feedback))
    if step.offers_choices:
        texts += [
            (("steps", index, "choices", k, "feedback"), c.feedback or "")
            for k, c in enumerate(step.choices)
        ]
    later = ids_from(checker, step.id)
    if step.runs_job:
        check_result_paths(checker, index, step)
    if step.runs_job and step.predict is not None:
        texts.append((("steps", index, "predict", "prompt"), step.predict.prompt))
        own = {n: refs.results[n] for n in step.results if n in refs.results}
        for k, choice in enumerate(step.predict.choices):
            where = ("steps", index, "predict", "choices", k, "value")
            checker.try_formula(where, f"step {step.id}: prediction", choice.value, names | own)
    for loc, text in texts:
        for src in display.template_expressions(text):
            checker.try_formula(loc, f"step {step.id}: {{{{ {src} }}}}", src, names)
            if loc[2] == "prompt" or loc[2] == "hints":
                check_not_shown(checker, loc, step.id, src, later)
    for k, hint in enumerate(step.hints):
        check_hint_code(checker, ("steps", index, "hints", k), step.id, hint, names)


def ids_from(checker: LessonChecker, step_id: str) -> set[str]:
    """This value step's id and the ids of the value steps after it."""
    steps = checker.lesson.steps
    ids = [s.id for s in steps if s.valued]
    own = [s.id for s in steps]
    start = own.index(step_id)
    return {i for i in ids if own.index(i) >= start}


def check_not_shown(
    checker: LessonChecker, loc: Loc, step_id: str, src: str, later: set[str]
) -> None:
    """A prompt or hint must not show the value it asks for (or a later step's)."""
    try:
        used = set(formula.parse(src).names) & later
    except formula.FormulaError:
        return
    if used:
        which = "this step's own answer" if step_id in used else "a later step's answer"
        where = "prompt" if loc[2] == "prompt" else "hint"
        checker.add(
            loc,
            f"step {step_id}: the {where} shows {{{{ {src} }}}}, {which} "
            f"({', '.join(sorted(used))}); learners would read it before answering",
        )


def check_result_paths(checker: LessonChecker, index: int, step: RunStep) -> None:
    """Each result path must start at a run the job makes (its `models`)."""
    task = step.job.get("task")
    if task not in DEFAULTS or task == "forget_bias":
        return  # forecast and forget_bias name their runs otherwise
    runs = list(step.job.get("models", DEFAULTS[task].get("models", [])))
    for name, path in step.results.items():
        run = path.split(".", 1)[0]
        if runs and run not in runs:
            checker.add(
                ("steps", index, "results", name),
                f'step {step.id}: result "{name}" reads run "{run}", but the job makes '
                f"{', '.join(runs)}{did_you_mean(run, runs)}",
            )


def check_hint_code(checker: LessonChecker, loc: Loc, step_id: str, hint: str, names: dict) -> None:
    """Code spans in a hint that are formulas over known names must evaluate.

    Prose in backticks (`h = ...`, `@`) does not parse and is left alone, and so are spans
    using placeholder names; a name one typo away from a known one is reported.
    """
    for src in CODE_SPAN.findall(hint):
        try:
            parsed = formula.parse(src)
        except formula.FormulaError as exc:
            if looks_like_formula(src):
                checker.add(
                    loc,
                    f"step {step_id}: hint `{src}` looks like a formula but does not "
                    f"parse: {exc.message}",
                )
            continue
        unknown = set(parsed.names) - set(names)
        for name in sorted(unknown):
            hint_text = did_you_mean(name, names)
            if hint_text:
                checker.add(loc, f"step {step_id}: hint `{src}` uses {name}{hint_text}")
        if not unknown:
            checker.try_formula(loc, f"step {step_id}: hint `{src}`", src, names)


_FORMULA_CHARS = re.compile(r"^[\w\s.+\-*/@()\[\],:]+$")
_PROSE = re.compile(r"[A-Za-z_]\w*\s+[A-Za-z_(]|[A-Za-z_]\w*\.[A-Za-z_]|\.\.\.")


def looks_like_formula(src: str) -> bool:
    """`sigmod(z0[0, 0])` is meant as a formula; `h = ...`, `tf.split(...)` and prose are not."""
    text = src.strip()
    if not _FORMULA_CHARS.match(text) or _PROSE.search(text):
        return False
    has_operand = re.search(r"[A-Za-z_0-9]", text)
    return bool(has_operand and re.search(r"[A-Za-z_]\w*\s*[(\[]|[-+*/@]", text))
