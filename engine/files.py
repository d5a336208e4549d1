"""What a path names, asked before it is read: only regular files are read.

A named pipe or a device given as a CSV, a checkpoint or a future table would block the read
forever (or never end); a folder gives a confusing error. Callers word the message for the
file they expect.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import Literal

Kind = Literal["file", "missing", "folder", "special"]


def file_kind(path: Path) -> Kind:
    """ "file" (regular), "missing", "folder" or "special" (a pipe, device or socket).

    Raises OSError when the path cannot be looked at (no permission, a file used as a folder).
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISDIR(mode):
        return "folder"
    return "file" if stat.S_ISREG(mode) else "special"
