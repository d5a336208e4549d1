"""The README lists every shipped lesson (it listed 8 of 12)."""

from __future__ import annotations

from pathlib import Path

from tutor.lessons.catalog import list_lessons

README = Path(__file__).parents[2] / "README.md"


def test_the_readme_lists_every_lesson():
    text = " ".join(README.read_text(encoding="utf-8").split()).lower()
    infos = list_lessons()
    assert f"lessons ({len(infos)})" in text
    listed = text.split(f"lessons ({len(infos)}):", 1)[1]
    for number, info in enumerate(infos, 1):
        entry = listed.split(f"{number} ", 1)[1][:40]  # what follows the lesson's number
        words = [
            w.strip(":,'s")
            for w in info.title.lower().split()
            if len(w) >= 3 and w not in ("and", "the")
        ]
        assert any(w in entry for w in words), (number, info.title, entry)
