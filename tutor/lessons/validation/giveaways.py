"""Texts that answer the step for the learner, or teach its known mistake.

- a prompt or hint whose `{{ expression }}` prints the step's own value, whatever names it uses
  (`{{ f0 * c0 + i0 * c_hat0 }}` at step c1 shows the answer as surely as `{{ c1 }}`);
- a hint whose formula computes one of the step's known mistakes: an authored one in any hint,
  a built-in one in the last hint, the one learners copy (earlier hints may show one term).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from tutor.lessons import display, formula
from tutor.lessons.judging import distinct, tight
from tutor.lessons.validation.texts import CODE_SPAN

if TYPE_CHECKING:
    from tutor.lessons.runtime import LessonSession
    from tutor.lessons.validation.checker import LessonChecker


def check_giveaways(
    checker: LessonChecker, index: int, step: Any, names: dict, session: LessonSession
) -> None:
    expected = session.refs.values[step.id]
    if not np.any(np.abs(expected) > 1e-12):
        return  # an answer of 0 is reported as passing unsolved where it does
    texts = [(("steps", index, "prompt"), step.prompt, "prompt")]
    texts += [(("steps", index, "hints", k), h, "hint") for k, h in enumerate(step.hints)]
    for loc, text, what in texts:
        for src in display.template_expressions(text):
            value = _value(src, names)
            if value is not None and tight(value, expected):
                checker.add(
                    loc,
                    f"step {step.id}: the {what} prints {{{{ {src} }}}} = "
                    f"{display.short(value)}, the step's own answer; learners would read it "
                    "before answering: show the parts, not the result",
                )
    _check_hint_mistakes(checker, index, step, names, session, expected)


def _check_hint_mistakes(checker, index, step, names, session, expected) -> None:
    candidates = session.candidates(step)
    authored = len(step.mistakes)
    last = len(step.hints) - 1
    for k, hint in enumerate(step.hints):
        for src in CODE_SPAN.findall(hint):
            value = _value(src, names)
            if value is None or tight(value, expected):
                continue
            for j, candidate in enumerate(candidates):
                if j >= authored and k != last:
                    continue
                if tight(value, candidate.value) and distinct(candidate.value, expected):
                    checker.add(
                        ("steps", index, "hints", k),
                        f"step {step.id}: hint `{src}` computes a known mistake of this step "
                        f"({_words(candidate.message)}), so a learner who follows it is told "
                        "it is wrong; fix the hint",
                    )
                    break


def _value(src: str, names: dict) -> np.ndarray | None:
    try:
        return np.asarray(formula.evaluate(src, names), dtype=float)
    except formula.FormulaError:
        return None


def _words(message: str, n: int = 8) -> str:
    words = message.split()
    return " ".join(words[:n]) + (" ..." if len(words) > n else "")
