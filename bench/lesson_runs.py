"""How long a lesson's run steps take: each run step's job, run as the lesson player runs it.

    python bench/lesson_runs.py [LESSON ...]    (default: exploding-vanishing-gradients)

Prints one row per run step: the task, the wall time and the runs' main metrics. Times depend
on the machine and its load (the lesson player trains with one thread, as here).
"""

from __future__ import annotations

import argparse
import time

from engine.jobs import run_job
from tutor.lessons.catalog import load_lesson
from tutor.lessons.runtime import LessonSession


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", default=["exploding-vanishing-gradients"])
    args = parser.parse_args()
    print(f"{'lesson':<30} {'step':<10} {'task':<15} {'seconds':>8}  metrics")
    for lesson_id in args.lessons:
        session = LessonSession(load_lesson(lesson_id), seed=0)
        total = 0.0
        for step in session.steps:
            if step.kind != "run":
                continue
            start = time.perf_counter()
            result = run_job(session.job_spec(step.id))
            seconds = time.perf_counter() - start
            total += seconds
            metrics = "; ".join(
                f"{run}: " + ", ".join(f"{k} {v:.3g}" for k, v in rec["metrics"].items() if v)
                for run, rec in result.runs.items()
            )
            print(f"{lesson_id:<30} {step.id:<10} {result.task:<15} {seconds:>8.1f}  {metrics}")
        print(f"{lesson_id:<30} {'all runs':<10} {'':<15} {total:>8.1f}")


if __name__ == "__main__":
    main()
