"""Hostile and malformed lessons (`lessons validate`, `show`) and answers (`lessons check`).

Each lesson is the valid tests/tutor/sample_lessons/gru-tiny.yaml with one thing broken, so
the message must name that thing (and its line) rather than anything else.
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.robustness.corpus import Case, write

BASE = Path(__file__).resolve().parents[1] / "tutor" / "sample_lessons" / "gru-tiny.yaml"


def base_text() -> str:
    return BASE.read_text()


def fixed_text() -> str:
    """The sample with fixed numbers: validating it does not sample 64 learners (fast)."""
    lines = base_text().splitlines(keepends=True)
    out = []
    for line in lines:
        if line.strip().startswith(("x0:", "x1:")):
            line = line.split(":")[0] + ": [[0.7]]\n"
        out.append(line)
    return "".join(out)


def lesson(edit, command: str = "validate", name: str = "gru-tiny.yaml"):
    """A case validating (or showing) the sample lesson after `edit(text) -> text | bytes`."""

    def make(folder: Path) -> list[str]:
        path = write(folder, name, edit(base_text()))
        return ["lessons", command, str(path)]

    return make


def given(line: str):
    """Replace the given x1 with `line` (after 'x1: ')."""

    def edit(text: str) -> str:
        old = next(ln for ln in text.splitlines() if ln.strip().startswith("x1:"))
        return text.replace(old, f"  x1: {line}")

    return edit


def before_givens(block: str):
    def edit(text: str) -> str:
        return text.replace("givens:\n", block + "givens:\n", 1)

    return edit


def _alias_tower(levels: int, fan: int, key: str = "bomb") -> str:
    lines = [f"{key}0: &{key}0 [{', '.join(['1.0'] * fan)}]"]
    for k in range(1, levels):
        lines.append(f"{key}{k}: &{key}{k} [{', '.join([f'*{key}{k - 1}'] * fan)}]")
    return "\n".join(lines) + "\n"


def alias_bomb_in_given(text: str) -> str:
    # 9 anchors of 10 aliases each (90 aliases, under the alias cap): 10**9 numbers
    tower = "".join("  " + line + "\n" for line in _alias_tower(9, 10).splitlines())
    text = text.replace("givens:\n", "givens:\n" + tower, 1)
    return text.replace("  x1: {random", "  x9: *bomb8\n  x1: {random", 1)


def alias_bomb_in_job(text: str) -> str:
    tower = _alias_tower(7, 10, "m")  # 70 aliases
    run_step = (
        "  - id: train\n    kind: run\n    prompt: Train it.\n"
        "    job: {task: maxmin, models: *m6}\n"
    )
    return "x-anchors:\n" + tower + text + run_step


def deep(opening: str, closing: str, n: int):
    def edit(text: str) -> str:
        return text.replace("  h0: [[-0.5]]", "  h0: " + opening * n + "1" + closing * n)

    return edit


def deep_block(n: int):
    def edit(text: str) -> str:
        nested = "".join("\n" + "  " * (k + 2) + "- " for k in range(n)) + "1"
        return text.replace("  h0: [[-0.5]]", "  h0:" + nested)

    return edit


def insert_char(char: str):
    def edit(text: str) -> str:
        return text.replace("title: A tiny GRU", f"title: A tiny{char} GRU")

    return edit


def prerequisite_cycle(ids: list[str]):
    """Several lessons, each the previous one's prerequisite, the first the last's."""

    def make(folder: Path) -> list[str]:
        paths = []
        for k, lesson_id in enumerate(ids):
            text = fixed_text().replace("id: gru-tiny", f"id: {lesson_id}")
            pre = ids[(k + 1) % len(ids)]
            text = text.replace("prerequisites: [lstm-forward-pass]", f"prerequisites: [{pre}]")
            paths.append(str(write(folder, f"{lesson_id}.yaml", text)))
        return ["lessons", "validate", *paths]

    return make


def _pipe(command: str):
    def make(folder: Path) -> list[str]:
        path = folder / "gru-tiny.yaml"
        os.mkfifo(path)
        return ["lessons", command, str(path)]

    return make


def _pipe_in_folder(folder: Path) -> list[str]:
    lessons = folder / "lessons"
    lessons.mkdir()
    write(lessons, "gru-tiny.yaml", fixed_text())
    os.mkfifo(lessons / "zz-pipe.yaml")
    return ["lessons", "validate", str(lessons)]


def check(answer: str, step: str = "f0"):
    return lambda folder: ["lessons", "check", "lstm-forward-pass", "--step", step,
                           "--answer", answer]  # fmt: skip


CASES: list[Case] = [
    Case(
        "lessons",
        "alias-bomb-in-given",
        lesson(alias_bomb_in_given),
        ("expands to", "through aliases", "gru-tiny.yaml:"),
    ),
    Case(
        "lessons", "alias-bomb-in-given-show", lesson(alias_bomb_in_given, "show"), ("expands to",)
    ),
    Case("lessons", "alias-bomb-in-run-job", lesson(alias_bomb_in_job), ("expands to",)),
    Case(
        "lessons",
        "more-than-100-aliases",
        lesson(before_givens("a: &a 1\nb: [" + ", ".join(["*a"] * 120) + "]\n")),
        ("more than 100 aliases",),
    ),
    Case(
        "lessons",
        "deep-flow-sequences-5000",
        lesson(deep("[", "]", 5000)),
        ("nested more than", ":10:"),
    ),
    Case(
        "lessons", "deep-flow-mappings-3000", lesson(deep("{a: ", "}", 3000)), ("nested more than",)
    ),
    Case("lessons", "deep-block-sequences-300", lesson(deep_block(300)), ("nested more than",)),
    Case(
        "lessons",
        "deep-flow-sequences-show",
        lesson(deep("[", "]", 5000), "show"),
        ("nested more than",),
    ),
    *[
        Case(
            "lessons",
            f"control-character-{label}",
            lesson(insert_char(char)),
            ("control character", f"U+{ord(char):04X}", "gru-tiny.yaml:3:"),
        )
        for label, char in [
            ("nul", "\x00"),
            ("bell", "\x07"),
            ("escape", "\x1b"),
            ("backspace", "\x08"),
            ("delete", "\x7f"),
        ]
    ],
    Case(
        "lessons",
        "given-400-digits",
        lesson(given("1" + "0" * 399)),
        ("400 digits", "64 bits", ":9:"),
    ),
    Case("lessons", "given-minus-400-digits", lesson(given("-" + "9" * 400)), ("digits",)),
    Case(
        "lessons", "given-400-digits-in-list", lesson(given("[[" + "7" * 400 + "]]")), ("digits",)
    ),
    Case("lessons", "given-1e400-float", lesson(given("[[1.0e+400]]")), ("non-finite",)),
    Case(
        "lessons",
        "random-shape-wraps",
        lesson(
            given("{random: {distribution: uniform, range: [0, 1], shape: " + str([64] * 20) + "}}")
        ),
        ("holds more than 4096",),
    ),
    Case(
        "lessons",
        "random-shape-2-40",
        lesson(
            given(
                "{random: {distribution: uniform, range: [0, 1], shape: "
                "[1099511627776, 1099511627776]}}"
            )
        ),
        ("shape.0", "less than or equal to 64"),
    ),
    Case(
        "lessons",
        "random-integers-1e20",
        lesson(
            given("{random: {distribution: integers, range: [-1.0e+20, 1.0e+20], shape: [1, 1]}}")
        ),
        ("beyond",),
    ),
    Case(
        "lessons",
        "random-integers-huge-ints",
        lesson(
            given(
                "{random: {distribution: integers, range: [-100000000000000000000, "
                "100000000000000000000], shape: [1, 1]}}"
            )
        ),
        ("digits", "64 bits"),
    ),
    Case(
        "lessons",
        "random-uniform-1e300",
        lesson(
            given("{random: {distribution: uniform, range: [-1.0e+300, 1.0e+300], shape: [1, 1]}}")
        ),
        ("beyond",),
    ),
    Case(
        "lessons",
        "random-normal-overflows",
        lesson(
            given("{random: {distribution: normal, mean: 1.0e+308, std: 1.0e+308, shape: [1, 1]}}")
        ),
        ("not finite",),
    ),
    Case(
        "lessons",
        "prerequisite-cycle-of-two",
        prerequisite_cycle(["ping", "pong"]),
        ("cycle", "ping", "pong"),
    ),
    Case(
        "lessons",
        "prerequisite-cycle-of-three",
        prerequisite_cycle(["aa", "bb", "cc"]),
        ("cycle", "aa → bb → cc → aa"),
    ),
    Case("lessons", "named-pipe-validate", _pipe("validate"), ("not a regular file",)),
    Case("lessons", "named-pipe-show", _pipe("show"), ("not a regular file",)),
    Case("lessons", "named-pipe-in-folder", _pipe_in_folder, ("zz-pipe.yaml", "not a regular")),
    Case(
        "lessons",
        "invalid-utf8-file",
        lesson(lambda t: t.encode() + b"\xff\xfe bad\n"),
        ("not UTF-8",),
    ),
    Case("lessons", "utf16-file", lesson(lambda t: t.encode("utf-16")), ("gru-tiny.yaml",)),
    Case(
        "lessons",
        "larger-than-256k",
        lesson(lambda t: t + "#" * 300_000 + "\n"),
        ("larger than 256 KiB",),
    ),
    Case("lessons", "empty-file", lesson(lambda t: ""), ("must be a mapping",)),
    Case(
        "lessons",
        "python-tag",
        lesson(
            lambda t: t.replace("title: A tiny GRU", "title: !!python/object/apply:os.system [ls]")
        ),
        ("python",),
    ),
    Case(
        "lessons",
        "duplicate-key",
        lesson(lambda t: t.replace("title: A tiny GRU", "title: A tiny GRU\ntitle: again")),
        ("duplicate key", "title"),
    ),
    Case(
        "lessons", "not-a-mapping", lesson(lambda t: "- just\n- a list\n"), ("must be a mapping",)
    ),
    Case("lessons", "binary-file", lesson(lambda t: bytes(range(256)) * 4), ("gru-tiny.yaml",)),
    Case(
        "lessons",
        "missing-file",
        lambda folder: ["lessons", "validate", str(folder / "no.yaml")],
        ("no.yaml",),
    ),
    Case("lessons", "answer-invalid-utf8", check("sigmoid(\udcff)"), ("not valid UTF-8", "^")),
    Case("lessons", "answer-nul", check("sigmoid(\x00)"), ("NUL",)),
    Case("lessons", "answer-10000-chars", check("1+" * 5000 + "1"), ("too long",)),
    Case("lessons", "answer-deep-brackets", check("(" * 500 + "1" + ")" * 500), ("nested",)),
    Case("lessons", "answer-import", check("__import__('os').system('ls')"), ("unsupported",)),
    Case("lessons", "answer-attribute", check("z0.__class__"), ("unsupported",)),
    Case("lessons", "answer-400-digits", check("9" * 400), ("too large",)),
    Case("lessons", "answer-power-tower", check("9**9**9"), ("exponents are limited",)),
    Case("lessons", "answer-unknown-step", check("1", step="nope"), ("nope",)),
]
