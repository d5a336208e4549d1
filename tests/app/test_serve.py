"""`lstm-tutor serve` in a real headless browser: learners who sign in, keep their progress
across a reload and never see each other's; the instructor who sees them both; a page that
loads nothing from another machine.

Needs the distribution's Chromium at /usr/bin/chromium (apt-get install chromium) and the
playwright package. Without them it skips; with LSTM_TUTOR_CI set (CI) it fails instead.
What the app draws is read from the websocket frames the browser receives (the terminal's
text); what it saved is read from the class store.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.stores import missing
from tutor.cli_serve import session_command

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SHOT = ROOT / "docs" / "screen-browser.png"
LESSON = "lstm-forward-pass"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def test_each_visitor_process_is_told_the_class_store(tmp_path):
    command = session_command(tmp_path / "sessions", "postgresql://u@h/db", "ML-101")
    assert "web-session" in command and str(tmp_path / "sessions") in command
    assert "--store postgresql://u@h/db" in command and "--class ML-101" in command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on port {port}")


# Playwright's sync API hands over events (the frames) only inside its own calls: waiting is
# done with page.wait_for_timeout, never time.sleep, or no frame would arrive meanwhile.
PAGES: list = []
VISITORS: list = []  # their screens go into a timeout's message


def pause(seconds: float) -> None:
    if PAGES:
        PAGES[-1].wait_for_timeout(seconds * 1000)
    else:
        time.sleep(seconds)


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            screens = "\n---\n".join(v.drawn()[-1200:] for v in VISITORS)
            raise AssertionError(f"timed out waiting for {what}; last drawn:\n{screens}")
        pause(0.25)


class Visitor:
    """One browser context (one machine) and the text its app has drawn."""

    def __init__(self, browser, base: str, foreign: list[str]) -> None:
        self.context = browser.new_context(viewport={"width": 1100, "height": 700})
        self.page = self.context.new_page()
        PAGES.append(self.page)
        VISITORS.append(self)
        self.frames: list[str] = []
        self.base = base

        def watch(url: str) -> None:
            if urlsplit(url).hostname not in LOOPBACK and not url.startswith("data:"):
                foreign.append(url)

        self.context.on("request", lambda request: watch(request.url))
        self.page.on("websocket", self._socket)
        self.page.on("websocket", lambda ws: watch(ws.url))

    def _socket(self, ws) -> None:
        def frame(payload) -> None:
            raw = payload if isinstance(payload, bytes) else payload.encode()
            # the terminal's text, without escape sequences (words stay whole)
            self.frames.append(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw.decode(errors="replace")))

        ws.on("framereceived", frame)

    def drawn(self) -> str:
        return "".join(self.frames)

    def open(self, path: str = "/") -> None:
        self.frames.clear()
        self.page.goto(self.base + path)
        self.wait_for_app()

    def wait_for_app(self) -> None:
        wait_until(
            lambda: (
                "-first-byte" in (self.page.get_attribute("body", "class") or "")
                and len(self.drawn()) > 1500
            ),  # a whole screen drawn, not only the first bytes
            90,
            "the app's first screen",
        )
        pause(1.5)  # the app settles; keys are taken without a click (focus on load)

    def keys(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            pause(0.3)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=20)


def start_server(port: int, root: Path, class_code: str, log: Path) -> tuple[subprocess.Popen, str]:
    """serve, its output to a file (a pipe nobody reads would fill and stop it)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "tutor.cli", "serve", "--port", str(port)]
            + ["--host", "127.0.0.1", "--sessions-root", str(root), "--class", class_code],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    wait_until(lambda: "Instructor" in log.read_text() or server.poll() is not None, 60,
               "serve's instructor address")  # fmt: skip
    assert server.poll() is None, log.read_text()
    wait_for_port(port)
    return server, re.search(r"\?code=([A-Z0-9]{8})", log.read_text()).group(1)


def learners(root: Path) -> dict:
    from tutor.progress.classroom import Classroom

    room = Classroom(root / "class.db", read_only=True)  # a fresh look each time
    return {who.name: (who, room.progress_of(who)) for who in room.learners()}


def sign_up(visitor: Visitor, name: str, class_code: str, root: Path) -> str:
    visitor.open("/")
    assert "Welcome to lstm-tutor" in visitor.drawn()
    visitor.type(name)
    visitor.keys("Enter")
    visitor.type(class_code)
    visitor.keys("Enter")
    wait_until(lambda: name in learners(root), 30, f"{name} signed up")
    code = learners(root)[name][0].signin
    wait_until(lambda: code[:4] in visitor.drawn(), 30, "the sign-in code shown")
    visitor.keys("Enter")  # Continue: the browser opens the learner's own address
    visitor.page.wait_for_url(re.compile(f"code={code}"), timeout=30_000)
    visitor.frames.clear()
    visitor.wait_for_app()
    return code


def answer_first_step(visitor: Visitor, name: str, root: Path, right: bool) -> None:
    """Resume (lesson 1, its introduction), move on to z0 and answer it."""
    from tutor.lessons.catalog import load_lesson
    from tutor.lessons.runtime import LessonSession

    visitor.keys("r")
    wait_until(lambda: learners(root)[name][1].last_position() == (LESSON, "intro"), 60,
               f"{name} in the lesson")  # fmt: skip
    visitor.keys("Enter")
    wait_until(lambda: learners(root)[name][1].last_position() == (LESSON, "z0"), 30,
               f"{name} at step z0")  # fmt: skip
    who = learners(root)[name][0]
    answer = LessonSession(load_lesson(LESSON), seed=who.seed).reveal("z0") if right else "0"
    visitor.type(answer)
    visitor.keys("Enter")
    wait_until(lambda: learners(root)[name][1].attempts(LESSON, "z0") == 1, 30,
               f"{name}'s answer saved")  # fmt: skip


def test_learners_sign_in_keep_their_own_progress_and_the_instructor_sees_them(tmp_path):
    if not CHROMIUM.exists():
        missing("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    try:
        from playwright import sync_api
    except ImportError:
        missing("playwright is not installed (pip install -e '.[test]')")
    port, root, foreign = free_port(), tmp_path / "sessions", []
    log = tmp_path / "serve.log"
    server, instructor = start_server(port, root, "ML-101", log)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            ada, bob = Visitor(browser, base, foreign), Visitor(browser, base, foreign)
            codes = {"Ada": sign_up(ada, "Ada", "ML-101", root)}
            codes["Bob"] = sign_up(bob, "Bob", "ML-101", root)
            assert codes["Ada"][:4] in ada.drawn() and "Ada" in ada.drawn()  # the header
            answer_first_step(ada, "Ada", root, right=True)
            answer_first_step(bob, "Bob", root, right=False)

            for visitor in (ada, bob):  # a reload: the same learner, not a new one
                visitor.page.reload()
                visitor.frames.clear()
                visitor.wait_for_app()
            assert codes["Ada"] in ada.page.url and codes["Bob"] in bob.page.url
            state = learners(root)
            assert sorted(state) == ["Ada", "Bob"]  # nobody new
            assert state["Ada"][1].completed_steps(LESSON) == ["intro", "z0"]
            assert state["Bob"][1].completed_steps(LESSON) == ["intro"]  # read, not z0
            assert state["Bob"][1].attempts(LESSON, "z0") == 1
            # the reloaded app is still Bob's: it resumes where he was, his answers go to him
            bob.keys("r")
            pause(5)  # the lesson opens at z0, where he was, his last answer in the box
            bob.keys("Control+u")  # cleared
            bob.type("2")
            bob.keys("Enter")
            wait_until(lambda: learners(root)["Bob"][1].attempts(LESSON, "z0") == 2, 60,
                       "Bob's answer after the reload")  # fmt: skip
            assert learners(root)["Ada"][1].attempts(LESSON, "z0") == 1

            teacher = Visitor(browser, base, foreign)
            teacher.open(f"/?code={instructor}")
            wait_until(lambda: "Ada" in teacher.drawn() and "Bob" in teacher.drawn(), 60,
                       "the class view")  # fmt: skip
            assert "z0" in teacher.drawn()
            ada.page.screenshot(path=str(tmp_path / "browser.png"))
            if os.environ.get("LSTM_TUTOR_DOCS_SCREENSHOT"):
                ada.page.screenshot(path=str(SHOT))
            browser.close()
            PAGES.clear()
            VISITORS.clear()
        assert "Bob" not in ada.drawn() and "Ada" not in bob.drawn()  # nothing of the other
    except AssertionError as failure:
        raise AssertionError(f"{failure}\n--- serve said:\n{log.read_text()[-3000:]}") from None
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert foreign == []  # nothing left the machine
    assert str(root / "class.db") in log.read_text()  # serve said where the progress goes
    assert (tmp_path / "browser.png").stat().st_size > 10_000  # a real picture of the app
