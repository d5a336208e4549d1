"""Checks of command-line paths made before any work starts (nothing heavy imported here).

Training can take minutes: a `--out` or `--save` that cannot be written must be refused before
it starts, not after; an input that is a pipe or a device must be refused before it is read
(the read would block forever).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import click

from engine.files import file_kind


def input_file(path: Path | None, flag: str) -> None:
    """An existing regular file, or an error naming the flag (exit 1, as when the engine
    found the problem later)."""
    if path is None:
        return
    try:
        kind = file_kind(path)
    except OSError as exc:
        raise click.ClickException(
            f"{flag} file {str(path)!r} cannot be read: {exc.strerror}"
        ) from None
    if kind == "missing":
        raise click.ClickException(f"{flag} file {str(path)!r} does not exist")
    if kind == "folder":
        raise click.ClickException(f"{flag} {str(path)!r} is a folder, not a file")
    if kind == "special":
        raise click.ClickException(
            f"{flag} {str(path)!r} is not a regular file (a pipe or a device?)"
        )


def output_file(path: Path | None, flag: str) -> None:
    """A file that can be created or replaced: its folder exists and is writable."""
    if path is None:
        return
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and path.is_dir():
        raise click.ClickException(f"{flag} {str(path)!r} is a folder; give a file name")
    if path.exists() and not stat.S_ISREG(path.stat().st_mode):
        raise click.ClickException(
            f"{flag} {str(path)!r} is not a regular file (a pipe or a device?)"
        )
    if not folder.exists():
        raise click.ClickException(
            f"{flag}: the folder {str(folder)!r} does not exist; create it first"
        )
    if not folder.is_dir():
        raise click.ClickException(f"{flag}: {str(folder)!r} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise click.ClickException(f"{flag}: cannot write {str(path)!r} (permission denied)")
