"""Parsing a formula and checking it against the allowlist of node types, before any evaluation.

`ast.parse(src, mode="eval")` builds the tree; every node must be one the language allows, and
the source length, node count, bracket depth and chain depth are capped first, so hostile input
gets a message with a column, never execution.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from tutor.lessons.formula.errors import (
    MAX_CHAIN,
    MAX_DEPTH,
    MAX_NODES,
    MAX_SOURCE_CHARS,
    FormulaError,
)
from tutor.lessons.formula.functions import FUNCTIONS
from tutor.lessons.suggest import closest

_BINARY = {
    ast.Add: ("+", np.add, "add"),
    ast.Sub: ("-", np.subtract, "subtract"),
    ast.Mult: ("*", np.multiply, "multiply"),
    ast.Div: ("/", np.divide, "divide"),
    ast.Pow: ("**", np.power, "raise"),
    ast.MatMult: ("@", np.matmul, "matrix-multiply"),
}

_UNSUPPORTED = {
    ast.Attribute: "attribute access with '.'",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.Dict: "dictionaries",
    ast.Set: "sets",
    ast.JoinedStr: "strings",
    ast.FormattedValue: "strings",
    ast.Compare: "comparisons",
    ast.BoolOp: "and/or",
    ast.IfExp: "if-expressions",
    ast.NamedExpr: "assignment (:=)",
    ast.Starred: "unpacking with *",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}


# --- parsing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A parsed, allowlist-checked formula."""

    src: str
    tree: ast.Expression = field(repr=False)
    names: frozenset[str]
    functions: frozenset[str]


def parse(src: str) -> Formula:
    """Parse and check a formula; FormulaError (with a column) for anything outside the language."""
    try:
        return _parse_cached(src) if isinstance(src, str) else _parse(src)
    except FormulaError as exc:
        if exc.src is None and isinstance(src, str):
            exc.src = src
        raise


@functools.lru_cache(maxsize=4096)
def _parse_cached(src: str) -> Formula:
    # A Formula is immutable and evaluation never changes its tree: one parse per distinct text
    # (validation judges the same references and mistakes for every sampled learner).
    return _parse(src)


def _parse(src: str) -> Formula:
    if not isinstance(src, str):
        raise FormulaError("a formula must be text")
    if len(src) > MAX_SOURCE_CHARS:
        raise FormulaError(f"unsupported: formulas are limited to {MAX_SOURCE_CHARS} characters")
    if "\x00" in src:
        raise FormulaError("unsupported: the formula contains a NUL character")
    # A pasted formula may span lines; as one line its columns stay the same and carets still fit.
    text = src.replace("\r", " ").replace("\n", " ").strip()
    if not text:
        raise FormulaError("the formula is empty", 0)
    lead = len(src) - len(src.lstrip())
    # bytes that were not UTF-8 arrive as lone surrogates (surrogateescape); say so, with a caret
    broken = next((i for i, ch in enumerate(text) if "\ud800" <= ch <= "\udfff"), None)
    if broken is not None:
        raise FormulaError(
            "the answer contains bytes that are not valid UTF-8 text; retype it", lead + broken
        )
    too_deep = _too_deep_at(text)  # before ast.parse: deep nesting can crash the compiler
    if too_deep is not None:
        raise FormulaError(
            f"unsupported: brackets nested more than {MAX_DEPTH} levels deep", lead + too_deep
        )
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        if not exc.offset:  # Python reports offset 0 when the input ends mid-expression
            raise FormulaError(
                "syntax error: the formula ends too early", lead + len(text)
            ) from None
        col = exc.offset - 1
        raise FormulaError(f"syntax error: {_syntax_reason(exc, text, col)}", lead + col) from None
    except (RecursionError, MemoryError, ValueError):
        raise FormulaError("unsupported: the formula is too deeply nested") from None
    names, functions = _check(tree, lead, text)
    return Formula(src, tree, frozenset(names), frozenset(functions))


def _too_deep_at(text: str) -> int | None:
    """The column of the first bracket nested deeper than MAX_DEPTH, if any."""
    depth = 0
    for col, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                return col
        elif ch in ")]}":
            depth -= 1
    return None


def _syntax_reason(exc: SyntaxError, text: str, col: int) -> str:
    msg = (exc.msg or "invalid syntax").replace("invalid syntax. ", "")
    if text[col : col + 1] == "=" and text[col : col + 2] != "==":
        return "type only the expression, without 'name =' in front"
    if "was never closed" in msg or "unexpected EOF" in msg:
        return "a bracket is never closed"
    if "unmatched" in msg:
        return msg.replace("unmatched", "unmatched closing bracket")
    if msg.startswith("invalid syntax"):
        return "this is not a valid expression here"
    return msg


def _check(tree: ast.Expression, lead: int, text: str) -> tuple[set[str], set[str]]:
    names: set[str] = set()
    functions: set[str] = set()
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise FormulaError(f"unsupported: formulas are limited to {MAX_NODES} terms")
        if depth > MAX_CHAIN:  # the evaluator recurses once per level
            raise FormulaError(
                f"unsupported: more than {MAX_CHAIN} operations chained one after another; "
                "split the formula into steps"
            )
        if isinstance(node, ast.BinOp):
            col = lead + _operator_col(text, node)
        else:
            col = lead + _char_col(text, getattr(node, "col_offset", 0))
        _check_node(node, col, names, functions)
        stack.extend((child, depth + 1) for child in _children(node))
    return names, functions


def _char_col(text: str, byte_col: int) -> int:
    """ast counts columns in UTF-8 bytes; carets need characters (a learner may type 'é' or 'σ')."""
    if text.isascii():
        return byte_col
    return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def _children(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Call):
        return list(node.args)  # the callee is a checked Name, not an expression
    return [
        c
        for c in ast.iter_child_nodes(node)
        if not isinstance(c, ast.expr_context | ast.operator | ast.unaryop)
    ]


def _check_node(node: ast.AST, col: int, names: set[str], functions: set[str]) -> None:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            kind = "text" if isinstance(node.value, str | bytes) else type(node.value).__name__
            raise FormulaError(f"unsupported: {kind} constants; only numbers are allowed", col)
    elif isinstance(node, ast.Name):
        if node.id.startswith("_"):
            raise FormulaError(f"unsupported: names starting with '_' ({node.id})", col)
        if node.id in FUNCTIONS:
            raise FormulaError(f"{node.id} is a function: call it as {node.id}(...)", col)
        names.add(node.id)
    elif isinstance(node, ast.Call):
        _check_call(node, col, functions)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise FormulaError(_refused_operator(node.op), col)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise FormulaError(_refused_operator(node.op), col)
    elif isinstance(node, ast.Subscript | ast.Slice | ast.List | ast.Tuple):
        pass
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        raise FormulaError("unsupported: attribute access with '.'; write transpose(W)", col)
    elif type(node) in _UNSUPPORTED:
        raise FormulaError(f"unsupported: {_UNSUPPORTED[type(node)]}", col)
    else:
        raise FormulaError(f"unsupported: {type(node).__name__} is not part of formulas", col)


def _check_call(node: ast.Call, col: int, functions: set[str]) -> None:
    if isinstance(node.func, ast.Attribute) and node.func.attr in FUNCTIONS:
        raise FormulaError(
            f"unsupported: attribute access with '.'; write {node.func.attr}(...) on its own, "
            "without a module in front",
            col,
        )
    if not isinstance(node.func, ast.Name):
        raise FormulaError("unsupported: only the listed functions can be called", col)
    name = node.func.id
    if name not in FUNCTIONS:
        hint = _did_you_mean(name, FUNCTIONS)
        listed = ", ".join(FUNCTIONS)
        raise FormulaError(f"unsupported function {name}(){hint}; available: {listed}", col)
    if node.keywords:
        raise FormulaError(f"unsupported: keyword arguments in {name}()", col)
    if any(isinstance(a, ast.Starred) for a in node.args):
        raise FormulaError(f"unsupported: unpacking with * in {name}()", col)
    fewest, most = FUNCTIONS[name].arity
    n = len(node.args)
    if n < fewest or (most is not None and n > most):
        want = (
            str(fewest)
            if most == fewest
            else f"at least {fewest}"
            if most is None
            else f"{fewest} to {most}"
        )
        raise FormulaError(f"{name}() takes {want} argument(s), got {n}", col)
    functions.add(name)


# Operators the language refuses, as typed, with what the learner probably meant (the ones
# people carry over from elsewhere).
_REFUSED_OPERATORS: dict[type, tuple[str, str]] = {
    ast.FloorDiv: ("//", " (to divide write /)"),
    ast.Mod: ("%", ""),
    ast.BitAnd: ("&", ""),
    ast.BitOr: ("|", ""),
    ast.BitXor: ("^", " (for powers write **, as in x**2)"),
    ast.LShift: ("<<", ""),
    ast.RShift: (">>", ""),
    ast.Invert: ("~", " (write 1 - x for the complement of a gate)"),
    ast.Not: ("not", " (write 1 - x for the complement of a gate)"),
}


def _refused_operator(op: ast.AST) -> str:
    """`unsupported operator: ^ (for powers write **, as in x**2)`."""
    text, hint = _REFUSED_OPERATORS.get(type(op), (type(op).__name__, ""))
    return f"unsupported operator: {text}{hint}"


def _operator_col(text: str, node: ast.BinOp) -> int:
    """The column of a binary operator: the first non-blank after the left operand."""
    col = _char_col(text, node.left.end_col_offset or 0)
    while col < len(text) and text[col] in " )":
        col += 1
    return col


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    candidates = list(candidates)
    same_but_case = [c for c in candidates if c.lower() == name.lower()]
    match = same_but_case[0] if same_but_case else closest(name, candidates)
    return f" (did you mean {match}?)" if match else ""
