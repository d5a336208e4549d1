"""The per-connection folders earlier versions of `serve` made (one random folder per websocket,
so every reload left one behind). Those where nothing was ever answered are removed; those with
answers are kept, untouched, and counted (their learner had no name to come back with)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

OLD_FOLDER = re.compile(r"^[0-9a-f]{12}$")  # uuid4().hex[:12], as the old web-session named them


def answered(folder: Path) -> bool:
    """Whether the folder's progress holds any answer (read without writing anything)."""
    from tutor.progress import ProgressError, ProgressStore

    db = folder / "progress.db"
    if not db.exists():
        return any(folder.glob("progress*"))  # something we cannot read: keep it
    try:
        store = ProgressStore(db, read_only=True)
        try:
            return any(lesson.steps for lesson in store.load().lessons.values())
        finally:
            store.close()
    except (ProgressError, OSError):
        return True  # unreadable is not the same as empty: keep it


def clean_orphans(root: Path) -> tuple[int, int]:
    """(removed, kept) old session folders under `root`."""
    removed = kept = 0
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if not folder.is_dir() or folder.is_symlink() or not OLD_FOLDER.match(folder.name):
            continue
        if answered(folder):
            kept += 1
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed, kept
