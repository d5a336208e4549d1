"""The engine's messages name config fields (`fill`), never command-line flags (--fill).

The engine serves the CLI, the app and lesson jobs; only the CLI has flags, and it turns the
backticked field names into them (tutor.cli_forecast.options.flags).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string nodes that are docstrings (they may speak of the CLI)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_no_engine_string_names_a_command_line_flag():
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in docs and FLAG.search(node.value):
                    offenders.append(f"{path.relative_to(ENGINE.parent)}:{node.lineno}")
    assert offenders == [], f"name the config field in backticks instead: {offenders}"
