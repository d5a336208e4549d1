"""One visitor's process under serve: who they are decides the app; the sign-in screen, the
learner's app bound to their own progress, and the instructor's class view, through Pilot."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Button, DataTable, Input, Static

from tutor import learner as app_learner
from tutor.classroom.session import InstructorApp, LearnerApp, SignInApp, choose_app
from tutor.progress.classroom import Classroom


@pytest.fixture
def classroom(tmp_path):
    room = Classroom(tmp_path / "class.db")
    yield room
    app_learner.use(None)
    room.close()


def choose(classroom, tmp_path, **kwargs):
    kwargs = {"code": None, "trusted_name": None, "class_code": None, **kwargs}
    return choose_app(classroom, link="http://h:1", settings_root=tmp_path / "learners", **kwargs)


def test_who_the_visitor_is_decides_their_app(classroom, tmp_path, monkeypatch):
    monkeypatch.delenv("LSTM_TUTOR_DATA_DIR", raising=False)
    ada = classroom.sign_up("Ada")
    assert isinstance(choose(classroom, tmp_path), SignInApp)
    unknown = choose(classroom, tmp_path, code="ZZZZZZZZ")
    assert isinstance(unknown, SignInApp) and "ZZZZ-ZZZZ is not known" in unknown.message
    instructor = choose(classroom, tmp_path, code=classroom.instructor_code)
    assert isinstance(instructor, InstructorApp)

    mine = choose(classroom, tmp_path, code=ada.signin)
    assert isinstance(mine, LearnerApp) and ada.code in mine.sub_title
    app_learner.record("one", "f0", "x", True)  # the app's learner is Ada, in the class store
    assert classroom.progress_of(ada).completed_steps("one") == ["f0"]
    assert app_learner.seed() == ada.seed

    proxied = choose(classroom, tmp_path, code=ada.signin, trusted_name="bob@uni")
    assert isinstance(proxied, LearnerApp) and proxied.who.name == "bob@uni"  # header wins
    assert app_learner.done_steps("one") == set()  # Bob sees nothing of Ada's


def test_the_learners_app_opens_their_home_screen_with_their_name(classroom, tmp_path):
    ada = classroom.sign_up("Ada")
    classroom.progress_of(ada).record("lstm-forward-pass", "z0", "x", correct=True)
    app = choose(classroom, tmp_path, code=ada.signin)

    async def scenario():
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "HomeScreen"
            assert app.sub_title == f"Ada · sign-in code {ada.code}"
            assert app_learner.done_steps("lstm-forward-pass") == {"z0"}
            commands = [c.title for c in app.get_system_commands(app.screen)]
            assert "Sign out" in commands
            opened: list[str] = []
            app.open_url = lambda url, new_tab=True: opened.append((url, new_tab))
            app.action_sign_out()
            assert opened == [("http://h:1/?signout=1", False)]

    asyncio.run(scenario())


async def typed(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).value = text
    await pilot.pause()


def sign_in_app(classroom, class_code=None):
    opened: list[str] = []
    app = SignInApp(classroom, "http://h:1", class_code)
    app.go = opened.append  # the browser would load /?code=...
    return app, opened


def message(app) -> str:
    return str(app.screen.query_one("#sign-in-message", Static).render())


def test_a_new_learner_gets_a_code_to_write_down_then_their_address(classroom):
    async def scenario():
        app, opened = sign_in_app(classroom, class_code="ML-101")
        async with app.run_test(size=(80, 24)) as pilot:
            await typed(pilot, "#name", "Ada")
            await typed(pilot, "#class-code", "wrong")
            app.screen.start()
            await pilot.pause()
            assert "not this class's code" in message(app) and not classroom.learners()
            await typed(pilot, "#class-code", "ml-101")
            app.screen.start()
            await pilot.pause()
            (ada,) = classroom.learners()
            assert ada.code in message(app) and ada.class_code == "ML-101"
            assert opened == []  # not before they have seen the code
            assert app.focused is app.screen.query_one("#continue", Button)
            await pilot.press("enter")
            await pilot.pause()
            assert opened == [ada.signin]

    asyncio.run(scenario())


def test_a_returning_learner_types_their_code(classroom):
    ada = classroom.sign_up("Ada")

    async def scenario():
        app, opened = sign_in_app(classroom)
        async with app.run_test(size=(80, 24)) as pilot:
            await typed(pilot, "#code", "nope-nope")
            app.screen.sign_in()
            await pilot.pause()
            assert "No learner has the code" in message(app) and opened == []
            await typed(pilot, "#code", ada.code.lower())
            app.screen.sign_in()
            await pilot.pause()
            assert opened == [ada.signin]

    asyncio.run(scenario())


def test_a_blank_name_is_asked_for_again(classroom):
    async def scenario():
        app, opened = sign_in_app(classroom)
        async with app.run_test(size=(80, 24)) as pilot:
            app.screen.start()
            await pilot.pause()
            assert "type your name" in message(app) and not classroom.learners()
            assert app.screen.query_one("#continue", Button).has_class("hidden")

    asyncio.run(scenario())


def test_the_instructor_sees_the_heatmap_of_the_class(classroom):
    for name, mistake in (("Ada", "wrong_activation"), ("Bob", "wrong_activation"), ("Cy", None)):
        store = classroom.progress_of(classroom.sign_up(name))
        store.record("one", "f0", "tanh", correct=False, mistake=mistake)
    classroom.progress_of(classroom.learners()[0]).record("one", "f0", "sigmoid", correct=True)

    async def scenario():
        app = InstructorApp(classroom, None)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            heatmap = app.screen.query_one("#heatmap", DataTable)
            assert [str(c.label) for c in heatmap.columns.values()] == [
                "step",
                "wrong_activation",
                "learners wrong",
            ]
            assert [str(cell).strip() for cell in heatmap.get_row_at(0)] == ["f0", "2", "3"]
            progress = app.screen.query_one("#class-progress", DataTable)
            rows = [[str(c) for c in progress.get_row_at(i)] for i in range(progress.row_count)]
            assert rows == [["Ada", "1"], ["Bob", "0"], ["Cy", "0"]]

    asyncio.run(scenario())
