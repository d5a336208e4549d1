"""A serve host killed with SIGKILL (the server and every visitor's process at once) while a
learner is answering loses no answer it had committed, on either backend; the store opens
clean afterwards and its attempt log agrees with its counters."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from tests.stores import store_target  # noqa: F401 - the fixture
from tutor.progress.classroom import Classroom

ROOT = Path(__file__).resolve().parents[2]
LESSON = "lstm-forward-pass"
TIMEOUT = 180.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def attempts(target: str, learner: str) -> int:
    room = Classroom(target, read_only=True)
    try:
        return room.progress_of(learner).attempts(LESSON, "z0")
    finally:
        room.close()


def position(target: str, learner: str):
    room = Classroom(target, read_only=True)
    try:
        return room.progress_of(learner).last_position()
    finally:
        room.close()


async def until(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.3)


async def answer_until_killed(port: int, who, target: str, server: subprocess.Popen) -> int:
    """Answer z0 wrongly again and again; kill the host once a few answers are saved. Returns
    how many attempts the store had committed when the kill was sent."""
    url = f"http://127.0.0.1:{port}/ws/{who.signin}?width=100&height=30"
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, max_msg_size=0) as ws:
            received = 0

            async def read() -> None:
                nonlocal received
                async for message in ws:
                    if message.type == aiohttp.WSMsgType.BINARY:
                        received += len(message.data)

            reader = asyncio.create_task(read())
            await ws.send_json(["resize", {"width": 100, "height": 30}])
            await until(lambda: received > 3000, "the first screen")
            await ws.send_json(["stdin", "r"])
            await until(lambda: position(target, who.id) == (LESSON, "intro"), "the lesson")
            await ws.send_json(["stdin", "\r"])
            await until(lambda: position(target, who.id) == (LESSON, "z0"), "step z0")
            committed = 0
            for n in range(1, 200):
                await ws.send_json(["stdin", f"\x15{n % 7}\r"])  # ctrl+u, a wrong value, Enter
                await asyncio.sleep(0.05)
                committed = attempts(target, who.id)
                if committed >= 6:
                    break
            os.killpg(server.pid, signal.SIGKILL)  # mid-typing: more answers are in flight
            reader.cancel()
            return committed


def test_a_killed_serve_host_loses_no_committed_answer(store_target, tmp_path):  # noqa: F811
    room = Classroom(store_target)
    who = room.sign_up("Ada")
    room.close()
    port = free_port()
    with (tmp_path / "serve.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "tutor.cli", "serve", "--host", "127.0.0.1", "--port",
             str(port), "--sessions-root", str(tmp_path / "sessions"), "--store", store_target],
            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the host, all of it, is killed
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        committed = asyncio.run(answer_until_killed(port, who, store_target, server))
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)
    assert committed >= 6
    again = Classroom(store_target)  # what the next host would open
    assert again.backend.problem is None  # nothing damaged, nothing set aside
    mine = again.progress_of(who)
    after = mine.attempts(LESSON, "z0")
    assert after >= committed  # every committed answer is there
    assert len([r for r in mine.history(LESSON) if r[1] == "z0"]) == after  # log and counter agree
    if not store_target.startswith("postgresql://"):
        assert not list(Path(store_target).parent.glob("*.corrupt-*"))
