"""The first screen of a classroom session (`lstm-tutor serve`): a name for a new learner, or
the sign-in code of one coming back.

A new learner gets a sign-in code at once, shown here to write down; continuing opens the
session's own address with that code (`/?code=...`), so the browser's address bar, a bookmark
or a reload brings the same learner back. Nothing about any other learner is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static


class SignInScreen(Screen[None]):
    """Sign up with a name (and the class code, when the server asks for one) or sign in."""

    CSS_PATH = "classroom.tcss"
    BINDINGS = [("escape", "focus_name", "New learner")]

    def __init__(
        self,
        classroom: Any,
        go: Callable[[str], None],
        class_code: str | None = None,
        message: str | None = None,
    ) -> None:
        super().__init__()
        self.classroom, self.go, self.class_code = classroom, go, class_code
        self.first_message = message
        self.code: str | None = None  # the signed-in learner's code, once there is one

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="sign-in"):
            yield Static("Welcome to lstm-tutor", id="sign-in-title")
            with Vertical(classes="sign-in-part"):
                ask = "New here? Your name (your instructor sees it)"
                yield Label(ask + (" and the class code:" if self.class_code else ":"))
                with Horizontal():
                    yield Input(id="name", placeholder="e.g. Ada Lovelace", max_length=60)
                    if self.class_code:
                        yield Input(id="class-code", placeholder="class code", max_length=40)
                    yield Button("Start", id="start", variant="primary")
            with Vertical(classes="sign-in-part"):
                yield Label("Coming back? Your sign-in code:")
                with Horizontal():
                    yield Input(id="code", placeholder="ABCD-EFGH", max_length=12)
                    yield Button("Sign in", id="sign-in-button")
            yield Static(self.first_message or "", id="sign-in-message")
            yield Button("Continue", id="continue", variant="success", classes="hidden")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def action_focus_name(self) -> None:
        self.query_one("#name", Input).focus()

    def say(self, text: str) -> None:
        self.query_one("#sign-in-message", Static).update(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "code":
            self.sign_in()
        elif event.input.id == "name" and self.class_code:
            self.query_one("#class-code", Input).focus()
        else:
            self.start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"start": self.start, "sign-in-button": self.sign_in, "continue": self.proceed}
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def start(self) -> None:
        if self.code is not None:
            self.proceed()
            return
        if self.class_code:
            typed = self.query_one("#class-code", Input).value.strip()
            if typed.casefold() != self.class_code.casefold():
                self.say("That is not this class's code: ask your instructor for it.")
                self.query_one("#class-code", Input).focus()
                return
        try:
            learner = self.classroom.sign_up(self.query_one("#name", Input).value, self.class_code)
        except ValueError as exc:
            self.say(f"Please {escape(str(exc))}.")
            return
        except Exception as exc:  # noqa: BLE001 - the store is down: say so, keep the screen
            self.say(f"Could not sign you up: {escape(str(exc))}")
            return
        self.code = learner.signin
        self.say(
            f"Welcome, {escape(learner.name)}. Your sign-in code is [b]{learner.code}[/b].\n\n"
            "Write it down: it brings you back to your own progress after a reload, on "
            "another machine, or next week (the address bar will hold it too)."
        )
        button = self.query_one("#continue", Button)
        button.remove_class("hidden")
        button.focus()

    def sign_in(self) -> None:
        typed = self.query_one("#code", Input).value
        try:
            learner = self.classroom.sign_in(typed)
        except Exception as exc:  # noqa: BLE001 - the store is down: say so, keep the screen
            self.say(f"Could not sign you in: {escape(str(exc))}")
            return
        if learner is None:
            self.say(
                f"No learner has the code {escape(typed.strip()[:12])!r}: check it, or start "
                "anew above."
            )
            return
        self.code = learner.signin
        self.proceed()

    def proceed(self) -> None:
        if self.code is not None:
            self.go(self.code)
