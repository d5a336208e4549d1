"""No import cycle in engine/ or tutor/, not even one held apart by imports inside functions."""

from pathlib import Path

from tests.import_graph import cycles, import_graph, sources

ROOT = Path(__file__).resolve().parents[1]


def test_the_walk_sees_a_loop_through_a_function_level_import(tmp_path):
    (tmp_path / "engine").mkdir()
    (tmp_path / "engine" / "a.py").write_text("from engine.b import x\n")
    (tmp_path / "engine" / "b.py").write_text("def f():\n    from engine import a\n")
    (tmp_path / "engine" / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from engine.a import y\n"
    )
    top, every, inner = import_graph(sources(tmp_path))
    assert cycles(top) == []
    assert cycles(every) == [["engine.a", "engine.b"]]
    assert inner["engine.b"] == 1 and inner["engine.c"] == 0  # TYPE_CHECKING blocks do not count


def test_no_import_cycle():
    _, every, _ = import_graph(sources(ROOT))
    found = [" -> ".join(c) for c in cycles(every)]
    assert found == [], "these modules import each other (one may need a leaf module):\n" + (
        "\n".join(found)
    )
