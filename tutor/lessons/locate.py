"""Pin a path inside a lesson (a pydantic `loc`) to a line and column of its YAML file."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

Loc = Sequence[str | int]


def node_at(root: yaml.Node | None, loc: Loc, *, key: bool = False) -> yaml.Node | None:
    """The deepest node along `loc` (the key node of the last step when `key`)."""
    node = root
    for depth, part in enumerate(loc):
        last = depth == len(loc) - 1
        child = _child(node, part, want_key=key and last)
        if child is None:
            # Discriminator tags (`numeric`) and union members appear in pydantic locs
            # without a matching YAML node: skip them and keep walking.
            continue
        node = child
    return node


def mark_of(root: yaml.Node | None, loc: Loc, *, key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of `loc`, or of its closest existing ancestor."""
    node = node_at(root, loc, key=key)
    if node is None:
        return 1, 1
    return node.start_mark.line + 1, node.start_mark.column + 1


def _child(node: yaml.Node | None, part: str | int, *, want_key: bool) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                return key_node if want_key else value_node
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
        if 0 <= part < len(node.value):
            return node.value[part]
    return None
