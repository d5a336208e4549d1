"""From a lesson file to a validated `Lesson`, with every schema problem pinned to file:line:col."""

from __future__ import annotations

import re
import stat
import types
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from tutor.lessons.locate import Loc, mark_of
from tutor.lessons.problems import LessonError, Problem
from tutor.lessons.schema import STEP_KINDS, Lesson
from tutor.lessons.suggest import did_you_mean
from tutor.lessons.yaml_loader import MAX_FILE_BYTES, load_yaml


def read_lesson(path: str | Path) -> tuple[Lesson, yaml.Node | None]:
    """Read and schema-check one lesson file; raise LessonError listing every problem."""
    path = Path(path)
    name = str(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a named pipe would block the read forever
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise LessonError([Problem(name, 1, 1, f"{kind}: give a lesson .yaml file")])
        if info.st_size > MAX_FILE_BYTES:
            raise LessonError(
                [
                    Problem(
                        name,
                        1,
                        1,
                        f"file is larger than {MAX_FILE_BYTES // 1024} KiB; "
                        "split it into several lessons",
                    )
                ]
            )
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LessonError([Problem(name, 1, 1, f"not UTF-8 text ({exc.reason})")]) from None
    except OSError as exc:
        raise LessonError([Problem(name, 1, 1, f"cannot read the file: {exc.strerror}")]) from None
    return parse_lesson(text, name)


def parse_lesson(text: str, filename: str = "<lesson>") -> tuple[Lesson, yaml.Node | None]:
    """Parse lesson YAML text; raise LessonError listing every schema problem."""
    data, root = load_yaml(text, filename)
    if not isinstance(data, dict):
        raise LessonError(
            [
                Problem(
                    filename,
                    *mark_of(root, ()),
                    "a lesson must be a mapping with keys id, "
                    "title, summary, group, givens, model and steps",
                )
            ]
        )
    try:
        lesson = Lesson.model_validate(data)
    except ValidationError as exc:
        problems = _one_per_place(exc.errors(), root, filename)
        raise LessonError(problems) from None
    lesson._source = filename
    problems = duplicate_step_ids(lesson, root, filename)
    if problems:
        raise LessonError(problems)
    return lesson, root


def duplicate_step_ids(lesson: Lesson, root: yaml.Node | None, filename: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for index, step in enumerate(lesson.steps):
        if step.id in first:
            line, _ = mark_of(root, ("steps", first[step.id], "id"))
            problems.append(
                Problem(
                    filename,
                    *mark_of(root, ("steps", index, "id")),
                    f'duplicate step id "{step.id}" (first used on line {line}); '
                    "step ids must be unique",
                )
            )
        else:
            first[step.id] = index
    return problems


def describe_loc(loc: Loc) -> str:
    """`steps[3].tolerance.rtol` for ('steps', 3, 'tolerance', 'rtol')."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _is_type_tag(part):
            continue
        elif part not in STEP_KINDS or not text.endswith("]"):
            text += f".{part}" if text else str(part)
    return text


def _is_type_tag(part: str) -> bool:
    """pydantic names union members in locs (`str`, `list[str]`); they are not YAML keys."""
    return "[" in part or part in {"str", "int", "float", "bool", "dict", "list", "none"}


# --- pydantic error -> Problem -------------------------------------------------------------


def _problem(err: dict[str, Any], root: yaml.Node | None, filename: str) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    where = describe_loc(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(loc[:-1])
        hint = did_you_mean(key, allowed)
        fix = "" if hint else f"; allowed here: {', '.join(sorted(allowed))}" if allowed else ""
        line, col = mark_of(root, loc, key=True)
        return Problem(filename, line, col, f'unknown key "{key}" in {_parent(loc)}{hint}{fix}')
    if kind == "missing":
        line, col = mark_of(root, loc[:-1])
        return Problem(filename, line, col, f'missing required key "{loc[-1]}" in {_parent(loc)}')
    if kind == "union_tag_invalid":
        tag = str(err["ctx"]["tag"])
        line, col = mark_of(root, (*loc, "kind"))
        choices = ", ".join(STEP_KINDS)
        return Problem(
            filename,
            line,
            col,
            f'{where}: unknown step kind "{tag}"{did_you_mean(tag, STEP_KINDS)}; '
            f"use one of {choices}",
        )
    if kind == "union_tag_not_found":
        line, col = mark_of(root, loc)
        return Problem(
            filename, line, col, f"{where}: a step needs `kind:` (one of {', '.join(STEP_KINDS)})"
        )
    if kind == "literal_error":
        expected = re.findall(r"'([^']*)'", err["ctx"]["expected"])
        got = err["input"]
        line, col = mark_of(root, loc)
        return Problem(
            filename,
            line,
            col,
            f'{where}: "{got}" is not allowed{did_you_mean(str(got), expected)}; '
            f"use one of {', '.join(expected)}",
        )
    message = str(err["msg"]).removeprefix("Value error, ")
    line, col = mark_of(root, loc)
    return Problem(filename, line, col, f"{where}: {message}" if where else message)


def _parent(loc: Loc) -> str:
    parent = describe_loc(loc[:-1])
    return parent if parent else "the lesson"


def _one_per_place(errors: list[Any], root: yaml.Node | None, filename: str) -> list[Problem]:
    """One problem per field: a union reports each member's complaint, the first is enough."""
    seen: dict[tuple[str, str], Problem] = {}
    for err in errors:
        place = (describe_loc(err["loc"]), err["type"] if err["type"] == "extra_forbidden" else "")
        if err["type"] == "extra_forbidden":
            place = (place[0] + "." + str(err["loc"][-1]), "")
        seen.setdefault(place, _problem(err, root, filename))
    return sorted(seen.values(), key=lambda p: (p.line, p.col))


def _fields_at(loc: Loc) -> list[str]:
    """The keys the schema allows at `loc` (for did-you-mean on an unknown key)."""
    tp: Any = Lesson
    for part in loc:
        tp = _descend(tp, part)
        if tp is None:
            return []
    model = _as_model(tp)
    return list(model.model_fields) if model else []


def _descend(tp: Any, part: str | int) -> Any:
    tp = _strip(tp)
    members = _union_members(tp)
    if members is not None:
        for member in members:
            model = _as_model(member)
            kind = model.model_fields.get("kind") if model else None
            if kind is not None and part in typing.get_args(kind.annotation):
                return member
        models = [m for m in members if _as_model(m)]
        return _descend(models[0], part) if len(models) == 1 else None
    origin = typing.get_origin(tp)
    if origin is list and isinstance(part, int):
        return typing.get_args(tp)[0]
    if origin is dict:
        return typing.get_args(tp)[1]
    model = _as_model(tp)
    if model and isinstance(part, str) and part in model.model_fields:
        return model.model_fields[part].annotation
    return None


def _strip(tp: Any) -> Any:
    while typing.get_origin(tp) is typing.Annotated:
        tp = typing.get_args(tp)[0]
    return tp


def _union_members(tp: Any) -> list[Any] | None:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return [_strip(a) for a in typing.get_args(tp) if a is not type(None)]
    return None


def _as_model(tp: Any) -> type[BaseModel] | None:
    members = _union_members(_strip(tp))
    if members is not None and len(members) == 1:
        tp = members[0]
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None
