"""The CLI must start without torch: `--help` and `lessons` stay fast."""

import subprocess
import sys


def test_importing_cli_does_not_load_torch_or_textual():
    code = "import sys, tutor.cli; print('torch' in sys.modules, 'textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


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
