"""The learners `lessons validate` checks a random lesson for, the same under any lesson id.

A learner's numbers are drawn with the lesson's id in the key, so sampling learners by seed
would check different numbers for the same lesson under another id (and pass one, reject the
other). Here the draws are keyed by a fixed name instead, and beyond the fully checked
learners every learner the lesson can have is enumerated when there are few enough (a
`decimals: 1` input in [-1, 1] has 21 values), else many are drawn plus the corners of every
range: the worst cases a mistake's closeness to the answer tends to sit at.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from tutor.lessons import display
from tutor.lessons.givens import GivenError, draw
from tutor.lessons.schema import Lesson, RandomGiven

SAMPLE_ID = "validate"  # the key every validation draw uses in place of the lesson's id
FULL_SEEDS = tuple(range(64))  # learners checked in full (expressions, texts, numbers)
MAX_ENUMERATED = 1024  # a lesson with at most this many possible learners is checked for each
DRAWN = 256  # otherwise, this many drawn learners plus the corners


def sampled_lesson(lesson: Lesson) -> Lesson:
    """The lesson with the fixed draw key: its learners do not depend on its id."""
    return lesson.model_copy(update={"id": SAMPLE_ID})


def random_specs(lesson: Lesson) -> dict[str, Any]:
    out = {}
    for name, raw in lesson.givens.items():
        if isinstance(raw, dict):
            try:
                out[name] = RandomGiven.model_validate(raw).random
            except ValueError:
                continue  # reported as a given's problem
    return out


def describe(lesson: Lesson, givens: dict[str, np.ndarray]) -> str:
    """'x0 = [[0.3]], x1 = [[-0.7]]': the learner, by the numbers drawn for them."""
    return ", ".join(
        f"{n} = {display.short(givens[n])}" for n in random_specs(lesson) if n in givens
    )


def number_learners(lesson: Lesson) -> Iterator[dict[str, np.ndarray]]:
    """Every possible learner's drawn givens when few enough, else DRAWN of them and corners."""
    specs = random_specs(lesson)
    supports = {name: _support(spec) for name, spec in specs.items()}
    if all(s is not None for s in supports.values()):
        sizes = {n: len(s) ** max(1, math.prod(specs[n].shape)) for n, s in supports.items()}
        if math.prod(sizes.values()) <= MAX_ENUMERATED:
            yield from _every_learner(specs, supports)
            return
    yield from _corners(specs)
    for seed in range(len(FULL_SEEDS), len(FULL_SEEDS) + DRAWN):
        try:
            yield {n: draw(spec, seed, f"{SAMPLE_ID}/{n}") for n, spec in specs.items()}
        except GivenError:
            return  # reported for the fully checked learners


def _support(spec: Any) -> list[float] | None:
    """The values one drawn number can take, when they are few (integers, rounded uniforms)."""
    low, high = spec.range if spec.range is not None else (-1.0, 1.0)
    if spec.distribution == "integers":
        values = np.arange(math.ceil(low), math.floor(high) + 1, dtype=float)
    elif spec.distribution == "uniform" and spec.decimals is not None:
        step = 10.0**-spec.decimals
        count = round((high - low) / step) + 1
        if count > MAX_ENUMERATED:
            return None
        values = np.unique(np.round(np.linspace(low, high, count), spec.decimals))
    else:
        return None
    return [float(v) for v in values] if 0 < len(values) <= MAX_ENUMERATED else None


def _every_learner(specs: dict, supports: dict) -> Iterator[dict[str, np.ndarray]]:
    names = list(specs)
    per_name = []
    for name in names:
        shape = tuple(specs[name].shape)
        cells = max(1, math.prod(shape))
        per_name.append(
            [
                np.asarray(c, dtype=float).reshape(shape)
                for c in itertools.product(supports[name], repeat=cells)
            ]
        )
    for combo in itertools.product(*per_name):
        yield dict(zip(names, combo, strict=True))


def _corners(specs: dict) -> Iterator[dict[str, np.ndarray]]:
    """Every given at the low end, at the high end, and each alone at an end."""

    def end(spec: Any, high: bool) -> np.ndarray:
        if spec.distribution == "normal":
            value = spec.mean + (3 if high else -3) * spec.std
        else:
            low, top = spec.range if spec.range is not None else (-1.0, 1.0)
            value = top if high else low
            if spec.distribution == "integers":
                value = math.floor(top) if high else math.ceil(low)
        if spec.decimals is not None:
            value = round(value, spec.decimals)
        return np.full(tuple(spec.shape), float(value))

    names = list(specs)
    for high in (False, True):
        yield {n: end(specs[n], high) for n in names}
    for name in names:
        for high in (False, True):
            yield {n: end(specs[n], high if n == name else not high) for n in names}
