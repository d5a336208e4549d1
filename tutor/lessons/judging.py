"""Judging the answer to a value step: an expression as an expression, a number by its precision.

- An answer that uses the lesson's names is an expression: it is right when it agrees with the
  reference here and in every consistent perturbed world (`tutor.lessons.worlds`).
- An answer that is only numbers is judged by the step's precision (3 significant figures by
  default, STACK-style): right when correctly rounded; right to fewer figures gets its own
  feedback; a number that cannot tell the right value from a known mistake at that precision is
  neither accepted nor rejected: the learner is asked for more figures or the expression.
- A diagnosis names a mistake only when the answer makes it: for an expression the mistake must
  agree in every world too; for a number it must explain the number better than the right value
  and every other candidate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tutor.lessons import display
from tutor.lessons.diagnosis import Candidate
from tutor.lessons.precision import Precision, TypedNumber, flat

TIGHT_RTOL, TIGHT_ATOL = 1e-6, 1e-9  # an expression's value is exact up to float round-off


@dataclass(frozen=True)
class Verdict:
    correct: bool
    feedback: str
    diagnosis: str | None = None
    mistake: str | None = None


@dataclass
class StepCase:
    """Everything needed to judge one value step for one learner."""

    expected: np.ndarray
    candidates: list[Candidate]  # authored first, then generated
    precision: Precision | None  # None: the legacy ±window `tolerance`
    tolerance: tuple[float, float] = (0.01, 1e-4)  # (rtol, atol), only when precision is None
    integer: bool = False
    is_formula: bool = False
    # per perturbed world: (the answer's value there or None, the reference, candidate values)
    worlds: list[tuple[np.ndarray | None, np.ndarray, list[np.ndarray | None]]] = field(
        default_factory=list
    )
    # candidate keys this answer cannot have made (the loss's sign, for an answer built on the
    # exact upstream gradient)
    ruled_out: frozenset[str] = frozenset()

    def rule_text(self) -> str:
        if self.is_formula:
            return "the formula"
        if self.integer:
            return "a whole number, exactly"
        if self.precision is None:
            rtol, atol = self.tolerance
            percent = f"±{rtol * 100:g}%"
            return percent if atol == 0 else f"{percent} (or ±{atol:g} near zero)"
        return self.precision.text()


# --- shared helpers ----------------------------------------------------------------------------


def tight(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return False
    a, b = flat(a), flat(b)
    return a.size == b.size and bool(np.allclose(a, b, rtol=TIGHT_RTOL, atol=TIGHT_ATOL))


def distinct(candidate: np.ndarray, expected: np.ndarray) -> bool:
    """A mistake is only a mistake here when its value differs from the right one."""
    c, e = flat(candidate), flat(expected)
    return c.size != e.size or not bool(np.allclose(c, e, rtol=1e-9, atol=1e-12))


def _wrong_elements(ok: list[bool], shape: tuple[int, ...]) -> str:
    """'elements [0, 1] and [0, 3]' for the elements that are wrong."""
    bad = [np.unravel_index(j, shape) for j, good in enumerate(ok) if not good]
    names = [f"[{', '.join(str(int(i)) for i in idx)}]" for idx in bad]
    if len(names) == 1:
        return f"element {names[0]} is"
    return f"elements {', '.join(names[:-1])} and {names[-1]} are"


# --- expressions -------------------------------------------------------------------------------


def judge_expression(case: StepCase, value: np.ndarray) -> Verdict:
    """Right only where it agrees with the reference here and in every world."""
    here = tight(value, case.expected)
    everywhere = here and all(tight(got, ref) for got, ref, _ in case.worlds)
    if everywhere:
        return Verdict(True, "")
    found = _expression_diagnosis(case, value)
    if found is not None:
        return Verdict(False, found.message, found.message, found.key)
    if _negated_everywhere(case, value):
        message = "Check the sign: your expression is the right one times -1."
        return Verdict(False, message, message, "sign_error")
    if here:
        message = (
            "Right value here, but a different formula: it parts from the right answer when "
            "the givens change. Build it from the named quantities rather than numbers or "
            "terms that happen to fit these values."
        )
        return Verdict(False, message)
    return Verdict(False, "")


def _expression_diagnosis(case: StepCase, value: np.ndarray) -> Candidate | None:
    for k, candidate in enumerate(case.candidates):
        if candidate.key in case.ruled_out or not tight(value, candidate.value):
            continue
        # The mistake must agree with the answer wherever it is defined; a candidate equal to
        # the answer here only is a guess. It is a mistake if it parts from the reference
        # somewhere (a left-out term whose given is 0 here still parts elsewhere).
        checked = [(got, vals[k], ref) for got, ref, vals in case.worlds if vals[k] is not None]
        if not all(tight(got, wrong) for got, wrong, _ in checked):
            continue
        if distinct(candidate.value, case.expected) or any(
            distinct(wrong, ref) for _, wrong, ref in checked
        ):
            return candidate
    return None


def _negated_everywhere(case: StepCase, value: np.ndarray) -> bool:
    if not np.any(np.abs(flat(case.expected)) > TIGHT_ATOL):
        return False
    return tight(-flat(value), case.expected) and all(
        got is not None and tight(-flat(got), ref) for got, ref, _ in case.worlds
    )


# --- numbers -----------------------------------------------------------------------------------


def judge_number(case: StepCase, value: np.ndarray, typed: list[TypedNumber] | None) -> Verdict:
    """A number (typed, or computed from typed numbers: `typed` None) judged by precision."""
    v, r = flat(value), flat(case.expected)
    written = [None] * v.size if typed is None else [_written(case, t) for t in typed]
    if case.integer:
        return _judge_integer(case, v, r)
    ok = [_exact(a, b) or _ok(case, a, b, w) for a, b, w in zip(v, r, written, strict=True)]
    if all(ok):
        return _judge_right(case, v, r, written)
    return _judge_wrong(case, v, r, written, ok)


def _judge_right(case: StepCase, v: np.ndarray, r: np.ndarray, written: list) -> Verdict:
    """Every element right to the precision asked."""
    # More figures than asked can show which value the learner actually computed.
    if not all(_explains(case, a, b, w) for a, b, w in zip(v, r, written, strict=True)):
        found = _number_diagnosis(case, v, r, written)
        if found is not None:
            return Verdict(False, found.message, found.message, found.key)
    return _unambiguous(case, v, r, written)


def _judge_wrong(
    case: StepCase, v: np.ndarray, r: np.ndarray, written: list, ok: list[bool]
) -> Verdict:
    """Some element wrong: too few figures, the sign, a known mistake, or which elements."""
    short = [
        good or (w is not None and _short(case, a, b, w))
        for good, a, b, w in zip(ok, v, r, written, strict=True)
    ]
    if all(short):
        least = min(w for w, good in zip(written, ok, strict=True) if not good)
        unit = "decimal place" if case.precision.decimals is not None else "figure"
        message = (
            f"Right to {least} {unit}{'' if least == 1 else 's'}; give {case.precision.text()}."
        )
        return Verdict(False, message, None, "too_few_figures")
    if _sign_error(case, v, r, written):
        message = "Check the sign: the size of your number is right, the sign is not."
        return Verdict(False, message, message, "sign_error")
    found = _number_diagnosis(case, v, r, written)
    if found is not None:
        return Verdict(False, found.message, found.message, found.key)
    if v.size > 1 and any(ok):
        return Verdict(
            False,
            f"{_wrong_elements(ok, case.expected.shape or (v.size,))} not right; the others are.",
        )
    return Verdict(False, "")


def _written(case: StepCase, t: TypedNumber) -> int:
    if case.precision is None:
        return 0
    return t.written(case.precision)


def _exact(a: float, b: float) -> bool:
    """`0.2` for 0.2 is right however few figures it has: the value is exact."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-300)


def _ok(case: StepCase, a: float, b: float, written: int | None) -> bool:
    if case.precision is None:
        rtol, atol = case.tolerance
        return bool(abs(a - b) <= atol + rtol * abs(b))
    if written is not None and written < _asked(case):
        return False
    if written is not None and written > _asked(case) and case.precision.same(a, b, written):
        return True  # right to more figures than asked (0.6925 for 0.69246: no double rounding)
    return case.precision.same(a, b)


def _asked(case: StepCase) -> int:
    p = case.precision
    return p.decimals if p.decimals is not None else p.figures


def _short(case: StepCase, a: float, b: float, written: int) -> bool:
    """Right to the figures written, but fewer than the step asks for."""
    if case.precision is None or written >= _asked(case):
        return False
    return case.precision.same(a, b, written)


def _explains(case: StepCase, a: float, x: float, written: int | None) -> bool:
    """Is the learner's number `a` what `x` gives, rounded as the learner rounded?"""
    if _exact(a, x):
        return True
    if case.precision is None:
        rtol, atol = case.tolerance
        return bool(abs(a - x) <= atol + rtol * abs(x))
    if written is None or written < 1:
        return case.precision.same(a, x)
    return case.precision.same(a, x, written)


def _unambiguous(case: StepCase, v: np.ndarray, r: np.ndarray, written: list) -> Verdict:
    """Accept, unless a known mistake rounds like the right value and the answer cannot tell."""
    for candidate in case.candidates:
        c = flat(candidate.value)
        if c.size != r.size or not distinct(c, r):
            continue
        if not all(_ok(case, x, y, None) for x, y in zip(c, r, strict=True)):
            continue  # the mistake does not pass: no ambiguity
        if _separates(case, v, r, c, written):
            continue
        more = _needed(case, r, c)
        return Verdict(
            False,
            "That agrees with the right value to "
            f"{case.rule_text()}, but so does a common mistake at this step, so this precision "
            f"cannot tell them apart. Give {more} or type the expression you used.",
            None,
            "ambiguous",
        )
    return Verdict(True, "")


def _separates(case: StepCase, v: np.ndarray, r: np.ndarray, c: np.ndarray, written) -> bool:
    """Does the learner's number side with the right value against the mistake?"""
    if all(w is None for w in written):  # a computed number: judge by distance
        return bool(np.max(np.abs(v - r)) * 3 < np.max(np.abs(v - c)))
    for a, x, y, w in zip(v, r, c, written, strict=True):
        if _explains(case, a, x, w) and not _explains(case, a, y, w):
            return True
    return False


def _needed(case: StepCase, r: np.ndarray, c: np.ndarray) -> str:
    """'at least 4 significant figures': what would separate them (no values revealed)."""
    if case.precision is None:
        return "more figures"
    best = None
    for x, y in zip(r, c, strict=True):
        p = case.precision.separating(x, y)
        if p is not None:
            n = p.decimals if p.decimals is not None else p.figures
            best = n if best is None else min(best, n)
    if best is None:
        return "more figures"
    unit = "decimal places" if case.precision.decimals is not None else "significant figures"
    return f"at least {best} {unit}"


def _sign_error(case: StepCase, v: np.ndarray, r: np.ndarray, written: list) -> bool:
    if not np.any(np.abs(r) > 1e-12):
        return False
    return all(
        _exact(-a, b) or _ok(case, -a, b, w) or (w is not None and _short(case, -a, b, w))
        for a, b, w in zip(v, r, written, strict=True)
    )


def _number_diagnosis(case: StepCase, v: np.ndarray, r: np.ndarray, written) -> Candidate | None:
    """The one candidate that explains the number, when no other candidate does too."""
    matching: list[Candidate] = []
    for candidate in case.candidates:
        c = flat(candidate.value)
        if c.size != v.size or not distinct(c, r):
            continue
        if all(_explains(case, a, x, w) for a, x, w in zip(v, c, written, strict=True)):
            matching.append(candidate)
    if not matching:
        return None
    first = flat(matching[0].value)
    if any(distinct(flat(m.value), first) for m in matching[1:]):
        return None  # two different mistakes explain it equally well: name neither
    return either(matching)


def either(matching: list[Candidate]) -> Candidate | None:
    """The mistake that explains a value; when two different slips give the same value, both
    are named (more than two: none, the learner is not sent down a wrong path)."""
    unique: list[Candidate] = []
    for candidate in matching:
        if all(candidate.message != seen.message for seen in unique):
            unique.append(candidate)
    if len(unique) == 1:
        return unique[0]
    if len(unique) > 2:
        return None
    first, second = (c.message.strip() for c in unique)
    message = f"Two slips give this number. Either: {first} Or: {second}"
    return Candidate("either", unique[0].value, message)


def _judge_integer(case: StepCase, v: np.ndarray, r: np.ndarray) -> Verdict:
    if not np.all(np.isclose(v, np.round(v), rtol=0, atol=1e-9)):
        shown = display.short(v.reshape(case.expected.shape) if v.size == r.size else v)
        message = f"This step counts something, so the answer is a whole number; {shown} is not."
        return Verdict(False, message, message, "not_integer")
    if np.array_equal(np.round(v), np.round(r)):
        return Verdict(True, "")
    matching = [
        candidate
        for candidate in case.candidates
        if flat(candidate.value).size == v.size
        and distinct(flat(candidate.value), r)
        and np.array_equal(np.round(flat(candidate.value)), np.round(v))
    ]
    found = either(matching) if matching else None
    if found is not None:
        return Verdict(False, found.message, found.message, found.key)
    return Verdict(False, "")


# --- what the learner typed ----------------------------------------------------------------------


def number_for_formula(step: Any, case: StepCase, value: np.ndarray) -> Verdict:
    """A formula step answered with a number: say so, whether or not the number is right."""
    from tutor.lessons import formula

    wanted = ", ".join(sorted(formula.parse(step.reference).names))
    if tight(value, case.expected):
        message = (
            "Right value, but that is a number, not the formula: write it in terms of " + wanted
        )
        return Verdict(False, message, None, "number_not_formula")
    return Verdict(False, f"This step asks for the formula, in terms of {wanted}.")


def has_decimals(parsed: Any) -> bool:
    """Does the expression contain a typed-in number that is not a whole one (0.5125)?"""
    import ast

    return any(
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
        and not float(node.value).is_integer()
        for node in ast.walk(parsed.tree)
    )
