"""Reading lesson YAML safely: no object construction, no duplicate keys, no alias bombs.

PyYAML silently keeps the last of two equal keys and expands aliases on traversal, so the
loader below refuses both (see PITFALLS.md). It returns the plain data *and* the composed node
tree, so that later errors can be pinned to a line and column.

Limits are applied while loading, before any array is built from the data: nesting depth in
the composer (deep nesting would exhaust Python's recursion), the size of the tree once
aliases are expanded (90 aliases can stand for 10**9 numbers), integers beyond 64 bits, and
control characters (reported at their line and column).
"""

from __future__ import annotations

from typing import Any

import yaml

from tutor.lessons.problems import LessonError, Problem

MAX_FILE_BYTES = 256 * 1024
MAX_ALIASES = 100
MAX_DEPTH = 64  # nesting of mappings and sequences; a lesson needs about ten
MAX_EXPANDED_NODES = 200_000  # values once every alias is expanded (a 256 KiB file has fewer)
MAX_INT = 2**63  # integers beyond 64 bits are a typo or an attack (float64 overflows near 1e308)


class _LessonLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys and counts aliases."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_count = 0
        self.depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(_MarkedMessage(mark, f"more than {MAX_ALIASES} aliases"))
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(
                    _MarkedMessage(mark, f"nested more than {MAX_DEPTH} levels deep")
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_yaml_int(self, node):  # type: ignore[no-untyped-def]
        value = super().construct_yaml_int(node)
        if abs(value) >= MAX_INT:
            raise yaml.YAMLError(
                _MarkedMessage(
                    node.start_mark,
                    f"the number {node.value[:20]}... has {len(node.value)} digits; "
                    "numbers must fit in 64 bits",
                )
            )
        return value

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


_LessonLoader.add_constructor("tag:yaml.org,2002:int", _LessonLoader.construct_yaml_int)


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
    try:
        loader = _LessonLoader(text)  # the reader checks every character here
    except yaml.reader.ReaderError as exc:
        raise LessonError([_problem_from_reader_error(exc, text, filename)]) from None
    try:
        node = loader.get_single_node()
        if node is not None:
            _check_expanded_size(node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.reader.ReaderError as exc:
        raise LessonError([_problem_from_reader_error(exc, text, filename)]) from None
    except yaml.YAMLError as exc:
        raise LessonError([_problem_from_yaml_error(exc, filename)]) from None
    except RecursionError:  # a safety net: the depth limit above should make this unreachable
        problem = Problem(filename, 1, 1, f"nested more than {MAX_DEPTH} levels deep")
        raise LessonError([problem]) from None
    finally:
        if "loader" in locals():
            loader.dispose()
    return data, node


def _check_expanded_size(root: yaml.Node) -> None:
    """Refuse a tree whose aliases expand beyond MAX_EXPANDED_NODES values, before anything is
    constructed. Each node's expanded size is computed once (an alias is the same node object
    again), with Python ints, so 10**9 is counted exactly and nothing is expanded."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()  # on the path being expanded: met again, the value holds itself
    stack = [(root, False)]
    while stack:  # iterative post-order: the tree may be deep
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not done and any(id(c) in open_nodes or c is node for c in children):
            raise yaml.YAMLError(
                _MarkedMessage(
                    node.start_mark,
                    "this value contains itself through an alias (`&x [*x]`); "
                    "an alias may only repeat a value defined before it",
                )
            )
        if done or not children:
            open_nodes.discard(id(node))
            size = 1 + sum(sizes[id(c)] for c in children)
            sizes[id(node)] = size
            if size > MAX_EXPANDED_NODES:
                raise yaml.YAMLError(
                    _MarkedMessage(
                        node.start_mark,
                        f"this value expands to {size:,} values through aliases (at most "
                        f"{MAX_EXPANDED_NODES:,} are allowed); write the data out or use "
                        "fewer aliases",
                    )
                )
        else:
            open_nodes.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _problem_from_reader_error(exc: yaml.reader.ReaderError, text: str, filename: str) -> Problem:
    """A character YAML does not allow (NUL, other control characters), at its line:col."""
    position = min(max(int(exc.position), 0), len(text))
    line = text.count("\n", 0, position) + 1
    col = position - (text.rfind("\n", 0, position) + 1) + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    return Problem(
        filename,
        line,
        col,
        f"control character U+{char:04X} is not allowed in a lesson; remove it",
    )


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
