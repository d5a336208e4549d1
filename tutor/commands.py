"""Command palette: open any lesson by name (the app's own actions are system commands)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


def first_sentence(text: str) -> str:
    """The summary's first sentence: a palette line ends where a thought does, not mid-word."""
    head, dot, _ = " ".join(text.split()).partition(". ")
    return head + ("." if dot else "")


class LessonCommands(Provider):
    """One command per lesson: "Open lesson: <title>"."""

    def _commands(self) -> list[tuple[str, str, str]]:
        infos = self.app.lesson_infos()  # type: ignore[attr-defined]
        return [(f"Open lesson: {i.title}", first_sentence(i.summary), i.id) for i in infos]

    async def discover(self) -> Hits:
        for title, help_text, lesson_id in self._commands():
            yield DiscoveryHit(title, partial(self.app.open_lesson, lesson_id), help=help_text)  # type: ignore[attr-defined]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, lesson_id in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.app.open_lesson, lesson_id),  # type: ignore[attr-defined]
                    help=help_text,
                )
