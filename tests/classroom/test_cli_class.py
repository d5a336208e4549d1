"""`lstm-tutor class ...` over a class made here, on both backends; it never imports torch."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from click.testing import CliRunner

from tests.stores import store_target  # noqa: F401 - the fixture
from tests.tutor.test_classroom_store import make_class
from tutor.cli import cli
from tutor.progress.classroom import Classroom


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def made(target: str) -> str:
    room = Classroom(target)
    make_class(room)
    room.close()
    return target


def test_export_csv_gives_one_row_per_learner_and_step(store_target):  # noqa: F811
    code, out = run("class", "export", "--store", made(store_target), "--class", "ml-101")
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["learner"], r["step"], r["attempts"], r["solved"], r["hints"], r["revealed"],
             r["mistakes"]) for r in rows] == [
        ("Ada", "f0", "2", "1", "1", "0", "wrong_activation:1"),
        ("Ada", "i0", "1", "0", "0", "1", "authored:1"),
        ("Bob", "f0", "2", "0", "0", "0", "wrong_activation:1"),
    ]  # fmt: skip
    assert list(rows[0]) == ["learner", "class", "lesson", "step", "attempts", "solved",
                             "hints", "revealed", "seconds", "mistakes"]  # fmt: skip
    assert all(r["seconds"].isdigit() for r in rows)


def test_export_canvas_has_canvas_gradebook_layout(store_target, tmp_path):  # noqa: F811
    target = made(store_target)
    out_file = tmp_path / "grades.csv"
    code, out = run("class", "export", "--store", target, "--format", "canvas", "-o", str(out_file))
    assert code == 0, out
    header, points, *body = list(csv.reader(out_file.open()))
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "one"]
    assert points[0] == "    Points Possible" and points[1:5] == ["", "", "", ""]
    assert body == [
        ["Ada", "", "", "Ada", "ml-101", "1"],
        ["Bob", "", "", "Bob", "ml-101", "0"],
        ["Eve", "", "", "Eve", "other", "0"],
    ]
    assert not list(tmp_path.glob(".grades.csv.*"))  # written atomically, nothing left over


def test_roster_progress_and_mistakes_print_tables(store_target):  # noqa: F811
    target = made(store_target)
    code, out = run("class", "roster", "--store", target, "--class", "ml-101")
    assert code == 0 and out.split("\n")[0].split() == [
        "name", "class", "code", "joined", "last_seen", "solved", "attempts"
    ]  # fmt: skip
    assert [line.split()[0] for line in out.strip().split("\n")[1:]] == ["Ada", "Bob"]
    code, out = run("class", "progress", "--store", target)
    assert code == 0 and "Eve" in out and "Ada" in out
    code, out = run("class", "mistakes", "one", "--store", target, "--class", "ml-101")
    assert code == 0
    assert "wrong_activation" in out and "2 learners" in out and "'tanh(z)': 2 learners" in out


def test_a_missing_store_is_a_clear_error(tmp_path):
    code, out = run("class", "roster", "--store", str(tmp_path / "nope.db"))
    assert code == 1 and "no class store at" in out and "Traceback" not in out
    code, out = run("class", "roster", "--store", "postgresql://nobody@127.0.0.1:1/none")
    assert code == 1 and "cannot connect to the progress database" in out


def test_the_class_commands_write_nothing(tmp_path):
    target = made(str(tmp_path / "class.db"))
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    for args in (["roster"], ["progress"], ["export"], ["mistakes", "one"]):
        assert run("class", *args, "--store", target)[0] == 0
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_class_commands_do_not_import_torch(tmp_path):
    target = made(str(tmp_path / "class.db"))
    code = (
        "from click.testing import CliRunner\n"
        "import sys, json\n"
        "from tutor.cli import cli\n"
        f"args = ['class', 'export', '--format', 'canvas', '--store', {target!r}]\n"
        "r = CliRunner().invoke(cli, args)\n"
        "assert r.exit_code == 0, r.output\n"
        "print(json.dumps([m for m in ('torch', 'textual') if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []
