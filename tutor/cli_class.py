"""`lstm-tutor class ...`: the instructor's view of a class's store, from the command line.

Every command opens the store read-only (it writes nothing, even to a SQLite file's journal)
and imports neither torch nor textual. The store is the one `serve` uses: class.db in the
sessions folder by default, or a postgresql:// URL.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import click

STORE_HELP = (
    "The class's store: a SQLite file (default: class.db in serve's sessions folder) "
    "or a postgresql:// URL."
)
EXPORT_COLUMNS = ("learner", "class", "lesson", "step", "attempts", "solved", "hints",
                  "revealed", "seconds", "mistakes")  # fmt: skip
# The header of a Canvas gradebook CSV (Grades > Import): the five identity columns, then one
# column per assignment; a "Points Possible" row under the header gives each one's maximum.
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
POINTS_POSSIBLE = "    Points Possible"


def default_store() -> Path:
    from tutor.cli_serve import default_sessions_root
    from tutor.progress.classroom import STORE_NAME

    return default_sessions_root() / STORE_NAME


def _open(store: str | None) -> Any:
    from tutor.progress import ProgressError
    from tutor.progress.classroom import Classroom
    from tutor.progress.postgres import is_postgres_url

    target: str | Path = store if store else default_store()
    if not is_postgres_url(target) and not Path(target).exists():
        raise click.ClickException(
            f"no class store at {target} (run `lstm-tutor serve` first, or pass --store)"
        )
    try:
        return Classroom(target, read_only=True)
    except ProgressError as exc:
        raise click.ClickException(str(exc)) from None


def _table(rows: list[dict], columns: tuple[str, ...], empty: str) -> None:
    if not rows:
        click.echo(empty)
        return
    cells = [[str(r[c]) if r[c] is not None else "-" for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


store_option = click.option("--store", default=None, metavar="PATH|URL", help=STORE_HELP)
class_option = click.option(
    "--class", "class_code", default=None, metavar="CODE", help="Only the learners of this class."
)


@click.group("class")
def class_() -> None:
    """What a class did: who signed in, how far each learner got, grades, common mistakes.

    Example: lstm-tutor class progress --store /srv/lstm/class.db
    """


TABLES = {  # command: (what it shows, its columns, what it says when there is nothing)
    "roster": (
        "Every learner: name, class, sign-in code, when they joined and were last seen.",
        ("name", "class", "code", "joined", "last_seen", "solved", "attempts"),
        "no learner has signed in yet",
    ),
    "progress": (
        "Learner × lesson: steps done, attempts, hints, reveals, last activity.",
        ("name", "lesson", "done", "attempts", "hints", "reveals", "last_activity"),
        "no learner has answered a step yet",
    ),
}


def _table_command(name: str) -> click.Command:
    about, columns, empty = TABLES[name]

    @store_option
    @class_option
    def command(store: str | None, class_code: str | None) -> None:
        _table(getattr(_open(store), name)(class_code), columns, empty)

    return click.command(name, help=about)(command)


for _name in TABLES:
    class_.add_command(_table_command(_name))


@class_.command("export")
@store_option
@class_option
@click.option("--format", "fmt", type=click.Choice(["csv", "canvas"]), default="csv",
              show_default=True,
              help="csv: one row per learner × step; canvas: a gradebook Canvas imports "
              "(one row per learner, one column per lesson, points = steps solved).")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")  # fmt: skip
def export(store: str | None, class_code: str | None, fmt: str, output: Path | None) -> None:
    """The class's answers as CSV, for a spreadsheet or for Canvas."""
    classroom = _open(store)
    rows = classroom.export_rows(class_code)
    table = _canvas(rows) if fmt == "canvas" else _step_rows(rows)
    if output is None:
        csv.writer(sys.stdout, lineterminator="\n").writerows(table)
        return
    _write_atomically(output, table)
    click.echo(f"wrote {len(table) - 1} rows to {output}", err=True)


def _step_rows(rows: list[dict]) -> list[list]:
    def cell(value: Any) -> Any:
        return int(value) if isinstance(value, bool) else value

    return [list(EXPORT_COLUMNS)] + [[cell(r[c]) for c in EXPORT_COLUMNS] for r in rows]


def _canvas(rows: list[dict]) -> list[list]:
    """One row per learner, one assignment column per lesson (points: steps solved)."""
    from tutor.lessons.catalog import list_lessons

    sizes = {info.id: info.n_steps for info in list_lessons()}
    lessons = sorted({r["lesson"] for r in rows}, key=lambda lid: (lid not in sizes, lid))
    solved: dict[tuple[str, str, str], dict[str, int]] = {}
    for r in rows:
        learner = solved.setdefault((r["learner"], r["class"], r["learner_id"]), {})
        learner[r["lesson"]] = learner.get(r["lesson"], 0) + int(r["solved"])
    header = [*CANVAS_IDENTITY, *lessons]
    points = [POINTS_POSSIBLE, "", "", "", "", *(sizes.get(lid, "") for lid in lessons)]
    # Canvas matches a row to a student by ID, SIS User ID or SIS Login ID: the name the learner
    # signed in with (or the proxy's user name) goes in SIS Login ID
    body = [
        [name, "", "", name, section, *(done.get(lid, 0) for lid in lessons)]
        for (name, section, _), done in sorted(solved.items())
    ]
    return [header, points, *body]


def _write_atomically(path: Path, table: list[list]) -> None:
    import os
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, lineterminator="\n").writerows(table)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@class_.command("mistakes")
@click.argument("lesson")
@store_option
@class_option
def mistakes(lesson: str, store: str | None, class_code: str | None) -> None:
    """Per step of LESSON: how many learners made each named mistake, the commonest wrong
    answers."""
    found = _open(store).mistakes(lesson, class_code)
    if not found:
        click.echo(f"no wrong answers recorded for {lesson}")
        return
    for step, what in found.items():
        click.echo(f"{lesson} / {step}")
        for name, n in what["mistakes"]:
            click.echo(f"  {name:<28} {n} learner{'s' if n != 1 else ''}")
        for answer, n in what["wrong_answers"]:
            shown = answer if len(answer) <= 60 else answer[:57] + "..."
            click.echo(f"  answered {shown!r}: {n} learner{'s' if n != 1 else ''}")
