"""The formula language learners type: a small, safe interpreter over Python's expression syntax.

`sigmoid(z0[0, 0])`, `f0*c0 + i0*c_hat0`, `concat(x0, h0) @ W + B` parse with `ast.parse` and are
evaluated by walking an allowlist of node types: nothing is ever passed to `eval`. Every value is a
float64 numpy array; sizes are checked before each operation, and the number of operations is
capped, so a hostile string gets a message, never execution and never a hang.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from engine.cells import sigmoid
from tutor.lessons.suggest import closest

# Seed 000's bonus (y from the givens in one expression) is about 1,000 characters and 630 terms.
MAX_SOURCE_CHARS = 2_000
MAX_NODES = 1_500
MAX_DEPTH = 40  # brackets inside brackets
MAX_CHAIN = 200  # depth of the syntax tree: `a + b + c ...` is a chain as deep as it is long
MAX_ELEMENTS = 10_000
MAX_OPERATIONS = 5_000
MAX_EXPONENT = 100.0

Array = np.ndarray


class FormulaError(ValueError):
    """A formula that cannot be evaluated; `col` is the 0-based column it points at."""

    def __init__(self, message: str, col: int | None = None, src: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.col = col
        self.src = src

    def caret(self, src: str | None = None) -> str:
        """The source line with a caret under the column, for terminals."""
        text = (self.src if src is None else src) or ""
        if self.col is None:
            return text
        return f"{text}\n{' ' * min(self.col, len(text))}^"


# --- the function whitelist -----------------------------------------------------------------


def _concat(*arrays: Array) -> Array:
    """Concatenate along the last axis; scalars count as 1-vectors (np.concatenate(axis=-1))."""
    parts = [np.atleast_1d(a) for a in arrays]
    ndims = {p.ndim for p in parts}
    if len(ndims) > 1:
        shapes = " and ".join(_describe(p) for p in parts)
        raise FormulaError(f"concat needs arrays of the same rank, got {shapes}")
    return np.concatenate(parts, axis=-1)


def _softmax(x: Array) -> Array:
    e = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _extremum(reduce: Callable, pairwise: Callable) -> Callable:
    def f(*args: Array) -> Array:
        if len(args) == 1:
            return reduce(args[0])
        out = args[0]
        for a in args[1:]:
            out = pairwise(out, a)
        return out

    return f


@dataclass(frozen=True)
class Function:
    impl: Callable[..., Array]
    arity: tuple[int, int | None]  # (fewest, most) arguments; None means any number
    help: str


FUNCTIONS: dict[str, Function] = {
    "sigmoid": Function(sigmoid, (1, 1), "logistic 1/(1+exp(-x)), elementwise"),
    "tanh": Function(np.tanh, (1, 1), "hyperbolic tangent, elementwise"),
    "relu": Function(lambda x: np.maximum(x, 0.0), (1, 1), "max(x, 0), elementwise"),
    "exp": Function(np.exp, (1, 1), "e to the x, elementwise"),
    "log": Function(np.log, (1, 1), "natural logarithm, elementwise"),
    "sqrt": Function(np.sqrt, (1, 1), "square root, elementwise"),
    "abs": Function(np.abs, (1, 1), "absolute value, elementwise"),
    "concat": Function(_concat, (1, None), "join arrays along the last axis: concat(x0, h0)"),
    "dot": Function(np.dot, (2, 2), "dot / matrix product: dot(a, b)"),
    "sum": Function(np.sum, (1, 1), "sum of all elements"),
    "mean": Function(np.mean, (1, 1), "mean of all elements"),
    "max": Function(_extremum(np.max, np.maximum), (1, None), "largest element, or max(a, b)"),
    "min": Function(_extremum(np.min, np.minimum), (1, None), "smallest element, or min(a, b)"),
    "transpose": Function(np.transpose, (1, 1), "swap the axes of a matrix"),
    "softmax": Function(_softmax, (1, 1), "softmax over the last axis"),
    "clip": Function(np.clip, (3, 3), "clip(x, low, high)"),
    "outer": Function(np.outer, (2, 2), "outer product of two vectors"),
}

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
        return _parse(src)
    except FormulaError as exc:
        if exc.src is None and isinstance(src, str):
            exc.src = src
        raise


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
            raise FormulaError(f"unsupported operator: {_op_text(node.op)}{_op_hint(node.op)}", col)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise FormulaError(f"unsupported operator: {_op_text(node.op)}{_op_hint(node.op)}", col)
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


def _op_hint(op: ast.AST) -> str:
    """What the learner probably meant, for the operators people carry over from elsewhere."""
    return {
        ast.BitXor: " (for powers write **, as in x**2)",
        ast.FloorDiv: " (to divide write /)",
        ast.Mod: "",
        ast.Not: " (write 1 - x for the complement of a gate)",
        ast.Invert: " (write 1 - x for the complement of a gate)",
    }.get(type(op), "")


def _operator_col(text: str, node: ast.BinOp) -> int:
    """The column of a binary operator: the first non-blank after the left operand."""
    col = _char_col(text, node.left.end_col_offset or 0)
    while col < len(text) and text[col] in " )":
        col += 1
    return col


def _op_text(op: ast.AST) -> str:
    return {
        ast.FloorDiv: "//",
        ast.Mod: "%",
        ast.BitAnd: "&",
        ast.BitOr: "|",
        ast.BitXor: "^",
        ast.LShift: "<<",
        ast.RShift: ">>",
        ast.Invert: "~",
        ast.Not: "not",
    }.get(type(op), type(op).__name__)


def _did_you_mean(name: str, candidates: Iterable[str]) -> str:
    candidates = list(candidates)
    same_but_case = [c for c in candidates if c.lower() == name.lower()]
    match = same_but_case[0] if same_but_case else closest(name, candidates)
    return f" (did you mean {match}?)" if match else ""


# --- evaluation ------------------------------------------------------------------------------


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


def _describe(a: Array) -> str:
    a = np.asarray(a)
    if a.ndim == 0:
        return "a number"
    if a.ndim == 1:
        return f"a {a.shape[0]}-vector"
    return "a " + "x".join(str(s) for s in a.shape) + " array"


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


# --- comparing formulas (the way WeBWorK does) -----------------------------------------------


@dataclass(frozen=True)
class FormulaComparison:
    """Whether a learner's expression is the reference formula, not just its value here."""

    same_value_here: bool
    same_formula: bool
    is_constant: bool
    trials: int
    message: str | None

    @property
    def equivalent(self) -> bool:
        return self.same_formula


def compare_formulas(
    learner: str | Formula,
    reference: str | Formula,
    givens: Mapping[str, object],
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    trials: int = 6,
    rng: np.random.Generator | None = None,
    perturbable: set[str] | None = None,
    namespaces: Iterable[Mapping[str, object]] | None = None,
) -> FormulaComparison:
    """Evaluate both at the givens and at random perturbations of them; agree everywhere = same.

    By default each given the formulas use is perturbed independently. When givens depend on each
    other (f0 is sigmoid(z0[0, 0])), pass `namespaces`: consistent perturbed sets of all names,
    so that `sigmoid(z0[0, 0]) * c0` and `f0 * c0` are recognised as the same formula.
    """
    learner_f = learner if isinstance(learner, Formula) else parse(learner)
    reference_f = reference if isinstance(reference, Formula) else parse(reference)
    here_l, here_r = evaluate(learner_f, givens), evaluate(reference_f, givens)
    same_here = _close(here_l, here_r, rtol, atol)
    is_constant = not learner_f.names
    if is_constant and reference_f.names:
        message = "Right value, but that is a number, not the formula: write it in terms of " + (
            ", ".join(sorted(reference_f.names))
        )
        return FormulaComparison(same_here, False, True, 0, message if same_here else None)
    if namespaces is None:
        used = (learner_f.names | reference_f.names) & set(givens)
        if perturbable is not None:
            used &= perturbable
        namespaces = _perturbations(givens, used, trials, rng or np.random.default_rng(20241104))
    done = 0
    for space in namespaces:
        try:
            expected = evaluate(reference_f, space)
        except FormulaError:
            continue  # the reference itself is undefined there: no evidence either way
        done += 1
        try:
            got = evaluate(learner_f, space)
        except FormulaError:
            return _different(same_here, done)
        if not _close(got, expected, max(rtol, 1e-6), max(atol, 1e-9)):
            return _different(same_here, done)
    return FormulaComparison(same_here, same_here, is_constant, done, None)


def _different(same_here: bool, trials: int) -> FormulaComparison:
    message = (
        "Right value here, but a different formula: it disagrees with the reference when the "
        "inputs change. Build it from the named quantities rather than numbers that happen to fit."
        if same_here
        else None
    )
    return FormulaComparison(same_here, False, False, trials, message)


def _perturbations(
    givens: Mapping[str, object], used: set[str], trials: int, rng: np.random.Generator
) -> list[dict[str, object]]:
    spaces = []
    for _ in range(trials):
        space = dict(givens)
        for name in used:
            v = np.asarray(givens[name], dtype=np.float64)
            space[name] = v * (
                1.0 + 0.3 * rng.standard_normal(v.shape)
            ) + 0.2 * rng.standard_normal(v.shape)
        spaces.append(space)
    return spaces


def _close(a: Array, b: Array, rtol: float, atol: float) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.size != b.size:
        return False
    return bool(np.allclose(a.reshape(-1), b.reshape(-1), rtol=rtol, atol=atol))
