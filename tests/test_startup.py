"""The CLI must start without torch: `--help` and `lessons` stay fast."""

import json
import subprocess
import sys


def loaded(code: str, names: tuple[str, ...]) -> list[str]:
    """Which of `names` a fresh interpreter has imported once it has run `code`."""
    code += f"\nimport json, sys\nprint(json.dumps([n for n in {names!r} if n in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # the list printed last


def test_importing_cli_does_not_load_torch_or_textual():
    assert loaded("import tutor.cli", ("torch", "textual", "statsforecast")) == []


def test_forecast_help_loads_neither_torch_nor_pandas():
    # the forecast options take their choices from engine.vocabulary, not the engine's modules
    code = (
        "from click.testing import CliRunner\n"
        "from tutor.cli import cli\n"
        "assert CliRunner().invoke(cli, ['forecast', '--help']).exit_code == 0"
    )
    assert loaded(code, ("torch", "pandas")) == []


def test_engine_never_imports_ui():
    code = (
        "import sys, pkgutil, importlib, engine\n"
        "for m in pkgutil.walk_packages(engine.__path__, 'engine.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('textual', 'click', 'tutor')]\n"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_help_lists_every_command():
    out = subprocess.run(
        [sys.executable, "-m", "tutor.cli", "--help"], capture_output=True, text=True, check=True
    )
    for name in ("lessons", "forecast"):
        assert name in out.stdout
    assert "Examples" in out.stdout


def test_lessons_load_neither_torch_nor_the_classical_forecasters():
    code = (
        "from click.testing import CliRunner\n"
        "from tutor.cli import cli\n"
        "assert CliRunner().invoke(cli, ['lessons', 'list']).exit_code == 0"
    )
    assert loaded(code, ("torch", "statsforecast", "statsmodels")) == []
