"""The lessons ship inside the wheel: build it, install it into a fresh venv, list lessons there."""

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed_venv(tmp_path_factory):
    work = tmp_path_factory.mktemp("wheel")
    build = ["wheel", "--no-deps", "--no-build-isolation", "-w", work, ROOT]
    subprocess.run(
        [sys.executable, "-m", "pip", *build],
        check=True,
        capture_output=True,
    )
    wheels = list(work.glob("lstm_tutor-*.whl"))
    assert len(wheels) == 1
    env_dir = work / "venv"
    # Dependencies come from the system site-packages so the test needs no network;
    # the project itself comes only from the wheel.
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", wheels[0]],
        check=True,
        capture_output=True,
    )
    return env_dir


def test_wheel_contains_the_lessons_and_lists_them(installed_venv, tmp_path):
    python = installed_venv / "bin" / "python"
    where = subprocess.run(
        [python, "-c", "import tutor, lessons; print(tutor.__file__); print(lessons.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert all(str(installed_venv) in path for path in where), where

    shipped = sorted(p.stem for p in (ROOT / "lessons").glob("*.yaml"))
    assert shipped, "no lessons in the checkout"
    out = subprocess.run(
        [installed_venv / "bin" / "lstm-tutor", "lessons", "list", "--json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    listed = json.loads(out.stdout)
    ids = sorted(item["id"] for item in (listed["lessons"] if isinstance(listed, dict) else listed))
    assert ids == shipped


def test_wheel_ships_the_classroom_page_and_its_styles(installed_venv, tmp_path):
    code = (  # found without importing them: the base interpreter lacks their dependencies
        "from importlib.resources import files\n"
        "page = files('tutor.classroom') / 'templates' / 'app_index.html'\n"
        "print(page.is_file(), (files('tutor.screens') / 'classroom.tcss').is_file(), page)"
    )
    out = subprocess.run(
        [installed_venv / "bin" / "python", "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[:2] == ["True", "True"] and str(installed_venv) in out[2], out
