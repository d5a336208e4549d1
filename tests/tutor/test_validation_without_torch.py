"""Lesson validation checks run steps' job specs in-process, without loading torch."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LESSON = """\
id: runs
title: t
summary: s
group: training
steps:
  - id: good
    kind: run
    prompt: p
    job: {task: maxmin, epochs: 2}
  - id: bad
    kind: run
    prompt: p
    job: {task: maxmin, hiden: 4}
  - id: forecast
    kind: run
    prompt: p
    job: {task: forecast, modle: gru}
"""


def test_validating_run_steps_imports_no_torch_and_starts_no_process(tmp_path):
    path = tmp_path / "runs.yaml"
    path.write_text(LESSON)
    shipped = sorted(str(p) for p in (ROOT / "lessons").glob("*.yaml"))
    code = (
        "import json, subprocess, sys\n"
        "def refuse(*args, **kwargs):\n"
        "    raise AssertionError('lesson validation started a process')\n"
        "subprocess.Popen = refuse\n"
        "from tutor.lessons.validation import validate_paths\n"
        "problems = validate_paths(sys.argv[1:])\n"
        "print(json.dumps({'torch': 'torch' in sys.modules,\n"
        "                  'problems': [[p.file, p.line, p.message] for p in problems]}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path), *shipped],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["torch"] is False
    # the two bad jobs are named, with the engine's did-you-mean (the shipped lessons' own
    # problems are test_cli_lessons' business)
    bad, forecast = [p for p in report["problems"] if p[0] == str(path)]
    assert bad[:2] == [str(path), 13]
    assert bad[2].startswith("step bad: job: unknown key 'hiden' for task maxmin")
    assert "(did you mean 'hidden'?)" in bad[2]
    assert forecast[:2] == [str(path), 17]
    assert "unknown forecast option 'modle' (did you mean 'model'?)" in forecast[2]
