"""Where lessons live and how to find one: shipped with the package, or any file by path.

Lessons are package data of the `lessons` package, found through importlib.resources, so the
same code works from a checkout and from an installed wheel.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tutor.lessons.loading import read_lesson
from tutor.lessons.problems import LessonError, LessonLookupError
from tutor.lessons.schema import Lesson
from tutor.lessons.suggest import did_you_mean


@dataclass(frozen=True)
class LessonInfo:
    """What the home screen and `lessons list` show without running anything."""

    id: str
    title: str
    summary: str
    group: str
    order: int | None
    prerequisites: tuple[str, ...]
    n_steps: int
    path: str


def lessons_dir() -> Path:
    """The folder of the shipped lesson files."""
    return Path(str(resources.files("lessons")))


def shipped_paths() -> list[Path]:
    return sorted(lessons_dir().glob("*.yaml"))


def shipped_ids() -> list[str]:
    return [p.stem for p in shipped_paths()]


def list_lessons(skipped: list[str] | None = None) -> list[LessonInfo]:
    """Every shipped lesson that loads; the files that do not are appended to `skipped`
    (`lessons validate` says why)."""
    infos = []
    for path in shipped_paths():
        try:
            lesson = load_lesson(path)
        except (LessonError, LessonLookupError):  # a broken file must not hide the others
            if skipped is not None:
                skipped.append(str(path))
            continue
        infos.append(info(lesson))
    depth = _depths(infos)
    unordered = 1 << 30
    return sorted(
        infos,
        key=lambda item: (
            item.order if item.order is not None else unordered,
            depth[item.id],
            item.id,
        ),
    )


def info(lesson: Lesson) -> LessonInfo:
    return LessonInfo(
        id=lesson.id,
        title=lesson.title,
        summary=lesson.summary.strip(),
        group=lesson.group,
        order=lesson.order,
        prerequisites=tuple(lesson.prerequisites),
        n_steps=len(lesson.steps),
        path=lesson.source or "",
    )


def load_lesson(id_or_path: str | Path) -> Lesson:
    """A shipped lesson by id, or any lesson file by path; LessonError/LessonLookupError if not."""
    path = resolve(id_or_path)
    lesson, _ = read_lesson(path)
    return lesson


def resolve(id_or_path: str | Path) -> Path:
    """The file for a lesson id or path; LessonLookupError with a did-you-mean otherwise."""
    text = str(id_or_path)
    candidate = Path(text)
    if candidate.suffix in (".yaml", ".yml") or "/" in text or "\\" in text:
        if candidate.is_file():
            return candidate
        if candidate.exists():  # a folder, a named pipe, a device: never read
            raise LessonLookupError(f"{text} is not a regular file; give a lesson .yaml file")
        raise LessonLookupError(f"no lesson file at {text}")
    shipped = {p.stem: p for p in shipped_paths()}
    if text in shipped:
        return shipped[text]
    known = ", ".join(shipped) or "none"
    raise LessonLookupError(f'no lesson "{text}"{did_you_mean(text, shipped)}; lessons: {known}')


def _depths(infos: list[LessonInfo]) -> dict[str, int]:
    """Depth in the prerequisite graph: prerequisites come first on the home screen."""
    by_id = {item.id: item for item in infos}
    depth: dict[str, int] = {}

    def visit(lesson_id: str, seen: frozenset[str]) -> int:
        if lesson_id in depth:
            return depth[lesson_id]
        item = by_id.get(lesson_id)
        if item is None or lesson_id in seen:  # unknown or cyclic: validate reports it
            return 0
        deeper = [visit(p, seen | {lesson_id}) + 1 for p in item.prerequisites]
        depth[lesson_id] = max(deeper, default=0)
        return depth[lesson_id]

    for item in infos:
        visit(item.id, frozenset())
    return depth
