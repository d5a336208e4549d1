"""Typed numbers judged by the precision a step asks for, the way STACK's significant-figures test
works: a number is right when it is the right value correctly rounded to that precision.

A plain ±% window is only as good as the gap to the nearest plausible mistake (tanh(x) ≈ x near
0, o0 ≈ o1), and learners cannot see it; "3 significant figures" they can. The figures a learner
wrote count: `0.15` is a 2-figure answer, `0.150` a 3-figure one.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass

import numpy as np

DEFAULT_FIGURES = 3
# A number written in the answer: sign, digits with an optional point, optional exponent.
_NUMBER = re.compile(r"^\s*[+-]?\s*(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")


@dataclass(frozen=True)
class Precision:
    """What a step asks for: significant figures, or decimal places when `decimals` is set."""

    figures: int = DEFAULT_FIGURES
    decimals: int | None = None

    def text(self) -> str:
        if self.decimals is not None:
            return f"{_plural(self.decimals, 'decimal place')}"
        return f"{_plural(self.figures, 'significant figure')}"

    def rounded(self, value: float, written: int | None = None) -> float:
        """`value` rounded to this precision (or to `written` figures/places when given)."""
        if self.decimals is not None:
            return round_decimals(value, self.decimals if written is None else written)
        return round_sig(value, self.figures if written is None else written)

    def same(self, a: float, b: float, written: int | None = None) -> bool:
        """Do a and b round to the same number at this precision?"""
        return _equal(self.rounded(a, written), self.rounded(b, written))

    def separating(self, right: float, wrong: float) -> Precision | None:
        """The least precision of this kind from which on the two values round apart."""
        last_same = 0
        for n in range(1, 16):
            candidate = Precision(n) if self.decimals is None else Precision(decimals=n)
            if candidate.same(right, wrong):
                last_same = n
        if last_same >= 15:
            return None
        n = last_same + 1
        return Precision(n) if self.decimals is None else Precision(decimals=n)


@dataclass(frozen=True)
class TypedNumber:
    """One number as the learner wrote it."""

    value: float
    figures: int  # significant figures written
    decimals: int  # decimal places written

    def written(self, precision: Precision) -> int:
        """How precise the learner was, in the step's own terms (figures or places)."""
        return self.decimals if precision.decimals is not None else self.figures


def typed_numbers(tree: ast.AST, src: str) -> list[TypedNumber] | None:
    """The numbers of an answer that is only numbers (`0.55`, `-0.15`, `[[0.2, 0.4]]`); else None.

    `src` is the answer's text: the figures are counted as written, since `0.150` and `0.15`
    are the same float.
    """
    out: list[TypedNumber] = []

    def walk(node: ast.AST) -> bool:
        if isinstance(node, ast.List):
            return all(walk(e) for e in node.elts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            if not isinstance(node.operand, ast.Constant):
                return False
        elif not isinstance(node, ast.Constant):
            return False
        text = ast.get_source_segment(src, node)
        if text is None or not _NUMBER.match(text):
            return False
        out.append(parse_number(text))
        return True

    body = tree.body if isinstance(tree, ast.Expression) else tree
    return out if walk(body) else None


def parse_number(text: str) -> TypedNumber:
    """`-0.150` -> value -0.15 with 3 figures and 3 decimal places."""
    text = text.replace(" ", "")
    value = float(text)
    mantissa, _, exponent = text.lstrip("+-").lower().partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    figures = max(len(digits), 1)
    decimals = max(len(frac) - int(exponent or 0), 0)
    return TypedNumber(value, figures, decimals)


def round_sig(value: float, figures: int) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    exponent = math.floor(math.log10(abs(value)))
    return round_decimals(value, figures - 1 - exponent)


def round_decimals(value: float, places: int) -> float:
    # Rounding through the decimal text avoids binary surprises (0.145 stored as 0.14499...).
    if not math.isfinite(value):
        return value
    if places >= 0:
        return float(f"{value:.{places}f}")
    scale = 10.0 ** (-places)
    return float(round(value / scale) * scale)


def _equal(a: float, b: float) -> bool:
    return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def flat(a: object) -> np.ndarray:
    return np.asarray(a, dtype=np.float64).reshape(-1)
