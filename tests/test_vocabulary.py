"""The engine's vocabulary is written once: engine/vocabulary.py.

A second literal list of model kinds (or strategies, optimizers, losses, devices, ...) anywhere
in engine/ or tutor/ would drift from it, so this test reads every module's syntax tree and fails
on a tuple, list or set of strings equal (as a set) to one of the vocabulary's collections.
"""

from __future__ import annotations

import ast
from pathlib import Path

from engine import vocabulary

ROOT = Path(__file__).resolve().parents[1]
HOME = ROOT / "engine" / "vocabulary.py"

COLLECTIONS: dict[str, frozenset[str]] = {}
for _name, _value in vars(vocabulary).items():
    # tuples of names, and the keys of tables keyed by them (unless those are a tuple's already)
    if _name.isupper() and isinstance(_value, tuple | dict) and len(_value) > 1:
        if all(isinstance(item, str) for item in _value):
            if frozenset(_value) not in COLLECTIONS.values():
                COLLECTIONS[_name] = frozenset(_value)


def literal_copies(source: str) -> list[tuple[int, str]]:
    """(line, vocabulary name) of each literal collection of strings equal to a vocabulary one."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Tuple | ast.List | ast.Set) or len(node.elts) < 2:
            continue
        items = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        if len(items) != len(node.elts) or not all(isinstance(i, str) for i in items):
            continue
        for name, members in COLLECTIONS.items():
            if frozenset(items) == members:
                found.append((node.lineno, name))
    return found


def test_the_scanner_finds_a_copy():
    source = (
        'KINDS = ("lstm", "gru", "rnn")\nx = click.Choice(["adam", "sgd"])\ny = ["lstm", "gru"]\n'
    )
    assert literal_copies(source) == [(1, "MODEL_KINDS"), (2, "OPTIMIZERS")]


def test_the_vocabulary_collections_are_known():
    for name in ("MODEL_KINDS", "STRATEGIES", "OPTIMIZERS", "LOSSES", "DEVICES", "JOB_TASKS"):
        assert name in COLLECTIONS


def test_no_second_list_of_vocabulary_outside_the_vocabulary_module():
    copies = []
    for path in sorted([*ROOT.glob("engine/**/*.py"), *ROOT.glob("tutor/**/*.py")]):
        if path == HOME:
            continue
        for line, name in literal_copies(path.read_text()):
            copies.append(f"{path.relative_to(ROOT)}:{line} repeats vocabulary.{name}")
    assert copies == [], "import these from engine.vocabulary instead:\n" + "\n".join(copies)
