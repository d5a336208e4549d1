"""One visitor's process under `lstm-tutor serve`: who they are, then which app they get.

The server hands this process what the page carried: a sign-in code (the learner's, or the
instructor's), or the name an authenticating proxy vouched for. A known learner gets the tutor
bound to their own progress and seed; the instructor gets the class view; anyone else gets the
sign-in screen, which sends the browser to the address with their new code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand

import tutor.app as tutor_app
from tutor import learner as app_learner
from tutor.app import TutorApp
from tutor.progress.classroom import Classroom, Learner, shown_code
from tutor.screens.instructor import InstructorScreen
from tutor.screens.sign_in import SignInScreen


class SignInApp(App[None]):
    TITLE = "lstm-tutor"
    SUB_TITLE = "sign in"

    def __init__(self, classroom: Classroom, link: str, class_code: str | None,
                 message: str | None = None) -> None:  # fmt: skip
        super().__init__()
        self.classroom, self.link, self.class_code, self.message = (
            classroom, link, class_code, message
        )  # fmt: skip

    def on_mount(self) -> None:
        self.push_screen(SignInScreen(self.classroom, self.go, self.class_code, self.message))

    def go(self, code: str) -> None:
        """Open the session's address with the learner's code (the browser reloads into it)."""
        self.open_url(f"{self.link}/?code={code}", new_tab=False)


class InstructorApp(App[None]):
    TITLE = "lstm-tutor"
    SUB_TITLE = "class view (instructor)"

    def __init__(self, classroom: Classroom, class_code: str | None) -> None:
        super().__init__()
        self.classroom, self.class_code = classroom, class_code

    def on_mount(self) -> None:
        self.push_screen(InstructorScreen(self.classroom, self.class_code))


class LearnerApp(TutorApp):
    """The tutor for one signed-in learner; the header says who, and their code."""

    # a CSS_PATH is found beside the class that names it: this one names TutorApp's own
    CSS_PATH = str(Path(tutor_app.__file__).with_name("app.tcss"))

    def __init__(self, who: Learner, link: str) -> None:
        super().__init__()
        self.who, self.link = who, link
        code = f" · sign-in code {who.code}" if who.signin else ""
        self.sub_title = f"{who.name}{code}"

    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Sign out",
            "Leave this browser (a shared machine): the next visitor starts at the sign-in",
            self.action_sign_out,
        )

    def action_sign_out(self) -> None:
        """Forget this browser's code (the server drops its cookie) and start at sign-in."""
        self.open_url(f"{self.link}/?signout=1", new_tab=False)

    def on_mount(self) -> None:
        super().on_mount()
        if self.who.signin:
            self.notify(
                f"Signed in as {self.who.name}. Your sign-in code {shown_code(self.who.signin)} "
                f"(or this page's address) brings you back to your progress.",
                title="Signed in",
                timeout=8,
            )


def choose_app(
    classroom: Classroom,
    *,
    code: str | None,
    trusted_name: str | None,
    class_code: str | None,
    link: str,
    settings_root: Path,
) -> App:
    """The app this visitor gets (and, for a learner, their progress bound in tutor.learner)."""
    who: Learner | None = None
    message = None
    if trusted_name:
        who = classroom.trusted(trusted_name, class_code)
    elif code and classroom.is_instructor(code):
        return InstructorApp(classroom, class_code)
    elif code:
        who = classroom.sign_in(code)
        if who is None:
            message = (
                f"The sign-in code {shown_code(code)} is not known here: sign up or retype it."
            )
    if who is None:
        return SignInApp(classroom, link, class_code, message)
    # the learner's own settings (the theme) beside nobody else's
    os.environ["LSTM_TUTOR_DATA_DIR"] = str(settings_root / who.id)
    app_learner.use(classroom.progress_of(who))
    return LearnerApp(who, link)


def run(app: Any) -> None:
    if isinstance(app, TutorApp):
        from tutor.app import run_app

        run_app(app)
    else:
        app.run()
