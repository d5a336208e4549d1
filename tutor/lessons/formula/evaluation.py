"""Evaluating a parsed formula: a walk over the allowed nodes, with sizes checked before numpy runs.

Every value is a float64 array; the number of operations is capped, and a non-finite result is
traced back to the operation that made it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping

import numpy as np

from tutor.lessons.formula.errors import MAX_ELEMENTS, MAX_EXPONENT, MAX_OPERATIONS, FormulaError
from tutor.lessons.formula.functions import FUNCTIONS, _describe
from tutor.lessons.formula.syntax import (
    _BINARY,
    Formula,
    _char_col,
    _did_you_mean,
    _operator_col,
    parse,
)

Array = np.ndarray


def evaluate(formula: str | Formula, names: Mapping[str, object]) -> Array:
    """The formula's value as a float64 array (0-d for a scalar), or FormulaError saying why."""
    parsed = formula if isinstance(formula, Formula) else parse(formula)
    try:
        return _evaluate(parsed, names)
    except FormulaError as exc:
        if exc.src is None:
            exc.src = parsed.src
        raise


def _evaluate(parsed: Formula, names: Mapping[str, object]) -> Array:
    ev = _Evaluator(names, parsed.src)
    try:
        with np.errstate(all="ignore"):
            value = ev.eval(parsed.tree.body)
    except RecursionError:  # parse() caps the depth; a caller deep in its own stack may not
        raise FormulaError("unsupported: the formula is nested too deeply to evaluate") from None
    if not np.all(np.isfinite(value)):
        col, reason = ev.nonfinite or (None, "an overflow or an undefined operation")
        raise FormulaError(f"the result is not a finite number: {reason}", col)
    return value


# Why an operation that got finite inputs gave inf or NaN, in words a learner can act on.
_NONFINITE_REASONS = {
    "Div": "division by zero here",
    "Pow": "this power overflows or is undefined (a negative number to a fractional power?)",
    "log": "log of zero or of a negative number here",
    "sqrt": "square root of a negative number here",
    "exp": "exp overflows here (exp of more than about 709)",
    "Constant": "this number is too large for a float (more than about 1.8e308)",
    "Name": "this name holds a value that is not a finite number",
}


class _Evaluator:
    def __init__(self, names: Mapping[str, object], src: str) -> None:
        self.names = names
        self.lead = len(src) - len(src.lstrip())
        self.text = src.replace("\r", " ").replace("\n", " ").strip()
        self.operations = 0
        self.nonfinite: tuple[int, str] | None = None  # where a non-finite value first appeared

    def eval(self, node: ast.AST) -> Array:
        self.operations += 1
        if self.operations > MAX_OPERATIONS:
            raise FormulaError("unsupported: the formula takes too many operations")
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:  # parse() already refused these; kept for Formula built by hand
            raise FormulaError(f"unsupported: {type(node).__name__}", self._col(node))
        return method(node)

    def _col(self, node: ast.AST) -> int:
        return self.lead + _char_col(self.text, getattr(node, "col_offset", 0))

    def _operator_col(self, node: ast.BinOp) -> int:
        return self.lead + _operator_col(self.text, node)

    def _note_nonfinite(self, out: Array, inputs: Iterable[Array], what: str, col: int) -> None:
        if self.nonfinite is not None or np.all(np.isfinite(out)):
            return
        if all(np.all(np.isfinite(a)) for a in inputs):
            self.nonfinite = (col, _NONFINITE_REASONS.get(what, "an overflow here"))

    def _Constant(self, node: ast.Constant) -> Array:
        try:
            out = np.asarray(float(node.value), dtype=np.float64)
        except OverflowError:  # an integer literal beyond float range
            out = np.asarray(np.inf)
        self._note_nonfinite(out, (), "Constant", self._col(node))
        return out

    def _Name(self, node: ast.Name) -> Array:
        if node.id not in self.names:
            hint = _did_you_mean(node.id, [*self.names, *FUNCTIONS])
            known = ", ".join(sorted(self.names)) or "none"
            raise FormulaError(
                f"unknown name {node.id}{hint}; known names: {known}", self._col(node)
            )
        try:
            raw = np.asarray(self.names[node.id])
            if raw.dtype.kind not in "biuf":  # None, text and ragged lists would become NaN or fail
                raise TypeError
            value = raw.astype(np.float64)
        except (TypeError, ValueError, OverflowError):
            raise FormulaError(f"{node.id} does not hold numbers", self._col(node)) from None
        if value.size > MAX_ELEMENTS:
            raise FormulaError(
                f"unsupported: {node.id} has more than {MAX_ELEMENTS} numbers", self._col(node)
            )
        self._note_nonfinite(value, (), "Name", self._col(node))
        return value

    def _operands(self, nodes: list[ast.expr], parent: ast.AST) -> list[Array]:
        """Evaluate in turn, stopping as soon as together they exceed any result we would allow."""
        values, total = [], 0
        for n in nodes:
            values.append(self.eval(n))
            total += values[-1].size
            if total > MAX_ELEMENTS * 2:  # outer/dot/max of two full-size operands stay possible
                raise FormulaError(
                    f"unsupported: results are limited to {MAX_ELEMENTS} numbers", self._col(parent)
                )
        return values

    def _List(self, node: ast.List) -> Array:
        items = self._operands(node.elts, node)
        if sum(i.size for i in items) > MAX_ELEMENTS:
            raise FormulaError(
                f"unsupported: results are limited to {MAX_ELEMENTS} numbers", self._col(node)
            )
        shapes = {i.shape for i in items}
        if len(shapes) > 1:
            raise FormulaError(
                "the items of a [list] must all have the same shape", self._col(node)
            )
        out = np.asarray(items, dtype=np.float64)
        return self._sized(out, node)

    def _Tuple(self, node: ast.Tuple) -> Array:
        raise FormulaError("write a list of numbers in brackets: [a, b]", self._col(node))

    def _UnaryOp(self, node: ast.UnaryOp) -> Array:
        value = self.eval(node.operand)
        return -value if isinstance(node.op, ast.USub) else value

    def _BinOp(self, node: ast.BinOp) -> Array:
        left, right = self.eval(node.left), self.eval(node.right)
        symbol, op, verb = _BINARY[type(node.op)]
        col = self._operator_col(node)
        if isinstance(node.op, ast.MatMult):
            _check_matmul(left, right, col)
        else:
            _check_broadcast(left, right, verb, symbol, col)
        if isinstance(node.op, ast.Pow) and np.any(np.abs(right) > MAX_EXPONENT):
            raise FormulaError(f"unsupported: exponents are limited to ±{MAX_EXPONENT:g}", col)
        out = np.asarray(op(left, right), dtype=np.float64)
        self._note_nonfinite(out, (left, right), type(node.op).__name__, col)
        return self._sized(out, node)

    def _Call(self, node: ast.Call) -> Array:
        fn = FUNCTIONS[node.func.id]
        args = self._operands(node.args, node)
        _check_call_size(node.func.id, args, self._col(node))
        try:
            out = fn.impl(*args)
        except FormulaError as exc:
            raise FormulaError(exc.message, self._col(node)) from None
        except ValueError as exc:
            shapes = ", ".join(_describe(a) for a in args)
            raise FormulaError(
                f"{node.func.id}() cannot combine {shapes}: {exc}", self._col(node)
            ) from None
        out = np.asarray(out, dtype=np.float64)
        self._note_nonfinite(out, args, node.func.id, self._col(node))
        return self._sized(out, node)

    def _Subscript(self, node: ast.Subscript) -> Array:
        value = self.eval(node.value)
        index = self._index(node.slice)
        parts = index if isinstance(index, tuple) else (index,)
        if len(parts) > value.ndim:
            raise FormulaError(
                f"too many indices: {_describe(value)} has {value.ndim} "
                f"ax{'i' if value.ndim == 1 else 'e'}s, the index gives {len(parts)}",
                self._col(node),
            )
        try:
            out = np.asarray(value[index], dtype=np.float64)
        except IndexError:
            raise FormulaError(
                f"index out of range for {_describe(value)} (indices start at 0)", self._col(node)
            ) from None
        except ValueError as exc:  # numpy refuses e.g. a slice step of 0
            raise FormulaError(f"bad index: {exc}", self._col(node)) from None
        return self._sized(out, node)

    def _index(self, node: ast.AST):
        if isinstance(node, ast.Tuple):
            return tuple(self._index(e) for e in node.elts)
        if isinstance(node, ast.Slice):
            parts = (node.lower, node.upper, node.step)
            return slice(*(None if p is None else self._integer(p) for p in parts))
        return self._integer(node)

    def _integer(self, node: ast.AST) -> int:
        value = self.eval(node)
        if value.ndim != 0 or not np.isfinite(value) or value != np.round(value):
            raise FormulaError("an index must be a whole number, like W[0, 1]", self._col(node))
        if abs(value) > 2**31:
            raise FormulaError("index out of range (indices start at 0)", self._col(node))
        return int(value)

    def _sized(self, value: Array, node: ast.AST) -> Array:
        if value.size == 0:  # reductions of nothing are undefined; say so where it happens
            raise FormulaError(
                "this selects or builds no numbers at all (an empty list or slice)",
                self._col(node),
            )
        if value.size > MAX_ELEMENTS:
            raise FormulaError(
                f"unsupported: results are limited to {MAX_ELEMENTS} numbers", self._col(node)
            )
        return value


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _check_broadcast(left: Array, right: Array, verb: str, symbol: str, col: int) -> None:
    try:
        shape = np.broadcast_shapes(left.shape, right.shape)
    except ValueError:
        raise FormulaError(
            f"cannot {verb} {_describe(left)} and {_describe(right)} with {symbol}: their shapes "
            f"{left.shape} and {right.shape} do not line up elementwise",
            col,
        ) from None
    if int(np.prod(shape)) > MAX_ELEMENTS:
        raise FormulaError(f"unsupported: results are limited to {MAX_ELEMENTS} numbers", col)


def _check_call_size(name: str, args: list[Array], col: int) -> None:
    """Refuse a call whose result would be too big, before numpy allocates it."""
    if name == "outer":
        size = args[0].size * args[1].size
    elif name == "dot":
        left, right = args
        if left.ndim == 0 or right.ndim == 0:
            size = max(left.size, right.size)
        elif left.ndim > 2 or right.ndim > 2:
            raise FormulaError("dot() works on vectors and matrices only", col)
        else:
            _check_matmul(left, right, col, verb="dot-multiply")
            return
    elif name in ("max", "min", "clip") and len(args) > 1:
        try:
            size = int(np.prod(np.broadcast_shapes(*(a.shape for a in args))))
        except ValueError:
            shapes = " and ".join(_describe(a) for a in args)
            raise FormulaError(f"{name}() cannot pair up {shapes} elementwise", col) from None
    else:
        size = sum(a.size for a in args)  # elementwise functions, reductions and concat
    if size > MAX_ELEMENTS:
        raise FormulaError(f"unsupported: results are limited to {MAX_ELEMENTS} numbers", col)


def _check_matmul(left: Array, right: Array, col: int, verb: str = "matrix-multiply") -> None:
    if left.ndim == 0 or right.ndim == 0:
        raise FormulaError("@ multiplies matrices; use * to multiply by a number", col)
    inner_left, inner_right = left.shape[-1], right.shape[0] if right.ndim == 1 else right.shape[-2]
    if inner_left != inner_right:
        raise FormulaError(
            f"cannot {verb} {_describe(left)} by {_describe(right)}: the left has "
            f"{_plural(inner_left, 'column')} but the right has {_plural(inner_right, 'row')}",
            col,
        )
    rows = left.shape[-2] if left.ndim > 1 else 1
    cols = right.shape[-1] if right.ndim > 1 else 1
    if rows * cols > MAX_ELEMENTS or left.size * cols > MAX_ELEMENTS * 100:
        raise FormulaError(f"unsupported: results are limited to {MAX_ELEMENTS} numbers", col)
