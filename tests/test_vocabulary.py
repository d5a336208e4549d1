"""The engine's vocabulary is written once: engine/vocabulary.py and engine/layouts.py.

A second literal list of model kinds (or strategies, optimizers, losses, devices, gates, layout
names, ...) anywhere in engine/ or tutor/ would drift from it, so this test reads every module's
syntax tree and fails on a tuple, list or set of strings equal (as a set) to one of the
vocabulary's collections, on a dict equal to one of its tables, and on the same literal table
written in two places (a second `{"rnn": nn.RNN, ...}`).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from engine import layouts, vocabulary

ROOT = Path(__file__).resolve().parents[1]
HOMES = {ROOT / "engine" / "vocabulary.py", ROOT / "engine" / "layouts.py"}

COLLECTIONS: dict[str, frozenset[str]] = {}
TABLES: dict[str, dict] = {}
for _module in (vocabulary, layouts):
    for _name, _value in vars(_module).items():
        if not _name.isupper() or not isinstance(_value, tuple | dict) or len(_value) < 2:
            continue
        # tuples of names, and the keys of tables keyed by them (unless those are a tuple's already)
        if all(isinstance(item, str) for item in _value):
            if frozenset(_value) not in COLLECTIONS.values():
                COLLECTIONS[f"{_module.__name__}.{_name}"] = frozenset(_value)
        if isinstance(_value, dict) and all(
            isinstance(v, str | int | float | tuple) for v in _value.values()
        ):
            TABLES[f"{_module.__name__}.{_name}"] = _value


def _strings(node: ast.AST) -> list[str] | None:
    """The strings of a literal tuple/list/set of two or more strings, else None."""
    if not isinstance(node, ast.Tuple | ast.List | ast.Set) or len(node.elts) < 2:
        return None
    items = [e.value for e in node.elts if isinstance(e, ast.Constant)]
    if len(items) != len(node.elts) or not all(isinstance(i, str) for i in items):
        return None
    return items


def _constant_table(node: ast.Dict) -> dict | None:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def literal_copies(source: str) -> list[tuple[int, str]]:
    """(line, vocabulary name) of each literal collection or table equal to a vocabulary one."""
    found = []
    for node in ast.walk(ast.parse(source)):
        items = _strings(node)
        if items is not None:
            found += [(node.lineno, n) for n, m in COLLECTIONS.items() if frozenset(items) == m]
        if isinstance(node, ast.Dict) and len(node.keys) > 1:
            table = _constant_table(node)
            found += [(node.lineno, n) for n, t in TABLES.items() if table == t]
    return sorted(found)


def repeated_tables(sources: dict[str, str]) -> list[str]:
    """Places where the same literal table keyed by strings is written more than once."""
    places = defaultdict(list)
    for where, source in sources.items():
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Dict) or len(node.keys) < 3:
                continue
            if not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
                continue
            places[ast.dump(node)].append(f"{where}:{node.lineno}")
    return [" = ".join(p) for p in places.values() if len(p) > 1]


def test_the_scanner_finds_a_copy():
    source = (
        'KINDS = ("lstm", "gru", "rnn")\nx = click.Choice(["adam", "sgd"])\ny = ["lstm", "gru"]\n'
        'BLOCKS = {"lstm": 4, "gru": 3, "rnn": 1}\nGATES = ("i", "f", "g", "o")\n'
        'NAMES = ("pytorch", "keras", "seed000", "seed004")\n'
    )
    assert literal_copies(source) == [
        (1, "engine.vocabulary.MODEL_KINDS"),
        (2, "engine.vocabulary.OPTIMIZERS"),
        (4, "engine.vocabulary.GATE_COUNT"),
        (5, "engine.layouts.LSTM_GATES"),
        (6, "engine.layouts.LSTM_LAYOUTS"),
    ]


def test_the_scanner_finds_a_table_written_twice():
    one = 'M = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}\n'
    other = 'x = 1\n_M = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}\n'
    assert repeated_tables({"a.py": one, "b.py": other}) == ["a.py:1 = b.py:2"]
    assert repeated_tables({"a.py": one, "b.py": 'M = {"rnn": 1, "lstm": 4, "gru": 3}'}) == []


def test_the_vocabulary_collections_are_known():
    for name in ("MODEL_KINDS", "STRATEGIES", "OPTIMIZERS", "LOSSES", "DEVICES", "JOB_TASKS"):
        assert f"engine.vocabulary.{name}" in COLLECTIONS
    for name in ("LSTM_GATES", "GRU_GATES", "LSTM_LAYOUTS"):
        assert f"engine.layouts.{name}" in COLLECTIONS
    assert "engine.vocabulary.GATE_COUNT" in TABLES


def _sources() -> dict[str, str]:
    paths = sorted([*ROOT.glob("engine/**/*.py"), *ROOT.glob("tutor/**/*.py")])
    return {str(p.relative_to(ROOT)): p.read_text() for p in paths}


def test_no_second_list_of_vocabulary_outside_the_vocabulary_module():
    copies = []
    for where, source in _sources().items():
        if ROOT / where in HOMES:
            continue
        copies += [f"{where}:{line} repeats {name}" for line, name in literal_copies(source)]
    assert copies == [], "import these from engine.vocabulary instead:\n" + "\n".join(copies)


def test_no_table_written_twice():
    assert repeated_tables(_sources()) == [], "keep one of each table and import it"
