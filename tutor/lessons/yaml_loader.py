"""Reading lesson YAML safely: no object construction, no duplicate keys, no alias bombs.

PyYAML silently keeps the last of two equal keys and expands aliases on traversal, so the
loader below refuses both (see PITFALLS.md). It returns the plain data *and* the composed node
tree, so that later errors can be pinned to a line and column.
"""

from __future__ import annotations

from typing import Any

import yaml

from tutor.lessons.problems import LessonError, Problem

MAX_FILE_BYTES = 256 * 1024
MAX_ALIASES = 100


class _LessonLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys and counts aliases."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_count = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(_MarkedMessage(mark, f"more than {MAX_ALIASES} aliases"))
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.YAMLError(
                    _MarkedMessage(key_node.start_mark, "a mapping key must be a plain value")
                ) from None
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise yaml.YAMLError(
                    _MarkedMessage(
                        key_node.start_mark,
                        f"duplicate key {key!r} (first defined on line {first}); keep one of them",
                    )
                )
            seen[key] = key_node
        return super().construct_mapping(node, deep=deep)


class _MarkedMessage(str):
    """A message that remembers where it happened."""

    def __new__(cls, mark: yaml.Mark, text: str) -> _MarkedMessage:
        obj = super().__new__(cls, text)
        obj.mark = mark  # type: ignore[attr-defined]
        return obj


def load_yaml(text: str, filename: str) -> tuple[Any, yaml.Node | None]:
    """Parse `text`; return (data, root node) or raise LessonError naming file:line:col."""
    if len(text.encode("utf-8", errors="replace")) > MAX_FILE_BYTES:
        raise LessonError(
            [
                Problem(
                    filename,
                    1,
                    1,
                    f"file is larger than {MAX_FILE_BYTES // 1024} KiB; "
                    "split it into several lessons",
                )
            ]
        )
    loader = _LessonLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise LessonError([_problem_from_yaml_error(exc, filename)]) from None
    finally:
        loader.dispose()
    return data, node


def _problem_from_yaml_error(exc: yaml.YAMLError, filename: str) -> Problem:
    message = exc.args[0] if exc.args else None
    if isinstance(message, _MarkedMessage):
        mark = message.mark  # type: ignore[attr-defined]
        return Problem(filename, mark.line + 1, mark.column + 1, str(message))
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            what = f"{exc.problem} ({exc.context})"
        if mark is not None:
            return Problem(filename, mark.line + 1, mark.column + 1, f"YAML syntax: {what}")
        return Problem(filename, 1, 1, f"YAML syntax: {what}")
    return Problem(filename, 1, 1, f"YAML: {exc}")
