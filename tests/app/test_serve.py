"""`lstm-tutor serve` in a real headless browser: one app session, and one progress, per visitor.

Needs the distribution's Chromium at /usr/bin/chromium (apt-get install chromium) and the
playwright package; where either is missing (a CI machine without a browser) it skips.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

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


def test_each_visitor_gets_a_session_folder_of_their_own(tmp_path):
    command = session_command(tmp_path / "sessions")
    assert "web-session" in command and str(tmp_path / "sessions") in command


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


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


# a click in the page's middle lands on a home-screen control and opens another screen;
# the header's corner only starts the app and gives the terminal focus
CORNER = {"x": 5, "y": 5}


def position(folder: Path, monkeypatch) -> tuple | None:
    """Where the learner whose data is in `folder` was last (read afresh each time)."""
    from tutor.progress import ProgressStore

    monkeypatch.setenv("LSTM_TUTOR_DATA_DIR", str(folder))
    return ProgressStore().last_position()


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium")
def test_two_browser_visitors_get_their_own_app_and_progress(tmp_path, monkeypatch):
    sync_api = pytest.importorskip("playwright.sync_api")
    port, root = free_port(), tmp_path / "sessions"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "tutor.cli", "serve", "--port", str(port)]
        + ["--sessions-root", str(root)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            pages = []
            for _ in range(2):  # two visitors: two browser contexts, as two machines would be
                page = browser.new_context(viewport={"width": 1100, "height": 700}).new_page()
                page.goto(f"http://127.0.0.1:{port}/")
                # textual-serve starts the app on first input
                page.locator("body").click(position=CORNER)
                pages.append(page)
            wait_until(lambda: root.exists() and len(list(root.iterdir())) == 2, 60, "2 sessions")
            folders = sorted(root.iterdir())
            # one visitor resumes lesson 1: their progress, and only theirs, records it

            def positions() -> list:
                return [position(folder, monkeypatch) for folder in folders]

            def resumed() -> bool:
                if not any(positions()):
                    # again (the app may still be starting); a click gives the terminal focus
                    pages[0].locator("body").click(position=CORNER)
                    pages[0].keyboard.press("r")
                    time.sleep(1)
                return any(positions())

            wait_until(resumed, 90, "the visitor's progress")
            time.sleep(2)
            pages[0].screenshot(path=str(tmp_path / "browser.png"))
            if os.environ.get("LSTM_TUTOR_DOCS_SCREENSHOT"):
                pages[0].screenshot(path=str(SHOT))
            assert sorted(map(str, positions())) == ["('lstm-forward-pass', 'intro')", "None"]
            browser.close()
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode(errors="replace")
    assert str(root) in output  # the server said where the visitors' progress goes
    assert (tmp_path / "browser.png").stat().st_size > 10_000  # a real picture of the app
