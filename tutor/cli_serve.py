"""`lstm-tutor serve`: the same app in a web browser, through textual-serve.

textual-serve starts one app process per browser connection, so every visitor has their own
session. Each session process keeps its progress in its own folder under the sessions root
(a fresh learner: a classroom's visitors never share or overwrite each other's progress).
"""

from __future__ import annotations

import os
import shlex
import sys
import uuid
from pathlib import Path

import click


def default_sessions_root() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("lstm-tutor", appauthor=False)) / "web-sessions"


def session_command(root: Path) -> str:
    """The shell command textual-serve runs for each visitor."""
    python = shlex.quote(sys.executable)
    return f"{python} -m tutor.cli web-session --sessions-root {shlex.quote(str(root))}"


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
              help="Folder for the visitors' progress, one sub-folder per browser session "
              "[default: web-sessions in the user data folder].")  # fmt: skip
def serve(port: int, host: str, sessions_root: Path | None) -> None:
    """Serve the app to web browsers (one session, and one progress, per visitor).

    Open the address it prints in a browser; every tab gets its own app.
    """
    from textual_serve.server import Server

    root = (sessions_root or default_sessions_root()).expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    click.echo(f"Each visitor's progress goes to a new folder in {root}")
    Server(session_command(root), host=host, port=port, title="lstm-tutor").serve()


@click.command("web-session", hidden=True)
@click.option("--sessions-root", required=True, type=click.Path(file_okay=False, path_type=Path))
def web_session(sessions_root: Path) -> None:
    """One browser visitor's app, with a learner data folder of its own (used by serve)."""
    folder = sessions_root / uuid.uuid4().hex[:12]
    folder.mkdir(parents=True, exist_ok=False)
    os.environ["LSTM_TUTOR_DATA_DIR"] = str(folder)
    from tutor.app import run_app

    run_app()
