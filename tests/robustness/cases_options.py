"""Bad command-line options: refused before any data is read or memory allocated, naming the
option. Usage mistakes click catches keep exit 2; values the engine refuses exit 1."""

from __future__ import annotations

from pathlib import Path

from tests.robustness.corpus import Case, csv_text, daily, write

ROWS = [(d, 10 + i % 7) for i, d in enumerate(daily(60))]
FAST = ["--window", "7", "--horizon", "2", "--epochs", "1", "--hidden", "4", "--quiet"]


def forecast(*extra: str, fast: bool = True):
    def make(folder: Path) -> list[str]:
        data = write(folder, "data.csv", csv_text(ROWS))
        # the option under test comes last: click keeps the last of a repeated option
        return ["forecast", str(data), *(FAST if fast else []), *extra]

    return make


def with_path(flag: str, build):
    """An option whose value is a path prepared in the case's folder."""

    def make(folder: Path) -> list[str]:
        data = write(folder, "data.csv", csv_text(ROWS))
        return ["forecast", str(data), *FAST, flag, str(build(folder))]

    return make


def _file(folder: Path) -> Path:
    return write(folder, "plain.txt", "not a folder")


def _dir(folder: Path) -> Path:
    (folder / "a-folder.json").mkdir()
    return folder / "a-folder.json"


BOUNDS = [
    ("hidden-200000", ["--hidden", "200000"], "hidden must be at most"),
    ("hidden-1e30", ["--hidden", str(10**30)], "hidden must be at most"),
    ("layers-100", ["--layers", "100"], "layers must be at most"),
    ("window-1e5", ["--window", "100000"], "window must be at most"),
    ("window-1e12", ["--window", str(10**12)], "window must be at most"),
    ("horizon-1e6", ["--horizon", "1000000"], "horizon must be at most"),
    ("epochs-1e7", ["--epochs", "10000000"], "epochs must be at most"),
    ("batch-1e10", ["--batch-size", str(10**10)], "--batch-size must be at most"),
    ("patience-1e9", ["--patience", str(10**9)], "patience must be at most"),
    ("seed-2-64", ["--seed", str(2**64)], "seed must be a whole number from 0"),
    ("seed-2-32", ["--seed", str(2**32)], "seed must be a whole number from 0"),
    ("seed-huge", ["--seed", "9" * 30], "seed must be a whole number from 0"),
    ("seed-negative", ["--seed", "-1"], "seed must be a whole number from 0"),
    ("lr-inf", ["--lr", "inf"], "lr must be a finite number"),
    ("lr-nan", ["--lr", "nan"], "lr"),
    ("lr-1e9", ["--lr", "1e9"], "lr must be positive and at most"),
    ("lr-1e308", ["--lr", "1e308"], "lr must be positive and at most"),
    ("dropout-nan", ["--dropout", "nan"], "dropout"),
]

USAGE = [  # click's own checks: exit 2
    ("window-0", ["--window", "0"], "--window"),
    ("hidden-0", ["--hidden", "0"], "--hidden"),
    ("hidden-text", ["--hidden", "big"], "--hidden"),
    ("lr-0", ["--lr", "0"], "--lr"),
    ("lr-negative", ["--lr", "-0.1"], "--lr"),
    ("lr-text", ["--lr", "fast"], "--lr"),
    ("dropout-1", ["--dropout", "1"], "--dropout"),
    ("dropout-negative", ["--dropout", "-0.5"], "--dropout"),
    ("test-size-0", ["--test-size", "0"], "--test-size"),
    ("seed-text", ["--seed", "abc"], "--seed"),
    ("model-transformer", ["--model", "transformer"], "--model"),
    ("strategy-teleport", ["--strategy", "teleport"], "--strategy"),
    ("format-xml", ["--format", "xml"], "--format"),
    ("fill-zero", ["--fill", "zero"], "--fill"),
    ("device-tpu", ["--device", "tpu"], "--device"),
    ("out-txt", ["--out", "result.txt"], "--out"),
    ("test-size-and-start", ["--test-size", "5", "--test-start", "2024-02-20"], "not both"),
    ("save-and-load", ["--save", "a.ckpt", "--load", "b.ckpt"], "pick one"),
    ("unknown-option", ["--hiden", "4"], "no such option"),
]

# the flag, what is wrong with its path, the path, the words besides the flag, the exit code
PATHS = [
    ("--out", "folder-missing", lambda f: f / "no/such/result.json", ("does not exist",), 1),
    ("--out", "inside-a-file", lambda f: _file(f) / "r.json", ("not a folder",), 1),
    ("--out", "is-a-folder", _dir, ("directory",), 2),
    ("--save", "folder-missing", lambda f: f / "no" / "m.ckpt", ("does not exist",), 1),
    ("--save", "inside-a-file", lambda f: _file(f) / "m.ckpt", ("not a folder",), 1),
    ("--save", "is-a-folder", _dir, ("directory",), 2),
    ("--future", "missing", lambda f: f / "nope.csv", ("does not exist",), 1),
    ("--future", "is-a-folder", _dir, (), 2),
    ("--load", "is-a-folder", _dir, (), 2),
]

CASES: list[Case] = [
    *[Case("options", name, forecast(*args), (words,)) for name, args, words in BOUNDS],
    *[Case("options", name, forecast(*args), (words,), code=2) for name, args, words in USAGE],
    Case("options", "csv-and-dataset", forecast("--dataset", "sine"), ("not both",), code=2),
    *[
        Case("options", f"{flag[2:]}-{name}", with_path(flag, build), (flag, *words), code=code)
        for flag, name, build, words, code in PATHS
    ],
    Case("options", "start-not-a-date", forecast("--start", "someday"), ("someday",)),
    Case("options", "start-after-data", forecast("--start", "2030-01-01"), ("2030",)),
    Case("options", "end-before-data", forecast("--end", "1990-01-01"), ("1990",)),
    Case("options", "test-start-after-data", forecast("--test-start", "2030-01-01"), ("2030",)),
    Case("options", "test-size-too-big", forecast("--test-size", "1000"), ("too few",)),
    Case("options", "device-cuda-absent", forecast("--device", "cuda"), ("cuda",)),
    Case(
        "options",
        "root-unknown-option",
        lambda folder: ["--verbose", "lessons", "list"],
        ("no such option",),
        code=2,
    ),
    Case("options", "unknown-command", lambda folder: ["forcast"], ("no such command",), code=2),
    Case(
        "options",
        "lessons-reset-step-without-lesson",
        lambda folder: ["lessons", "reset", "--step", "f0", "--yes"],
        ("--step needs",),
        code=2,
    ),
    Case(
        "options",
        "lessons-show-unknown",
        lambda folder: ["lessons", "show", "lstm-forward-pas"],
        ("lstm-forward-pass",),
    ),
    Case(
        "options",
        "lessons-check-unknown-step",
        lambda folder: ["lessons", "check", "lstm-forward-pass", "--step", "zz", "--answer", "1"],
        ("zz",),
    ),
]
