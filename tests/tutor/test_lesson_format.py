"""The YAML loader and the schema: safe loading, locations, randomization, the catalog."""

import numpy as np
import pytest

from tutor.lessons.catalog import lessons_dir, list_lessons, load_lesson
from tutor.lessons.givens import draw
from tutor.lessons.loading import parse_lesson
from tutor.lessons.problems import LessonError, LessonLookupError
from tutor.lessons.schema import RandomSpec, lesson_json_schema
from tutor.lessons.yaml_loader import MAX_ALIASES, load_yaml


def problems_of(text):
    with pytest.raises(LessonError) as info:
        parse_lesson(text, "t.yaml")
    return info.value.problems


def test_duplicate_keys_are_refused_with_both_lines():
    (problem,) = problems_of("id: a\ntitle: x\nid: b\n")
    assert (problem.line, problem.col) == (3, 1)
    assert "duplicate key 'id'" in problem.message and "line 1" in problem.message


def test_aliases_are_capped_but_a_few_are_fine():
    few = "a: &x [1, 2]\n" + "".join(f"b{i}: *x\n" for i in range(5))
    data, _ = load_yaml(few, "t.yaml")
    assert data["b4"] == [1, 2]
    many = "a: &x [1, 2]\n" + "".join(f"b{i}: *x\n" for i in range(MAX_ALIASES + 1))
    with pytest.raises(LessonError, match="aliases"):
        load_yaml(many, "t.yaml")


def test_python_tags_construct_nothing():
    with pytest.raises(LessonError, match="constructor"):
        load_yaml("a: !!python/object/apply:os.getcwd []\n", "t.yaml")


def test_an_empty_file_is_a_clear_problem():
    (problem,) = problems_of("")
    assert "must be a mapping" in problem.message


def test_locations_follow_nested_steps_and_discriminated_kinds():
    text = (
        "id: a\ntitle: t\nsummary: s\ngroup: by-hand\nsteps:\n"
        "  - id: one\n    kind: explanation\n    prompt: hi\n"
        "  - id: two\n    kind: numeric\n    reference: '1'\n    prompt: p\n"
        "    tolerance: {rtol: 5}\n"
    )
    (problem,) = problems_of(text)
    assert (problem.line, problem.col) == (13, 23)
    assert "steps[1].tolerance.rtol" in problem.message


def test_misspelt_key_inside_a_step_gets_the_steps_own_fields():
    text = (
        "id: a\ntitle: t\nsummary: s\ngroup: by-hand\nsteps:\n"
        "  - id: two\n    kind: numeric\n    reference: '1'\n    prompt: p\n    tolerence: {}\n"
    )
    (problem,) = problems_of(text)
    assert problem.line == 10 and 'did you mean "tolerance"' in problem.message


def test_random_givens_are_stable_per_learner_and_differ_between_learners():
    spec = RandomSpec(distribution="uniform", range=(-1, 1), shape=[2, 3], decimals=2)
    a, again, other = draw(spec, 5, "l/x"), draw(spec, 5, "l/x"), draw(spec, 6, "l/x")
    assert a.shape == (2, 3) and np.array_equal(a, again) and not np.array_equal(a, other)
    assert np.all(np.abs(a) <= 1) and np.array_equal(a, np.round(a, 2))
    ints = draw(RandomSpec(distribution="integers", range=(1, 3), shape=[50]), 1, "k")
    assert set(np.unique(ints)) <= {1.0, 2.0, 3.0}


def test_shipped_lessons_are_found_as_package_data():
    assert (lessons_dir() / "lstm-forward-pass.yaml").is_file()
    ids = [item.id for item in list_lessons()]
    assert ids[0] == "lstm-forward-pass"


def test_load_lesson_by_id_or_path_and_unknown_ids():
    by_id = load_lesson("lstm-forward-pass")
    by_path = load_lesson(lessons_dir() / "lstm-forward-pass.yaml")
    assert by_id == by_path and by_id.model.layout == "seed000"
    with pytest.raises(LessonLookupError, match='did you mean "lstm-forward-pass"'):
        load_lesson("lstm-forward-pas")


def test_json_schema_describes_steps_and_givens():
    schema = lesson_json_schema()
    kinds = {
        d["properties"]["kind"]["const"] for n, d in schema["$defs"].items() if n.endswith("Step")
    }
    assert kinds == {"numeric", "formula", "choice", "explanation", "run"}
    assert "RandomGiven" in schema["$defs"]


def test_the_authoring_guides_example_validates(tmp_path):
    import re
    from pathlib import Path

    from tutor.lessons.validation import validate_paths

    guide = (Path(__file__).resolve().parents[2] / "docs" / "authoring.md").read_text()
    example = re.search(r"## A complete example.*?```yaml\n(.*?)```", guide, re.DOTALL).group(1)
    path = tmp_path / "lstm-forward-pass.yaml"
    path.write_text(example)
    assert [str(p) for p in validate_paths([path])] == []
