"""An expression that is right but for a constant the learner rounded (`0.7311**60`).

A decimal the learner typed may be a value of the lesson rounded (f_bias = 0.731058... typed
0.7311). When putting those exact values back in makes the expression right, the formula is
right and the rounding is the slip, so the learner is told that; a different slip (`0.7311**59`)
stays wrong with the rounding put back, and is not blamed on it.
"""

from __future__ import annotations

import ast
import copy
import itertools
from collections.abc import Mapping

import numpy as np

from tutor.lessons import formula
from tutor.lessons.precision import flat, parse_number, round_decimals

MAX_CONSTANTS = 4
MAX_TRIES = 64  # combinations of exact values tried for the typed constants


def rounded_constants(parsed: formula.Formula, names: Mapping, expected: np.ndarray) -> list[str]:
    """The typed decimals whose rounding explains the miss (empty when it does not)."""
    from tutor.lessons.judging import tight

    typed = _decimal_constants(parsed)
    if not typed or len(typed) > MAX_CONSTANTS:
        return []
    known = np.unique(np.concatenate([flat(v) for v in names.values()] or [np.zeros(0)]))
    options = []
    for node, _, places in typed:
        near = [float(v) for v in known if round_decimals(float(v), places) == node.value]
        options.append([v for v in near if v != node.value] or [None])
    for tried, choice in enumerate(itertools.product(*options)):
        if tried >= MAX_TRIES:
            break
        moved = {id(t[0]): v for t, v in zip(typed, choice, strict=True) if v is not None}
        if moved and tight(_evaluate_with(parsed, names, moved), expected):
            return [t[1] for t in typed if id(t[0]) in moved]
    return []


def _decimal_constants(parsed: formula.Formula) -> list[tuple[ast.Constant, str, float]]:
    """(node, as typed, decimal places written) for each number with a decimal point."""
    out = []
    for node in ast.walk(parsed.tree):
        if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
            continue
        if not isinstance(node.value, int | float):
            continue
        text = ast.get_source_segment(parsed.src, node)
        if text is None or "." not in text:
            continue
        try:
            places = parse_number(text).decimals
        except ValueError:
            continue
        out.append((node, text, places))
    return out


def _evaluate_with(parsed: formula.Formula, names: Mapping, moved: dict[int, float]):
    """The expression's value with some constants replaced (the parsed tree, which the parser
    caches, is copied rather than changed)."""
    tree = copy.deepcopy(parsed.tree)
    for original, duplicate in zip(ast.walk(parsed.tree), ast.walk(tree), strict=True):
        if id(original) in moved:
            duplicate.value = moved[id(original)]
    try:
        return flat(formula.evaluate(ast.unparse(tree), names))
    except (formula.FormulaError, ValueError, TypeError):
        return None
