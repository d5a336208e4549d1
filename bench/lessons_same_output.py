"""What the `lessons` commands print for every shipped lesson, to compare two commits.

    python bench/lessons_same_output.py OUT_DIR            # write one file per command
    python bench/lessons_same_output.py --diff DIR_A DIR_B  # exit 1 and print what differs

For each shipped lesson: `lessons show ID` (text and --json, learner seeds 0 and 7) and one
`lessons check` per step (a wrong answer "0", and an answer the step cannot use); plus
`lessons validate`, `lessons list --json` and `lessons schema`. Each file holds the exit code,
stdout and stderr. A structural commit (nothing meant to change for learners or authors) must
leave them identical: run it on the commit before and after, then --diff.
"""

from __future__ import annotations

import difflib
import os
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner
from compare_cli import record_or_diff  # bench/, beside this script

from tutor.cli import cli
from tutor.lessons.catalog import load_lesson, shipped_ids

SEEDS = (0, 7)


def commands() -> dict[str, list[str]]:
    """File name -> the arguments after `lstm-tutor`."""
    found: dict[str, list[str]] = {
        "validate": ["lessons", "validate"],
        "list": ["lessons", "list", "--json"],
        "schema": ["lessons", "schema"],
    }
    for lesson_id in shipped_ids():
        for seed in SEEDS:
            found[f"{lesson_id}.show.{seed}"] = ["lessons", "show", lesson_id, "--seed", str(seed)]
            found[f"{lesson_id}.show.{seed}.json"] = [
                *found[f"{lesson_id}.show.{seed}"],
                "--json",
            ]
        for step in load_lesson(lesson_id).steps:
            for tag, answer in (("zero", "0"), ("bad", "((")):
                found[f"{lesson_id}.check.{step.id}.{tag}"] = [
                    *("lessons", "check", lesson_id, "--step", step.id, "--answer", answer),
                    *("--seed", "0", "--json"),
                ]
    return found


def write(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as home:  # no learner's progress is read or written
        os.environ["LSTM_TUTOR_DATA_DIR"] = home
        for name, args in commands().items():
            result = runner.invoke(cli, args)
            (out / name).write_text(
                f"exit {result.exit_code}\n--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
            )
    print(f"{len(list(out.iterdir()))} outputs in {out}")


def diff(a: Path, b: Path) -> int:
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    differing = 0
    for name in names:
        left = (a / name).read_text() if (a / name).exists() else "(missing)\n"
        right = (b / name).read_text() if (b / name).exists() else "(missing)\n"
        if left != right:
            differing += 1
            sys.stdout.writelines(
                difflib.unified_diff(
                    left.splitlines(True), right.splitlines(True), f"{a}/{name}", f"{b}/{name}"
                )
            )
    print(f"{len(names)} outputs, {differing} differ")
    return 1 if differing else 0


def main() -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":  # set order is part of some messages
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    return record_or_diff(__doc__, "output folders", write, diff)


if __name__ == "__main__":
    raise SystemExit(main())
