"""A run step's results as names later steps can use, and predictions judged by them.

A run step declares `results: {name: path}`; each path picks one number out of the finished
job's runs (`lstm.metrics.mae`, `rnn.history.train_loss[-1]`, `gru.grad_norms[0]`). Steps after
it may use those names in references, prompts and answers; until the run has finished they are
pending. A `predict:` block asks before the run and is judged by its choices' values afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from tutor.lessons.problems import LessonLookupError
from tutor.lessons.schema import Lesson, RunStep

_PATH = re.compile(r"^([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+)+)(?:\[(-?[0-9]+)\])?$")


def declared_before(lesson: Lesson, step_id: str | None) -> dict[str, str]:
    """result name -> id of the run step declaring it, for the run steps before `step_id`."""
    out: dict[str, str] = {}
    for step in lesson.steps:
        if step.id == step_id:
            break
        if step.runs_job:
            out.update({name: step.id for name in step.results})
    return out


def resolve(step: RunStep, runs: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The numbers `step.results` names, read from a finished job's runs."""
    values = {}
    for name, path in step.results.items():
        match = _PATH.match(path)
        if match is None:  # the schema's pattern already refuses this
            raise LessonLookupError(f'result "{name}": cannot read path "{path}"')
        node: Any = runs
        for key in [match.group(1), *match.group(2).split(".")[1:]]:
            if not isinstance(node, Mapping) or key not in node:
                known = ", ".join(map(str, node)) if isinstance(node, Mapping) else "nothing"
                raise LessonLookupError(
                    f'result "{name}": the job has no "{key}" in "{path}" (there: {known})'
                )
            node = node[key]
        if match.group(3) is not None:
            seq = list(node) if isinstance(node, list | tuple) else None
            index = int(match.group(3))
            if seq is None or not -len(seq) <= index < len(seq):
                raise LessonLookupError(f'result "{name}": "{path}" is out of range')
            node = seq[index]
        try:
            value = np.asarray(float(node), dtype=np.float64)
        except (TypeError, ValueError):
            raise LessonLookupError(f'result "{name}": "{path}" is not a number') from None
        values[name] = value
    return values


def stand_ins(lesson: Lesson) -> dict[str, np.ndarray]:
    """Distinct plausible numbers for every declared result, so validation can evaluate."""
    names = declared_before(lesson, None)
    return {name: np.asarray(0.5 + 0.37 * k, dtype=np.float64) for k, name in enumerate(names)}


def judge(step: RunStep, names: Mapping[str, np.ndarray]) -> tuple[int, list[float]]:
    """(index of the choice the run proved right, each choice's value)."""
    from tutor.lessons import formula

    values = [float(formula.evaluate(c.value, dict(names))) for c in step.predict.choices]
    pick = max if step.predict.pick == "max" else min
    best = pick(range(len(values)), key=lambda i: values[i])
    return best, values
