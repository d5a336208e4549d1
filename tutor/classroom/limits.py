"""What one visitor of a classroom server may train: a cap on a job's size, applied inside
that visitor's own process (each visitor is a process of their own under serve).

The lab's form and every job spec are checked against engine.job_spec.LIMITS; here those
bounds are narrowed for the visitor, so a learner asking the lab for 512 units x 1000 epochs
is told the class's bound instead of holding the server's cores for an hour. The lessons' own
run steps stay within the cap (tests/classroom/test_limits.py checks every shipped lesson).
"""

from __future__ import annotations

# one visitor's job: seconds to a few minutes on a shared core, like the lessons' own runs
CLASS_LIMITS: dict[str, int] = {
    "hidden": 64,
    "layers": 2,
    "epochs": 50,
    "n_train": 10_000,
    "n_val": 2_000,
    "length": 200,
    "n_points": 10_000,
    "n_measure": 1_000,
}


def cap_training(caps: dict[str, int] | None = None) -> None:
    """Narrow this process's job limits to `caps` (never widen them)."""
    from engine import job_spec

    for key, high in (CLASS_LIMITS if caps is None else caps).items():
        low, old = job_spec.LIMITS[key]
        job_spec.LIMITS[key] = (low, min(old, high))
