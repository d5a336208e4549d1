"""`lstm-tutor serve`: the same app in a web browser, through textual-serve, for a class.

textual-serve starts one app process per browser connection. Every visitor signs in (a name,
then a sign-in code that brings them back), and all their progress goes to one class store:
class.db in the sessions folder, or a PostgreSQL database (`--store postgresql://...`) that
several servers share. tutor/classroom holds the server and what each visitor's process runs.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

IDLE_MINUTES = 60.0


def default_sessions_root() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("lstm-tutor", appauthor=False)) / "web-sessions"


def session_command(
    root: Path, store: str | None = None, class_code: str | None = None, capped: bool = True
) -> str:
    """The shell command textual-serve runs for each visitor (before who they are is known)."""
    python = shlex.quote(sys.executable)
    parts = [f"{python} -m tutor.cli web-session --sessions-root {shlex.quote(str(root))}"]
    if store:
        parts.append(f"--store {shlex.quote(store)}")
    if class_code:
        parts.append(f"--class {shlex.quote(class_code)}")
    if not capped:
        parts.append("--no-training-cap")
    return " ".join(parts)


def visitor_command(base: str):
    """command(code, trusted_name, link) for one websocket: every value quoted for the shell
    (a proxy's header is the visitor's text)."""

    def command(code: str | None, trusted_name: str | None, link: str) -> str:
        extra = [f"--link {shlex.quote(link)}"]
        if code:
            extra.append(f"--code {shlex.quote(code)}")
        if trusted_name:
            extra.append(f"--trusted-name {shlex.quote(trusted_name[:200])}")
        return " ".join([base, *extra])

    return command


@click.command()
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="TCP port to listen on.",
)
@click.option(
    "--host",
    default="localhost",
    show_default=True,
    help="Interface to listen on (0.0.0.0: every network interface).",
)
@click.option("--sessions-root", type=click.Path(file_okay=False, path_type=Path),
              default=None,
              help="Folder for the class store (class.db) and the learners' settings "
              "[default: web-sessions in the user data folder].")  # fmt: skip
@click.option("--store", default=None, metavar="PATH|URL",
              help="The class store: a SQLite file, or postgresql://user@host/db shared by "
              "several servers [default: class.db in the sessions folder].")  # fmt: skip
@click.option(
    "--class",
    "class_code",
    default=None,
    metavar="CODE",
    help="Learners must type this class code to sign up (and are filed under it).",
)
@click.option("--public-url", default=None, metavar="URL",
              help="The address visitors use (https://... behind a TLS proxy) "
              "[default: taken from each request's Host header].")  # fmt: skip
@click.option(
    "--trust-header",
    default=None,
    metavar="HEADER",
    help="Take the learner's name from this request header, set by an "
    "authenticating proxy (e.g. X-Forwarded-User). Only behind such a proxy!",
)
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 10_000),
    default=None,
    help="At most this many visitors at once; others see a 'class is full' page.",
)
@click.option(
    "--idle-minutes",
    type=click.FloatRange(0.1, 24 * 60),
    default=IDLE_MINUTES,
    show_default=True,
    help="End a session without input for this long (its progress is saved).",
)
@click.option(
    "--training-cap/--no-training-cap",
    default=True,
    show_default=True,
    help="Bound what one visitor may train (units, epochs, sequences; the lessons' own runs "
    "fit); --no-training-cap leaves the lab's usual limits.",
)
def serve(port: int, host: str, sessions_root: Path | None, store: str | None,
          class_code: str | None, public_url: str | None, trust_header: str | None,
          max_sessions: int | None, idle_minutes: float, training_cap: bool) -> None:  # fmt: skip
    """Serve the app to web browsers: each visitor signs in and keeps their own progress.

    Open the address it prints in a browser. The instructor's address (also printed) opens the
    class view; `lstm-tutor class ...` reads the same store from the command line.
    """
    from tutor.classroom.cleanup import clean_orphans
    from tutor.classroom.server import ClassServer, Limits
    from tutor.progress import ProgressError
    from tutor.progress.classroom import STORE_NAME, Classroom, shown_code

    root = (sessions_root or default_sessions_root()).expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    target = store or str(root / STORE_NAME)
    try:
        classroom = Classroom(target)
        instructor = classroom.instructor_code
        classroom.close()
    except ProgressError as exc:
        raise click.ClickException(str(exc)) from None
    removed, kept = clean_orphans(root)
    if removed or kept:
        click.echo(f"Removed {removed} empty session folder(s) of earlier versions; "
                   f"{kept} with answers kept in {root}")  # fmt: skip
    where = public_url.rstrip("/") if public_url else f"http://{host}:{port}"
    click.echo(f"The class's progress goes to {classroom.where}")
    click.echo(f"Instructor's class view: {where}/?code={instructor} "
               f"(code {shown_code(instructor)}; keep it to yourself)")  # fmt: skip
    limits = Limits(max_sessions=max_sessions, idle_s=idle_minutes * 60)
    base = session_command(root, store, class_code, capped=training_cap)
    server = ClassServer(
        visitor_command(base),
        host=host,
        port=port,
        title="lstm-tutor",
        public_url=public_url,
        trust_header=trust_header,
        limits=limits,
    )
    server.serve()


@click.command("web-session", hidden=True)
@click.option("--sessions-root", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--store", default=None)
@click.option("--class", "class_code", default=None)
@click.option("--code", default=None)
@click.option("--trusted-name", default=None)
@click.option("--link", default="http://localhost:8000")
@click.option("--no-training-cap", "uncapped", is_flag=True)
def web_session(sessions_root: Path, store: str | None, class_code: str | None,
                code: str | None, trusted_name: str | None, link: str,
                uncapped: bool) -> None:  # fmt: skip
    """One browser visitor's app (used by serve): signed in, then bound to their progress."""
    from tutor.classroom.limits import cap_training
    from tutor.classroom.session import choose_app, run
    from tutor.progress.classroom import STORE_NAME, Classroom

    if not uncapped:
        cap_training()  # this process is this one visitor's

    classroom = Classroom(store or sessions_root / STORE_NAME)
    app = choose_app(classroom, code=code, trusted_name=trusted_name, class_code=class_code,
                     link=link, settings_root=sessions_root / "learners")  # fmt: skip
    run(app)
