"""`lstm-tutor lessons ...`: list, show, validate, check and reset lessons from the shell.

Nothing here imports torch or textual: the lesson runtime is numpy-only, and run steps are
only described, never run, from this group. Each command imports what it uses inside itself:
`lstm-tutor --help` and every other command load this module, and the lesson runtime's
pydantic, yaml and numpy would multiply their start-up several times (`python -X importtime`:
`import tutor.cli` about 0.2 s, the lesson runtime about 1 s more).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


@click.group()
def lessons() -> None:
    """Browse, validate and try lessons headlessly.  Example: lstm-tutor lessons list"""


@lessons.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of a table.")
def list_cmd(as_json: bool) -> None:
    """The curriculum and your progress.  Example: lstm-tutor lessons list --json"""
    from tutor.lessons.catalog import list_lessons

    skipped: list[str] = []
    items = list_lessons(skipped)
    for path in skipped:
        click.echo(f"skipped {path}: it does not load (see lstm-tutor lessons validate)", err=True)
    progress = _progress_reader()
    rows = []
    for item in items:
        done = progress(item.id)
        rows.append(
            {
                "id": item.id,
                "title": item.title,
                "group": item.group,
                "steps": item.n_steps,
                "completed_steps": done,
                "prerequisites": list(item.prerequisites),
            }
        )
    if as_json:
        click.echo(json.dumps({"lessons": rows}, indent=2))
        return
    width = max((len(r["id"]) for r in rows), default=10)
    for r in rows:
        mark = "✓" if r["completed_steps"] >= r["steps"] else " "
        count = f"{r['completed_steps']:>2}/{r['steps']:<2}"
        click.echo(f"{mark} {r['id']:<{width}}  {count} steps  {r['title']}")


@lessons.command("show")
@click.argument("lesson")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object instead of text.")
@click.option("--seed", type=int, default=None, help="Show the numbers learner N would get.")
def show_cmd(lesson: str, as_json: bool, seed: int | None) -> None:
    """The steps of a lesson with their ids, kinds and prompts.

    Example: lstm-tutor lessons show lstm-forward-pass
    """
    from tutor.lessons.choices import letter

    loaded = _load(lesson)
    session = _session(loaded, seed)
    steps = []
    for step in loaded.steps:
        prompt = session.prompt(step.id) if session else step.prompt
        entry: dict[str, Any] = {
            "id": step.id,
            "kind": step.kind,
            "title": step.title,
            "prompt": prompt.strip(),
            "hints": len(step.hints),
            **step.listed(session.choices(step.id) if session else None),
        }
        steps.append(entry)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "id": loaded.id,
                    "title": loaded.title,
                    "group": loaded.group,
                    "summary": loaded.summary.strip(),
                    "prerequisites": loaded.prerequisites,
                    "steps": steps,
                },
                indent=2,
            )
        )
        return
    click.echo(f"{loaded.title}  ({loaded.id}, {len(steps)} steps)\n")
    for n, entry in enumerate(steps, 1):
        click.echo(
            f"{n:>2}. [{entry['id']}] {entry['kind']}"
            + (f" — {entry['title']}" if entry["title"] else "")
        )
        for line in entry["prompt"].splitlines():
            click.echo(f"      {line}")
        for k, text in enumerate(entry.get("choices", [])):
            click.echo(f"      {letter(k)}) {text}")


@lessons.command("validate")
@click.argument("paths", nargs=-1)
def validate_cmd(paths: tuple[str, ...]) -> None:
    """Check lesson files against the engine; print file:line:col: message for each problem.

    With no PATH, checks the shipped lessons; a directory means every .yaml file in it, and a
    shipped lesson's id (gru-by-hand) that lesson.
    Exit status 0 when all are valid, 1 otherwise.  Example: lstm-tutor lessons validate lessons/
    """
    from tutor.lessons.catalog import shipped_ids, shipped_paths
    from tutor.lessons.validation import validate_paths

    files = _expand(paths) if paths else shipped_paths()
    if not files:
        raise click.ClickException("no lesson files to validate")
    found = validate_paths(files, known_ids=shipped_ids())
    for problem in found:
        click.echo(str(problem))
    problems = [p for p in found if p.severity != "warning"]
    bad = len({p.file for p in problems})
    if problems:
        click.echo(f"{len(problems)} problem(s) in {bad} of {len(files)} file(s)", err=True)
        raise SystemExit(1)
    warned = len(found) - len(problems)
    click.echo(f"{len(files)} lesson file(s) valid" + (f", {warned} warning(s)" if warned else ""))


@lessons.command("check")
@click.argument("lesson")
@click.option("--step", "step_id", required=True, help="The step id, e.g. f0.")
@click.option("--answer", required=True, help="What the learner types, e.g. 'sigmoid(z0[0,0])'.")
@click.option("--seed", type=int, default=None, help="Check as learner N (random lessons).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def check_cmd(lesson: str, step_id: str, answer: str, seed: int | None, as_json: bool) -> None:
    """What a learner would be told for an answer.  Exit 0 right or wrong, 1 if unusable.

    Example: lstm-tutor lessons check lstm-forward-pass --step f0 --answer 'sigmoid(z0[0,0])'
    """
    from tutor.lessons import display
    from tutor.lessons.problems import LessonLookupError

    loaded = _load(lesson)
    session = _session(loaded, seed, strict=True)
    try:
        result = session.check(step_id, answer)
    except LessonLookupError as exc:
        raise click.ClickException(str(exc)) from None
    if result.error is not None:
        where = f" (column {result.col + 1})" if result.col is not None else ""
        caret = f"\n  {answer}\n  {' ' * result.col}^" if result.col is not None else ""
        raise click.ClickException(f"cannot check that answer{where}: {result.error}{caret}")
    value, expected = _shown(result.value, display), _shown(result.expected, display)
    if as_json:
        click.echo(
            json.dumps(
                {
                    "correct": result.correct,
                    "value": _json(result.value, display),
                    "expected": _json(result.expected, display),
                    "feedback": result.feedback,
                    "diagnosis": result.diagnosis,
                    "tolerance": result.tolerance_text,
                    "lesson": loaded.id,
                    "step": step_id,
                    "seed": session.seed,
                },
                indent=2,
            )
        )
        return
    click.echo("correct" if result.correct else "wrong")
    click.echo(f"your value: {value}")
    click.echo(
        f"expected:   {expected}"
        + (f"  accepted: {result.tolerance_text}" if result.tolerance_text else "")
    )
    click.echo(result.feedback)


@lessons.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the lesson format.  Example: lstm-tutor lessons schema > s.json"""
    from tutor.lessons.schema import lesson_json_schema

    click.echo(json.dumps(lesson_json_schema(), indent=2))


@lessons.command("reset")
@click.argument("lesson", required=False)
@click.option("--step", "step_id", default=None, help="Reset only this step of LESSON.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset_cmd(lesson: str | None, step_id: str | None, yes: bool) -> None:
    """Forget progress: one step, one lesson, or everything.

    Example: lstm-tutor lessons reset lstm-forward-pass --step f0 --yes
    """
    from tutor.progress import ProgressStore

    if step_id and not lesson:
        raise click.UsageError("--step needs a LESSON")
    if lesson:
        loaded = _load(lesson)
        if step_id and step_id not in {s.id for s in loaded.steps}:
            from tutor.lessons.suggest import did_you_mean

            ids = [s.id for s in loaded.steps]
            raise click.ClickException(
                f'lesson {loaded.id} has no step "{step_id}"{did_you_mean(step_id, ids)}'
            )
        lesson = loaded.id
    what = (
        f"step {step_id} of {lesson}"
        if step_id
        else f"lesson {lesson}"
        if lesson
        else "ALL your progress"
    )
    if not yes:
        click.confirm(f"Reset {what}?", abort=True)
    store = _store(ProgressStore)
    _reset(store, lesson, step_id)
    click.echo(f"reset {what}")


# --- helpers -------------------------------------------------------------------------------


def _load(lesson: str) -> Any:
    from tutor.lessons.catalog import load_lesson
    from tutor.lessons.problems import LessonError, LessonLookupError

    try:
        return load_lesson(lesson)
    except LessonLookupError as exc:
        raise click.ClickException(str(exc)) from None
    except LessonError as exc:
        raise click.ClickException(f"the lesson is invalid:\n{exc}") from None


def _session(lesson: Any, seed: int | None, strict: bool = False) -> Any:
    from tutor.lessons.references import StepReferenceError
    from tutor.lessons.runtime import LessonSession
    from tutor.progress import ProgressError

    try:
        return LessonSession(lesson, _learner_seed() if seed is None else seed)
    except ProgressError as exc:  # the learner's seed lives in the progress file
        raise click.ClickException(f"{exc} (or pass --seed N)") from None
    except StepReferenceError as exc:
        if strict:
            raise click.ClickException(
                f"the lesson is invalid: {exc.message} (run `lstm-tutor lessons validate`)"
            ) from None
        return None


def _learner_seed() -> int:
    """The learner's seed from their progress (their numbers and their order of choices)."""
    from tutor.progress import ProgressStore

    store = ProgressStore()
    if store.problem:  # set aside: a new seed, new numbers; say so instead of changing silently
        click.echo(store.problem, err=True)
    return int(store.seed)


def _expand(paths: tuple[str, ...]) -> list[Path]:
    """Files for PATH arguments: a .yaml file, a folder of them, or a shipped lesson's id."""
    from tutor.lessons.catalog import shipped_paths

    shipped = {p.stem: p for p in shipped_paths()}
    files: list[Path] = []
    for text in paths:
        path = Path(text)
        if path.is_dir():
            found = sorted(path.glob("*.y*ml"))
            if not found:
                raise click.ClickException(f"{text}: the folder holds no .yaml lesson files")
            files += found
        elif path.exists():
            files.append(path)
        elif text in shipped:
            files.append(shipped[text])
        else:
            raise click.ClickException(_not_found(text, path, shipped))
    return files


def _not_found(text: str, path: Path, shipped: dict[str, Path]) -> str:
    if path.stem in shipped:
        return (
            f"{text}: no such file; the shipped lesson is validated by its id: "
            f"lstm-tutor lessons validate {path.stem}"
        )
    from tutor.lessons.suggest import did_you_mean

    return (
        f"{text}: no such file or folder, and no shipped lesson has that id"
        f"{did_you_mean(path.stem, list(shipped))}; give a .yaml file, a folder of them, or "
        f"one of: {', '.join(shipped)}"
    )


def _shown(value: Any, display: Any) -> str:
    if value is None:
        return "-"
    return value if isinstance(value, str) else display.exact(value)


def _json(value: Any, display: Any) -> Any:
    return value if value is None or isinstance(value, str) else display.to_json(value)


def _store(cls: Any) -> Any:
    from tutor.progress import ProgressError

    try:
        store = cls()
    except ProgressError as exc:
        raise click.ClickException(str(exc)) from None
    if store.problem:
        click.echo(store.problem, err=True)
    return store


def _progress_reader() -> Any:
    """lesson id -> number of completed steps (0 when the progress file cannot be read)."""
    from tutor.progress import ProgressError, ProgressStore

    try:
        store = ProgressStore()
    except ProgressError as exc:  # listing lessons must work without readable progress
        click.echo(str(exc), err=True)
        return lambda lesson_id: 0
    if store.problem:
        click.echo(store.problem, err=True)
    return lambda lesson_id: len(store.completed_steps(lesson_id))


def _reset(store: Any, lesson: str | None, step_id: str | None) -> None:
    if step_id:
        store.reset_step(lesson, step_id)
    elif lesson:
        store.reset_lesson(lesson)
    else:
        store.reset_all()
